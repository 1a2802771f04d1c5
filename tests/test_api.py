"""The Python API returns the models the command line renders, and flat records of them."""

from __future__ import annotations

import json

import pytest
from conftest import ROOT
from typer.testing import CliRunner

from case_procedure import api
from case_procedure.cli import app


@pytest.fixture(scope="module")
def corpus() -> api.Workspace:
    return api.load(ROOT / "cases", ROOT / "rules")


def test_replay_is_what_the_command_line_prints() -> None:
    corpus = api.load()  # from the repository root, as the command line reads it: rule files named rules/...
    printed = CliRunner().invoke(app, ["replay", "somov", "--rules", "norms-1937", "--format", "json"])
    assert printed.exit_code == 0, printed.output
    assert api.replay(corpus, "somov", "norms-1937").model_dump(mode="json") == json.loads(printed.output)


def test_explain_of_a_run_is_what_the_command_line_prints() -> None:
    corpus = api.load()
    run = api.run(corpus, "somov", "norms-1938", why_not=True)
    printed = CliRunner().invoke(app, ["explain", "somov", "--rules", "norms-1938", "--why-not"])
    assert printed.exit_code == 0, printed.output
    assert api.explain(run) == printed.output
    assert set(run.why_not) == {h.id for h in run.case.hearings()} and run.simulation is not None
    assert run.simulation.lawful is None and api.run(corpus, "somov", paths=True).simulated().lawful is not None


def test_records_are_flat_and_one_per_step(corpus: api.Workspace) -> None:
    trace = api.replay(corpus, "zhukov", "auto")
    rows = api.records(trace)
    assert len(rows) == len(trace.steps)
    assert all(v is None or isinstance(v, (str, int, bool)) for row in rows for v in row.values())
    assert [r["agreement"] for r in rows] == [s.agreement for s in trace.steps]
    assert len(api.records([trace, trace])) == 2 * len(rows)


def test_unknown_names_and_shapes_are_told(corpus: api.Workspace) -> None:
    with pytest.raises(KeyError, match="known: .*norms-1937"):
        api.replay(corpus, "somov", "norms-1936")
    with pytest.raises(KeyError, match="did you mean zhukov"):
        api.simulate(corpus, "zhukv", "norms-1937")
    with pytest.raises(ValueError, match="at least two"):
        api.compare(corpus, "somov", ["norms-1937"])
    with pytest.raises(TypeError, match="no records for dict"):
        api.records({})


def test_a_bad_folder_raises_input_error(tmp_path) -> None:
    (tmp_path / "cases").mkdir()
    (tmp_path / "cases" / "broken.yaml").write_text("id: [\n")
    with pytest.raises(api.InputError) as caught:
        api.load(tmp_path / "cases", ROOT / "rules")
    assert str(caught.value.problems[0]).startswith(str(tmp_path / "cases" / "broken.yaml"))
