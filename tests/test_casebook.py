"""The casebook: builds for the whole corpus, well-formed HTML, links that resolve, atomic replacement."""

from __future__ import annotations

import html
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from conftest import FIXTURES, ROOT
from conftest import build_casebook as build
from test_safe_text import RAW
from typer.testing import CliRunner

from case_procedure import corpus
from case_procedure.casebook import DIFFERING, replay_sets
from case_procedure.cli import app
from case_procedure.codebook import factory_name
from case_procedure.progress import Tick
from case_procedure.replay import AUTO, replay

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
# SVG elements Graphviz writes self-closed
SELF_CLOSING = {"path", "polygon", "ellipse", "polyline", "stop", "line", "circle", "rect"}


class Page(HTMLParser):
    """Checks nesting and collects ids, links and headings."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.problems: list[str] = []
        self.ids: list[str] = []
        self.links: list[str] = []
        self.headings: list[str] = []
        self.lang: str | None = None
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "html":
            self.lang = found.get("lang")
        if "id" in found:
            self.ids.append(str(found["id"]))
        for name in ("href", "src"):
            if found.get(name):
                self.links.append(str(found[name]))
        if tag == "svg" and not (found.get("role") == "img" and found.get("aria-label")):
            self.problems.append("an svg without role=img and aria-label")
        if tag == "img" and not found.get("alt"):
            self.problems.append("an img without alt text")
        if re.fullmatch(r"h[1-6]", tag):
            self.headings.append(tag)
        if tag not in VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in VOID:
            self.stack.pop()

    def handle_endtag(self, tag: str) -> None:
        if tag in VOID:
            return
        if not self.stack or self.stack[-1] != tag:
            self.problems.append(f"</{tag}> closes <{self.stack[-1] if self.stack else 'nothing'}>")
            return
        self.stack.pop()

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def parse(path: Path) -> Page:
    page = Page()
    page.feed(path.read_text(encoding="utf-8"))
    page.close()
    if page.stack:
        page.problems.append(f"unclosed: {page.stack}")
    return page


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory, book, engine) -> tuple[Path, list[Tick]]:
    messages: list[Tick] = []
    out = tmp_path_factory.mktemp("casebook") / "site"
    cases = corpus.load_cases(corpus.case_files(ROOT / "cases"))
    build(out, cases, book, engine, progress=messages.append)
    return out, messages


@pytest.mark.slow
def test_the_whole_corpus_builds_with_progress(site) -> None:
    out, messages = site
    ids = sorted(p.stem for p in corpus.case_files(ROOT / "cases"))
    assert sorted(p.stem for p in (out / "cases").glob("*.html")) == ids
    rule_files = sorted(p.stem for p in (ROOT / "rules").glob("*.yaml"))
    assert sorted(p.stem for p in (out / "norms").glob("*.html")) == rule_files
    assert {"index.html", "procedure.html"} <= {p.name for p in out.iterdir()}
    assert [str(m) for m in messages if m.stage == "case"] == [f"case {i}/{len(ids)} {c}"
                                                               for i, c in enumerate(ids, 1)]


def test_every_page_is_well_formed_accessible_and_its_links_resolve(site) -> None:
    out, _ = site
    pages = sorted(out.rglob("*.html"))
    parsed = {p: parse(p) for p in pages}
    for path, page in parsed.items():
        assert not page.problems, (path, page.problems[:5])
        assert page.lang == "en"
        assert page.headings.count("h1") == 1, path
        assert len(page.ids) == len(set(page.ids)), (path, [i for i in page.ids if page.ids.count(i) > 1][:5])
    for path, page in parsed.items():
        for link in page.links:
            parts = urlsplit(link)
            assert not parts.scheme and not parts.netloc, f"{path}: {link} leaves the casebook"
            target = (path.parent / unquote(parts.path)).resolve() if parts.path else path
            assert target.is_file(), f"{path}: {link} points to nothing"
            assert out.resolve() in target.parents
            if parts.fragment and target.suffix == ".html":
                assert unquote(parts.fragment) in parsed[target].ids, f"{path}: {link} has no such anchor"


def test_index_counts_the_hearings_the_norms_decide_differently(site, book, engine) -> None:
    out, _ = site
    index = (out / "index.html").read_text(encoding="utf-8")
    compared = [n.id for n in replay_sets(book.norm_sets) if n.kind == "norms"]
    assert {"norms-1937", "norms-1938"} <= set(compared)
    for case in corpus.load_cases(corpus.case_files(ROOT / "cases")):
        row = re.search(rf'<tr [^>]*><th scope="row"><a href="cases/{case.id}\.html">.*?</tr>', index).group(0)
        counts = re.findall(r"<td>(\d+) of (\d+)</td>", row)
        expected = [str(sum(s.agreement in DIFFERING for s in replay(case, n, book, engine).steps)) for n in compared]
        assert [c for c, _ in counts] == expected


def test_the_index_names_the_accused_and_the_factory_as_readers_know_it(site) -> None:
    out, _ = site
    index = (out / "index.html").read_text(encoding="utf-8")
    for case in corpus.load_cases(corpus.case_files(ROOT / "cases")):
        row = re.search(rf'<tr [^>]*><th scope="row"><a href="cases/{case.id}\.html">.*?</tr>', index).group(0)
        accused = html.escape(case.people[case.accused].name, quote=True)
        assert f'data-accused="{accused}"' in row and f'.html">{accused}</a></th>' in row
        assert f'data-factory="{html.escape(factory_name(case.factory), quote=True)}"' in row
        assert f'data-year="{case.years()[0]}"' in row
    assert "serp_i_molot" not in index and "Serp i Molot" in index
    assert re.search(r'<form id="case-controls"[^>]* hidden>', index), "the controls wait for the script"


def test_a_case_page_has_a_panel_per_norm_set_with_the_replayed_decisions(site, book, engine) -> None:
    out, _ = site
    case = next(c for c in corpus.load_cases(corpus.case_files(ROOT / "cases")) if c.id == "somov")
    text = (out / "cases" / "somov.html").read_text(encoding="utf-8")
    for key in [AUTO, *(n.id for n in replay_sets(book.norm_sets))]:
        panel = text.split(f'<section class="panel" id="panel-{key}"')[1].split("</section>")[0]
        shown = re.findall(r'<span class="prescribed" data-step="(\d+)">([^<]*)</span>', panel)
        trace = replay(case, key, book, engine)
        assert [d for _, d in shown] == [(" + ".join(x.replace("_", " ") for x in [s.prescribed.decision,
                                                                                 *s.prescribed.also])
                                          if s.prescribed else "nothing") for s in trace.steps]
        assert "simulated" in panel
    assert 'id="normset-switch" hidden' in text  # revealed by the script; without it every panel shows


def test_a_simulation_without_steps_says_why(tmp_path: Path) -> None:
    from case_procedure.engine import PythonEngine
    from case_procedure.norms import load_norm_sets
    from case_procedure.replay import RuleBook

    rules = tmp_path / "rules"  # the 1937 and 1938 norms alone: nothing in force before the February 1937 plenum
    rules.mkdir()
    for name in ("procedure-base", "norms-1937", "norms-1938"):
        shutil.copy(ROOT / "rules" / f"{name}.yaml", rules)
    book = RuleBook(load_norm_sets(rules))
    tolchinskii = corpus.load_case(ROOT / "cases" / "tolchinskii.yaml")
    assert book.in_force(tolchinskii.hearings()[0])[0] is None  # its first hearing falls before every norm set
    out = tmp_path / "site"
    build(out, [tolchinskii], book, PythonEngine())
    text = (out / "cases" / "tolchinskii.html").read_text(encoding="utf-8")
    panel = text.split('<section class="panel" id="panel-auto"')[1].split("</section>")[0]
    simulated = panel.split('id="simulated-auto"')[1].split("<figure>")[0]
    assert "No norm set was in force at the first hearing" in simulated and "no hearing" not in simulated


def test_text_from_files_is_escaped(tmp_path: Path, book, engine) -> None:
    cases = tmp_path / "cases"
    cases.mkdir()
    text = (FIXTURES / "example.yaml").read_text(encoding="utf-8")
    title = "An invented shop foreman whose brother is arrested"
    (cases / "example.yaml").write_text(text.replace(title, "<script>alert('x')</script> & <b>co</b>", 1))
    loaded = corpus.load_cases(corpus.case_files(cases))
    build(tmp_path / "site", loaded, book, engine, progress=lambda _: None, use_svg=False)
    for page in (tmp_path / "site").rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        assert "<script>alert" not in html and "<b>co</b>" not in html
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; &amp; &lt;b&gt;co&lt;/b&gt;" in \
        (tmp_path / "site" / "cases" / "example.html").read_text(encoding="utf-8")


def test_control_characters_from_files_are_shown_escaped_in_every_file(tmp_path: Path, book, engine) -> None:
    cases = tmp_path / "cases"
    cases.mkdir()
    text = (FIXTURES / "example.yaml").read_text(encoding="utf-8")
    (cases / "example.yaml").write_text(text.replace("name: P. Petrov", r'name: "P. Petrov\e]0;x\a\u202e\0"', 1))
    loaded = corpus.load_cases(corpus.case_files(cases))
    build(tmp_path / "site", loaded, book, engine, progress=lambda _: None, use_svg=False)
    for written in (tmp_path / "site").rglob("*.*"):
        assert not RAW.search(written.read_text(encoding="utf-8")), written
    assert r"P. Petrov\u001b]0;x\u0007\u202e\u0000" in (tmp_path / "site" / "cases" / "example.html").read_text()


def test_without_graphviz_the_diagrams_are_mermaid_text_and_dot_files(tmp_path: Path, book, engine) -> None:
    loaded = corpus.load_cases([FIXTURES / "example.yaml"])
    build(tmp_path / "site", loaded, book, engine, progress=lambda _: None, use_svg=False)
    html = (tmp_path / "site" / "cases" / "example.html").read_text(encoding="utf-8")
    assert "<svg" not in html and "<pre>flowchart LR" in html
    assert (tmp_path / "site" / "diagrams" / "example-norms-1937.dot").read_text().startswith("digraph")


def test_an_interrupted_build_leaves_the_previous_casebook(tmp_path: Path, book, engine) -> None:
    loaded = corpus.load_cases([FIXTURES / "example.yaml"])
    out = tmp_path / "site"
    build(out, loaded, book, engine, progress=lambda _: None, use_svg=False)
    before = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}

    def interrupt(tick: Tick) -> None:
        if tick.stage == "norm set" and tick.done == 2:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        build(out, loaded, book, engine, progress=interrupt, use_svg=False)
    after = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    assert after == before
    assert [p.name for p in tmp_path.iterdir()] == ["site"], "no staging folder is left behind"


def test_cli_casebook(tmp_path: Path) -> None:
    cases = tmp_path / "cases"
    cases.mkdir()
    shutil.copy(FIXTURES / "example.yaml", cases)
    result = CliRunner().invoke(app, ["casebook", "--out", str(tmp_path / "site"), "--cases", str(cases)])
    assert result.exit_code == 0, result.output
    assert "case 1/1 example" in result.output and (tmp_path / "site" / "index.html").is_file()
    missing = CliRunner().invoke(app, ["casebook", "--out", str(tmp_path / "other"), "--cases", str(tmp_path / "no")])
    assert missing.exit_code == 2 and "no such folder" in missing.output and not (tmp_path / "other").exists()
