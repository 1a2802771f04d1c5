"""Flat records: the corpus, the norm sets and the results as lists of dicts of plain values.

One row is a dict of str, int, bool or None (lists are joined with "; "), ready for
`pandas.DataFrame(records(x))`, a CSV file or an SQLite table. The export writes the tables
built here; `docs/data.md` describes every column.

Keys: a person is `case:person` (`somov:somov`), an entry `case:entry`, a tie `case:n`, a source
`case:key` or `norm-set:key`, a rule `norm-set:rule`, a replayed hearing `norm-set:case:hearing`.
"""

from __future__ import annotations

import json
from functools import singledispatch
from typing import Any

from case_procedure.case import ACTOR_FIELD, Case, Entry
from case_procedure.compare import Comparison
from case_procedure.norms import NormSet, ResolvedRule
from case_procedure.report import Counts, Report
from case_procedure.sources import Source
from case_procedure.trace import Simulation, Trace

Row = dict[str, Any]
# The entry fields with a column of their own; the rest of an entry's fields go to `details`.
ENTRY_COLUMNS = ("id", "type", "date", "summary", "certainty", "source", "note", "readings")


def joined(values: Any) -> str | None:
    return "; ".join(str(v) for v in values) if values else None


# -- The corpus ---------------------------------------------------------------------------

def case_row(case: Case) -> Row:
    first, last = case.years()
    return {"id": case.id, "title": case.title, "factory": case.factory, "factory_name": _factory_name(case.factory),
            "accused": f"{case.id}:{case.accused}", "accused_name": case.people[case.accused].name,
            "summary": case.summary.strip(), "first_year": first, "last_year": last, "hearings": len(case.hearings()),
            "fate": case.fate.summary.strip(), "arrested": case.fate.arrested,
            "party_status": case.fate.party_status, "unknown": joined(case.fate.unknown)}


def _factory_name(factory: str) -> str:
    return " ".join(word.capitalize() if len(word) > 1 else word for word in factory.split("_"))


def people_rows(case: Case) -> list[Row]:
    return [{"id": f"{case.id}:{key}", "case_id": case.id, "key": key, "name": p.name, "role": p.role,
             "accused": key == case.accused, "factory": p.factory, "party_status": p.party_status, "origin": p.origin,
             "nationality": p.nationality, "sex": p.sex, "opposition": p.opposition,
             "joined_party": p.joined_party.text if p.joined_party else None, "note": p.note,
             "sources": joined(p.source)} for key, p in case.people.items()]


def tie_rows(case: Case) -> list[Row]:
    return [{"id": f"{case.id}:{i}", "case_id": case.id, "person": f"{case.id}:{t.person}",
             "other": f"{case.id}:{t.other}", "kind": t.kind, "since": t.since.text if t.since else None,
             "until": t.until.text if t.until else None, "certainty": t.certainty,
             "via": f"{case.id}:{t.via}" if t.via else None, "note": t.note, "sources": joined(t.source)}
            for i, t in enumerate(case.ties)]


def entry_rows(case: Case) -> list[Row]:
    rows = []
    for part in ("record", "background"):
        for position, entry in enumerate(getattr(case, part)):
            rows.append(_entry_row(case, part, position, entry))
    return rows


def _entry_row(case: Case, part: str, position: int, entry: Entry) -> Row:
    kind = getattr(entry, "type", "")
    who = getattr(entry, ACTOR_FIELD.get(kind, "person"), None)
    details = entry.model_dump(mode="json", exclude=set(ENTRY_COLUMNS), exclude_defaults=True)
    return {"id": f"{case.id}:{entry.id}", "case_id": case.id, "entry": entry.id, "part": part, "position": position,
            "type": kind, "date": entry.date.text, "earliest": entry.date.earliest.isoformat(),
            "latest": entry.date.latest.isoformat(), "person": f"{case.id}:{who}" if who else None,
            "body": getattr(entry, "body", None), "decision": getattr(entry, "decision", None),
            "summary": entry.summary.strip(), "certainty": entry.certainty, "note": entry.note,
            "sources": joined(entry.source), "details": _details(details)}


def _details(fields: dict[str, Any]) -> str | None:
    return json.dumps(fields, ensure_ascii=False, sort_keys=True) if fields else None


def source_row(owner: str, key: str, source: Source, case_id: str | None, norm_set: str | None) -> Row:
    return {"id": f"{owner}:{key}", "case_id": case_id, "norm_set": norm_set, "key": key,
            "chapter": source.chapter, "section": source.section, "pages": source.pages,
            "archive": str(source.archive) if source.archive else None,
            "note": source.note.strip() if source.note else None, "citation": source.cite()}


def case_source_rows(case: Case) -> list[Row]:
    return [source_row(case.id, key, s, case.id, None) for key, s in case.sources.items()]


# -- The norm sets ------------------------------------------------------------------------

def norm_set_row(normset: NormSet) -> Row:
    return {"id": normset.id, "title": normset.title, "kind": normset.kind,
            "in_force_from": normset.in_force.from_.isoformat(),
            "in_force_until": normset.in_force.until.isoformat() if normset.in_force.until else None,
            "extends": normset.extends, "rules": len(normset.rules), "summary": normset.summary.strip(),
            "charges": normset.charge_basis}


def norm_set_source_rows(normset: NormSet) -> list[Row]:
    assert normset.spec is not None  # set by load_norm_sets
    return [source_row(normset.id, key, s, None, normset.id) for key, s in normset.spec.sources.items()]


def rule_rows(normset: NormSet) -> list[Row]:
    return [_rule_row(normset, r) for r in normset.rules]


def _rule_row(normset: NormSet, resolved: ResolvedRule) -> Row:
    rule = resolved.rule
    kind = "route" if rule.is_route else "cap" if rule.is_cap else "decision"
    span = rule.range
    return {"id": f"{normset.id}:{rule.id}", "norm_set": normset.id, "rule": rule.id, "kind": kind,
            "statement": rule.statement.strip(), "reading": rule.reading, "at": joined(rule.at),
            "outcome": rule.describe_outcome(), "at_least": span.at_least if span else None,
            "at_most": span.at_most if span else (rule.cap.at_most if rule.cap else None),
            "typical": span.typical if span else None, "also": joined(rule.also), "route": rule.route,
            "overrides": joined(rule.overrides), "stated_in": resolved.file.stem, "note": rule.note,
            "sources": joined(s.cite() for s in resolved.sources)}


# -- Results ------------------------------------------------------------------------------

def step_rows(trace: Trace) -> list[Row]:
    """One row per recorded hearing of a replay."""
    rows = []
    for step in trace.steps:
        given = step.prescribed
        span = given.range if given else None
        rows.append({"id": f"{trace.norm_set}:{trace.case}:{step.hearing}", "norm_set": trace.norm_set,
                     "case_id": trace.case, "hearing": f"{trace.case}:{step.hearing}", "date": step.date,
                     "body": step.body, "judged_by": step.norm_set, "judged_by_uncertain": step.norm_set_uncertain,
                     "recorded": step.recorded.decision if step.recorded else None,
                     "prescribed": given.decision if given else None,
                     "at_least": span.at_least if span else None, "at_most": span.at_most if span else None,
                     "typical": span.typical if span else None, "prescribed_words": given.words() if given else None,
                     "rule": f"{step.norm_set}:{given.rule.id}" if given else None,
                     "agreement": step.agreement, "agreement_kind": step.agreement_kind,
                     "beyond_powers": joined(step.beyond_powers)})
    return rows


def judgment_rows(trace: Trace) -> list[Row]:
    """One row per verdict of a judgment on an entry other than a hearing (a dismissal, an arrest, an appeal)."""
    return [{"id": f"{trace.norm_set}:{trace.case}:{j.entry}:{v.rule.id}", "norm_set": trace.norm_set,
             "case_id": trace.case, "entry": f"{trace.case}:{j.entry}", "type": j.type, "date": j.date,
             "judged_by": j.norm_set, "outside_period": j.outside_period, "verdict": v.verdict,
             "judgment": v.rule.id, "statement": v.rule.statement, "remedy": v.remedy,
             "sources": joined([s.citation for s in v.rule.source])}
            for j in trace.judgments for v in j.judgments]


def simulation_rows(simulation: Simulation) -> list[Row]:
    return [{"case_id": simulation.case, "norm_set": simulation.norm_set, "start": simulation.start, "n": s.n,
             "body": s.body, "decision": s.decision, "words": s.words(), "rule": s.rule.id if s.rule else None,
             "on_appeal": s.on_appeal, "route": s.route, "route_rule": s.route_rule.id if s.route_rule else None,
             "ended": simulation.ended} for s in simulation.steps]


def comparison_rows(comparison: Comparison) -> list[Row]:
    return [{"case_id": comparison.case, "hearing": row.hearing, "date": row.date, "body": row.body,
             "recorded": row.recorded, "norm_set": name, "prescribed": row.prescribed[name],
             "words": row.words.get(name), "rule": row.rules[name], "differs": row.differs}
            for row in comparison.hearings for name in comparison.norm_sets]


def report_rows(report: Report) -> list[Row]:
    """The agreement figures: one row per norm set and group (all hearings, a period, a body)."""
    def row(norm_set: str, group: str, counts: Counts) -> Row:
        return {"norm_set": norm_set, "group": group, "key": counts.key, "agree": counts.agree,
                "harsher": counts.harsher, "milder": counts.milder, "no_rule": counts.no_rule,
                "unrecorded": counts.unrecorded, "total": counts.total}
    return [row(a.norm_set, group, counts) for a in report.agreement
            for group, items in (("all", [a.overall]), ("period", a.by_period), ("body", a.by_body))
            for counts in items]


@singledispatch
def records(result: Any) -> list[Row]:
    """Flat rows of a result, a case, a norm set or a list of them, for `pandas.DataFrame(records(x))`."""
    raise TypeError(f"no records for {type(result).__name__}; give a case, a norm set, a trace, a simulation, "
                    "a comparison, a report, or a list of them")


@records.register(list)
def _(result: list[Any]) -> list[Row]:
    return [row for item in result for row in records(item)]


@records.register
def _(result: Case) -> list[Row]:
    return [case_row(result)]


@records.register
def _(result: NormSet) -> list[Row]:
    return rule_rows(result)


records.register(Trace, step_rows)
records.register(Simulation, simulation_rows)
records.register(Comparison, comparison_rows)
records.register(Report, report_rows)
