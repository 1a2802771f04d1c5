"""What a body knew at a hearing, as flat facts that rules can test one at a time.

The situation builder reads a case and one hearing of the accused and derives facts
such as "the accused's spouse had been arrested and the accused reported it the next
day". Relations between entries (dates, who concerns whom, what came before) are
computed here, in Python, so that every rule pattern tests a single fact: joins with
cross-fact tests crash durable-rules (engine.py lists its pitfalls).

`CATALOGUE` lists every fact kind and its attributes with their allowed values; rule
files are checked against it, so a rule cannot test a fact that is never produced.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal, Union, get_args

from case_procedure import codebook
from case_procedure.case import (
    Appeal,
    Arrest,
    Case,
    ConductEntry,
    Death,
    Event,
    Exile,
    Expulsion,
    Hearing,
    Rehabilitation,
    Reinstatement,
    Release,
    Sentence,
    Statement,
    Tie,
)
from case_procedure.dates import HistDate

Value = Union[str, int, bool]

REPORT_STATES = ("prompt", "late", "none", "unknown")
PROMPT_DAYS = 1  # the book: reported "immediately", in practice the next day
CLOSENESS = ("close", "distant", "associate", "none")
# Whether a blow (arrest, standing expulsion, sentence, execution) fell before the hearing: certainly (it is in
# the record before it, or its date ends before the hearing's begins), possibly (the dates overlap), or not.
ENEMY_STATES = ("none", "possible", "certain")
CONTACT = ("aid", "visit", "cohabitation", "correspondence")  # conduct that keeps a tie alive
AID = ("aid", "visit")  # the help to the struck and their families that the 1937 norms charged (N37-5)
BREAK_DAYS = 365  # a tie ended at least this long before the hearing, with no contact since, is broken off
# What the record says of a charge; the neutral first, since a rule test gives charges as the body laid them.
CHARGE_STATUSES = ("supported", "unknown", "contradicted")
CHARGE_BASES = ("trust", "record")  # a norm set counts every formal charge, or only those the record supports
HOSTILE_ORIGINS = ("kulak", "trader", "clergy")
INVERSE_TIE = {"boss": "subordinate", "subordinate": "boss", "parent": "child", "child": "parent"}


@dataclass(frozen=True)
class Attribute:
    description: str
    values: tuple[str, ...] | None = None  # allowed text values; None with kind int/bool
    kind: type = str
    neutral: Value | None = None  # the value a rule test leaves out takes (default: false, 0, first term)

    @property
    def default(self) -> Value:
        if self.neutral is not None:
            return self.neutral
        return {bool: False, int: 0}.get(self.kind, (self.values or ("",))[0])


def _terms(vocabulary: dict[str, codebook.Term]) -> tuple[str, ...]:
    return tuple(vocabulary)


OPENING = "opening"  # the moment a statement opens a case, before any body has heard it
# What a clock fact runs from (clock.py computes them): the first statement about the accused, the accused's
# pending appeal, the accused's standing expulsion, the first arrest of a relative or of an associate
CLOCKS = ("statement", "appeal", "expulsion", "relative_arrest", "associate_arrest")
ROUTE_FACTS = ("outcome",)  # facts that exist only once a step has decided: route rules alone test them
# The entries of the record other than hearings that judgments weigh (judgments.py), and the facts a judgment sees
JudgedEntry = Literal["dismissal", "arrest", "appeal"]
JUDGED: tuple[str, ...] = get_args(JudgedEntry)
ENTRY_FACTS = ("entry", "accused")
ENTRY_ONLY = ("entry",)  # facts that exist only for a judged entry: decision and route rules never see them

CATALOGUE: dict[str, dict[str, Attribute]] = {
    "hearing": {
        "body": Attribute("The body hearing the case", (*_terms(codebook.BODIES), OPENING)),
        "first_hearing": Attribute("No body has heard the accused's case before", kind=bool, neutral=True),
        "appeal_pending": Attribute("The accused appealed after the previous hearing", kind=bool),
        "accused_expelled": Attribute("The accused stands expelled when the hearing opens", kind=bool),
    },
    "accused": {
        "sex": Attribute("Sex of the accused", _terms(codebook.SEXES)),
        "party_status": Attribute("Standing when the case began", _terms(codebook.PARTY_STATUSES)),
        "origin": Attribute("Social origin", _terms(codebook.ORIGINS)),
        "nationality": Attribute("Nationality", _terms(codebook.NATIONALITIES)),
        "targeted_nationality": Attribute("Of a nationality the national operations targeted", kind=bool),
        "opposition": Attribute("Past oppositionism", _terms(codebook.OPPOSITIONS)),
        "arrested": Attribute("The accused had been arrested before the hearing", kind=bool),
    },
    "charge": {
        "ground": Attribute("One ground charged at this hearing", _terms(codebook.GROUNDS)),
        "family": Attribute("The family of that ground", tuple(codebook.GROUND_FAMILIES)),
        "status": Attribute("Whether the record supports the charge, contradicts it, or cannot tell",
                            CHARGE_STATUSES),
        "counted": Attribute("The norm set counts the charge: it takes charges on trust, or the record supports "
                             "it", kind=bool, neutral=True),
        "target_enemy": Attribute("Whether anyone tied to the accused had been arrested, expelled or sentenced "
                                  "before the hearing: certain, possible (the dates overlap) or none", ENEMY_STATES),
        "target_closeness": Attribute("The closest tie to such a person ('none' without one)", CLOSENESS,
                                      neutral="none"),
        "target_subordinate": Attribute("Someone under the accused at work had been arrested, expelled or "
                                        "sentenced before the hearing", kind=bool),
        "concerns_report": Attribute("The charge is about a report: a charge of not reporting, or of concealment "
                                     "or insincerity where a relative certainly struck before the hearing was "
                                     "reported late or not at all and the record shows no denial (a lie)",
                                     kind=bool),
        "concerns_aid": Attribute("The charge is one the norms used for help to the struck and the record shows "
                                  "the accused's aid or visits to the struck or their family (conduct "
                                  "toward_struck)", kind=bool),
    },
    "reviewed": {
        "count": Attribute("How many grounds the expulsion under review (or, with none yet, this hearing) "
                           "charged", kind=int),
        "only_family": Attribute("The one family those grounds belong to, 'mixed', or 'none'",
                                 (*codebook.GROUND_FAMILIES, "mixed", "none")),
        "report_only": Attribute("Every one of those grounds is about a report (see charge.concerns_report)",
                                 kind=bool),
        "all_contradicted": Attribute("The record contradicts every one of those grounds (and there is one at "
                                      "least): checked against the record, the accusations do not hold", kind=bool),
    },
    "charges": {
        "count": Attribute("How many grounds were charged", kind=int),
        "only_family": Attribute("The one family all grounds belong to, 'mixed', or 'none'",
                                 (*codebook.GROUND_FAMILIES, "mixed", "none")),
    },
    "accusation": {
        "ground": Attribute("A ground a speaker alleged from the floor: not the body's formal charge",
                            _terms(codebook.GROUNDS)),
        "family": Attribute("The family of that ground", tuple(codebook.GROUND_FAMILIES)),
        "proposed": Attribute("What that speaker proposed ('none' if nothing)", (*_terms(codebook.DECISIONS), "none"),
                              neutral="none"),
    },
    "tie": {
        "tie_kind": Attribute("What the other person is to the accused", _terms(codebook.TIE_KINDS)),
        "closeness": Attribute("close, distant or associate: the kind's closeness, raised to close by aid, visits, "
                               "living together or letters, lowered to distant by a tie ended a year or more "
                               "before with no contact since", CLOSENESS[:3]),
        "kind_closeness": Attribute("The closeness of the kind of tie alone (spouse, parent, child, sibling, "
                                    "lover: close; other relatives: distant; the rest: associate)", CLOSENESS[:3]),
        "enemy_before": Attribute("Whether the other person had been arrested, expelled or sentenced before the "
                                  "hearing: certain, possible (the dates overlap) or none", ENEMY_STATES),
        "tie_certainty": Attribute("How sure the tie is: stated, inferred, or contested (the book's readings "
                                   "disagree)", ("stated", "inferred", "contested")),
        "in_contact": Attribute("The accused aided, visited, lived with or wrote to the other person", kind=bool),
        "renounced": Attribute("The accused renounced the other person before the hearing", kind=bool),
        "aided": Attribute("The accused gave the other person aid or visited them before the hearing", kind=bool),
        "broke_off": Attribute("The tie ended a year or more before the hearing, with no contact since", kind=bool),
        "other_arrested": Attribute("The other person had been arrested before the hearing", kind=bool),
        "other_expelled": Attribute("The other person had been expelled before the hearing", kind=bool),
        "other_targeted_nationality": Attribute("The other person was of a targeted nationality", kind=bool),
        "report": Attribute("Whether the accused reported the other's arrest or expulsion, and how soon",
                            REPORT_STATES),
    },
    "conduct": {
        "conduct": Attribute("What the accused did", _terms(codebook.CONDUCTS)),
        "toward_closeness": Attribute("Closeness of the person the conduct concerns ('none' if no one)",
                                      CLOSENESS),
        "toward_arrested": Attribute("That person had been arrested before the hearing", kind=bool),
        "toward_struck": Attribute("The conduct concerns an arrest, expulsion, sentence or exile in the record, "
                                   "or that person may already have been struck when it happened", kind=bool),
    },
    "denunciation": {
        "target_cleared": Attribute("Someone the statement accused was cleared after it, before the hearing: "
                                    "reinstated, released or rehabilitated", kind=bool),
        "target_struck": Attribute("Someone the statement accused was arrested, expelled or sentenced after it, "
                                   "before the hearing", kind=bool),
    },
    "statement": {
        "statement_kind": Attribute("Kind of statement about the accused", _terms(codebook.STATEMENT_KINDS)),
        "by_accused": Attribute("The accused wrote it", kind=bool),
        "from_nkvd": Attribute("The NKVD wrote or passed it on", kind=bool),
        "since_last_hearing": Attribute("It arrived after the accused's previous hearing", kind=bool),
    },
    "prior_decision": {
        "body": Attribute("The body that decided earlier in this case", _terms(codebook.BODIES)),
        "decision": Attribute("What it decided", _terms(codebook.DECISIONS)),
        "severity": Attribute("Severity rank of that decision (0 mildest, 10 expulsion)", kind=int),
        "higher_body": Attribute("That body stands above the present one on the ladder", kind=bool),
        "latest": Attribute("It is the most recent earlier decision", kind=bool),
    },
    "clock": {
        "since": Attribute("What the clock runs from: the first statement about the accused, the accused's pending "
                           "appeal, the accused's standing expulsion, the first arrest of a relative or of an "
                           "associate", CLOCKS),
        "min_days": Attribute("Days certainly elapsed from it to the hearing (the shortest the record's dates allow)",
                              kind=int),
        "max_days": Attribute("Days possibly elapsed from it to the hearing (the longest the record's dates allow)",
                              kind=int),
    },
    "entry": {
        "type": Attribute("The kind of entry judged: the accused's dismissal or arrest, or an appeal by or for the "
                          "accused", JUDGED),
        "by": Attribute("The body that acted (dismissed, arrested), or not_stated",
                        (*_terms(codebook.BODIES), codebook.NOT_STATED), neutral=codebook.NOT_STATED),
        "accused_expelled": Attribute("The accused stood expelled from the Party when it happened", kind=bool),
        "after_hearing": Attribute("A party body had heard the accused's case before it", kind=bool),
        "tie_struck": Attribute("The closest tie of the accused to someone arrested, expelled or sentenced before "
                                "it ('none' without one)", CLOSENESS, neutral="none"),
        "grounds_family": Attribute("The one family of the grounds the record gives for a dismissal, 'mixed', or "
                                    "'none' where it gives none", (*codebook.GROUND_FAMILIES, "mixed", "none"),
                                    neutral="none"),
        "by_accused": Attribute("An appeal the accused lodged", kind=bool),
        "by_relative": Attribute("An appeal a relative lodged on the accused's behalf", kind=bool),
        "answered": Attribute("A later hearing of the accused or a reinstatement answered the appeal", kind=bool),
        "waited_min_days": Attribute("Days the appeal certainly waited: to its answer, or unanswered to the "
                                     "record's last entry (the shortest the dates allow)", kind=int),
        "waited_max_days": Attribute("Days the appeal possibly waited (the longest the dates allow)", kind=int),
    },
    "outcome": {
        "decision": Attribute("The decision just taken at this step ('none' when no rule decided)",
                              (*_terms(codebook.DECISIONS), "none"), neutral="none"),
        "severity": Attribute("Its severity rank (0 mildest, 10 expulsion)", kind=int),
        "expelling": Attribute("The decision expels the accused (expulsion, or an appeal rejected)", kind=bool),
        "appeals": Attribute("The record shows the accused appealed; the simulation takes the accused's own "
                             "choices from the record", kind=bool),
    },
}


RESERVED = ("id", "kind", "sid")  # the engine's own properties; no attribute may use them


@dataclass(frozen=True)
class Fact:
    """One fact of a situation: flat attributes for the engine, plus what it was derived from."""

    id: str
    kind: str
    attributes: dict[str, Value]
    description: str
    derived_from: tuple[str, ...] = ()
    because: dict[str, tuple[str, ...]] = field(default_factory=dict)  # attribute -> how it was derived

    def engine_fact(self) -> dict[str, Value]:
        return {"id": self.id, "kind": self.kind, **self.attributes}


@dataclass(frozen=True)
class ChargeFinding:
    """A formal charge of the hearing, what the record says of it, and whether the norm set counts it."""

    fact_id: str
    ground: str
    family: str
    status: str
    counted: bool
    because: tuple[str, ...]


@dataclass(frozen=True)
class Situation:
    case_id: str
    hearing: Hearing
    facts: tuple[Fact, ...] = field(default_factory=tuple)
    charges: tuple[ChargeFinding, ...] = ()  # every formal charge, counted or not

    def fact(self, fact_id: str) -> Fact:
        return next(f for f in self.facts if f.id == fact_id)


# -- Helpers over the case ------------------------------------------------------------------

def _rank(body: str) -> int:
    return codebook.LADDER.index(body) if body in codebook.LADDER else -1


def _report_state(reports: list[HistDate], event: HistDate) -> str:
    if not reports:
        return "none"
    first = min(reports)
    if (first.latest - event.earliest).days <= PROMPT_DAYS:
        return "prompt"
    if (first.earliest - event.latest).days > PROMPT_DAYS:
        return "late"
    return "unknown"


def ground_family(ground: str) -> str:
    return codebook.GROUNDS[ground].group or ""


def only_family(families: set[str]) -> str:
    """The one family all charges belong to, 'mixed', or 'none' when nothing is charged."""
    return "none" if not families else (next(iter(families)) if len(families) == 1 else "mixed")


def closeness(kind: str | None) -> str:
    if kind is None:
        return "none"
    return codebook.TIE_KINDS[kind].group or "none"


def ties_of(case: Case) -> dict[str, str]:
    """Map each person tied to the accused to what that person is to the accused."""
    ties: dict[str, str] = {}
    for tie in case.ties:
        if tie.person == case.accused:
            ties.setdefault(tie.other, tie.kind)
        elif tie.other == case.accused:
            ties.setdefault(tie.person, INVERSE_TIE.get(tie.kind, tie.kind))
    return ties


def _targeted(case: Case, person: str) -> bool:
    return codebook.NATIONALITIES[case.people[person].nationality].group == "targeted"


# -- Fact builders, one per kind -------------------------------------------------------------

EXPELLING = ("expulsion", "appeal_rejected", "appeal_unanswered")
UNSETTLING = ("deferred_for_inquiry", "referral")  # decide nothing about the member's standing


def expelled_after(expelled: bool, decision: str) -> bool:
    """Whether the accused stands expelled after a decision: an expelling one expels, a deferral or referral
    leaves the standing as it was, any other decision (a penalty, a reinstatement) leaves the member in."""
    return expelled if decision in UNSETTLING else decision in EXPELLING


def _hearing_fact(case: Case, hearing: Hearing, before: list[Event], earlier: list[Hearing]) -> Fact:
    expelled = appeal = False
    for entry in before:
        if isinstance(entry, Hearing) and entry.subject == case.accused:
            appeal = False
            if entry.decision:
                expelled = expelled_after(expelled, entry.decision)
        elif isinstance(entry, Reinstatement) and entry.person == case.accused:
            expelled = False
        elif isinstance(entry, Appeal) and entry.appellant_for == case.accused:
            appeal = True
    attributes: dict[str, Value] = {
        "body": hearing.body,
        "first_hearing": not earlier,
        "appeal_pending": appeal,
        "accused_expelled": expelled,
    }
    description = f"the {codebook.label(hearing.body)} hears the case ({hearing.date})"
    return Fact("hearing", "hearing", attributes, description, (hearing.id,))


def accused_fact(case: Case, known: list[Event]) -> Fact:
    person = case.people[case.accused]
    arrests = [e.id for e in known if isinstance(e, Arrest) and e.person == case.accused]
    attributes: dict[str, Value] = {
        "sex": person.sex,
        "party_status": person.party_status,
        "origin": person.origin,
        "nationality": person.nationality,
        "targeted_nationality": _targeted(case, case.accused),
        "opposition": person.opposition,
        "arrested": bool(arrests),
    }
    state = "arrested" if arrests else "not arrested"
    return Fact("accused", "accused", attributes, f"the accused, {person.name} ({state})", tuple(arrests))


def _charge_facts(hearing: Hearing, ties: list[Fact], conducts: list[Fact], accused: Fact,
                  denunciations: list[Fact]) -> list[Fact]:
    return [charge_fact(f"charge-{i}", g, ties, conducts, accused, (hearing.id,), denunciations)
            for i, g in enumerate(hearing.grounds, start=1)]


def charge_fact(fact_id: str, ground: str, ties: list[Fact], conducts: list[Fact], accused: Fact,
                entries: tuple[str, ...] = (), denunciations: list[Fact] | None = None) -> Fact:
    """A charge with what the other facts of the situation say of it (shared with the rule tests)."""
    targets = [t for t in ties if t.attributes["enemy_before"] != "none"]
    enemy = max((str(t.attributes["enemy_before"]) for t in targets), key=ENEMY_STATES.index, default="none")
    closest = min((str(t.attributes["closeness"]) for t in targets), key=CLOSENESS.index, default="none")
    status, because = charge_status(ground, ties, conducts, accused, denunciations or [])
    certain = [t for t in targets if t.attributes["enemy_before"] == "certain"]
    report, report_because = concerns_report(ground, certain, conducts)
    aid, aid_because = _concerns_aid(ground, conducts)
    attributes: dict[str, Value] = {
        "ground": ground, "family": ground_family(ground), "status": status, "counted": True,
        "target_enemy": enemy, "target_closeness": closest,
        "target_subordinate": any(t.attributes["tie_kind"] == "subordinate" for t in targets),
        "concerns_report": report, "concerns_aid": aid,
    }
    return Fact(fact_id, "charge", attributes, f"charged with {codebook.label(ground)}; {STATUS_WORDS[status]}",
                entries, {k: v for k, v in (("status", because), ("concerns_report", report_because),
                                            ("concerns_aid", aid_because)) if v})


REPORT_GROUNDS = ("failure_to_report", "concealment", "insincerity")  # how late reports were charged (N37-3)
AID_GROUNDS = ("aid_to_relatives_of_enemies", "tie_to_enemy", "supporting_enemies", "lack_of_vigilance",
               "protecting_an_enemy")  # how help to the struck was charged (N37-5)


def concerns_report(ground: str, certain: list[Fact], conducts: list[Fact]) -> tuple[bool, tuple[str, ...]]:
    """Whether a charge is about a report. Not reporting always is; concealment or insincerity is when a
    relative certainly struck before the hearing was reported late or never, as such reports were charged
    (N37-3), unless the record shows the accused denying something: a lie is more than a late report. The format
    cannot say what else a concealment concerned, so a late or missing report decides it."""
    if ground == "failure_to_report":
        return True, ("a charge of not reporting",)
    if ground not in REPORT_GROUNDS:
        return False, ()
    denials = [c.id for c in conducts if c.attributes["conduct"] == "denial"]
    if denials:
        return False, tuple(f"{d}: the record shows a denial by the accused, a lie beyond any late report"
                            for d in denials)
    unreported = [t for t in certain if t.attributes["kind_closeness"] != "associate"
                  and t.attributes["report"] in ("late", "none")]
    if unreported:
        return True, tuple(f"{t.id}: a relative struck before the hearing, reported {t.attributes['report']}"
                           for t in unreported)
    return False, ("no relative struck before the hearing went unreported or was reported late",)


def _concerns_aid(ground: str, conducts: list[Fact]) -> tuple[bool, tuple[str, ...]]:
    if ground not in AID_GROUNDS:
        return False, ()
    helped = [c for c in conducts if c.attributes["conduct"] in AID and c.attributes["toward_struck"]]
    if helped:
        return True, tuple(f"{c.id}: {codebook.label(str(c.attributes['conduct']))} by the accused" for c in helped)
    return False, ("the record shows no aid or visit by the accused to the struck or their family",)


STATUS_WORDS = {"supported": "the record supports it", "contradicted": "the record contradicts it",
                "unknown": "the record cannot tell"}


def reviewed_fact(charges: list[Fact], entries: tuple[str, ...] = ()) -> Fact:
    """The grounds a higher body weighs: those of the expulsion under review, or with none yet, the hearing's
    own (which a simulated expulsion would rest on)."""
    only = only_family({str(c.attributes["family"]) for c in charges})
    report_only = bool(charges) and all(c.attributes["concerns_report"] for c in charges)
    disproved = bool(charges) and all(c.attributes["status"] == "contradicted" for c in charges)
    attributes: dict[str, Value] = {"count": len(charges), "only_family": only, "report_only": report_only,
                                    "all_contradicted": disproved}
    because = {"all_contradicted": tuple(f"{codebook.label(str(c.attributes['ground']))}: "
                                         f"{STATUS_WORDS[str(c.attributes['status'])]}" for c in charges)}
    return Fact("reviewed", "reviewed", attributes, f"the grounds under review: {len(charges)}, family {only}"
                + ("; every one about a report" if report_only else "")
                + ("; the record contradicts every one" if disproved else ""), entries, because)


def _under_review(hearing: Hearing, earlier: list[Hearing], expelled: bool) -> Hearing:
    """The hearing whose grounds the present one weighs while the accused stands expelled: the one it names as
    reviewed, else the latest expulsion that gave grounds; otherwise the present hearing."""
    expulsions = [h for h in earlier if h.decision in EXPELLING and h.grounds]
    named = [h for h in expulsions if h.id == hearing.reviews]
    return (named or expulsions or [hearing])[-1] if expelled else hearing


def _accusation_facts(case: Case, hearing: Hearing) -> list[Fact]:
    """What speakers alleged from the floor, one fact a ground, kept apart from the formal charge."""
    alleged = [(s, g) for s in hearing.speakers for g in s.alleges]
    return [Fact(f"accusation-{n}", "accusation", {"ground": g, "family": ground_family(g),
                                                   "proposed": s.proposed or "none"},
                 f"{case.people[s.person].name} alleged {codebook.label(g)} from the floor", (hearing.id,))
            for n, (s, g) in enumerate(alleged, start=1)]


def charges_summary(charges: list[Fact], entries: tuple[str, ...] = ()) -> Fact:
    only = only_family({str(c.attributes["family"]) for c in charges})
    return Fact("charges", "charges", {"count": len(charges), "only_family": only},
                f"{len(charges)} ground(s) charged, family: {only}", entries)


# -- Charges against the record ---------------------------------------------------------------
#
# Each ground alleges something the record may hold: an enemy among the accused's ties, a report not made, a
# refusal, an origin. `charge_status` reads the situation's facts, not the case, so that the rule tests derive a
# status from the facts they give exactly as replay derives it from a case.

NEEDS_ENEMY = ("tie_to_enemy", "failure_to_unmask", "lack_of_vigilance", "overlooking_an_enemy", "silence",
               "supporting_enemies", "protecting_an_enemy", "aid_to_relatives_of_enemies")
CONDUCT_SUPPORTS = {"concealment": ("concealment",), "insincerity": ("denial", "concealment"),
                    "refusal_to_renounce": ("refusal_to_renounce",), "silence": ("silence", "abstention"),
                    "aid_to_relatives_of_enemies": ("aid", "visit"), "supporting_enemies": ("defense", "aid", "visit"),
                    "protecting_an_enemy": ("defense",)}


def charge_status(ground: str, ties: list[Fact], conducts: list[Fact], accused: Fact,
                  denunciations: list[Fact]) -> tuple[str, tuple[str, ...]]:
    """`supported`, `contradicted` or `unknown`, with the reasons, for one ground."""
    if ground == "slander":
        return _slander_status(denunciations)
    enemies = [t for t in ties if t.attributes["enemy_before"] == "certain"]
    struck = [t for t in ties if t.attributes["enemy_before"] != "none"]
    done = {str(c.attributes["conduct"]) for c in conducts}
    if ground == "failure_to_report":
        return _report_status(struck, enemies, done)
    if ground in NEEDS_ENEMY and ties and not struck and not _contested(ties):
        return "contradicted", ("no one tied to the accused had been arrested, expelled or sentenced by then",)
    wanted = CONDUCT_SUPPORTS.get(ground)
    if wanted is not None:
        found = sorted(done & set(wanted))
        shown = f"the record shows {', '.join(codebook.label(c) for c in found)} by the accused"
        if found and (ground not in NEEDS_ENEMY or enemies):
            return "supported", (shown,)
        if found:
            return "unknown", (f"{shown}, but no one tied to the accused was certainly struck before the hearing",)
        if ground == "refusal_to_renounce" and "renunciation" in done:
            return "contradicted", ("the record shows the accused renounced the person",)
        return "unknown", ("the record shows no such conduct of the accused",)
    if ground in NEEDS_ENEMY:
        if enemies:
            return "supported", (f"{len(enemies)} person(s) tied to the accused had been struck before the hearing",)
        return "unknown", ("no tie of the accused is certainly struck before the hearing" if ties else
                           "the record names no one tied to the accused",)
    return _person_status(ground, accused)


def _slander_status(denunciations: list[Fact]) -> tuple[str, tuple[str, ...]]:
    """A charge of slander holds where someone the accused had accused in a statement was cleared since: the
    accusation proved unsupported (N38-10). Otherwise the record cannot tell."""
    cleared = [d for d in denunciations if d.attributes["target_cleared"]]
    if cleared:
        return "supported", tuple(f"{d.id}: {d.description}" for d in cleared)
    if denunciations:
        return "unknown", ("no one the accused's statements accused had been cleared by then",)
    return "unknown", ("the record shows no statement of the accused against anyone",)


def _contested(ties: list[Fact]) -> bool:
    """A tie the book's readings disagree on: its absence of blows proves nothing."""
    return any(t.attributes["tie_certainty"] == "contested" for t in ties)


def _report_status(struck: list[Fact], enemies: list[Fact], done: set[str]) -> tuple[str, tuple[str, ...]]:
    if not struck:
        return "contradicted", ("no one tied to the accused had been arrested or expelled: nothing to report",)
    reports = {str(t.attributes["report"]) for t in enemies}
    if "late" in reports or "concealment" in done:
        return "supported", ("a report came late" if "late" in reports else "the record shows concealment",)
    if enemies and reports == {"prompt"}:
        return "contradicted", ("the accused reported every arrest or expulsion promptly",)
    return "unknown", ("the record does not show when, or whether, the accused reported",)


def _person_status(ground: str, accused: Fact) -> tuple[str, tuple[str, ...]]:
    """Grounds about who the accused is: origin, nationality, an opposition past."""
    origin, opposition = accused.attributes["origin"], accused.attributes["opposition"]
    if ground == "social_origin" and origin != codebook.NOT_STATED:
        supported = origin in HOSTILE_ORIGINS
        return ("supported" if supported else "contradicted"), (f"the accused's origin: {codebook.label(str(origin))}",)
    if ground == "national_category" and accused.attributes["nationality"] != codebook.NOT_STATED:
        targeted = bool(accused.attributes["targeted_nationality"])
        return ("supported" if targeted else "contradicted"), ("the accused's nationality "
                                                                f"{'was' if targeted else 'was not'} targeted",)
    if ground == "former_oppositionism" and opposition != codebook.NOT_STATED:
        return ("contradicted" if opposition == "none" else "supported"), (
            f"the accused's past: {codebook.label(str(opposition))}",)
    return "unknown", ("the record holds no fact this charge can be checked against",)


def counted(facts: list[Fact], basis: str) -> tuple[list[Fact], tuple[ChargeFinding, ...]]:
    """Each formal charge marked `counted` as a norm set's `basis` has it: every one (`trust`), or those the
    record supports (`record`); and a finding for every charge. Rules that punish test `counted: true`; rules
    about the accusation itself (a relief for ties alone) read the formal charge."""
    marked = [_counted(f, basis) if f.kind == "charge" else f for f in facts]
    findings = tuple(ChargeFinding(c.id, str(c.attributes["ground"]), str(c.attributes["family"]),
                                   str(c.attributes["status"]), bool(c.attributes["counted"]),
                                   c.because.get("status", ()))
                     for c in marked if c.kind == "charge")
    return marked, findings


def _counted(charge: Fact, basis: str) -> Fact:
    attributes = {**charge.attributes, "counted": basis == "trust" or charge.attributes["status"] == "supported"}
    return Fact(charge.id, charge.kind, attributes, charge.description, charge.derived_from, charge.because)


def _stands_expelled(person: str, blows: list[Event], known: list[Event]) -> bool:
    """Expelled and not reinstated since, as far as the body could know."""
    expulsions = [e.date for e in blows if isinstance(e, (Expulsion, Hearing))]
    reinstatements = [e.date for e in known if isinstance(e, Reinstatement) and e.person == person]
    return bool(expulsions) and (not reinstatements or max(reinstatements) < max(expulsions))


def _tie_description(name: str, attributes: dict[str, Value]) -> str:
    kind = codebook.label(str(attributes["tie_kind"]))
    fates = [word for word, key in (("arrested", "other_arrested"), ("expelled", "other_expelled")) if attributes[key]]
    text = f"{name}: tie of kind '{kind}' to the accused"
    if fates:
        text += f"; {' and '.join(fates)} before the hearing; reported by the accused: {attributes['report']}"
    return text


def _tie_facts(case: Case, hearing: Hearing, ties: dict[str, str], known: list[Event], before: set[str]) -> list[Fact]:
    facts = []
    for n, (other, kind) in enumerate(sorted(ties.items()), start=1):
        blows: list[Event] = [e for e in known if isinstance(e, (Arrest, Expulsion)) and e.person == other]
        blows += [e for e in known if isinstance(e, Hearing) and e.subject == other and e.decision == "expulsion"]
        blow_ids = {e.id for e in blows}
        reports = [
            e for e in known
            if (isinstance(e, Statement) and e.author == case.accused and e.kind == "self_report"
                or isinstance(e, ConductEntry) and e.person == case.accused and e.conduct == "disclosure")
            and (blow_ids & set(e.concerns) or other in (*getattr(e, "subjects", ()), getattr(e, "toward", None)))
        ]
        # a report answers the blows it concerns; one that names none answers the arrest, else any blow
        named = [b for b in blows if any(b.id in r.concerns for r in reports)]
        answered = named or [b for b in blows if isinstance(b, Arrest)] or blows
        first_blow = min((b.date for b in answered), default=None)
        expelled = _stands_expelled(other, blows, known)
        # what made the other person an enemy: the blows above, an expulsion only if it stands, and sentences
        struck: list[Event] = [b for b in blows if expelled or isinstance(b, Arrest)]
        struck += [e for e in known if getattr(e, "person", None) == other
                   and (isinstance(e, Sentence) or isinstance(e, Death) and e.executed)]
        enemy, enemy_because = _enemy_before(struck, hearing, before)
        conduct = [e for e in known if isinstance(e, ConductEntry) and e.person == case.accused and e.toward == other]
        contact = [e for e in conduct if e.conduct in CONTACT]
        between = _ties_between(case, other)
        broke_off, break_because = _broke_off(between, contact, hearing)
        near, near_because = derived_closeness(kind, contact_words(contact), broke_off, break_because)
        attributes: dict[str, Value] = {
            "tie_kind": kind,
            "closeness": near,
            "kind_closeness": closeness(kind),
            "enemy_before": enemy,
            "tie_certainty": _certainty(between),
            "in_contact": bool(contact),
            "renounced": any(e.conduct == "renunciation" for e in conduct),
            "aided": any(e.conduct in AID for e in conduct),
            "broke_off": broke_off,
            "other_arrested": any(isinstance(e, Arrest) for e in blows),
            "other_expelled": expelled,
            "other_targeted_nationality": _targeted(case, other),
            "report": _report_state([r.date for r in reports], first_blow) if first_blow else "none",
        }
        facts.append(Fact(f"tie-{n}", "tie", attributes, _tie_description(case.people[other].name, attributes),
                          tuple(sorted(blow_ids)), {"closeness": near_because, "enemy_before": enemy_because}))
    return facts


def _ties_between(case: Case, other: str) -> list[Tie]:
    return [t for t in case.ties if {t.person, t.other} == {case.accused, other}]


def _certainty(ties: list[Tie]) -> str:
    """The surest of the ties between two people."""
    return min((str(t.certainty) for t in ties), key=("stated", "inferred", "contested").index, default="stated")


def _enemy_before(blows: list[Event], hearing: Hearing, before: set[str]) -> tuple[str, tuple[str, ...]]:
    """Whether the blows that struck a person (arrest, standing expulsion, sentence, execution) came before the
    hearing: certainly, possibly, or not at all."""
    if not blows:
        return "none", ("the record shows no arrest, standing expulsion or sentence before the hearing",)
    certain = [e for e in blows if e.id in before or e.date.latest < hearing.date.earliest]
    if certain:
        return "certain", tuple(f"{e.type} {e.id} ({e.date}) comes before the hearing" for e in certain)
    return "possible", tuple(f"{e.type} {e.id} ({e.date}) may come before or after the hearing ({hearing.date})"
                             for e in blows)


def contact_words(contact: list[ConductEntry]) -> tuple[str, ...]:
    return tuple(f"{codebook.label(e.conduct)} {e.id} ({e.date})" for e in contact)


def _broke_off(ties: list[Tie], contact: list[ConductEntry], hearing: Hearing) -> tuple[bool, str]:
    ends = [t.until for t in ties if t.until is not None]
    if not ends or len(ends) < len(ties):
        return False, ""
    last = max(ends)
    long_before = (hearing.date.earliest - last.latest).days >= BREAK_DAYS
    since = [e for e in contact if not e.date.latest < last.earliest]
    if long_before and not since:
        return True, f"the tie ended {last}, a year or more before the hearing, with no contact since"
    return False, ""


def derived_closeness(kind: str, contact: tuple[str, ...], broke_off: bool,
                      broke_because: str = "") -> tuple[str, tuple[str, ...]]:
    """Closeness from the kind of tie and from conduct, with the steps (shared with the rule tests)."""
    near = closeness(kind)
    steps = [f"a tie of kind {codebook.label(kind)}: {near}"]
    if contact and near != "close":
        near = "close"
        steps.append(f"{'; '.join(contact)}: close")
    elif broke_off and not contact and near == "close":
        near = "distant"
        steps.append(f"{broke_because or 'the tie was broken off'}: distant")
    return near, tuple(steps)


BLOWS = (Arrest, Expulsion, Sentence, Exile)


def struck_person(entry: Event) -> str | None:
    """The person an arrest, expulsion, sentence or exile struck, or a hearing expelled; None for other entries."""
    if isinstance(entry, BLOWS):
        return entry.person
    return entry.subject if isinstance(entry, Hearing) and entry.decision == "expulsion" else None


def _blow_dates(case: Case, known: list[Event]) -> dict[str, list[HistDate]]:
    """When each person other than the accused was struck: arrested, expelled, sentenced or exiled."""
    dates: dict[str, list[HistDate]] = {}
    for e in known:
        person = struck_person(e)
        if person is not None and person != case.accused:
            dates.setdefault(person, []).append(e.date)
    return dates


def _conduct_facts(case: Case, near: dict[str, str], known: list[Event]) -> list[Fact]:
    arrested = {e.person for e in known if isinstance(e, Arrest)}
    blows = {e.id for e in known if isinstance(e, BLOWS)}
    struck = _blow_dates(case, known)
    facts = []
    conducts = [e for e in known if isinstance(e, ConductEntry) and e.person == case.accused]
    for n, entry in enumerate(conducts, start=1):
        already = any(d.earliest <= entry.date.latest for d in struck.get(entry.toward or "", []))
        attributes: dict[str, Value] = {
            "conduct": entry.conduct,
            "toward_closeness": near.get(entry.toward, "none") if entry.toward else "none",
            "toward_arrested": entry.toward in arrested,
            "toward_struck": already or bool(blows & set(entry.concerns)),
        }
        facts.append(Fact(f"conduct-{n}", "conduct", attributes, entry.summary, (entry.id,)))
    return facts


ACCUSING = ("denunciation", "preemptive")  # statements that accuse someone else
CLEARING = (Reinstatement, Release, Rehabilitation)


def _decided(entry: Event, decision: str) -> bool:
    return isinstance(entry, Hearing) and entry.decision == decision


def _denunciation_facts(case: Case, known: list[Event]) -> list[Fact]:
    """The accused's own statements against others, with what became of the people they accused: cleared
    (reinstated, released, rehabilitated) or struck (arrested, expelled, sentenced) after the statement, as far as
    the body could know."""
    facts = []
    statements = [e for e in known if isinstance(e, Statement) and e.author == case.accused and e.kind in ACCUSING
                  and any(s != case.accused for s in e.subjects)]
    for n, entry in enumerate(statements, start=1):
        targets = {s for s in entry.subjects if s != case.accused}
        later = [e for e in known if e is not entry and entry.date.may_precede(e.date)
                 and (getattr(e, "person", None) in targets or isinstance(e, Hearing) and e.subject in targets)]
        cleared = [e for e in later if isinstance(e, CLEARING) or _decided(e, "reinstatement")]
        struck = [e for e in later if struck_person(e) is not None]
        attributes: dict[str, Value] = {"target_cleared": bool(cleared), "target_struck": bool(struck)}
        names = ", ".join(case.people[t].name for t in sorted(targets))
        fate = "; since cleared" if cleared else ("; since struck" if struck else "")
        facts.append(Fact(f"denunciation-{n}", "denunciation", attributes,
                          f"the accused's {codebook.label(entry.kind)} against {names} ({entry.date}){fate}",
                          (entry.id, *(e.id for e in (*cleared, *struck))),
                          {k: tuple(f"{e.type} {e.id} ({e.date})" for e in v)
                           for k, v in (("target_cleared", cleared), ("target_struck", struck)) if v}))
    return facts


def _statement_facts(case: Case, known: list[Event], since_last_hearing: set[str]) -> list[Fact]:
    facts = []
    statements = [e for e in known if isinstance(e, Statement) and case.accused in e.subjects]
    for n, entry in enumerate(statements, start=1):
        attributes: dict[str, Value] = {
            "statement_kind": entry.kind,
            "by_accused": entry.author == case.accused,
            "from_nkvd": entry.from_body == "nkvd",
            "since_last_hearing": entry.id in since_last_hearing,
        }
        facts.append(Fact(f"statement-{n}", "statement", attributes, entry.summary, (entry.id,)))
    return facts


@dataclass(frozen=True)
class Decided:
    """A decision taken earlier in the case: recorded, or reached by the simulation."""

    body: str
    decision: str
    when: str  # the date as written, or the simulation's step
    entry: str  # the case entry (or simulated step) it comes from


def _prior_facts(body: str, decided: list[Decided]) -> list[Fact]:
    return [
        Fact(f"prior-{n}", "prior_decision", {
            "body": d.body,
            "decision": d.decision,
            "severity": codebook.severity(d.decision),
            "higher_body": _rank(d.body) > _rank(body),
            "latest": n == len(decided),
        }, f"the {codebook.label(d.body)} had decided {codebook.label(d.decision)} ({d.when})", (d.entry,))
        for n, d in enumerate(decided, start=1)
    ]


def outcome_fact(decision: str | None, appeals: bool) -> Fact:
    """The decision a step reached, for the route rules."""
    attributes: dict[str, Value] = {
        "decision": decision or "none",
        "severity": codebook.severity(decision) if decision else 0,
        "expelling": decision in EXPELLING,
        "appeals": appeals,
    }
    text = f"decided: {codebook.label(decision)}" if decision else "no rule decided"
    return Fact("outcome", "outcome", attributes, text + ("; the accused appeals" if appeals else ""))


def appeals_in_record(case: Case) -> bool:
    return any(isinstance(e, Appeal) and e.appellant_for == case.accused for e in case.record)


def build(case: Case, hearing: Hearing, basis: str = "trust") -> Situation:
    """Derive the facts a rule set may test at one hearing of the accused; a norm set's `basis` says which
    formal charges its rules see."""
    position = next(i for i, e in enumerate(case.record) if e.id == hearing.id)
    before = case.record[:position]
    # what the body could know of: the record so far, and background that may precede the hearing
    known = [*(e for e in case.background if e.date.may_precede(hearing.date)), *before]
    positions = [i for i, e in enumerate(before) if isinstance(e, Hearing) and e.subject == case.accused]
    earlier = [e for e in before if isinstance(e, Hearing) and e.subject == case.accused]
    since_last_hearing = {e.id for e in before[(positions[-1] + 1 if positions else 0):]}
    ties = ties_of(case)
    accused = accused_fact(case, known)
    # entries certainly before the hearing: the record before it, and whatever those entries concern
    prior = {e.id for e in before} | {c for e in before for c in getattr(e, "concerns", [])}
    tie_facts = _tie_facts(case, hearing, ties, known, prior)
    near = {other: str(f.attributes["closeness"]) for other, f in zip(sorted(ties), tie_facts, strict=True)}
    conduct_facts = _conduct_facts(case, near, known)
    denunciations = _denunciation_facts(case, known)
    charges = _charge_facts(hearing, tie_facts, conduct_facts, accused, denunciations)
    hearing_fact = _hearing_fact(case, hearing, before, earlier)
    reviewed = _under_review(hearing, earlier, bool(hearing_fact.attributes["accused_expelled"]))
    reviewed_charges = charges if reviewed is hearing else _charge_facts(reviewed, tie_facts, conduct_facts, accused,
                                                                          denunciations)
    facts = [
        hearing_fact,
        accused,
        *charges,
        charges_summary(charges, (hearing.id,)),
        reviewed_fact(reviewed_charges, (reviewed.id,)),
        *_accusation_facts(case, hearing),
        *tie_facts,
        *conduct_facts,
        *denunciations,
        *_statement_facts(case, known, since_last_hearing),
        *_prior_facts(hearing.body, [Decided(h.body, h.decision, str(h.date), h.id) for h in earlier if h.decision]),
    ]
    seen, findings = counted(facts, basis)
    return Situation(case.id, hearing, tuple(seen), findings)


def at_step(base: Situation, body: str, decided: list[Decided], accused_expelled: bool,
            appeal_pending: bool) -> Situation:
    """The situation of a simulated step: the facts known at `base`'s hearing, before another body,
    after the decisions the simulation has reached so far."""
    hearing = Fact("hearing", "hearing", {
        "body": body,
        "first_hearing": not decided,
        "appeal_pending": appeal_pending,
        "accused_expelled": accused_expelled,
    }, "the case opens" if body == OPENING else f"the {codebook.label(body)} takes up the case", ())
    kept = [f for f in base.facts if f.kind not in ("hearing", "prior_decision")]
    return Situation(base.case_id, base.hearing, (hearing, *kept, *_prior_facts(body, decided)), base.charges)
