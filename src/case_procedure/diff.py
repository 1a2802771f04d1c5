"""What changes from one norm set to another: rules and judgments added, replaced and removed, each with its
source.

Any two norm sets can be compared; when the second extends the first, the list is
exactly the change its file declares (`rules`, `replace`, `remove`), and its provisions
say which of the documents' provisions each change encodes.
"""

from __future__ import annotations

from pydantic import BaseModel

from case_procedure.norms import Judgment, NormSet, ResolvedJudgment, ResolvedRule, Rule
from case_procedure.trace import VERDICT_WORDS, Frozen


class RuleChange(Frozen):
    id: str
    change: str  # "added", "replaced" or "removed"
    statement: str
    outcome: str
    before: str | None  # the outcome it had before, for a replaced rule
    changed: list[str]  # for a replaced rule, what changed: "reading: practice -> stated", "when", ...
    sources: list[str]
    provisions: list[str]  # provisions of the newer norm set that this rule encodes
    kind: str = "rule"  # "rule", or "judgment" (a rule on a dismissal, an arrest or an appeal)


class ProvisionEntry(Frozen):
    id: str
    text: str
    status: str
    rules: list[str]
    powers: list[str]
    reason: str | None
    note: str | None
    sources: list[str]
    deadlines: list[str] = []
    judgments: list[str] = []


class NormSetDiff(Frozen):
    old: str
    new: str
    extends: bool  # the new norm set is written as a change of the old one
    changes: list[RuleChange]
    unchanged: int
    provisions: list[ProvisionEntry]


Resolved = ResolvedRule | ResolvedJudgment


def _model(item: Resolved) -> Rule | Judgment:
    return item.rule if isinstance(item, ResolvedRule) else item.judgment


def _outcome(item: Resolved) -> str:
    if isinstance(item, ResolvedRule):
        return item.rule.describe_outcome()
    remedy = f"; required instead: {item.judgment.remedy.words()}" if item.judgment.remedy else ""
    return f"{VERDICT_WORDS[item.judgment.verdict]} ({', '.join(item.judgment.entries)}){remedy}"


def _entry(item: Resolved, change: str, before: Resolved | None, provisions: dict[str, list[str]]) -> RuleChange:
    return RuleChange(id=item.id, change=change, statement=_model(item).statement,
                      outcome=_outcome(item),
                      before=_outcome(before) if before else None,
                      changed=_changed_fields(_model(before), _model(item)) if before else [],
                      sources=[s.cite() for s in item.sources], provisions=provisions.get(item.id, []),
                      kind="rule" if isinstance(item, ResolvedRule) else "judgment")


def _changes(before: dict[str, Resolved], after: dict[str, Resolved],
             encodes: dict[str, list[str]]) -> list[RuleChange]:
    changes = [_entry(after[i], "added", None, encodes) for i in sorted(after.keys() - before.keys())]
    changes += [_entry(after[i], "replaced", before[i], encodes) for i in sorted(after.keys() & before.keys())
                if _model(after[i]) != _model(before[i])]
    return changes + [_entry(before[i], "removed", None, {}) for i in sorted(before.keys() - after.keys())]


def _changed_fields(old: BaseModel, new: BaseModel) -> list[str]:
    """The fields a replacement changes; a single word or value is shown as `old -> new`."""
    before, after = old.model_dump(), new.model_dump()
    changed = []
    for name in after:
        if before[name] == after[name]:
            continue
        simple = all(isinstance(v, (str, bool)) and len(str(v)) <= 20 for v in (before[name], after[name]))
        changed.append(f"{name}: {before[name]} -> {after[name]}" if simple else name)
    return changed


def diff(old: NormSet, new: NormSet) -> NormSetDiff:
    before = {r.id: r for r in old.rules}
    after = {r.id: r for r in new.rules}
    encodes: dict[str, list[str]] = {}
    for provision, _ in new.provisions:
        for rule_id in (*provision.rules, *provision.judgments):
            encodes.setdefault(rule_id, []).append(provision.id)
    changes = _changes(dict(before), dict(after), encodes)
    changes += _changes({j.id: j for j in old.judgments}, {j.id: j for j in new.judgments}, encodes)
    unchanged = sum(1 for i in after.keys() & before.keys() if after[i].rule == before[i].rule)
    provisions = [ProvisionEntry(id=p.id, text=p.text, status=p.status, rules=list(p.rules), powers=list(p.powers),
                                 reason=p.reason, note=p.note, sources=[s.cite() for s in sources],
                                 deadlines=list(p.deadlines), judgments=list(p.judgments))
                  for p, sources in new.provisions]
    return NormSetDiff(old=old.id, new=new.id, extends=new.extends == old.id, changes=changes, unchanged=unchanged,
                       provisions=provisions)
