"""The one adapter that owns durable-rules, and a plain-Python evaluator of the same rulesets.

durable-rules 2.0.28 is old and fragile (its pitfalls: docs/bad-input.md, "Conditions durable-rules
mishandles"; tests/test_engine.py and tests/test_differential.py pin each one). This adapter:
- runs no background threads (`Host._run` is disabled: its timers crash on deleted sessions);
- registers each compiled ruleset once per process (a name cannot be registered twice);
- asserts facts with unique ids in a fresh session and deletes the session afterwards
  (at most 1,024 live sessions per ruleset); every session opens with a fact a rule of the
  adapter's own accepts, since a session that saw only unaccepted facts can be neither kept
  nor deleted;
- asks durable-rules once per distinct fact (projected on the attributes the ruleset tests)
  and remembers the answer, which is exact because every rule tests one fact;
- gives it only single-pattern rules, taking the conjunction of a rule's patterns in
  Python (see compiler.py: deleting a session that holds a partial join corrupts the heap);
- checks every returned state for the exceptions durable-rules swallows;
- keeps the trace in Python: the single action records which rule fired on which facts;
- refuses, through `lint`, any ruleset shape the engine mishandles.
"""

from __future__ import annotations

import itertools
import json
from typing import Any, Callable, Protocol

from durable.engine import Host, MessageNotHandledException

from case_procedure.compiler import CompiledRuleset, Firing, rules_applying
from case_procedure.errors import EngineError

EngineFact = dict[str, Any]  # a situation fact as the engine sees it: id, kind, attributes
OPERATORS = {"$and", "$or", "$neq", "$gte", "$lte"}
MAX_PROPERTIES = 255  # durable-rules error 302 above this
# durable-rules reads integers as signed 64-bit and clips larger ones: `x <= 2**63-1` then holds of 2**63
INT_RANGE = (-(2**63), 2**63 - 1)


def _int_out_of_range(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and not INT_RANGE[0] <= value <= INT_RANGE[1]


class Engine(Protocol):
    def run(self, ruleset: CompiledRuleset, sid: str, facts: list[EngineFact]) -> list[Firing]: ...


# -- Lint ----------------------------------------------------------------------------------

def _condition_problems(condition: Any, where: str) -> list[str]:
    if not isinstance(condition, dict) or len(condition) != 1:
        return [f"{where}: a condition must be an object with one key"]
    (key, value), = condition.items()
    if key in ("$and", "$or"):
        if not isinstance(value, list) or not value:
            return [f"{where}: {key} needs a non-empty list"]
        return [p for i, c in enumerate(value) for p in _condition_problems(c, f"{where}.{key}[{i}]")]
    if key.startswith("$"):
        if key not in OPERATORS:
            return [f"{where}: operator {key} is not allowed"]
        return _condition_problems(value, f"{where}.{key}") if key != "$neq" or isinstance(value, dict) else []
    if isinstance(value, (dict, list)) or value is None:
        return [f"{where}: {key} is compared with {type(value).__name__}; only literals are safe"]
    if _int_out_of_range(value):
        return [f"{where}: {key} is compared with {value}, beyond the 64-bit integers durable-rules can compare"]
    return []


def lint(ruleset: CompiledRuleset) -> list[str]:
    """Shapes that durable-rules mishandles: cross-fact tests, missing discriminators, unknown operators."""
    problems = []
    for rule_id, rule in ruleset.definition.items():
        where = f"{ruleset.name}.{rule_id}"
        if set(rule) - {"all", "run"} or rule.get("run") != rule_id:
            problems.append(f"{where}: a rule has only `all` and `run` (= its id)")
        patterns = rule.get("all") or []
        if len(patterns) != 1:
            problems.append(f"{where}: a rule has exactly one pattern (joins crash durable-rules)")
        for i, pattern in enumerate(patterns):
            if not isinstance(pattern, dict) or len(pattern) != 1:
                problems.append(f"{where}.all[{i}]: a pattern has exactly one alias")
                continue
            (alias, condition), = pattern.items()
            first = condition.get("$and", [condition])[0] if isinstance(condition, dict) else None
            if not (isinstance(first, dict) and isinstance(first.get("kind"), str) and len(first) == 1):
                problems.append(f"{where}.{alias}: a pattern must first test a literal `kind` "
                                "(otherwise it can match the session state and loop)")
            problems += _condition_problems(condition, f"{where}.{alias}")
    return problems


def _check_ids(facts: list[EngineFact]) -> None:
    ids = [f.get("id") for f in facts]
    if len(set(ids)) != len(ids) or None in ids:
        raise EngineError("every fact needs a unique id (durable-rules rejects repeated identities)")


def _check_facts(facts: list[EngineFact]) -> None:
    _check_ids(facts)
    for fact in facts:
        if fact.get("kind") == SESSION_KIND or fact.get("id") == SESSION_KIND:
            raise EngineError(f"{SESSION_KIND!r} is the engine's own; no fact may use it as its kind or id")
        if len(fact) > MAX_PROPERTIES:
            raise EngineError(f"fact {fact['id']} has more than {MAX_PROPERTIES} properties")
        for name, value in fact.items():
            if _int_out_of_range(value):
                raise EngineError(f"fact {fact['id']}: {name} = {value} is beyond the 64-bit integers durable-rules "
                                  "can compare")


# -- durable-rules -------------------------------------------------------------------------

class _QuietHost(Host):  # type: ignore[misc]  # durable-rules is untyped
    """A Host without the dispatch and timer threads, whose actions all go to one callback."""

    def __init__(self, on_fire: Callable[[str, Any], None]) -> None:
        self._on_fire = on_fire
        super().__init__()

    def _run(self) -> None:  # the stock Host starts threading.Timer chains here
        pass

    failure: tuple[str, BaseException] | None = None  # the first action that raised, and what it raised

    def get_action(self, action_name: str) -> Callable[[Any], None]:
        if action_name.endswith(f"#{SESSION_KIND}"):  # the rule that accepts the opening fact does nothing
            return lambda closure: None

        def action(closure: Any) -> None:
            try:
                self._on_fire(action_name, closure)
            except Exception as exc:  # durable-rules swallows it into the session state; keep it to name the rule
                if self.failure is None:
                    self.failure = (action_name, exc)
                raise

        return action


FactKey = tuple[tuple[str, str, Any], ...]
SESSION_KIND = "__session__"  # the kind of the fact that opens every session (no situation fact has it)
KNOWN_LIMIT = 50_000  # remembered facts across rulesets; past it the memory starts afresh


def _content(fact: EngineFact) -> FactKey:
    """A fact without its id, typed: True and 1 are different facts to a rule, not to a dict. (Two facts that
    list the same attributes in another order are only remembered twice.)"""
    return tuple((name, type(value).__name__, value) for name, value in fact.items() if name != "id")


def _tested_attributes(ruleset: CompiledRuleset) -> dict[str, tuple[str, ...]]:
    """For each kind of fact the ruleset's patterns test, the attributes they test. Only these reach
    durable-rules and the remembered answers: a fact's other attributes cannot change what it matches."""
    tested: dict[str, set[str]] = {}
    for rule in ruleset.definition.values():
        condition = rule["all"][0]["m"]
        parts = condition["$and"] if "$and" in condition else [condition]
        tested.setdefault(parts[0]["kind"], set()).update(*(_attribute_names(c) for c in parts[1:]))
    return {kind: tuple(sorted(names)) for kind, names in tested.items()}


def _attribute_names(condition: dict[str, Any]) -> set[str]:
    (key, value), = condition.items()
    if key in ("$and", "$or"):
        return set().union(*(_attribute_names(c) for c in value))
    return set(value) if key in ("$neq", "$gte", "$lte") else {key}


def _fact_id(closure: Any) -> str:
    matched = closure._m
    if not isinstance(matched, dict) or len(matched) != 1:
        raise EngineError("durable-rules passed a batch or a join to an action; only single patterns are used")
    return str(next(iter(matched.values()))["id"])


class DurableEngine:
    """Runs compiled rulesets on durable-rules, one session per call."""

    def __init__(self, remember: bool = True) -> None:
        self._remember = remember  # False: every fact goes to durable-rules (the load tests use it)
        self._host = _QuietHost(self._record)
        self._registered: dict[str, str] = {}  # ruleset name -> digest
        self._matches: set[tuple[str, str]] = set()  # (pattern name, fact id)
        self._sessions = itertools.count()
        self._patterns: dict[str, tuple[str, ...]] = {}  # durable rule name -> the pattern names it stands for
        # ruleset name -> fact content -> the patterns it matched. Every rule tests one fact (the lint sees to
        # it), so which patterns a fact matches depends on that fact alone: durable-rules is asked once per
        # distinct fact, and situations that repeat a fact (most do) reuse its answer.
        self._known: dict[str, dict[FactKey, tuple[str, ...]]] = {}
        self._tested: dict[str, dict[str, tuple[str, ...]]] = {}  # ruleset name -> kind -> attributes tested

    def _record(self, rule_name: str, closure: Any) -> None:
        fact = _fact_id(closure)
        self._matches.update((pattern, fact) for pattern in self._patterns[rule_name])

    def _register(self, ruleset: CompiledRuleset) -> None:
        known = self._registered.get(ruleset.name)
        if known == ruleset.digest:
            return
        if known is not None:
            raise EngineError(f"ruleset {ruleset.name} changed after it was registered; durable-rules "
                              "cannot replace a ruleset within one process")
        problems = lint(ruleset)
        if problems:
            raise EngineError("ruleset rejected by the lint:\n" + "\n".join(problems))
        self._host.register_rulesets({ruleset.name: self._shared_patterns(ruleset)})
        self._registered[ruleset.name] = ruleset.digest
        self._tested[ruleset.name] = _tested_attributes(ruleset)

    def _shared_patterns(self, ruleset: CompiledRuleset) -> dict[str, dict[str, Any]]:
        """One durable rule per distinct pattern: many rules test the same bodies or the same fact, and every
        firing costs a round of durable-rules' Python layer (a third of the engine time on the corpus)."""
        shared: dict[str, list[str]] = {}
        for name, rule in ruleset.definition.items():
            shared.setdefault(json.dumps(rule["all"], sort_keys=True), []).append(name)
        definition = {}
        for n, (pattern, names) in enumerate(shared.items()):
            rule_name = f"{ruleset.name}#{n}"
            definition[rule_name] = {"all": json.loads(pattern), "run": rule_name}  # a fresh copy: durable mutates it
            self._patterns[rule_name] = tuple(names)
        opening = f"{ruleset.name}#{SESSION_KIND}"
        definition[opening] = {"all": [{"m": {"kind": SESSION_KIND}}], "run": opening}
        self._patterns[opening] = ()
        return definition

    def run(self, ruleset: CompiledRuleset, sid: str, facts: list[EngineFact]) -> list[Firing]:
        if not ruleset.definition:  # durable-rules rejects an empty ruleset; nothing could fire
            return []
        self._register(ruleset)
        _check_ids(facts)  # the content checks run on the facts durable-rules sees; remembered ones passed them
        known = self._known.setdefault(ruleset.name, {})
        tested = self._tested[ruleset.name]
        matches: set[tuple[str, str]] = set()
        fresh: dict[FactKey, tuple[EngineFact, list[str]]] = {}  # unseen fact contents -> (what durable sees, ids)
        for fact in facts:
            if self._remember:
                names = tested.get(str(fact.get("kind")))
                if names is None:
                    continue  # no pattern tests facts of this kind
                seen = {"id": fact["id"], "kind": fact["kind"], **{n: fact[n] for n in names if n in fact}}
                key = _content(seen)
            else:
                seen, key = fact, (("id", "str", fact["id"]),)
            if key in known:
                matches.update((pattern, str(fact["id"])) for pattern in known[key])
            else:
                fresh.setdefault(key, (seen, []))[1].append(str(fact["id"]))
        if fresh:
            found = self._match(ruleset, sid, [seen for seen, _ in fresh.values()])
            if sum(len(v) for v in self._known.values()) > KNOWN_LIMIT:
                self._known = {ruleset.name: {}}
                known = self._known[ruleset.name]
            for key, (seen, ids) in fresh.items():
                patterns = tuple(sorted(p for p, fact_id in found if fact_id == str(seen["id"])))
                if self._remember:
                    known[key] = patterns
                matches.update((pattern, fact_id) for pattern in patterns for fact_id in ids)
        return rules_applying(ruleset, matches)

    def _match(self, ruleset: CompiledRuleset, sid: str, facts: list[EngineFact]) -> set[tuple[str, str]]:
        """Assert the facts in a fresh session and return the (pattern name, fact id) pairs that fired."""
        _check_facts(facts)
        session = f"{sid}#{next(self._sessions)}"
        self._matches = set()
        # A session that received only facts no rule accepts holds one of durable-rules' 1,024 state slots for
        # good, and deleting it corrupts the heap. The opening fact, which a rule of our own always accepts,
        # makes every session one that can be deleted.
        opening = {"id": SESSION_KIND, "kind": SESSION_KIND, "sid": session}
        self._raise_failure(opening, self._host.assert_fact(ruleset.name, opening))
        try:
            for fact in facts:
                try:
                    state = self._host.assert_fact(ruleset.name, {**fact, "sid": session})
                except MessageNotHandledException:
                    continue  # no rule accepts this fact
                self._raise_failure(fact, state)
        finally:
            self._host.failure = None
            self._host.delete_state(ruleset.name, session)
        return self._matches

    def _raise_failure(self, fact: EngineFact, state: Any) -> None:
        """Turn an action error that durable-rules swallowed into an EngineError naming the rule."""
        failure = self._host.failure
        if failure is not None:
            name, exc = failure
            rules = sorted({p.rpartition("#")[0] for p in self._patterns.get(name, (name,))})
            raise EngineError(f"the action of rule {', '.join(rules)} failed on fact {fact.get('id')!r}: "
                              f"{type(exc).__name__}: {exc}")
        if isinstance(state, dict) and "exception" in state:
            first = str(state["exception"]).splitlines()[0] if state["exception"] else ""
            raise EngineError(f"durable-rules reported an error on fact {fact.get('id')!r}: {first}")


# -- Plain Python ------------------------------------------------------------------------

def _equal(value: Any, literal: Any) -> bool:
    """Equality without Python's coercions: false is not 0, "1" is not 1 (durable-rules gets both wrong)."""
    return type(value) is type(literal) and value == literal


def holds(condition: dict[str, Any], fact: EngineFact) -> bool:
    """Whether one compiled condition holds of one fact (also used by `explain` to say why a rule did not apply)."""
    (key, value), = condition.items()
    if key == "$and":
        return all(holds(c, fact) for c in value)
    if key == "$or":
        return any(holds(c, fact) for c in value)
    if key in ("$neq", "$gte", "$lte"):
        (name, literal), = value.items()
        if name not in fact:
            return False
        if key == "$neq":
            return not _equal(fact[name], literal)
        if not all(type(v) is int for v in (fact[name], literal)):
            return False  # only whole numbers are ordered
        return bool(fact[name] >= literal if key == "$gte" else fact[name] <= literal)
    return key in fact and _equal(fact[key], value)


class PythonEngine:
    """Evaluates the same compiled rulesets without durable-rules: an oracle for tests and a baseline for benches."""

    def run(self, ruleset: CompiledRuleset, sid: str, facts: list[EngineFact]) -> list[Firing]:
        _check_facts(facts)
        matches = {(name, str(fact["id"])) for name, rule in ruleset.definition.items()
                   for fact in facts if holds(rule["all"][0]["m"], fact)}
        return rules_applying(ruleset, matches)
