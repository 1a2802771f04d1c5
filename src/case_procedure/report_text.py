"""The corpus report in words: its text and Markdown forms (`as_text`, `as_markdown`), the agreement table
alone (`summary`), and the report written to a file (`emitted`). Everything here reads a `report_model.Report`;
`report.build` computes it.
"""

from __future__ import annotations

import re
from pathlib import Path

from case_procedure import outputs
from case_procedure.files import write_text
from case_procedure.render import PERIOD_MARKS, WIDTH, cell, code, md_text, table, wrap
from case_procedure.report_model import Counts, NormSetInfo, PracticeRule, PracticeSet, Report
from case_procedure.safe_text import visible
from case_procedure.trace import VERDICT_WORDS

# -- Text and Markdown --------------------------------------------------------------------

COLUMNS = ("agree", "harsher", "milder", "no-rule", "unrec.", "total")
LABEL = 22


def _header() -> str:
    return f"  {'':<{LABEL}}" + "".join(f"{c:>8}" for c in COLUMNS)


def _row(label: str, figures: tuple[int, ...]) -> str:
    return f"  {label:<{LABEL}}" + "".join(f"{n:>8}" for n in figures)


def summary(report: Report) -> str:
    """The agreement of each norm set with the record over all hearings, one row a norm set."""
    lines = [f"Agreement with the record: {report.cases} cases, {report.hearings} hearings of the accused, "
             "each replayed under each norm set", _header()]
    lines += [_row(item.norm_set, item.overall.figures()) for item in report.agreement]
    return "\n".join(lines) + "\n"


def _norm_set_line(info: NormSetInfo) -> str:
    return f"{info.id} ({info.kind}; in force {info.in_force}; {info.rules} rules)"


def as_text(report: Report) -> str:
    infos = {n.id: n for n in report.norm_sets}
    lines = [f"Corpus report: {report.cases} cases, {report.hearings} hearings of the accused, "
             f"{len(report.norm_sets)} norm sets", "=" * WIDTH, "", "AGREEMENT WITH THE RECORD"]
    lines += wrap("Each recorded hearing replayed under each norm set; the period is the norm set in force "
                   "at the hearing's date.", "")
    for item in report.agreement:
        lines += ["", _norm_set_line(infos[item.norm_set]), _header()]
        lines.append(_row("all hearings", item.overall.figures()))
        lines.append("  by period")
        lines += [_row(c.key, c.figures()) for c in item.by_period]
        lines.append("  by body")
        lines += [_row(c.key, c.figures()) for c in item.by_body]
    expulsions = report.expulsions
    lines += ["", "RECORDED EXPULSIONS THE 1938 NORMS WOULD NOT HAVE PRODUCED"]
    if not expulsions.available:
        lines.append(f"  no norm set {expulsions.norm_set!r} in the rules folder")
    else:
        lines.append(f"  {len(expulsions.not_produced)} of {expulsions.recorded} recorded expulsions "
                     f"(replayed under {expulsions.norm_set})")
        for lost in expulsions.not_produced:
            lines += wrap(f"{lost.case}/{lost.hearing}, {lost.date}, {lost.body} (period {lost.period})", "      ",
                           "  - ")
            prescribed = f"{lost.prescribed} by rule {lost.rule}" if lost.prescribed else "nothing (no rule applies)"
            lines += wrap(f"recorded {lost.recorded}; prescribed {prescribed}", "      ")
    lines += ["", "RULE COVERAGE"]
    lines += wrap("Cases on which each rule fires, replayed along the record and simulated.", "")
    for cover in report.coverage:
        lines += ["", f"{cover.norm_set}: {cover.exercised} of {len(cover.rules)} rules exercised"]
        for use in cover.rules:
            if use.replay or use.simulation:
                lines += wrap(f"{use.rule}{' (route)' if use.route else ''}", "      ", "  ")
                if use.replay:
                    lines += wrap(f"replay ({len(use.replay)}): {', '.join(use.replay)}", "        ", "      ")
                if use.simulation:
                    lines += wrap(f"simulation ({len(use.simulation)}): {', '.join(use.simulation)}", "        ",
                                   "      ")
        if cover.unexercised:
            lines += wrap(f"not exercised ({len(cover.unexercised)}): {', '.join(cover.unexercised)}", "    ", "  ")
    lines += _practice_text(report.practice)
    lines += _lawful_text(report)
    lines += _judged_text(report)
    lines += _deciding_text(report)
    if report.failures:
        lines += ["", f"FAILURES ({len(report.failures)})"]
        for failure in report.failures:
            lines += wrap(f"{failure.norm_set}, {failure.case}, {failure.mode}: {failure.message}", "      ", "  - ")
    return "\n".join(lines) + "\n"


PRACTICE_INTRO = ("Each practice set beside the norms of its period, both replayed on the hearings of that period. "
                  "For each rule of the practice set's own file: the cases it is drawn from, and the cases where it "
                  "decided a hearing of the period, alone or concurring with the deciding rule, and the record agrees "
                  "(fits) or disagrees (contradicts); a route "
                  "rule fits where the accused's next recorded hearing is at the body it names, or, for `end`, where "
                  "none follows. A case can do both, at different hearings.")


def _cases(cases: list[str]) -> str:
    return f"({len(cases)}) {', '.join(cases) or '-'}"


def _drawn_from(rule: PracticeRule) -> str:
    if rule.drawn_from:
        return ", ".join(rule.drawn_from)
    return "no case: the book reports it in general terms" if rule.general else "-"


def _practice_text(practice: list[PracticeSet]) -> list[str]:
    if not practice:
        return []
    lines = ["", "PRACTICE RULES AGAINST THE RECORD", *wrap(PRACTICE_INTRO, "")]
    for item in practice:
        lines += ["", f"{item.norm_set} (period {item.period})",
                  f"    {'':<{LABEL - 2}}" + "".join(f"{c:>8}" for c in COLUMNS)]
        # indented past the agreement tables' rows, so that the two kinds of row are told apart
        lines += [f"    {c.key if c is item.norms else item.norm_set:<{LABEL - 2}}" + "".join(f"{n:>8}" for n in
                                                                                         c.figures())
                  for c in (item.norms, item.practice)]
        for rule in item.rules:
            lines += wrap(f"{rule.rule}{' (route)' if rule.route else ''}", "      ", "  ")
            lines += wrap(f"drawn from: {_drawn_from(rule)}", "        ", "      ")
            lines += wrap(f"fits {_cases(rule.fits)}", "        ", "      ")
            lines += wrap(f"contradicts {_cases(rule.contradicts)}", "        ", "      ")
    return lines


def _practice_markdown(practice: list[PracticeSet]) -> list[str]:
    if not practice:
        return []
    out = ["", "## Practice rules against the record", "", PRACTICE_INTRO]
    for item in practice:
        out += ["", f"### {item.norm_set} (period {item.period})", "",
                "| norm set | agree | harsher | milder | no-rule | unrecorded | total |",
                "|---|---:|---:|---:|---:|---:|---:|"]
        out += [f"| `{name}` | " + " | ".join(str(n) for n in c.figures()) + " |"
                for name, c in ((item.period, item.norms), (item.norm_set, item.practice))]
        out += ["", "| rule | drawn from | fits | contradicts |", "|---|---|---|---|"]
        out += [f"| `{r.rule}`{' (route)' if r.route else ''} | {_drawn_from(r)} | {_cases(r.fits)} | "
                f"{_cases(r.contradicts)} |" for r in item.rules]
    return out


def _table(rows: list[Counts], first: str) -> list[str]:
    out = [f"| {first} | agree | harsher | milder | no-rule | unrecorded | total |",
           "|---|---:|---:|---:|---:|---:|---:|"]
    return out + [f"| {c.key} | " + " | ".join(str(n) for n in c.figures()) + " |" for c in rows]


def as_markdown(report: Report) -> str:
    infos = {n.id: n for n in report.norm_sets}
    out = ["# Corpus report", "", f"{report.cases} cases, {report.hearings} hearings of the accused, "
           f"{len(report.norm_sets)} norm sets.", "", "## Agreement with the record", "",
           "Each recorded hearing replayed under each norm set; the period is the norm set in force at the "
           "hearing's date."]
    for item in report.agreement:
        out += ["", f"### {_norm_set_line(infos[item.norm_set])}", ""]
        out += _table([item.overall, *item.by_period], "period") + [""] + _table(item.by_body, "body")
    expulsions = report.expulsions
    out += ["", "## Recorded expulsions the 1938 norms would not have produced", ""]
    if not expulsions.available:
        out.append(f"No norm set `{expulsions.norm_set}` in the rules folder.")
    else:
        out += [f"{len(expulsions.not_produced)} of {expulsions.recorded} recorded expulsions (replayed under "
                f"`{expulsions.norm_set}`).", "", "| case | hearing | date | body | period | recorded | prescribed "
                "| rule |", "|---|---|---|---|---|---|---|---|"]
        out += [f"| {x.case} | {x.hearing} | {cell(x.date)} | {x.body} | {x.period} | {x.recorded} | "
                f"{x.prescribed or '-'} | {f'`{x.rule}`' if x.rule else '-'} |" for x in expulsions.not_produced]
    out += ["", "## Rule coverage"]
    for cover in report.coverage:
        out += ["", f"### {cover.norm_set}", "", f"{cover.exercised} of {len(cover.rules)} rules exercised.", "",
                "| rule | replay | simulation |", "|---|---|---|"]
        out += [f"| `{u.rule}`{' (route)' if u.route else ''} | {len(u.replay)}: {', '.join(u.replay) or '-'} | "
                f"{len(u.simulation)}: {', '.join(u.simulation) or '-'} |" for u in cover.rules]
        if cover.unexercised:
            out += ["", f"Not exercised ({len(cover.unexercised)}): " + ", ".join(f"`{r}`" for r in cover.unexercised)]
    out += _practice_markdown(report.practice)
    out += _lawful_markdown(report)
    out += _judged_markdown(report)
    out += _deciding_markdown(report)
    if report.failures:
        out += ["", "## Failures", ""]
        out += [f"- {f.norm_set}, {f.case}, {f.mode}: {md_text(f.message)}" for f in report.failures]
    return "\n".join(out) + "\n"


LAWFUL = ("The lawful paths of each case under each norm set (`simulate`): from a start that follows the record, "
          "every route the norms leave open, each end of a range that changes the route, the accused's appeal or "
          "not. For each norm set: how many cases end, in the record, with an outcome some lawful path reaches, "
          "how many follow a lawful path step by step, on how many no rule of the set decides anything, and the "
          "other cases, whose recorded outcome no lawful path reaches.")


def _lawful_text(report: Report) -> list[str]:
    lines = ["", "THE RECORD AMONG THE LAWFUL PATHS", *wrap(LAWFUL.replace("`", ""), "")]
    for item in report.lawful:
        lines += ["", *wrap(f"{item.norm_set}: the recorded outcome is a lawful one in {item.recorded_among} of "
                            f"{item.cases} cases; the record follows a lawful path in {item.on_a_path}; no rule "
                            f"decides on any path in {item.undecided}", "  ")]
        for case in item.outside:
            lines += wrap(f"{case.case}: {case.words}", "      ", "  - ")
    return lines


def _lawful_markdown(report: Report) -> list[str]:
    out = ["", "## The record among the lawful paths", "", LAWFUL, "", "| norm set | cases | recorded outcome "
           "lawful | record on a lawful path | no rule decides |", "|---|---:|---:|---:|---:|"]
    out += [f"| `{item.norm_set}` | {item.cases} | {item.recorded_among} | {item.on_a_path} | {item.undecided} |"
            for item in report.lawful]
    for item in report.lawful:
        if item.outside:
            out += ["", f"### Outside the lawful outcomes of {item.norm_set}", ""]
            out += [f"- `{c.case}`: {md_text(c.words)}" for c in item.outside]
    return out


JUDGED = ("The record's entries other than hearings (the accused's dismissals and arrests, appeals by or for the "
          "accused) that a judgment of each norm set weighs, with its verdict; 'not in force' marks an entry dated "
          "when that norm set was not, or not wholly, in force.")


def _judged_text(report: Report) -> list[str]:
    if not report.judgments:
        return []
    lines = ["", "DISMISSALS, ARRESTS AND APPEALS JUDGED", *wrap(JUDGED, "")]
    for norm_set, rows in report.judgments.items():
        lines += ["", f"{norm_set} ({len(rows)})"]
        for row in rows:
            lines += wrap(f"{row.case}/{row.entry} ({row.type}, {row.date}): {VERDICT_WORDS[row.verdict]} by "
                          f"{row.rule}{PERIOD_MARKS[row.outside_period]}", "      ", "  - ")
    return lines


def _judged_markdown(report: Report) -> list[str]:
    if not report.judgments:
        return []
    out = ["", "## Dismissals, arrests and appeals judged", "", JUDGED]
    for norm_set, rows in report.judgments.items():
        out += ["", f"### {norm_set}", ""]
        out += table(["case", "entry", "date", "verdict", "judgment"],
                     [[code(r.case), code(r.entry), r.date, VERDICT_WORDS[r.verdict] + PERIOD_MARKS[r.outside_period],
                       code(r.rule)] for r in rows])
    return out


DECIDING = ("Facts that most often decide outcomes: for each fact that `sensitivity` varies, the prescribed "
            "decisions (hearings of all cases) that some single change of it alters, each replayed in full.")


def _deciding_text(report: Report) -> list[str]:
    lines = ["", "FACTS THAT MOST OFTEN DECIDE OUTCOMES", *wrap(DECIDING.replace("`", ""), "")]
    for item in report.deciding_facts:
        lines += ["", f"{item.norm_set} ({item.hearings} hearings)", f"  {'fact':<{LABEL}}{'flips':>8}{'cases':>8}"]
        lines += [f"  {f.variation:<{LABEL}}{f.flips:>8}{f.cases:>8}" for f in item.facts] or ["  no change alters "
                                                                                               "any decision"]
    return lines


def _deciding_markdown(report: Report) -> list[str]:
    out = ["", "## Facts that most often decide outcomes", "", DECIDING]
    for item in report.deciding_facts:
        out += ["", f"### {item.norm_set}", "", f"{item.hearings} hearings.", "", "| fact | what varies | flips | "
                "cases |", "|---|---|---:|---:|"]
        out += [f"| `{f.variation}` | {md_text(f.about)} | {f.flips} | {f.cases} |" for f in item.facts]
    return out


def render(report: Report, format: str) -> str:
    return {"json": Report.to_json, "text": as_text, "markdown": as_markdown}[format](report)


_BEGINNINGS = (re.compile(r"Corpus report: \d+ cases, \d+ hearings of the accused"),
               re.compile(r"# Corpus report\n\n\d+ cases, \d+ hearings of the accused"),
               re.compile(r'\{\n  "cases": \d+,\n  "hearings": \d+,\n  "norm_sets": \['))


def emitted(report: Report, format: str, out: Path | None = None, summary_only: bool = False) -> str:
    """Write the report to `out` when given (replaced in one step); what to print: the summary alone, or the
    report when it goes to no file."""
    if out is not None:
        write_text(out, visible(render(report, format)))
    if summary_only:
        return summary(report)
    return render(report, format) if out is None else ""


def is_report(head: str) -> bool:
    """Whether a file beginning with `head` is a report this command wrote, in any of its formats
    (`report --out` replaces such a file without --force)."""
    return any(beginning.match(head) for beginning in _BEGINNINGS)


WRITES = outputs.Writes("report", folder=False, example="out/report.md", recognise=is_report)

