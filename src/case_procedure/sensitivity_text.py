"""A sensitivity result as text and Markdown: for each hearing the smallest changes that alter what is prescribed,
and under `all` the party card under each norm set.

Renders the `Sensitivity` that `sensitivity.sensitivity` computes; it replays nothing.
"""

from __future__ import annotations

from case_procedure.codebook import label
from case_procedure.render import NO_CELL, WIDTH, Markup, code, md_text, table, wrap
from case_procedure.sensitivity_model import NOTHING, Flip, Prescription, Sensitivity


def _then(p: Prescription) -> str:
    if p.rule is None:
        return p.words
    sources = "; ".join(s.citation for s in p.rule.source)
    return f"{p.words}, by {p.rule.id}" + (f" ({sources})" if sources else "")


def flip_words(flip: Flip) -> str:
    return " + ".join(c.says for c in flip.changes)


def _about(s: Sensitivity, ids: list[str]) -> str:
    about = {v.id: v.about for v in s.variations}
    return "; ".join(f"{about.get(i, i)} ({i})" for i in ids)


def _card_text(s: Sensitivity) -> list[str]:
    kept = [c.norm_set for c in s.card if c.kept]
    lost = [c for c in s.card if c.kept is False]
    lines = wrap(f"The accused keeps the party card under: {', '.join(kept) or 'none'}.", "")
    losing = ", ".join(f"{c.norm_set} ({label(c.final) if c.final else NOTHING})" for c in lost)
    lines += wrap(f"Loses it under: {losing or 'none'}.", "")
    for c in lost:
        lines += wrap(f"Under {c.norm_set} the card would have been kept"
                      + (" had:" if c.keep_if else f": by no change tried (depth {s.depth})."), "   ")
        for n, flip in enumerate(c.keep_if, start=1):
            lines += wrap(f"{flip_words(flip)} -> {_then(flip.then)}", "         ", f"     {n}. ")
    return lines + [""]


def as_text(s: Sensitivity) -> str:
    lines = wrap(f"{s.title} ({s.case})", "")
    lines += wrap(f"Sensitivity under {s.rules} (depth {s.depth}): the smallest changes of the facts after which "
                  "the norm set prescribes something else at a hearing, each replayed in full.", "")
    lines.append("=" * WIDTH)
    if s.card:
        lines += _card_text(s)
    for run in s.runs:
        if len(s.runs) > 1:
            lines += [f"Under {run.norm_set}", "-" * WIDTH]
        if not run.hearings:
            lines += ["The record holds no hearing of the accused: there is nothing to replay.", ""]
        for n, h in enumerate(run.hearings, start=1):
            lines.append(f"{n}. {h.date}  {label(h.body)} ({h.hearing})")
            lines += wrap(label(h.recorded) if h.recorded else "none recorded", " " * 17, "   recorded:     ")
            lines += wrap(_then(h.prescribed), " " * 17, "   prescribed:   ")
            if not h.flips:
                lines += wrap(f"no change tried alters it (depth {s.depth})", " " * 17, "   changed by:   ")
            for k, flip in enumerate(h.flips, start=1):
                lines += wrap(f"[{flip.size} change{'s' if flip.size > 1 else ''}, cost {flip.cost}] "
                              f"{flip_words(flip)}", "         ", f"     {k}. ")
                lines += wrap(f"-> {_then(flip.then)}", "           ", "         ")
                for change in (x for c in flip.changes for x in c.changes):
                    lines += wrap(change.argument, "                 ", "         --set ")
            if h.unchanged_by:
                lines += wrap(", ".join(h.unchanged_by), " " * 17, "   no effect:    ")
            if h.conflicts:
                lines += wrap(", ".join(h.conflicts), " " * 17, "   conflicts:    ")
            lines.append("")
        if run.changes_nothing:
            lines += wrap(f"Changes no outcome under {run.norm_set}: {_about(s, run.changes_nothing)}.", "")
        if run.invalid:
            lines += wrap(f"Not tried (the change would make the case invalid): {', '.join(run.invalid)}.", "")
        lines += wrap(f"{run.tried} change sets replayed.", "")
        lines.append("")
    return "\n".join(lines)


def _flip_cell(flip: Flip) -> Markup:
    return Markup(" + ".join(md_text(c.says) for c in flip.changes))


def _then_cell(p: Prescription) -> Markup:
    if p.rule is None:
        return Markup(md_text(p.words))
    sources = "; ".join(md_text(s.citation) for s in p.rule.source)
    return Markup(f"{md_text(p.words)} ({code(p.rule.id)}" + (f"; {sources})" if sources else ")"))


def as_markdown(s: Sensitivity) -> str:
    out = [f"# {md_text(s.title)}", "", f"Case {code(s.case)}: sensitivity under {code(s.rules)} (depth {s.depth}). "
           "Each row is a smallest change of the facts after which the norm set prescribes something else; every "
           "one was replayed in full.", ""]
    if s.card:
        rows: list[list[object]] = [[code(c.norm_set), {True: "kept", False: "lost", None: "unknown"}[c.kept],
                 label(c.final) if c.final else NO_CELL,
                 Markup("<br>".join(f"{_flip_cell(f)}" for f in c.keep_if)) if c.keep_if else NO_CELL]
                for c in s.card]
        out += ["## The party card", "", *table(["norm set", "card", "final decision", "kept had"], rows), ""]
    for run in s.runs:
        out += [f"## Under {code(run.norm_set)}", ""]
        for n, h in enumerate(run.hearings, start=1):
            out += [f"### {n}. {md_text(h.date)}, {md_text(label(h.body))} ({code(h.hearing)})", "",
                    f"Recorded: {md_text(label(h.recorded) if h.recorded else 'none recorded')}. "
                    f"Prescribed: {_then_cell(h.prescribed)}.", ""]
            if h.flips:
                flip_rows: list[list[object]] = [[k, f.size, f.cost, _flip_cell(f), _then_cell(f.then),
                         Markup("<br>".join(md_text(x.argument) for c in f.changes for x in c.changes))]
                        for k, f in enumerate(h.flips, start=1)]
                out += [*table(["#", "changes", "cost", "had", "then", "--set"], flip_rows), ""]
            else:
                out += [f"No change tried alters it (depth {s.depth}).", ""]
            if h.unchanged_by:
                out += [f"No effect here: {', '.join(code(v) for v in h.unchanged_by)}.", ""]
        if run.changes_nothing:
            out += [f"Changes no outcome under {code(run.norm_set)}: {md_text(_about(s, run.changes_nothing))}.", ""]
        out += [f"{run.tried} change sets replayed.", ""]
    return "\n".join(out)
