"""The casebook: a static site of the corpus for teachers and students.

`build` writes, from the corpus's runs (`run.corpus_runs`: every case replayed and simulated
under every norm set, with the rules considered and what would have changed each hearing), an
index of the cases, a page per case (timeline, people and ties, the replay under every norm set
side by side with a switcher, diagrams, sources), a page per norm set, and a page explaining the
procedure to a first-time reader. It runs no rule itself. The site works
opened from disk: no network, no CDN; the switcher is a few lines of plain JavaScript and
without it every norm set is shown. The whole folder is built beside the target and
swapped in, so an interrupted build leaves the previous casebook intact.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from case_procedure import diagram
from case_procedure.case import Case, Event, Hearing
from case_procedure.census import Census, Entry, Status, by_chapter, chapter_heading, section_words
from case_procedure.codebook import BODY_TERMS, DECISION_TERMS, factory_name, label
from case_procedure.files import replacing_folder
from case_procedure.narrative import AGREEMENT_WORDS, citations, event_sentence, person_name, place, rule_conditions
from case_procedure.norms import NormSet, ResolvedRule
from case_procedure.procedure import pattern_words, procedure_bodies, route_steps, rule_order
from case_procedure.progress import Progress, Tick, silent
from case_procedure.render import ARREST_WORDS, decision_words, outcome_words
from case_procedure.run_model import Consideration, CorpusRuns, Run, replay_sets
from case_procedure.safe_text import visible
from case_procedure.sensitivity_model import NormSetRun, NormSetWeights
from case_procedure.sources import BOOK, Source
from case_procedure.trace import AUTO, VERDICT_WORDS, Step, Trace

ASSETS = ("casebook.css", "casebook.js")
AGREEMENT_MARKS = {"agree": "=", "harsher": "▲", "milder": "▼", "no-rule": "–", "unrecorded": "?"}
DIFFERING = ("harsher", "milder")


def e(text: object) -> str:
    return html.escape(str(text), quote=True)


# -- Page frame --------------------------------------------------------------------------------

def page(title: str, body: str, root: str, description: str = "") -> str:
    """A complete HTML page; `root` is the relative path back to the casebook's top folder."""
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{e(title)} · Casebook</title>
<meta name="description" content="{e(description or title)}">
<link rel="stylesheet" href="{root}assets/casebook.css">
</head>
<body>
<a class="skip" href="#main">Skip to the content</a>
<header class="site">
<nav aria-label="Casebook"><a href="{root}index.html">Cases</a> <a href="{root}procedure.html">How a case went</a> \
<a href="{root}index.html#norm-sets">Norm sets</a></nav>
</header>
<main id="main">
{body}
</main>
<footer>
<p>Cases and norms drawn from {e(BOOK)}. Every claim names its place in the book; the wording is ours.
Built by case-procedure.</p>
</footer>
<script src="{root}assets/casebook.js"></script>
</body>
</html>
"""


def agreement_badge(agreement: str) -> str:
    return (f'<span class="agreement agreement-{e(agreement)}">'
            f'<span aria-hidden="true">{AGREEMENT_MARKS.get(agreement, "")}</span> {e(agreement)}</span>')


def _citations(sources: list[Source] | tuple[Source, ...]) -> str:
    return e(citations(sources))


def _case_sources(case: Case, keys: list[str]) -> str:
    links = [f'<a href="#source-{e(k)}">{e(case.sources[k].cite())}</a>' for k in keys if k in case.sources]
    return f'<span class="cite">Source: {"; ".join(links)}</span>' if links else ""


# How a page draws its diagrams: False, as Mermaid source only; True, each with Graphviz; or with the drawings
# `diagram.draw_all` made for the page in one run of Graphviz (a graph missing from them is drawn on its own)
Drawings = bool | dict[str, str]


def _figure(graph: diagram.Graph, root: str, use_svg: Drawings) -> str:
    """A diagram: inline SVG when Graphviz is available, otherwise its Mermaid source; both files linked."""
    drawn = use_svg if isinstance(use_svg, dict) else None
    drawing = diagram.svg(diagram.dot(graph), f"{graph.title}. {graph.description}", graph.name, drawn) \
        if use_svg is not False else None
    files = (f'<a href="{root}diagrams/{e(graph.name)}.dot" download>DOT file</a> · '
             f'<a href="{root}diagrams/{e(graph.name)}.mmd" download>Mermaid file</a>')
    source = f"<pre>{e(diagram.mermaid(graph))}</pre>"
    if drawing:
        shown = f'<div class="scroll">{drawing}</div>'
        extra = f"<details><summary>Diagram as text (Mermaid)</summary>{source}</details>"
    else:
        shown = ('<p class="muted">Graphviz was not installed when this casebook was built, so the diagram is '
                 f"given as Mermaid source, which any Mermaid viewer draws:</p>{source}")
        extra = ""
    return (f"<figure>{shown}<figcaption>{e(graph.title)}. {e(graph.description)} {files}</figcaption>"
            f"{extra}</figure>")


def _diagram_files(graph: diagram.Graph) -> dict[str, str]:
    return {f"diagrams/{graph.name}.dot": diagram.dot(graph), f"diagrams/{graph.name}.mmd": diagram.mermaid(graph)}


# -- Replays -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class View:
    """A case replayed under one norm set (or `auto`), with the rules considered at each hearing; a route
    loop or conflict stops its simulation (`run.simulation_error`), not the casebook."""

    key: str  # norm set id or 'auto'
    name: str  # for the reader
    run: Run
    graph: diagram.Graph  # the case's pathway under this norm set
    sensitivity: NormSetRun | None = None  # what would have changed each hearing (`sensitivity`, depth 1)

    @property
    def status(self) -> str:
        counts = {a: sum(s.agreement == a for s in self.run.trace.steps) for a in AGREEMENT_WORDS}
        told = ", ".join(f"{n} {a}" for a, n in counts.items() if n) or "no hearing to judge"
        return f"Showing the replay under {self.name}: {told}."


def view(run: Run, key: str, norm_sets: dict[str, NormSet], sensitivity: NormSetRun | None = None) -> View:
    """What the case page shows of a run under one norm set (or `auto`)."""
    name = "the norm set in force at each hearing" if key == AUTO else f"{norm_sets[key].title} ({key})"
    return View(key, name, run, diagram.case_pathway(run.case, run.trace, run.simulation), sensitivity)


def differing(trace: Trace) -> int:
    return sum(s.agreement in DIFFERING for s in trace.steps)


# -- Case page ---------------------------------------------------------------------------------

def _side_by_side(case: Case, views: list[View]) -> str:
    head = "".join(f'<th scope="col" data-normset-col="{e(v.key)}">{e("in force" if v.key == AUTO else v.key)}</th>'
                   for v in views)
    rows = []
    for n, hearing in enumerate(case.hearings(), start=1):
        cells = []
        for v in views:
            step = v.run.trace.steps[n - 1]
            prescribed = outcome_words(step.prescribed, "nothing")
            cells.append(f'<td data-normset-col="{e(v.key)}">{e(prescribed)}<br>{agreement_badge(step.agreement)}'
                         "</td>")
        recorded = decision_words(hearing.decision, hearing.also) if hearing.decision else "none recorded"
        rows.append(f'<tr><th scope="row">{n}</th><td>{e(hearing.date)}</td><td>{e(label(hearing.body))}</td>'
                    f"<td>{e(recorded)}</td>{''.join(cells)}</tr>")
    if not rows:
        return "<p>The record holds no hearing of the accused, so there is nothing to replay.</p>"
    return ('<div class="scroll"><table class="side-by-side" id="replay-table"><caption>Each recorded hearing, the '
            "decision the record shows, and the decision each norm set prescribes there, with their agreement "
            "(= agree, ▲ the norms are harsher, ▼ milder, – no rule applies).</caption>"
            '<thead><tr><th scope="col">#</th><th scope="col">date</th><th scope="col">body</th>'
            f'<th scope="col">recorded</th>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table></div>')


def _why_not(items: list[Consideration], root: str) -> str:
    if not items:
        return ""
    rows = "".join(
        f'<tr><td><a href="{root}norms/{e(_set_of(i))}.html#rule-{e(i.rule.id)}"><code>{e(i.rule.id)}</code></a></td>'
        f"<td>{e(i.rule.rule.describe_outcome())}</td><td>{e(i.verdict)}</td><td>{e(i.reason)}</td></tr>"
        for i in items)
    return (f"<details><summary>All {len(items)} rules considered, and why the others did not apply</summary>"
            '<div class="scroll"><table><thead><tr><th scope="col">rule</th><th scope="col">outcome</th>'
            f'<th scope="col">verdict</th><th scope="col">why</th></tr></thead><tbody>{rows}</tbody></table></div>'
            "</details>")


def _set_of(item: Consideration) -> str:
    return item.rule.file.stem  # the norm set that states the rule; its page lists it


def _step_html(case: Case, n: int, step: Step, hearing: Hearing, v: View, root: str) -> str:
    recorded = outcome_words(step.recorded, "no decision recorded")
    normset = v.run.norm_sets[hearing.id]
    parts = [f'<li class="step" id="step-{e(v.key)}-{n}"><h4>Hearing {n}: {e(step.date)}, {e(label(step.body))}'
             "</h4><dl>", f"<dt>The record shows</dt><dd>{e(recorded)}</dd>"]
    if step.prescribed is None:
        why = "no norm set was in force on this date" if normset is None else "no rule of the norm set applies"
        parts.append(f'<dt>The norms prescribe</dt><dd><span class="prescribed" data-step="{n}">nothing</span> '
                     f"({e(why)})</dd>")
    else:
        p = step.prescribed
        rule_link = f'{root}norms/{e(step.norm_set)}.html#rule-{e(p.rule.id)}'
        facts = "".join(f"<li>{e(f.description)}</li>" for f in p.matched)
        parts += [f'<dt>The norms prescribe</dt><dd><span class="prescribed" data-step="{n}">'
                  f"{e(p.words())}</span> under <code>{e(step.norm_set)}</code></dd>",
                  f'<dt>Rule</dt><dd><a href="{rule_link}"><code>{e(p.rule.id)}</code></a> ({e(p.rule.reading)}): '
                  f"{e(p.rule.statement)}</dd>",
                  f"<dt>Rule source</dt><dd>{'; '.join(e(s.citation) for s in p.rule.source)}</dd>",
                  f"<dt>Because</dt><dd><ul>{facts}</ul></dd>"]
        if p.overridden:
            parts.append(f"<dt>Set aside</dt><dd>{e(', '.join(p.overridden))}</dd>")
    parts.append(f"<dt>Verdict</dt><dd>{agreement_badge(step.agreement)} {e(AGREEMENT_WORDS[step.agreement])}</dd>")
    parts.append(f"<dt>Record source</dt><dd>{_case_sources(case, hearing.source)}</dd></dl>")
    parts.append(_why_not(v.run.why_not[hearing.id], root))
    if v.sensitivity is not None:
        parts.append(_would_change(v.sensitivity, n - 1, root))
    parts.append("</li>")
    return "".join(parts)


SHOWN_FLIPS = 6  # the panel shows the smallest and most plausible changes; `case-procedure sensitivity` has all


def _would_change(run: NormSetRun, index: int, root: str) -> str:
    """The static "what would have changed it" panel of a hearing: the single changes after which the norm set
    prescribes something else (each replayed in full), and the facts that change nothing there."""
    hearing = run.hearings[index]
    items = []
    for flip in hearing.flips[:SHOWN_FLIPS]:
        then = flip.then
        rule = (f' by <a href="{root}norms/{e(then.norm_set)}.html#rule-{e(then.rule.id)}"><code>{e(then.rule.id)}'
                f"</code></a> ({'; '.join(e(s.citation) for s in then.rule.source)})") if then.rule else ""
        items.append(f"<li>{e(' + '.join(c.says for c in flip.changes))}: <strong>{e(then.words)}</strong>{rule}"
                     "</li>")
    more = len(hearing.flips) - SHOWN_FLIPS
    listed = (f"<ol>{''.join(items)}</ol>" + (f"<p>And {more} more: see <code>case-procedure sensitivity</code>.</p>"
                                              if more > 0 else "")) if items else \
        "<p>No single change tried alters what the norm set prescribes here.</p>"
    nothing = f"<p>No effect here: {e(', '.join(hearing.unchanged_by))}.</p>" if hearing.unchanged_by else ""
    return (f'<details class="whatif"><summary>What would have changed it</summary>{listed}{nothing}</details>')


def _panel(case: Case, v: View, root: str, use_svg: Drawings) -> str:
    hearings = case.hearings()
    pairs = enumerate(zip(v.run.trace.steps, hearings, strict=True), start=1)
    steps = "".join(_step_html(case, n, s, h, v, root) for n, (s, h) in pairs)
    about = ("Each hearing is judged by the norm set of kind <em>norms</em> in force for most of its date span."
             if v.key == AUTO else f'See the rules of <a href="{root}norms/{e(v.key)}.html">{e(v.key)}</a>.')
    body = f'<ol class="steps">{steps}</ol>' if steps else "<p>There is no hearing of the accused to replay.</p>"
    return (f'<section class="panel" id="panel-{e(v.key)}" data-normset="{e(v.key)}" data-status="{e(v.status)}" '
            f'aria-labelledby="panel-title-{e(v.key)}"><h3 id="panel-title-{e(v.key)}">Under {e(v.name)}</h3>'
            f"<p>{about}</p>{body}{_judged_html(v, root)}{_simulation_html(case, v, root)}"
            f"{_figure(v.graph, root, use_svg)}</section>")


def _judged_html(v: View, root: str) -> str:
    """The dismissals, arrests and appeals the norm set's judgments weigh, each with its verdicts."""
    if not v.run.trace.judgments:
        return ""
    items = []
    for judged in v.run.trace.judgments:
        verdicts = "".join(
            f'<li><strong>{e(VERDICT_WORDS[j.verdict].capitalize())}</strong> by <a href="{root}norms/'
            f'{e(_file_set(j.rule.file))}.html#judgment-{e(j.rule.id)}"><code>{e(j.rule.id)}</code></a>: '
            f"{e(j.rule.statement)}{f' Required instead: {e(j.remedy)}.' if j.remedy else ''} "
            f"<span class=\"source\">{e('; '.join(s.citation for s in j.rule.source))}</span></li>"
            for j in judged.judgments)
        note = f"<p><em>Not in force.</em> {e(judged.period_note())}.</p>" if judged.period_note() else ""
        items.append(f'<li><a href="#entry-{e(judged.entry)}">{e(judged.type.capitalize())} of {e(judged.date)}'
                     f"</a>: {e(judged.summary)}{note}<ul>{verdicts}</ul></li>")
    return (f'<h4 id="judged-{e(v.key)}">Dismissals, arrests and appeals the norms speak of</h4>'
            f"<ul>{''.join(items)}</ul>")


def _simulation_html(case: Case, v: View, root: str) -> str:
    head = f'<h4 id="simulated-{e(v.key)}">The path the norms would have taken on their own (simulated)</h4>'
    sim = v.run.simulation
    if sim is None:
        return f"{head}<p>The simulation stopped: {e(v.run.simulation_error)}</p>"
    if not sim.steps:
        return f"{head}<p>{e(NO_SIMULATED_STEP[sim.ended])}</p>"
    start = f" from the facts known at <a href=\"#entry-{e(sim.start)}\">{e(sim.start)}</a>" if sim.start else ""
    items = []
    for s in sim.steps:
        decided = s.words() or "nothing (no rule decides here)"
        rule = f' by <a href="{root}norms/{e(_file_set(s.rule.file))}.html#rule-{e(s.rule.id)}"><code>' \
            f"{e(s.rule.id)}</code></a>" if s.rule else ""
        appeal = " (on the accused's appeal)" if s.on_appeal else ""
        route = {None: "no route rule applies, so the case stops", "end": "the case ends"}.get(
            s.route, f"the case goes to the {label(s.route or '')}")
        route_rule = f" (<code>{e(s.route_rule.id)}</code>)" if s.route_rule else ""
        items.append(f"<li><strong>Simulated step {s.n}: the {e(label(s.body))}</strong>{e(appeal)} decides "
                     f'<span class="simulated" data-step="{s.n}">{e(decided)}</span>{rule}; then '
                     f"{e(route)}{route_rule}.</li>")
    final = decision_words(sim.final) if sim.final else "no decision"
    recorded = decision_words(sim.recorded_final) if sim.recorded_final else "no decision"
    return (f"{head}<p>Letting the rules route the case{start}: which body hears it, what it decides and where it "
            f"goes next. This path is drawn dashed in the diagram.</p><ol>{''.join(items)}</ol>"
            f"<p>The simulation ends with <strong>{e(final)}</strong>; the record ends with "
            f"<strong>{e(recorded)}</strong>.</p>")


NO_SIMULATED_STEP = {  # by `Simulation.ended`, for a simulation without steps
    "no-hearing": "There is no hearing to start a simulation from.",
    "no-norm-set": "No norm set was in force at the first hearing, so there is no rule to route the case.",
    "end": "The route rules end the case at its opening, before any body takes it up.",
}


def _file_set(file: str) -> str:
    return Path(file).stem


def _switcher(views: list[View]) -> str:
    options = "".join(
        f'<label><input type="radio" name="normset" value="{e(v.key)}" id="switch-{e(v.key)}"'
        f'{" checked" if i == 0 else ""}> {e("in force at each hearing" if v.key == AUTO else v.key)}</label>'
        for i, v in enumerate(views))
    return (f'<fieldset class="switch" id="normset-switch" hidden><legend>Show the replay under</legend>{options}'
            '</fieldset><p id="switch-status" aria-live="polite" hidden></p>')


def _timeline(case: Case) -> str:
    numbers = {h.id: n for n, h in enumerate(case.hearings(), start=1)}

    def item(event: Event, tag: str) -> str:
        hearing = event.id in numbers
        kind = f"hearing {numbers[event.id]}" if hearing else label(event.type)
        certainty = f' <span class="tag">{e(event.certainty)}</span>' if event.certainty != "stated" else ""
        readings = "".join(f"<li>{e(r.says)} {_case_sources(case, r.source)}</li>" for r in event.readings)
        readings = f"<p>Readings that disagree:</p><ul>{readings}</ul>" if readings else ""
        return (f'<li class="{"hearing" if hearing else tag}" id="entry-{e(event.id)}">'
                f'<span class="date">{e(event.date)}</span> <span class="tag">{e(kind)}</span>{certainty} '
                f"<strong>{e(event_sentence(case, event))}</strong> {e(event.summary)} "
                f"{_case_sources(case, event.source)}{readings}</li>")

    background = "".join(item(ev, "background") for ev in case.background)
    record = "".join(item(ev, "record") for ev in case.record)
    parts = ['<h2 id="timeline">Timeline</h2>']
    if background:
        parts.append(f'<h3>Background</h3><ul class="timeline">{background}</ul>')
    parts.append(f'<h3>The record</h3><ol class="timeline">{record}</ol>')
    return "".join(parts)


def _people(case: Case) -> str:
    rows = "".join(
        f'<tr id="person-{e(key)}"><th scope="row">{e(p.name)}{" (the accused)" if key == case.accused else ""}</th>'
        f"<td>{e(p.role)}</td><td>{e(label(p.party_status))}</td><td>{e(label(p.nationality))}</td>"
        f"<td>{e(label(p.origin))}</td></tr>"
        for key, p in case.people.items())
    ties = "".join(
        f"<li>{e(person_name(case, t.other))} is {e(person_name(case, t.person))}'s {e(label(t.kind))}"
        f"{' (' + e(t.certainty) + ')' if t.certainty != 'stated' else ''}. {_case_sources(case, t.source)}</li>"
        for t in case.ties)
    return ('<h2 id="people">People and their ties</h2><div class="scroll"><table><caption>Everyone who acts in the '
            'case</caption><thead><tr><th scope="col">name</th><th scope="col">role</th><th scope="col">party '
            'status</th><th scope="col">nationality</th><th scope="col">origin</th></tr></thead>'
            f"<tbody>{rows}</tbody></table></div>"
            + (f"<h3>Ties</h3><ul>{ties}</ul>" if ties else "<p>The case file records no ties.</p>"))


def _sources(case: Case) -> str:
    items = "".join(
        f'<dt id="source-{e(k)}"><code>{e(k)}</code></dt><dd>{e(s.cite())}'
        f"{'<br>' + e(s.note) if s.note else ''}</dd>" for k, s in case.sources.items())
    return f'<h2 id="sources">Sources</h2><p>All from {e(BOOK)}.</p><dl class="facts">{items}</dl>'


def case_page(case: Case, views: list[View], use_svg: Drawings) -> str:
    root = "../"
    first, last = case.years()
    arrested = ARREST_WORDS[case.fate.arrested]
    unknown = "".join(f"<li>{e(u)}</li>" for u in case.fate.unknown)
    body = f"""<h1>{e(case.title)}</h1>
<p class="lede">{e(case.summary)}</p>
<dl class="facts"><dt>Case</dt><dd><code>{e(case.id)}</code></dd>
<dt>Accused</dt><dd>{e(person_name(case, case.accused))}</dd>
<dt>Factory</dt><dd>{e(label(case.factory))}</dd><dt>Years</dt><dd>{first}–{last}</dd>
<dt>Fate</dt><dd>{e(label(case.fate.party_status))}, {e(arrested)}</dd></dl>
<nav aria-label="On this page"><a href="#replay">Replay</a> · <a href="#timeline">Timeline</a> ·
<a href="#people">People</a> · <a href="#fate">Fate</a> · <a href="#sources">Sources</a></nav>
<h2 id="replay">The replay under each norm set</h2>
<p>For every hearing of the accused, what the record shows beside what each norm set would have prescribed.
The steps below explain one norm set at a time: the rule, the facts that made it apply, its source, and the
rules that did not apply with the condition that failed.</p>
{_side_by_side(case, views)}
{_switcher(views)}
{"".join(_panel(case, v, root, use_svg) for v in views)}
{_timeline(case)}
{_people(case)}
<h2 id="fate">Fate</h2><p>{e(case.fate.summary)} {_case_sources(case, case.fate.source)}</p>
{f"<h3>What the book leaves unknown</h3><ul>{unknown}</ul>" if unknown else ""}
{_sources(case)}"""
    return page(case.title, body, root, case.summary)


# -- Norm set pages ----------------------------------------------------------------------------

def _rule_html(normset: NormSet, n: int, rule: ResolvedRule, prescribed_in: dict[str, list[str]], root: str) -> str:
    r = rule.rule
    overrides = ", ".join(_rule_link(normset, t) for t in r.overrides)
    cases = "".join(f'<a href="{root}cases/{e(c)}.html">{e(c)}</a> ' for c in prescribed_in.get(rule.id, []))
    drawn = ", ".join(f'<a href="{root}cases/{e(c)}.html">{e(c)}</a>' for c in r.drawn_from)
    rows = [f"<dt>Outcome</dt><dd>{e(r.describe_outcome())}</dd>",
            f"<dt>Reading</dt><dd>{e(r.reading)}</dd>",
            f"<dt>When</dt><dd>{e(rule_conditions(rule))}</dd>",
            f"<dt>Source</dt><dd>{_citations(rule.sources)}</dd>"]
    if overrides:
        rows.append(f"<dt>Takes precedence over</dt><dd>{overrides}</dd>")
    if r.note:
        rows.append(f"<dt>Note</dt><dd>{e(r.note)}</dd>")
    if drawn:
        rows.append(f"<dt>Drawn from</dt><dd>{drawn}</dd>")
    if not r.is_route:
        rows.append(f"<dt>Prescribes in</dt><dd>{cases or 'no case of the corpus'}</dd>")
    inherited = "" if rule.file.stem == normset.id else \
        f' <span class="tag">from {e(rule.file.stem)}</span>'
    return (f'<li class="rule step" id="rule-{e(rule.id)}"><h4>{n}. <code>{e(rule.id)}</code>{inherited}</h4>'
            f"<p>{e(r.statement)}</p><dl>{''.join(rows)}</dl></li>")


def _rule_link(normset: NormSet, rule_id: str) -> str:
    """A link to a rule on the norm set's page, or just its id when the norm set does not hold it."""
    if any(r.id == rule_id for r in normset.rules):
        return f'<a href="#rule-{e(rule_id)}"><code>{e(rule_id)}</code></a>'
    return f"<code>{e(rule_id)}</code>"


BAR_WIDTH, BAR_HEIGHT, LABEL_WIDTH = 320, 18, 190


def bar_chart(weight: NormSetWeights) -> str:
    """A hand-written SVG bar chart of the facts that most often decide outcomes (every label escaped)."""
    top = max((f.flips for f in weight.facts), default=0)
    height = BAR_HEIGHT * len(weight.facts) + 8
    bars = []
    for i, fact in enumerate(weight.facts):
        y = 4 + i * BAR_HEIGHT
        width = round(BAR_WIDTH * fact.flips / top) if top else 0
        bars.append(f'<text x="{LABEL_WIDTH - 6}" y="{y + 13}" text-anchor="end" font-size="12">{e(fact.variation)}'
                    f'</text><rect x="{LABEL_WIDTH}" y="{y + 2}" width="{width}" height="{BAR_HEIGHT - 5}" '
                    f'fill="#5b6f8f"><title>{e(fact.about)}: {fact.flips} decisions in {fact.cases} cases</title>'
                    f'</rect><text x="{LABEL_WIDTH + width + 4}" y="{y + 13}" font-size="12">{fact.flips}</text>')
    title = f"Facts that most often decide outcomes under {weight.norm_set}"
    width = LABEL_WIDTH + BAR_WIDTH + 40
    return (f'<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="{e(title)}" width="{width}" '
            f'height="{height}" viewBox="0 0 {width} {height}"><title>{e(title)}</title>{"".join(bars)}</svg>')


def _corpus_view(weight: NormSetWeights | None) -> str:
    if weight is None:
        return ""
    head = ('<h2 id="deciding">What decides outcomes in the corpus</h2><p>For each fact that the sensitivity '
            "search varies, how many of the corpus's prescribed decisions under this norm set a single change of "
            f"it alters ({weight.hearings} hearings replayed, every change replayed in full).</p>")
    if not weight.facts:
        return head + "<p>No single change tried alters any prescribed decision.</p>"
    rows = "".join(f"<tr><th scope=\"row\"><code>{e(f.variation)}</code></th><td>{e(f.about)}</td><td>{f.flips}</td>"
                   f"<td>{f.cases}</td></tr>" for f in weight.facts)
    return (f"{head}<figure>{bar_chart(weight)}<figcaption>Prescribed decisions a single change of the fact "
            'alters</figcaption></figure><div class="scroll"><table><thead><tr><th scope="col">fact</th>'
            '<th scope="col">what varies</th><th scope="col">decisions</th><th scope="col">cases</th></tr></thead>'
            f"<tbody>{rows}</tbody></table></div>")


def norm_set_page(normset: NormSet, graph: diagram.Graph, prescribed_in: dict[str, list[str]], use_svg: Drawings,
                  weight: NormSetWeights | None = None) -> str:
    root = "../"
    bodies = "".join(f"<li><strong>{e(label(b))}</strong></li>" for b in procedure_bodies(normset))
    steps = "".join(f"<tr><td>{e(place(s.source))}</td><td>{e(place(s.target))}</td><td>{e(s.conditions)}</td>"
                    f'<td><a href="#rule-{e(s.rule.id)}"><code>{e(s.rule.id)}</code></a></td></tr>'
                    for s in route_steps(normset))
    steps_html = ('<div class="scroll"><table><caption>Where a case goes next</caption><thead><tr><th scope="col">'
                  'from</th><th scope="col">to</th><th scope="col">when</th><th scope="col">rule</th></tr></thead>'
                  f"<tbody>{steps}</tbody></table></div>") if steps else \
        "<p>This norm set has no route rules: it says what bodies decide, not where a case goes next.</p>"
    powers = "".join(f"<tr><th scope=\"row\">{e(label(p.power.body))}</th><td>"
                     f"{e(', '.join(label(d) for d in p.power.may))}</td><td>{e(p.power.statement)}</td>"
                     f"<td>{_citations(p.sources)}</td></tr>" for p in normset.powers)
    powers_html = ('<div class="scroll"><table><caption>What each body may decide</caption><thead><tr>'
                   '<th scope="col">body</th><th scope="col">may decide</th><th scope="col">statement</th>'
                   f'<th scope="col">source</th></tr></thead><tbody>{powers}</tbody></table></div>') if powers else \
        "<p>This norm set states no powers.</p>"
    rules = "".join(_rule_html(normset, n, r, prescribed_in, root) for n, r in enumerate(rule_order(normset), 1))
    provisions = "".join(
        f"<tr><td>{e(p.text)}</td><td>{e(label(p.status))}</td><td>"
        + (", ".join([*(_rule_link(normset, r) for r in p.rules), *(e(w) for w in (*p.powers, *p.deadlines)),
                      *(f'<a href="#judgment-{e(j)}"><code>{e(j)}</code></a>' for j in p.judgments)])
           if p.status == "encoded" else e(p.reason or ""))
        + f"</td><td>{_citations(s)}</td></tr>" for p, s in normset.provisions)
    provisions_html = ('<h2 id="provisions">Provisions of the documents</h2><div class="scroll"><table><thead><tr>'
                       '<th scope="col">provision</th><th scope="col">status</th><th scope="col">encoded by, or why '
                       f'not</th><th scope="col">source</th></tr></thead><tbody>{provisions}</tbody></table></div>'
                       ) if provisions else ""
    extends = f' It changes <a href="{e(normset.extends)}.html">{e(normset.extends)}</a>.' if normset.extends else ""
    body = f"""<h1>{e(normset.title)}</h1>
<p class="lede">{e(normset.summary)}</p>
<dl class="facts"><dt>Norm set</dt><dd><code>{e(normset.id)}</code></dd><dt>Kind</dt><dd>{e(normset.kind)}</dd>
<dt>In force</dt><dd>{e(normset.in_force.from_)} to {e(normset.in_force.until or "open")}</dd>
<dt>Rules</dt><dd>{len(normset.decision_rules)} decision rules, {len(normset.route_rules)} route rules.{extends}</dd>
</dl>
<h2 id="bodies">The bodies</h2><ul>{bodies}</ul>
<h2 id="steps">The order of steps</h2>{steps_html}
{_figure(graph, root, use_svg)}
<h2 id="powers">Who can decide what</h2>{powers_html}
<h2 id="rules">The rules in order</h2>
<p>A rule comes before the rules it takes precedence over.</p>
<ol class="steps" style="list-style: none; padding-left: 0">{rules}</ol>
{_judgments_html(normset)}
{provisions_html}
{_corpus_view(weight)}
<h2 id="sources">Sources of the norm set as a whole</h2><ul>{"".join(f"<li>{e(s.cite())}</li>"
                                                              for s in normset.sources)}</ul>"""
    return page(normset.title, body, root, normset.summary)


def _judgments_html(normset: NormSet) -> str:
    """The norm set's judgments of dismissals, arrests and appeals, each with its verdict, facts and source."""
    if not normset.judgments:
        return ""
    items = "".join(
        f'<li class="rule step" id="judgment-{e(j.id)}"><h4><code>{e(j.id)}</code></h4>'
        f"<p>{e(j.judgment.statement)}</p><dl class=\"facts\"><dt>Judges</dt>"
        f"<dd>{e(', '.join(j.judgment.entries))}</dd><dt>Verdict</dt>"
        f"<dd>{e(VERDICT_WORDS[j.judgment.verdict])}"
        f"{f'; required instead: {e(j.judgment.remedy.words())}' if j.judgment.remedy else ''}</dd>"
        f"<dt>When</dt><dd>{e('; '.join(pattern_words(p) for p in j.judgment.when) or 'always')}</dd>"
        f"<dt>Reading</dt><dd>{e(j.judgment.reading)}</dd><dt>Source</dt><dd>{_citations(j.sources)}</dd></dl></li>"
        for j in normset.judgments)
    return ('<h2 id="judgments">Judgments of dismissals, arrests and appeals</h2><p>What the norms say of the '
            "record's entries that are not hearings.</p>"
            f'<ol class="steps" style="list-style: none; padding-left: 0">{items}</ol>')


# -- Index and the procedure page --------------------------------------------------------------

@dataclass(frozen=True)
class Summary:
    case: Case
    differing: dict[str, int]  # norm set id -> hearings decided differently from the record


def _fate(case: Case) -> str:
    return f"{label(case.fate.party_status)}, {ARREST_WORDS[case.fate.arrested]}"


def _index_row(s: Summary, compared: list[NormSet]) -> str:
    """One case of the index; its data-* attributes are what the page's sorting, filters and search read."""
    case = s.case
    first, last = case.years()
    accused = case.people[case.accused].name
    differs = "".join(f' data-differs-{e(n.id)}="{s.differing.get(n.id, 0)}"' for n in compared)
    counts = "".join(f"<td>{s.differing.get(n.id, 0)} of {len(case.hearings())}</td>" for n in compared)
    searched = " ".join((accused, case.title, case.summary)).casefold()
    return (f'<tr data-accused="{e(accused)}" data-factory="{e(factory_name(case.factory))}" data-year="{first}" '
            f'data-fate="{e(_fate(case))}" data-hearings="{len(case.hearings())}"{differs} '
            f'data-search="{e(searched)}"><th scope="row"><a href="cases/{e(case.id)}.html">{e(accused)}</a></th>'
            f"<td>{e(case.title)}</td><td>{e(factory_name(case.factory))}</td><td>{first}–{last}</td>"
            f"<td>{len(case.hearings())}</td><td>{e(_fate(case))}</td>{counts}</tr>")


def _options(values: list[str]) -> str:
    return "".join(f'<option value="{e(v)}">{e(v)}</option>' for v in values)


def _index_controls(summaries: list[Summary], compared: list[NormSet]) -> str:
    """Search, filters and sorting, hidden until the script shows them: without it the table lists every case."""
    factories = sorted({factory_name(s.case.factory) for s in summaries})
    years = sorted({str(s.case.years()[0]) for s in summaries})
    fates = sorted({_fate(s.case) for s in summaries})
    differs = _options([n.id for n in compared])
    return f"""<form id="case-controls" class="controls" role="search" hidden>
<label>Search names and summaries <input type="search" id="case-search"></label>
<label>Factory <select id="filter-factory"><option value="">all</option>{_options(factories)}</select></label>
<label>First year <select id="filter-year"><option value="">all</option>{_options(years)}</select></label>
<label>Fate <select id="filter-fate"><option value="">all</option>{_options(fates)}</select></label>
<label>Differs from the record under <select id="filter-differs"><option value="">any or none</option>{differs}\
</select></label>
<label>Sort by <select id="case-sort"><option value="accused">accused</option><option value="factory">factory\
</option><option value="year">first year</option><option value="fate">fate</option><option value="hearings">\
hearings</option></select></label>
</form>
<p id="case-count" aria-live="polite" hidden></p>"""


def index_page(summaries: list[Summary], norm_sets: list[NormSet], census: Census | None = None) -> str:
    compared = [n for n in norm_sets if n.kind == "norms"]
    head = "".join(f'<th scope="col">differs under <code>{e(n.id)}</code></th>' for n in compared)
    rows = [_index_row(s, compared) for s in summaries]
    sets = "".join(f'<li><a href="norms/{e(n.id)}.html">{e(n.title)}</a> (<code>{e(n.id)}</code>, {e(n.kind)}, '
                   f"in force {e(n.in_force.from_)} to {e(n.in_force.until or 'open')})</li>" for n in norm_sets)
    body = f"""<h1>Party cases in Moscow factories, 1934–1939: a casebook</h1>
<p class="lede">Each case follows one Communist through the Party's disciplinary procedure as the book documents
it, and replays every hearing under the norms of the time: what they prescribed, why, and where the record
departs from them. New to the subject? Start with <a href="procedure.html">how a case went</a>.</p>
<h2 id="cases">The cases</h2>
{_index_controls(summaries, compared)}
<div class="scroll"><table id="case-index"><caption>The corpus. “Differs” counts the hearings at which the norm set
prescribes a harsher or a milder decision than the record shows.</caption>
<thead><tr><th scope="col">accused</th><th scope="col">case</th><th scope="col">factory</th><th scope="col">years</th>
<th scope="col">hearings</th>
<th scope="col">fate</th>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table></div>
<h2 id="norm-sets">The norm sets</h2><ul>{sets}</ul>{_census_link(census)}"""
    return page("Casebook", body, "", "Party disciplinary cases in Moscow factories, 1934-1939, replayed under "
                "the norms of their time")


def _census_link(census: Census | None) -> str:
    if census is None:
        return ""
    return (f'\n<h2 id="census">The census</h2><p><a href="census.html">The census of the book\'s cases</a> lists '
            f"all {len(census.entries)} people on whom the book records a party decision, with the case page that "
            "encodes each case or the reason none does.</p>")


def _census_status(entry: Entry, pages: set[str]) -> str:
    if entry.status == Status.encoded:
        case = entry.case or entry.id
        return f'<a href="cases/{e(case)}.html">encoded</a>' if case in pages else f"encoded ({e(case)}.yaml)"
    if entry.status == Status.reserved:
        return "reserved"
    return f"not encoded: {e(entry.reason or '')}"


def census_page(census: Census, pages: set[str]) -> str:
    """The census by chapter; an encoded entry links to its case page among `pages` (case ids)."""
    parts = []
    for chapter, entries in by_chapter(census):
        rows = "".join(f'<tr><th scope="row">{e(x.name)}</th><td>{e(factory_name(x.factory))}</td>'
                       f"<td>{e(section_words(x.section))}</td><td>{e(x.pages)}</td><td>{e(x.records)}</td>"
                       f"<td>{_census_status(x, pages)}</td></tr>" for x in entries)
        parts.append(f'<h2 id="chapter-{e(chapter)}">{e(chapter_heading(chapter))}</h2><div class="scroll"><table>'
                     '<thead><tr><th scope="col">name</th><th scope="col">factory</th><th scope="col">section</th>'
                     '<th scope="col">pages</th><th scope="col">what is recorded</th><th scope="col">status</th>'
                     f"</tr></thead><tbody>{rows}</tbody></table></div>")
    counts = census.counts()
    body = f"""<h1>The census of the book's cases</h1>
<p class="lede">Every person on whom the book records a decision of a party body, an arrest that followed
party proceedings, or a formal statement against them: where the book treats the person, what it records,
and the case page that encodes the case or the reason none does. Ten cases are reserved for an independent
check of the rules and are never encoded.</p>
<p>{len(census.entries)} entries: {counts["encoded"]} encoded, {counts["not_encoded"]} not encoded,
{counts["reserved"]} reserved.</p>
{"".join(parts)}"""
    return page("The census of the book's cases", body, "", "Every person on whom the book records a party "
                "decision, and whether the casebook encodes the case")


def procedure_page(norm_sets: list[NormSet], graphs: dict[str, diagram.Graph], use_svg: Drawings) -> str:
    bodies = "".join(f"<dt>{e(label(t.id))}</dt><dd>{e(t.definition)} <span class=\"cite\">Source: "
                     f"{e(t.source.cite())}</span></dd>" for t in BODY_TERMS)
    ladder = "".join(f"<tr><td>{t.severity}</td><th scope=\"row\">{e(label(t.id))}</th><td>{e(t.definition)}</td>"
                     "</tr>" for t in sorted(DECISION_TERMS, key=lambda t: (t.severity or 0, t.id)))
    periods = "".join(f'<tr><th scope="row"><a href="norms/{e(n.id)}.html">{e(n.title)}</a></th>'
                      f"<td>{e(n.kind)}</td><td>{e(n.in_force.from_)}</td><td>{e(n.in_force.until or 'open')}</td>"
                      f"<td>{e(n.summary)}</td></tr>" for n in norm_sets)
    routed = [n for n in norm_sets if n.route_rules]
    figures = "".join(f"<h3>{e(n.title)}</h3>{_figure(graphs[n.id], '', use_svg)}" for n in routed)
    agreements = "".join(f"<li>{agreement_badge(a)} {e(w)}</li>" for a, w in AGREEMENT_WORDS.items())
    body = f"""<h1>How a party case went</h1>
<p class="lede">A first reader's guide to the disciplinary procedure of the Communist Party in Moscow's
factories in the 1930s, and to reading the pages of this casebook.</p>
<h2 id="outline">The outline</h2>
<p>A case usually began with a written statement. A member might report on themselves, for instance that a
relative had been arrested, or someone might accuse a member in writing; the NKVD also passed material to the
Party. The member's own party organization then took the case up: first, as a rule, the organization of the
shop where the member worked, then the factory's party committee, and from spring 1937 often a meeting of all
the factory's members. A body heard the accused, discussed the charges and voted on a measure, from accepting
the statement to expulsion from the Party. Bodies above the factory, the district and city committees and the
Party's control commission, confirmed expulsions and heard appeals.</p>
<p>What counted as an offence, and how severely it was punished, changed with the period: the 1935 review of
party documents, the norms that followed the February-March 1937 plenum, and the January 1938 resolution that
tried to curb mass expulsions. Each period is written down here as a <em>norm set</em>: a list of rules, each
stating one norm in plain words, the facts it needs, the decision it prescribes, and where the book supports
it.</p>
<h2 id="bodies">The bodies</h2><dl class="facts">{bodies}</dl>
<h2 id="decisions">The decisions, mildest first</h2>
<div class="scroll"><table><caption>The rank orders decisions by severity, so that a decision can be called
harsher or milder than another.</caption><thead><tr><th scope="col">rank</th><th scope="col">decision</th>
<th scope="col">what it meant</th></tr></thead><tbody>{ladder}</tbody></table></div>
<h2 id="periods">The norm sets</h2>
<div class="scroll"><table><thead><tr><th scope="col">norm set</th><th scope="col">kind</th><th scope="col">from</th>
<th scope="col">until</th><th scope="col">in short</th></tr></thead><tbody>{periods}</tbody></table></div>
{f'<h2 id="pathways">The pathway of a case</h2>{figures}' if figures else ""}
<h2 id="reading">Reading a case page</h2>
<p>A case page puts the record and the norms side by side. For every hearing of the accused it shows the
decision the record gives and the decision each norm set prescribes, and names the agreement:</p>
<ul>{agreements}</ul>
<p>Below the table, a switcher shows one norm set at a time: for each hearing the rule that decided, the facts
of the case that made it apply, the rule's source in the book, and, folded away, every other rule with the
condition it failed. The diagram draws the path of the case through the bodies. The timeline, the people and
their ties, and the sources follow; every entry names the pages it comes from.</p>
<p>Rules marked <em>stated</em> put into words a norm the book reports; <em>practice</em> rules describe what
bodies were seen to do; <em>inferred</em> rules are this project's generalizations from several cases. A
disagreement between the norms and the record is a question to look into, not a verdict on anyone.</p>"""
    return page("How a party case went", body, "", "A guide to the party disciplinary procedure for a first reader")


# -- Build -------------------------------------------------------------------------------------

def build(out: Path, corpus: CorpusRuns, norm_sets: dict[str, NormSet], progress: Progress = silent,
          use_svg: bool | None = None, census: Census | None = None) -> int:
    """Write the casebook of the corpus's runs (`run.corpus_runs`) to `out`, replacing what is there only when
    the whole build succeeded.

    Returns the number of files written. `use_svg` defaults to whether Graphviz is installed; with a `census`
    the site also has its page, linked from the index.
    """
    if use_svg is None:
        use_svg = diagram.graphviz_available()
    ordered = replay_sets(norm_sets)
    keys = [AUTO, *(n.id for n in ordered)]
    files: dict[str, str] = {}
    summaries: list[Summary] = []
    prescribed_in: dict[str, dict[str, list[str]]] = {n.id: {} for n in ordered}
    cases = [c.case for c in corpus.cases]
    for ran in corpus.cases:
        case = ran.case
        views = [view(ran.runs[key], key, norm_sets, ran.sensitivity.get(key)) for key in keys]
        for v in views[1:]:
            for step in v.run.trace.steps:
                if step.prescribed:
                    found = prescribed_in[v.key].setdefault(step.prescribed.rule.id, [])
                    if case.id not in found:
                        found.append(case.id)
        for v in views:
            files.update(_diagram_files(v.graph))
        drawings = diagram.draw_all([diagram.dot(v.graph) for v in views]) if use_svg else {}
        files[f"cases/{case.id}.html"] = case_page(case, views, drawings or use_svg)
        summaries.append(Summary(case, {v.key: differing(v.run.trace) for v in views[1:]}))
    all_sets = sorted(norm_sets.values(), key=lambda n: (n.kind != "norms", n.in_force.from_, n.id))
    corpus_view = {w.norm_set: w for w in corpus.weights}
    graphs = {n.id: diagram.procedure_graph(n) for n in all_sets}
    drawn_sets = (diagram.draw_all([diagram.dot(g) for g in graphs.values()]) if use_svg else {}) or use_svg
    for i, normset in enumerate(all_sets, start=1):
        progress(Tick("norm set", i, len(all_sets), normset.id))
        files[f"norms/{normset.id}.html"] = norm_set_page(normset, graphs[normset.id],
                                                          prescribed_in.get(normset.id, {}), drawn_sets,
                                                          corpus_view.get(normset.id))
        files.update(_diagram_files(graphs[normset.id]))
    files["index.html"] = index_page(summaries, all_sets, census)
    if census is not None:
        files["census.html"] = census_page(census, {c.id for c in cases})
    files["procedure.html"] = procedure_page(all_sets, graphs, drawn_sets)
    assets = resources.files("case_procedure") / "casebook_assets"
    for name in ASSETS:
        files[f"assets/{name}"] = (assets / name).read_text(encoding="utf-8")
    with replacing_folder(out) as staging:
        for relative, text in sorted(files.items()):
            target = staging / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(visible(text), encoding="utf-8")
    return len(files)


def summary(count: int, out: Path) -> str:
    """The closing line: how many files were written, and the page to open."""
    return f"casebook: {count} files written; open {out / 'index.html'}"
