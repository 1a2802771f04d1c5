"""The controlled vocabulary shared by case files and rule files.

Every term has an id (what files write), a one-line definition in our words, and
the place in the book that grounds it. Decisions carry a severity rank so that a
prescribed decision can be compared with a recorded one.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

from pydantic import GetCoreSchemaHandler
from pydantic_core import core_schema

from case_procedure.sources import OPENING, Source


@dataclass(frozen=True)
class Term:
    id: str
    definition: str
    source: Source
    group: str | None = None  # bodies: party/outside; grounds: family; ties: closeness
    severity: int | None = None  # decisions only
    name: str | None = None  # factories: the name a reader knows the workplace by


def _src(chapter: str | int, section: str, pages: str) -> Source:
    return Source(chapter=str(chapter), section=section, pages=pages)


class Vocabulary:
    """Pydantic metadata that admits exactly the ids of one vocabulary: `Annotated[str, Vocabulary(TERMS)]`.

    The field validates and documents itself as a literal of the ids (the same errors and JSON Schema as a
    `Literal` written out), while the ids are written once, in the terms."""

    def __init__(self, terms: list[Term]) -> None:
        self.ids = [term.id for term in terms]

    def __get_pydantic_core_schema__(self, source: Any, handler: GetCoreSchemaHandler) -> core_schema.CoreSchema:
        return core_schema.literal_schema(self.ids)


def _table(terms: list[Term]) -> dict[str, Term]:
    return {term.id: term for term in terms}


# -- Bodies ------------------------------------------------------------------------------

BODY_TERMS = [
    Term("shop_organization", "The party members of one shop with their elected shop committee and organizer; "
         "the first body to take up a statement.", _src(1, "ACCUSATIONS AND ZAIAVLENIIA", "30-31"), "party"),
    Term("party_committee", "The factory party committee, elected by the factory's members, which reviewed shop "
         "decisions and heard cases itself.", _src(1, "ACCUSATIONS AND ZAIAVLENIIA", "30-31"), "party"),
    Term("general_meeting", "The factory-wide meeting of all party members, which from spring 1937 took up personal "
         "cases and could overturn the party committee.", _src(4, "THE THIRD INTERROGATION", "228"), "party"),
    Term("district_committee", "The district party committee above the factory; it received protocols and lists, "
         "ratified expulsions and heard appeals.", _src(5, "THE RAVAGES OF TERROR", "256-258"), "party"),
    Term("city_committee", "The Moscow city party committee; it pressed lower bodies, received statements and could "
         "overturn their decisions.", _src(5, "UNMASKING THE SLANDERERS", "278"), "party"),
    Term("party_control", "The Commission of Party Control and the Central Committee, to which members appealed "
         "over the heads of local bodies.", _src(4, "THE SECOND INTERROGATION", "225-226"), "party"),
    Term("nkvd", "The political police; it arrested outside party procedure and passed information to party "
         "bodies.", _src(4, "MARIIA ZHIDKOVA AND ESFIR KRIVITSKAIA: COWORKERS AND FRIENDS", "209"), "outside"),
    Term("director", "The factory director and administration, who hired, fired and removed people from "
         "administrative posts.", _src(2, "CHAOS", "134"), "outside"),
    Term("factory_newspaper", "The factory paper (Kirovets at Dinamo, Martenovka at Serp i Molot), which printed "
         "accusations and demanded investigations.", _src(2, "EACH AGAINST ALL", "126-130"), "outside"),
    Term("court", "Courts, the Military Collegium and NKVD boards that tried and sentenced the arrested.",
         _src(2, "FIRE AND TRIAL", "102"), "outside"),
]
BODIES = _table(BODY_TERMS)
Body = Annotated[str, Vocabulary(BODY_TERMS)]
PARTY_BODIES = frozenset(t.id for t in BODY_TERMS if t.group == "party")
# The ladder of party bodies, lowest first (the terms are listed in that order); every ordering of bodies
# starts from it, and BODY_ORDER puts the bodies outside the party after it.
LADDER = tuple(t.id for t in BODY_TERMS if t.group == "party")
BODY_ORDER = (*LADDER, *(t.id for t in BODY_TERMS if t.group != "party"))

# -- Decisions, mildest first ---------------------------------------------------------------

DECISION_TERMS = [
    Term("statement_accepted", "The body accepts the statement and takes no further action.",
         _src(3, "TAINTED RELATIVES AND SPOILT BIOGRAPHIES", "172"), severity=0),
    Term("deferred_for_inquiry", "The body defers the case and asks for more information before deciding.",
         _src(3, OPENING, "140-144"), severity=1),
    Term("censure", "A censure voiced by the body, with no formal penalty entered.", _src(2, "CHAOS", "130-133"),
         severity=2),
    Term("warning", "A warning that a severe reprimand will follow if conduct does not improve.",
         _src(2, "FIRE AND TRIAL", "103"), severity=2),
    Term("file_notation", "A notation in the personal party file, milder than a reprimand.",
         _src(4, "THE FIRST INTERROGATION", "222"), severity=3),
    Term("reprimand", "A party reprimand.", _src(4, "THE SECOND INTERROGATION", "224"), severity=4),
    Term("strict_reprimand", "A strict party reprimand.", _src(4, "THE THIRD INTERROGATION", "243"), severity=5),
    Term("strict_reprimand_with_warning", "A strict reprimand with a warning that expulsion will follow next.",
         _src(3, "SPURNING RELATIVES", "186"), severity=6),
    Term("removal_from_party_post", "Removal from an elected party post while keeping membership.",
         _src(3, "SPURNING RELATIVES", "185"), severity=7),
    Term("removal_from_job_recommended", "A recommendation to the director to remove the member from an "
         "administrative post.", _src(4, "THE SECOND INTERROGATION", "224"), severity=8),
    Term("demotion_to_sympathizer", "Demotion from member to party sympathizer, a supporter without membership.",
         _src(3, "IMPOSSIBLE DILEMMAS", "181-182"), severity=9),
    Term("expulsion", "Expulsion from the Party; the party card is taken at the meeting.",
         _src(4, "THE THIRD INTERROGATION", "243"), severity=10),
    # Procedural outcomes, ranked by the member's standing that results from them.
    Term("reinstatement", "A higher body reverses an expulsion and restores membership.",
         _src(5, "THE RAVAGES OF TERROR", "257"), severity=0),
    Term("appeal_rejected", "A higher body upholds the expulsion appealed against.",
         _src(5, "THE RAVAGES OF TERROR", "257-258"), severity=10),
    Term("referral", "The body sends the matter to another body without deciding it.",
         _src(3, "A FAMILY TORN APART", "190"), severity=1),
    Term("appeal_unanswered", "The appeal is left to 'marinate': no answer comes, and the expulsion stands.",
         _src(5, "THE RAVAGES OF TERROR", "257-258"), severity=10),
]
DECISIONS = _table(DECISION_TERMS)
Decision = Annotated[str, Vocabulary(DECISION_TERMS)]


ACRONYMS = {"nkvd": "NKVD"}


def label(term: str) -> str:
    """A term as words: `strict_reprimand` -> `strict reprimand`, `nkvd` -> `NKVD`."""
    return ACRONYMS.get(term, term.replace("_", " "))


def severity(decision: str) -> int:
    severity_rank = DECISIONS[decision].severity
    assert severity_rank is not None
    return severity_rank


# -- Grounds, grouped into families ---------------------------------------------------------

def _ground(id: str, family: str, definition: str, source: Source) -> Term:
    return Term(id, definition, source, family)


_MASKING = _src(1, "MASKING AND UNMASKING", "55-60")
_SILENCE = _src(2, "SILENCE: THE LAST REDOUBT OF DECENCY", "105-110")
_TIES = _src(2, "ASSOCIATIONAL TIES", "110-120")
_OVERLOOK = _src(1, "OVERLOOKING THE ENEMY, SMOOTHING OVER ENEMY ACTIVITIES, AND COMPLACENCY", "60-64")
_SUPPRESS = _src(1, "SUPPRESSION OF CRITICISM AND PROTECTION OF ENEMIES", "70-74")
_WRECK = _src(1, "HUNTING WRECKERS IN THE FACTORIES", "47-55")
_REVIEW = _src(1, "UNCOVERING TERRORISTS AND DOUBLE DEALERS", "36-37")

GROUND_TERMS = [
    _ground("concealment", "honesty", "Hiding a relative's arrest or expulsion, a tie, or one's own origin or past.",
            _src(3, "TAINTED RELATIVES AND SPOILT BIOGRAPHIES", "166-174")),
    _ground("failure_to_report", "honesty", "Not filing, or filing late, the statement required on learning of "
            "an arrest or expulsion.", _src(3, "THE IRON RULES OF THE GAME", "144-146")),
    _ground("insincerity", "honesty", "Lack of frankness or lying to the Party or the meeting.", _MASKING),
    _ground("tie_to_enemy", "association", "A personal, family or working tie to someone declared an enemy.", _TIES),
    _ground("failure_to_unmask", "association", "Not exposing someone who was later arrested.", _SILENCE),
    _ground("silence", "association", "Not speaking at the meeting where enemies were exposed, or abstaining on "
            "their expulsion.", _SILENCE),
    _ground("refusal_to_renounce", "association", "Refusing to break with an arrested spouse or relative.",
            _src(3, "THE TERROR'S IMPACT ON THE FAMILY", "157-161")),
    _ground("aid_to_relatives_of_enemies", "association", "Helping the relatives or family of an arrested person.",
            _src(3, "IMPOSSIBLE DILEMMAS", "178-182")),
    _ground("supporting_enemies", "association", "Being called a supporter or helper of enemies of the people.",
            _src(1, "ENEMIES OF THE PEOPLE AND THEIR SUPPORTERS", "74-78")),
    _ground("lack_of_vigilance", "vigilance", "Lack of vigilance or political blindness toward an enemy nearby.",
            _OVERLOOK),
    _ground("overlooking_an_enemy", "vigilance", "Having failed to notice an enemy, a lesser charge than a tie.",
            _OVERLOOK),
    _ground("protecting_an_enemy", "vigilance", "Defending, appointing or ignoring signals about someone later "
            "arrested.", _SUPPRESS),
    _ground("suppression_of_criticism", "democracy", "Rebutting or silencing criticism from below.", _SUPPRESS),
    _ground("violation_of_party_democracy", "democracy", "Breaches of internal party democracy, rudeness, high-handed "
            "leadership.", _src(1, "LICKSPITTLES, CRITICISM, AND DEMOCRACY", "64-70")),
    _ground("wrecking", "production", "Sabotage of production, recast from accidents, waste or failure.", _WRECK),
    _ground("production_failure", "production", "Failing to remedy the consequences of wrecking or to meet plans.",
            _src(2, "CHAOS", "130-135")),
    _ground("former_oppositionism", "politics", "A Trotskyist, Zinovievite, rightist or other opposition past.",
            _REVIEW),
    _ground("counterrevolutionary_activity", "politics", "Alleged membership of or work for a hostile organization, "
            "double dealing.", _src(1, "UNCOVERING TERRORISTS AND DOUBLE DEALERS", "31-43")),
    _ground("anti_party_statements", "politics", "Remarks at meetings or in study circles judged hostile.", _WRECK),
    _ground("social_origin", "identity", "Origin in a class held hostile (kulak, trader, clergy).", _MASKING),
    _ground("national_category", "identity", "Belonging to a nationality targeted by the national operations.",
            _src(4, "NATIONAL OPERATIONS AND COLLATERAL DAMAGE", "215-219")),
    _ground("passivity", "conduct", "Inactivity in party life, the chief ground of the 1935 review.", _REVIEW),
    _ground("misconduct", "conduct", "Drunkenness, domestic violence, a poor work record or petty crime.", _REVIEW),
    _ground("speculation", "conduct", "Trading for profit.", _src(5, "UNMASKING THE SLANDERERS", "278-279")),
    _ground("slander", "slander", "Making false or unsupported accusations against party members.",
            _src(5, "UNMASKING THE SLANDERERS", "275-280")),
]
GROUNDS = _table(GROUND_TERMS)
Ground = Annotated[str, Vocabulary(GROUND_TERMS)]
GROUND_FAMILIES = sorted({t.group for t in GROUND_TERMS if t.group})

# -- Ties between people, by closeness ----------------------------------------------------

_FAMILY = _src(3, "THE TERROR'S IMPACT ON THE FAMILY", "152-166")
TIE_TERMS = [
    Term("spouse", "Husband or wife, including common-law.", _FAMILY, "close"),
    Term("former_spouse", "A former husband or wife.", _FAMILY, "close"),
    Term("parent", "Father or mother (also step-parent).", _FAMILY, "close"),
    Term("child", "Son or daughter.", _FAMILY, "close"),
    Term("sibling", "Brother or sister.", _FAMILY, "close"),
    Term("in_law", "A relative by marriage: brother-in-law, son-in-law and the like.", _FAMILY, "distant"),
    Term("cousin", "A cousin.", _src(3, "SPURNING RELATIVES", "183-186"), "distant"),
    Term("other_relative", "An aunt, uncle, grandparent or more distant relative.", _FAMILY, "distant"),
    Term("romantic", "A love affair or intimate relationship.", _src(4, "THE SECOND INTERROGATION", "223-224"),
         "close"),
    Term("friend", "A friend or drinking companion.", _TIES, "associate"),
    Term("boss", "The other person was this person's superior at work.", _TIES, "associate"),
    Term("subordinate", "The other person worked under this person.", _TIES, "associate"),
    Term("coworker", "A colleague in the same shop or office.", _TIES, "associate"),
    Term("acquaintance", "A guest at the same gathering or a passing acquaintance.", _TIES, "associate"),
]
TIE_KINDS = _table(TIE_TERMS)
TieKind = Annotated[str, Vocabulary(TIE_TERMS)]

# -- Conduct: what a person did that rules may weigh ----------------------------------------

_IRON = _src(3, "THE IRON RULES OF THE GAME", "144-146")
CONDUCT_TERMS = [
    Term("concealment", "Kept back a fact the Party required to be disclosed.", _MASKING),
    Term("disclosure", "Told the Party a fact about oneself or a relative (orally or in writing).", _IRON),
    Term("denial", "Denied a tie or a fact that others asserted.", _src(4, "THE THIRD INTERROGATION", "228-243")),
    Term("admission", "Admitted a fault or mistake before the body.", _src(4, "THE THIRD INTERROGATION", "228-243")),
    Term("refusal_to_renounce", "Refused to break with an arrested or expelled relative.",
         _src(3, "THE TERROR'S IMPACT ON THE FAMILY", "157-161")),
    Term("renunciation", "Publicly broke with an arrested or expelled relative.",
         _src(3, "SPURNING RELATIVES", "182-186")),
    Term("aid", "Gave money, parcels, shelter, work or care to someone arrested or expelled or their family.",
         _src(3, "IMPOSSIBLE DILEMMAS", "178-182")),
    Term("visit", "Visited someone arrested, exiled or expelled.", _src(3, "IMPOSSIBLE DILEMMAS", "178-182")),
    Term("cohabitation", "Lived in the same household or room as the person.", _src(3, "IMPOSSIBLE DILEMMAS",
                                                                                    "178-182")),
    Term("correspondence", "Wrote letters to the person.", _SILENCE),
    Term("silence", "Said nothing at a meeting where someone was exposed.", _SILENCE),
    Term("abstention", "Did not vote for an expulsion.", _SILENCE),
    Term("defense", "Spoke in defence of an accused person.", _SILENCE),
    Term("defending_comrade", "Vouched at a meeting for a comrade under attack, who was not charged as an enemy.",
         _src(3, "THE TERROR'S IMPACT ON THE FAMILY", "163-165")),
    Term("shunning", "Avoided a person, broke off contact or refused to be seen with them, short of a formal "
         "renunciation.", _src(3, "SPURNING RELATIVES", "182-186")),
]
CONDUCTS = _table(CONDUCT_TERMS)
Conduct = Annotated[str, Vocabulary(CONDUCT_TERMS)]

# -- Statement kinds --------------------------------------------------------------------

_ZAIAV = _src(1, "ACCUSATIONS AND ZAIAVLENIIA", "29-31")
STATEMENT_TERMS = [
    Term("self_report", "A statement about oneself or one's relatives: an arrest, an expulsion, one's past.", _ZAIAV),
    Term("denunciation", "A statement accusing someone else.", _ZAIAV),
    Term("preemptive", "A statement written to distance oneself from someone before the blow fell.",
         _src(2, "STRATEGIES OF SURVIVAL", "120-125")),
    Term("appeal", "A statement asking a higher body to reverse a decision.", _src(5, "THE RAVAGES OF TERROR", "257")),
    Term("information", "Material passed from one body to another, such as interrogation testimony.",
         _src(4, "THE SECOND INTERROGATION", "223-224")),
]
STATEMENT_KINDS = _table(STATEMENT_TERMS)
StatementKind = Annotated[str, Vocabulary(STATEMENT_TERMS)]

# -- Attributes of people ------------------------------------------------------------------

NOT_STATED = "not_stated"
_DINAMO = _src(2, "DINAMO: THE FACTORY", "87-91")
PARTY_STATUS_TERMS = [
    Term("member", "A full member of the Party.", _DINAMO),
    Term("candidate", "A candidate for membership.", _DINAMO),
    Term("sympathizer", "A recognized supporter who is not a member.", _src(3, "IMPOSSIBLE DILEMMAS", "181-182")),
    Term("komsomol", "A member of the Communist youth league only.", _src(2, "SILENCE: THE LAST REDOUBT OF DECENCY",
                                                                          "105-110")),
    Term("non_party", "Not in the Party.", _src(5, "THE RAVAGES OF TERROR", "256")),
    Term("expelled", "Already expelled before the events of the case.", _src(5, "THE RAVAGES OF TERROR", "257")),
    Term(NOT_STATED, "The book does not say.", _DINAMO),
]
PARTY_STATUSES = _table(PARTY_STATUS_TERMS)
PartyStatus = Annotated[str, Vocabulary(PARTY_STATUS_TERMS)]

ORIGIN_TERMS = [
    Term("worker", "Working-class origin.", _DINAMO),
    Term("peasant", "Peasant origin.", _REVIEW),
    Term("kulak", "From a family classed as kulaks (well-off peasants).", _REVIEW),
    Term("trader", "From a family of traders or merchants.", _MASKING),
    Term("white_collar", "From office employees or the intelligentsia.", _REVIEW),
    Term("clergy", "From a clergy family.", _REVIEW),
    Term(NOT_STATED, "The book does not say.", _DINAMO),
]
ORIGINS = _table(ORIGIN_TERMS)
Origin = Annotated[str, Vocabulary(ORIGIN_TERMS)]

_NATIONAL = _src(4, "NATIONAL OPERATIONS AND COLLATERAL DAMAGE", "215-219")
NATIONALITY_TERMS = [
    Term("russian", "Russian.", _DINAMO, "untargeted"),
    Term("ukrainian", "Ukrainian.", _DINAMO, "untargeted"),
    Term("jewish", "Jewish.", _DINAMO, "untargeted"),
    Term("polish", "Polish; targeted by order 00485.", _NATIONAL, "targeted"),
    Term("latvian", "Latvian; targeted by the Latvian operation.", _src(3, "TAINTED RELATIVES AND SPOILT "
                                                                            "BIOGRAPHIES", "173-174"), "targeted"),
    Term("german", "German; targeted by order 00439.", _NATIONAL, "targeted"),
    Term("other", "Another nationality, named in the person's note.", _DINAMO, "untargeted"),
    Term(NOT_STATED, "The book does not say.", _DINAMO, "untargeted"),
]
NATIONALITIES = _table(NATIONALITY_TERMS)
Nationality = Annotated[str, Vocabulary(NATIONALITY_TERMS)]

SEX_TERMS = [
    Term("female", "A woman.", _src(3, "CONCLUSION", "191-198")),
    Term("male", "A man.", _src(3, "CONCLUSION", "191-198")),
    Term(NOT_STATED, "The book does not say.", _src(3, "CONCLUSION", "191-198")),
]
SEXES = _table(SEX_TERMS)
Sex = Annotated[str, Vocabulary(SEX_TERMS)]

OPPOSITION_TERMS = [
    Term("none", "The book says or makes plain there was no opposition past.", _REVIEW),
    Term("trotskyist", "Past Trotskyist sympathies or attendance at Trotskyist meetings.", _REVIEW),
    Term("zinovievite", "Past Zinovievite opposition.", _REVIEW),
    Term("rightist", "Past ties to the right opposition.", _SILENCE),
    Term("menshevik", "A Menshevik past.", _src(4, "ALEKSANDR SOMOV: BRINGING DOWN THE MIGHTY", "212-215")),
    Term(NOT_STATED, "The book does not say.", _REVIEW),
]
OPPOSITIONS = _table(OPPOSITION_TERMS)
Opposition = Annotated[str, Vocabulary(OPPOSITION_TERMS)]

FACTORY_TERMS = [
    Term("dinamo", "Dinamo electrical machine plant, Moscow.", _DINAMO, name="Dinamo"),
    Term("serp_i_molot", "Serp i Molot (Hammer and Sickle) steel plant, Moscow.", _src(4, OPENING, "199-202"),
         name="Serp i Molot"),
    Term("trekhgornaia", "Trekhgornaia Manufaktura textile mill, Moscow.", _src(3, OPENING, "140-144"),
         name="Trekhgornaia Manufaktura"),
    Term("krasnyi_proletarii", "Krasnyi Proletarii machine-tool plant, Moscow.", _src(3, "IMPOSSIBLE DILEMMAS",
                                                                                      "181-182"),
         name="Krasnyi Proletarii"),
    Term("likerno_vodochnyi", "Likerno-Vodochnyi distillery, Moscow.", _src(5, "LOCAL PANDEMONIUM", "273-274"),
         name="Likerno-Vodochnyi distillery"),
    Term("other", "Another workplace, named in the note.", _DINAMO),
    Term(NOT_STATED, "The book does not say.", _DINAMO),
]
FACTORIES = _table(FACTORY_TERMS)
Factory = Annotated[str, Vocabulary(FACTORY_TERMS)]


def factory_name(term: str) -> str:
    """A factory term as a reader knows the workplace: `serp_i_molot` -> `Serp i Molot`, `other` -> `other`."""
    return FACTORIES[term].name or label(term)

VOCABULARIES: dict[str, dict[str, Term]] = {
    "body": BODIES,
    "decision": DECISIONS,
    "ground": GROUNDS,
    "tie": TIE_KINDS,
    "conduct": CONDUCTS,
    "statement": STATEMENT_KINDS,
    "party_status": PARTY_STATUSES,
    "origin": ORIGINS,
    "nationality": NATIONALITIES,
    "sex": SEXES,
    "opposition": OPPOSITIONS,
    "factory": FACTORIES,
}
