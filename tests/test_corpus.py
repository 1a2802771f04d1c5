"""The bundled corpus: every case is valid and replays under every norm set."""

import subprocess
from pathlib import Path

import pytest
from conftest import ROOT

from case_procedure.corpus import case_files, load_case
from case_procedure.engine import PythonEngine
from case_procedure.replay import AUTO, replay

CASES = case_files(ROOT / "cases")
PROVEN = ["somov", "torbeeva", "malyshev"]  # the first slice was proven on these
OVERLAP_TOOL = ROOT.parent / "shared" / "tools" / "source-overlap"


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_case_replays_under_every_norm_set(path: Path, book, engine) -> None:
    case = load_case(path)
    for norm_set in [*book.norm_sets, AUTO]:
        trace = replay(case, norm_set, book, engine)
        assert [s.hearing for s in trace.steps] == [h.id for h in case.hearings()]
        assert trace == replay(case, norm_set, book, PythonEngine())


@pytest.mark.parametrize("name", PROVEN)
@pytest.mark.parametrize("norm_set", ["norms-1937", "norms-1938"])
def test_a_hearing_of_the_proof_cases_goes_undecided_only_without_a_counted_charge(
        name: str, norm_set: str, book, engine) -> None:
    # Agreement is a measurement, not a target: a hearing with no formal charge the norm set counts (an
    # election's secret ballot, a meeting where only the floor accused) may rightly go undecided.
    path = ROOT / "cases" / f"{name}.yaml"
    if not path.exists():
        pytest.fail(f"{path} is missing")
    trace = replay(load_case(path), norm_set, book, engine)
    for step in trace.steps:
        if step.prescribed is None:
            assert not any(c.counted for c in step.charges), f"no rule of {norm_set} decides {step.hearing}"
        else:
            assert step.prescribed.rule.source


V1_CORPUS = {
    "somov", "zhidkova", "krivitskaia", "malyshev", "pereversev", "sagaidak", "torbeeva", "bykhovskaia", "sheinin",
    "shtrul", "iarkin", "efimova", "margolina", "sharova", "gringauz", "marek", "fomin", "zhukov", "tolchinskii",
    "fridman", "iasvoin", "mironov", "mashkin", "menis", "khailov", "bystritskii", "denisov", "rodionov",
}


def test_the_v1_corpus_stays_and_cases_without_a_hearing_say_so() -> None:
    assert V1_CORPUS <= {p.stem for p in CASES}
    for path in CASES:
        case = load_case(path)
        if not case.hearings():
            assert "no hearing" in " ".join(e.note or "" for e in case.record).lower(), path.stem


@pytest.mark.skipif(not OVERLAP_TOOL.exists(), reason="the shared source-overlap tool is not beside this checkout")
def test_no_passage_of_the_book_is_repeated() -> None:
    result = subprocess.run([str(OVERLAP_TOOL), "cases", "docs", "rules", "src", "README.md"], cwd=ROOT,
                            capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout
