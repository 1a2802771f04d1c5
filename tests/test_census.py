"""The census of the book's cases (issue 15): its format, its agreement with the case files, the reserved cases,
and its page.

`docs/census.md` is generated from `cases/census.yaml`; a test fails when it is out of date. Regenerate it with

    .venv/bin/python tests/test_census.py
"""

from __future__ import annotations

import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

from conftest import FIXTURES, ROOT  # noqa: E402
from typer.testing import CliRunner  # noqa: E402

from case_procedure import census as censuses  # noqa: E402
from case_procedure import corpus  # noqa: E402
from case_procedure.census import RESERVED, Census, Entry, Status, load_census, mismatches  # noqa: E402
from case_procedure.cli import app  # noqa: E402
from case_procedure.codebook import FACTORIES, factory_name  # noqa: E402
from case_procedure.errors import InputError  # noqa: E402
from case_procedure.files import write_text  # noqa: E402
from case_procedure.sources import OPENING, SECTIONS  # noqa: E402

DOC = ROOT / "docs" / "census.md"
CENSUS = ROOT / "cases" / "census.yaml"

VALID = """\
format: 1
entries:
  - id: example
    name: P. Petrov
    factory: dinamo
    chapter: 3
    section: TAINTED RELATIVES AND SPOILT BIOGRAPHIES
    pages: "166-174"
    records: >-
      The shop organization expelled him in September 1937; the party committee confirmed.
    decision: true
    status: encoded
    case: example
  - id: sidorov
    name: S. Sidorov
    factory: other
    chapter: conclusion
    section: opening
    pages: 309
    records: Named once as expelled at a distillery meeting.
    decision: true
    status: not_encoded
    reason: one sentence; no body or date named
  - id: geche
    name: Geche
    factory: not_stated
    chapter: 5
    section: local pandemonium
    pages: "271–272"
    records: Expelled by a factory meeting in 1938.
    decision: true
    status: reserved
"""


RECORDS = "    records: Named once as expelled at a distillery meeting.\n"
RULES = """\
id: base
title: A minimal norm set
summary: Enough for `check` to have a norm set to read.
in_force: {from: 1934-12-01}
sources:
  iron-rules: {chapter: 3, section: THE IRON RULES OF THE GAME, pages: "144-146"}
cites: [iron-rules]
rules: []
"""


def changed(old: str, new: str, text: str = VALID) -> str:
    assert text.count(old) == 1, f"{old!r} must occur once"
    return text.replace(old, new)


def load_text(tmp_path: Path, text: str) -> Census:
    path = tmp_path / "census.yaml"
    path.write_text(text, encoding="utf-8")
    return load_census(path)[0]


def problems_of(tmp_path: Path, text: str) -> list[str]:
    with pytest.raises(InputError) as caught:
        load_text(tmp_path, text)
    return [str(p).removeprefix(f"{tmp_path / 'census.yaml'}:") for p in caught.value.problems]


# -- The format ---------------------------------------------------------------------------------

def test_a_valid_census_loads_with_its_values_as_the_book_writes_them(tmp_path: Path) -> None:
    census = load_text(tmp_path, VALID)
    example, sidorov, geche = census.entries
    assert (example.status, example.case, example.reason) == ("encoded", "example", None)
    assert (sidorov.chapter, sidorov.section, sidorov.pages, sidorov.reason) == (
        "conclusion", OPENING, "309", "one sentence; no body or date named")
    assert (geche.section, geche.pages, geche.case) == ("LOCAL PANDEMONIUM", "271-272", None)
    assert census.counts() == {"encoded": 1, "not_encoded": 1, "reserved": 1}
    assert census.encoded("example") is example and census.encoded("sidorov") is None


BAD = [
    ("encoded without its case", changed("    case: example\n", ""),
     ["3: entries[0].case: an encoded entry names its case file: case: example"]),
    ("encoded naming another file", changed("case: example", "case: other"),
     ["13: entries[0].case: an encoded entry's case is its own id 'example' (the file example.yaml), not 'other'"]),
    ("encoded with a reason", changed("    case: example\n", "    case: example\n    reason: why not\n"),
     ["14: entries[0].reason: only a not_encoded entry gives a reason; this one is encoded"]),
    ("not encoded without a reason", changed("    reason: one sentence; no body or date named\n", ""),
     ["14: entries[1].reason: a not_encoded entry says why it is not encoded: reason"]),
    ("not encoded naming a case", changed("    reason: one sentence", "    case: sidorov\n    reason: one sentence"),
     ["23: entries[1].case: only an encoded entry names a case file; a not_encoded entry gives its reason"]),
    ("reserved with a case file", VALID + "    case: geche\n",
     ["33: entries[2].case: a reserved case has no case file: it stays out of the corpus for an independent check "
      "of the rules"]),
    ("reserved with a reason", VALID + "    reason: reserved\n",
     ["33: entries[2].reason: only a not_encoded entry gives a reason; this one is reserved"]),
    ("a status misspelt", changed("status: reserved", "status: reserve"),
     ["32: entries[2].status: unknown term 'reserve'; did you mean 'reserved'? (known: encoded, not_encoded, "
      "reserved)"]),
    ("an unknown factory", changed("factory: other", "factory: dinamoo"),
     ["16: entries[1].factory: unknown term 'dinamoo'; did you mean 'dinamo'? (known: "
      + ", ".join(FACTORIES) + ")"]),
    ("an unknown chapter", changed("chapter: conclusion", "chapter: 6"),
     ["17: entries[1].chapter: unknown chapter 6; use 1-5, 'introduction' or 'conclusion'"]),
    ("a section of another chapter", changed("section: local pandemonium", "section: CHAOS"),
     ["28: entries[2].section: chapter 5 has no section 'CHAOS'; its sections: " + ", ".join(SECTIONS["5"])]),
    ("pages that are not pages", changed('pages: "166-174"', "pages: passim"),
     ["8: entries[0].pages: pages 'passim' should look like '219' or '219-222, 230'"]),
    ("decision as text", changed("    decision: true\n    status: encoded", "    decision: yes\n    status: encoded"),
     ["11: entries[0].decision: expected true or false, found 'yes'"]),
    ("an id that is not a slug", changed("id: sidorov", "id: Sidorov"),
     ["14: entries[1].id: 'Sidorov' is not an id: write lower-case letters, digits, '-' and '_', "
      "beginning with a letter"]),
    ("records left out", changed(RECORDS, ""),
     ["14: entries[1].records: required, and missing"]),
    ("an unknown field", changed("    decision: true\n    status: reserved", "    decision: true\n    born: 1900\n"
                                 "    status: reserved"),
     ["32: entries[2].born: unknown field (allowed here: id, name, factory, chapter, section, pages, records, "
      "decision, status, case, reason)"]),
    ("the format left out", changed("format: 1\n", ""), ["1: format: required, and missing"]),
    ("a later format", changed("format: 1", "format: 2"), ["1: format: unknown term 2 (known: 1)"]),
    ("an id used twice", changed("id: sidorov", "id: example"),
     ["14: entries[1].id: id 'example' is used twice (first by entries[0])"]),
    ("a reserved person not reserved", changed("id: sidorov", "id: kachurin"),
     ["22: entries[1].status: 'kachurin' is Kachurin, one of the ten cases issue 15 reserves for an independent "
      "check of the rules: status reserved"]),
    ("someone else reserved", changed("id: geche", "id: gechev"),
     ["24: entries[2].id: 'gechev' is not one of the ten reserved cases of issue 15 (their ids: "
      + ", ".join(RESERVED) + ")"]),
]


@pytest.mark.parametrize(("text", "expected"), [(t, m) for _, t, m in BAD], ids=[i for i, _, _ in BAD])
def test_a_bad_census_names_line_field_and_what_is_wrong(tmp_path: Path, text: str, expected: list[str]) -> None:
    assert problems_of(tmp_path, text) == expected


def test_the_reserved_list_is_the_ten_of_issue_15() -> None:
    assert len(RESERVED) == 10
    names = " ".join(RESERVED.values())
    for who in ("Lipshtein", "M. A. Kogan", "Khvedchen", "Kachurin", "Shegolev", "Pavlov of the Trekhgornaia garage",
                "Dorozhin", "D. Rovnov", "Geche", "Ivanova of the distillery"):
        assert who in names


# -- The census beside the corpus ---------------------------------------------------------------

def corpus_folder(tmp_path: Path, census: str = VALID, cases: dict[str, str] | None = None) -> Path:
    folder = tmp_path / "cases"
    folder.mkdir()
    example = (FIXTURES / "example.yaml").read_text(encoding="utf-8")
    for name, text in (cases if cases is not None else {"example": example}).items():
        (folder / f"{name}.yaml").write_text(text, encoding="utf-8")
    (folder / "census.yaml").write_text(census, encoding="utf-8")
    return folder


def folder_problems(folder: Path) -> list[str]:
    census, lines = load_census(folder / "census.yaml")
    paths = corpus.case_files(folder)
    loaded = corpus.load_cases(paths)
    found = censuses.corpus_problems(census, lines, folder / "census.yaml", paths, {c.id: c.accused for c in loaded})
    return [str(p) for p in found]


def test_the_census_and_the_case_files_agree(tmp_path: Path) -> None:
    folder = corpus_folder(tmp_path)
    assert folder_problems(folder) == []
    assert [p.name for p in corpus.case_files(folder)] == ["example.yaml"]  # the census is not a case file


def test_a_case_file_missing_from_the_census_fails(tmp_path: Path) -> None:
    example = (FIXTURES / "example.yaml").read_text(encoding="utf-8")
    other = changed("id: example", "id: another", example)
    folder = corpus_folder(tmp_path, cases={"example": example, "another": other})
    assert folder_problems(folder) == [f"{folder / 'census.yaml'}:3: entries: no entry for the case file "
                                       f"{(folder / 'another.yaml').as_posix()}: add one with status encoded and "
                                       "case another"]


def test_a_case_file_whose_entry_is_not_encoded_fails(tmp_path: Path) -> None:
    example = (FIXTURES / "example.yaml").read_text(encoding="utf-8")
    other = changed("id: example", "id: sidorov", example)
    folder = corpus_folder(tmp_path, cases={"example": example, "sidorov": other})
    assert folder_problems(folder) == [f"{folder / 'census.yaml'}:22: entries[1].status: the case file "
                                       f"{(folder / 'sidorov.yaml').as_posix()} exists, but its entry says "
                                       "not_encoded: status encoded, case sidorov"]


def test_an_encoded_entry_without_its_file_fails(tmp_path: Path) -> None:
    folder = corpus_folder(tmp_path, cases={})
    assert folder_problems(folder) == [f"{folder / 'census.yaml'}:13: entries[0].case: no case file "
                                       f"{(folder / 'example.yaml').as_posix()}"]


def test_a_reserved_case_as_a_case_file_fails(tmp_path: Path) -> None:
    example = (FIXTURES / "example.yaml").read_text(encoding="utf-8")
    folder = corpus_folder(tmp_path, cases={"example": example, "geche": changed("id: example", "id: geche",
                                                                                  example)})
    found = folder_problems(folder)
    assert f"{folder / 'geche.yaml'}:3: id: 'geche' is Geche, one of the ten cases issue 15 reserves for an " \
           "independent check of the rules; it must not be encoded" in found
    assert any(f"{folder / 'census.yaml'}:32: entries[2].status: the case file" in p for p in found)


def test_a_case_whose_accused_is_a_reserved_person_fails(tmp_path: Path) -> None:
    example = (FIXTURES / "example.yaml").read_text(encoding="utf-8")
    renamed = example.replace("petrov", "dorozhin")  # the accused's id, everywhere in the file
    folder = corpus_folder(tmp_path, cases={"example": renamed})
    assert folder_problems(folder) == [f"{folder / 'example.yaml'}:6: accused: the accused 'dorozhin' is Dorozhin, "
                                       "one of the ten cases issue 15 reserves for an independent check of the "
                                       "rules; the case must not be encoded"]


def test_no_reserved_case_is_in_the_corpus() -> None:
    # issue 15: "A test fails if a reserved case id appears in cases/"
    for path in corpus.case_files(ROOT / "cases"):
        case = corpus.load_case(path)
        assert case.id not in RESERVED, f"{path}: {RESERVED[case.id]} is reserved (issue 15)"
        assert case.accused not in RESERVED, f"{path}: the accused is {RESERVED[case.accused]}, reserved (issue 15)"


def test_the_census_of_the_repository_agrees_with_its_case_files() -> None:
    census, lines = load_census(CENSUS)
    paths = corpus.case_files(ROOT / "cases")
    accused = {c.id: c.accused for c in corpus.load_cases(paths)}
    assert censuses.corpus_problems(census, lines, CENSUS, paths, accused) == []
    assert {e.case for e in census.entries if e.status == Status.encoded} == {p.stem for p in paths}


def test_check_reports_the_census_and_fails_on_a_mismatch(tmp_path: Path) -> None:
    runner = CliRunner()
    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "base.yaml").write_text(RULES, encoding="utf-8")
    good = runner.invoke(app, ["check", "--cases", str(corpus_folder(tmp_path)), "--rules-dir", str(rules)])
    assert good.exit_code == 0, good.output
    assert "census: 3 entries agree with the case files (1 encoded, 1 not encoded, 1 reserved); reserved cases " \
           "not yet listed: lipshtein, kogan, khvedchen, kachurin, shegolev, pavlov, dorozhin, rovnov, ivanova" \
           in good.output
    bad = tmp_path / "bad"
    bad.mkdir()
    folder = corpus_folder(bad, changed("case: example", "case: other"))
    result = runner.invoke(app, ["check", "--cases", str(folder), "--rules-dir", str(rules)])
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert result.output.strip() == (f"{folder / 'census.yaml'}:13: entries[0].case: an encoded entry's case is its "
                                     "own id 'example' (the file example.yaml), not 'other'")


def test_the_census_named_among_case_files_is_left_out_and_said_so(tmp_path: Path) -> None:
    folder = corpus_folder(tmp_path)
    result = CliRunner().invoke(app, ["replay", str(folder / "census.yaml"), str(folder / "example.yaml"),
                                      "--rules", "norms-1937"])
    assert result.exit_code == 0, result.output
    assert f"{folder / 'census.yaml'}: the census of the book's cases, not a case file; left out" in result.output
    alone = CliRunner().invoke(app, ["replay", str(folder / "census.yaml"), "--rules", "norms-1937"])
    assert alone.exit_code == 2
    assert alone.output.strip() == f"{folder / 'census.yaml'}: is the census of the book's cases, not a case file"


# -- Properties over generated censuses -----------------------------------------------------------

slugs = st.from_regex(r"\A[a-z][a-z0-9_-]{0,8}\Z")
ids = st.one_of(slugs, st.sampled_from(sorted(RESERVED)))


@st.composite
def census_and_corpus(draw: st.DrawFn) -> tuple[Census, dict[str, str | None]]:
    """A valid census and a folder of case files (id -> accused) that may or may not agree with it."""
    entries = []
    for entry_id in draw(st.lists(ids, min_size=1, max_size=8, unique=True)):
        status = Status.reserved if entry_id in RESERVED else draw(st.sampled_from([Status.encoded,
                                                                                   Status.not_encoded]))
        chapter = draw(st.sampled_from(sorted(SECTIONS)))
        entries.append(Entry.model_validate({
            "id": entry_id, "name": entry_id.title(), "factory": draw(st.sampled_from(sorted(FACTORIES))),
            "chapter": chapter, "section": draw(st.sampled_from([OPENING, *SECTIONS[chapter]])),
            "pages": str(draw(st.integers(1, 320))), "records": "Recorded.", "decision": draw(st.booleans()),
            "status": status, **({"case": entry_id} if status == Status.encoded else {}),
            **({"reason": "not yet"} if status == Status.not_encoded else {})}))
    census = Census(format=1, entries=entries)
    encoded = [e.id for e in entries if e.status == Status.encoded]
    case_ids = set(draw(st.lists(st.sampled_from(encoded), unique=True))) if encoded else set()
    case_ids |= set(draw(st.one_of(st.just([]), st.lists(ids, max_size=3))))
    accused = st.one_of(st.none(), st.just("petrov"), st.sampled_from(sorted(RESERVED)))
    return census, {c: draw(accused) for c in sorted(case_ids)}


@given(census_and_corpus())
def test_the_census_agrees_with_a_corpus_exactly_when_its_encoded_entries_are_the_case_files(
        drawn: tuple[Census, dict[str, str | None]]) -> None:
    census, cases = drawn
    found = mismatches(census, cases, Path("cases"))
    encoded = {e.case for e in census.entries if e.status == Status.encoded}
    reserved = any(c in RESERVED or a in RESERVED for c, a in cases.items())
    assert (found == []) == (encoded == set(cases) and not reserved)
    # each mismatch is located in the census or in a case file that exists
    assert all(m.case in cases if m.case else m.loc[0] == "entries" for m in found)
    # one mismatch per case file missing from the encoded entries, and per encoded entry without its file
    assert sum(m.case is None for m in found) == len(set(cases) ^ encoded)


@given(census_and_corpus())
def test_a_census_written_out_reads_back_the_same(tmp_path_factory: pytest.TempPathFactory,
                                                  drawn: tuple[Census, dict[str, str | None]]) -> None:
    census, _ = drawn
    path = tmp_path_factory.mktemp("census") / "census.yaml"
    path.write_text(yaml.safe_dump(census.model_dump(mode="json", exclude_none=True), sort_keys=False),
                    encoding="utf-8")
    assert load_census(path)[0] == census


# -- The page -----------------------------------------------------------------------------------

def test_the_page_groups_by_chapter_and_escapes_every_field(tmp_path: Path) -> None:
    text = changed(RECORDS, "    records: \"<script>x</script> | *Named* [once](http://x)\"\n")
    page = censuses.as_markdown(load_text(tmp_path, text))
    chapters = [line for line in page.splitlines() if line.startswith("## ")]
    assert chapters == ["## Chapter 3. Family Secrets", "## Chapter 5. The Final Paroxysm",
                        "## Conclusion: A History without Heroes"]
    assert "<script>" not in page and "\\<script\\>" in page and "\\| \\*Named\\* \\[once\\]" in page
    assert "| P. Petrov | Dinamo | TAINTED RELATIVES AND SPOILT BIOGRAPHIES | 166-174 |" in page
    assert "| encoded: [example.yaml](../cases/example.yaml) |" in page
    assert "| not encoded: one sentence; no body or date named |" in page
    assert "| Geche | not stated | LOCAL PANDEMONIUM | 271-272 | Expelled by a factory meeting in 1938. | reserved |" \
        in page
    for line in page.splitlines():
        if line.startswith("| ") and not line.startswith("| name"):
            assert line.count(" | ") == 5, line  # six cells: nothing in a field split the row


def test_every_factory_has_a_display_name() -> None:
    assert factory_name("serp_i_molot") == "Serp i Molot" and factory_name("not_stated") == "not stated"
    assert all(factory_name(term) for term in FACTORIES)


def render() -> str:
    return censuses.as_markdown(load_census(CENSUS)[0])


def test_the_page_is_current() -> None:
    assert DOC.read_text(encoding="utf-8") == render(), "docs/census.md is stale: run tests/test_census.py"


def test_the_case_guide_links_the_census_page() -> None:
    assert "../docs/census.md" in (ROOT / "cases" / "README.md").read_text(encoding="utf-8")


def test_a_case_chapter_is_its_census_entry_s_else_its_first_source_s(tmp_path: Path) -> None:
    case = corpus.load_case(FIXTURES / "example.yaml")  # its first source is in chapter 3
    in_chapter_1 = changed("    chapter: 3\n", "    chapter: 1\n",
                           changed("section: TAINTED RELATIVES AND SPOILT BIOGRAPHIES", "section: opening"))
    assert censuses.case_chapter(case, load_text(tmp_path, in_chapter_1)) == "1"
    not_encoded = changed("status: encoded\n    case: example", "status: not_encoded\n    reason: later", in_chapter_1)
    assert censuses.case_chapter(case, load_text(tmp_path, not_encoded)) == "3"
    assert censuses.case_chapter(case, None) == "3"


# -- The casebook's census page -------------------------------------------------------------------

class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.links += [v for k, v in attrs if k == "href" and v and tag == "a"]


def test_the_casebook_has_a_census_page_linked_from_its_index(tmp_path: Path, book, engine) -> None:
    from conftest import build_casebook as build

    text = changed(RECORDS, "    records: \"<b>Named</b> & once\"\n")
    census = load_text(tmp_path, text)
    cases = [corpus.load_case(FIXTURES / "example.yaml")]
    out = tmp_path / "site"
    build(out, cases, book, engine, progress=lambda _: None, use_svg=False, census=census)
    page = (out / "census.html").read_text(encoding="utf-8")
    assert "<b>Named</b>" not in page and "&lt;b&gt;Named&lt;/b&gt; &amp; once" in page
    parser = _Links()
    parser.feed(page)
    assert "cases/example.html" in parser.links
    assert all((out / link.partition("#")[0]).is_file() for link in parser.links if not link.startswith("#"))
    for column in ("name", "factory", "section", "pages", "what is recorded", "status"):
        assert f'<th scope="col">{column}</th>' in page
    assert "reserved" in page and "not encoded: one sentence; no body or date named" in page
    index = _Links()
    index.feed((out / "index.html").read_text(encoding="utf-8"))
    assert "census.html" in index.links
    without = tmp_path / "plain"
    build(without, cases, book, engine, progress=lambda _: None, use_svg=False)
    assert not (without / "census.html").exists()
    assert "census.html" not in (without / "index.html").read_text(encoding="utf-8")


def test_the_casebook_command_refuses_a_bad_census_before_writing(tmp_path: Path) -> None:
    folder = corpus_folder(tmp_path, changed("status: reserved", "status: reserve"))
    result = CliRunner().invoke(app, ["casebook", "--cases", str(folder), "--out", str(tmp_path / "site")])
    assert result.exit_code == 2 and "entries[2].status: unknown term 'reserve'" in result.output
    assert not (tmp_path / "site").exists()


if __name__ == "__main__":
    write_text(DOC, render())
    print(f"wrote {DOC.relative_to(ROOT)}")
