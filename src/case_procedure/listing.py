"""The listings of the command line: the corpus (`cases`), the norm sets (`rules`) and the facts a rule may
test (`facts`), as text for a terminal."""

from __future__ import annotations

from case_procedure.case import Case
from case_procedure.census import Census, case_chapter
from case_procedure.codebook import FACTORIES, label
from case_procedure.errors import UsageError
from case_procedure.norms import NormSet
from case_procedure.render import ARREST_WORDS
from case_procedure.situation import CATALOGUE, ROUTE_FACTS
from case_procedure.sources import SECTIONS, chapter_value


def _lines(lines: list[str]) -> str:
    return "".join(f"{line}\n" for line in lines)


def case_filters(factory: str | None, chapter: str | None) -> tuple[str | None, str | None]:
    """`--factory` and `--chapter` checked, the chapter as the census writes it; UsageError naming the known."""
    if factory is not None and factory not in FACTORIES:
        raise UsageError(f"--factory: unknown factory {factory!r}; known: {', '.join(FACTORIES)}")
    try:
        return factory, None if chapter is None else str(chapter_value(chapter))
    except ValueError:
        raise UsageError(f"--chapter: unknown chapter {chapter!r}; known: {', '.join(SECTIONS)}") from None


def cases_table(cases: list[Case], factory: str | None = None, chapter: str | None = None,
                census: Census | None = None) -> str:
    """One line a case: id, factory, years, hearings and fate; only those of the factory and chapter given."""
    shown = [c for c in cases if (factory is None or c.factory == factory)
             and (chapter is None or case_chapter(c, census) == chapter)]
    width = max([len("case"), *(len(c.id) for c in shown)]) + 2  # an id never runs into the factory
    lines = [f"{'case':<{width}}{'factory':<20}{'years':<11}{'hearings':>8}  fate"]
    for case in shown:
        first, last = case.years()
        fate = f"{label(case.fate.party_status)}, {ARREST_WORDS[case.fate.arrested]}"
        lines.append(f"{case.id:<{width}}{case.factory:<20}{f'{first}-{last}':<11}{len(case.hearings()):>8}  {fate}")
    return _lines(lines)


def norm_sets_text(norm_sets: dict[str, NormSet]) -> str:
    """Each norm set: its title, kind, period and base, and one line a rule."""
    lines: list[str] = []
    for normset in norm_sets.values():
        until = normset.in_force.until or "open"
        base = f", extends {normset.extends}" if normset.extends else ""
        lines.append(f"{normset.id}: {normset.title} [{normset.kind}]")
        lines.append(f"  in force {normset.in_force.from_} to {until}{base}; {len(normset.rules)} rules")
        for rule in normset.rules:
            at = ", ".join(label(b) for b in rule.rule.at)
            lines.append(f"  - {rule.id} -> {rule.rule.describe_outcome()} ({rule.rule.reading}; at {at})")
        lines.append("")
    return _lines(lines)


def facts_text() -> str:
    """Each kind of fact with its attributes, what they mean and the values they take."""
    lines: list[str] = []
    for kind, attributes in CATALOGUE.items():
        only = " (route rules only)" if kind in ROUTE_FACTS else ""
        lines.append(f"{kind}{only}")
        for name, attribute in attributes.items():
            values = {bool: "true/false", int: "a number"}.get(attribute.kind) or ", ".join(attribute.values or ())
            lines.append(f"  {name}: {attribute.description}")
            lines.append(f"      {values}")
    return _lines(lines)
