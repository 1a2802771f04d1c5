"""The built wheel, installed in a fresh virtual environment outside the repository, works from any folder
with the corpus and norm sets it bundles, and from a historian's own project folder."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT

pytestmark = pytest.mark.slow

NOT_COPIED = {".git", ".venv", "build", "out", ".pytest_cache", ".hypothesis", "__pycache__"}
OFFLINE = ("NewConnectionError", "Temporary failure in name resolution", "Network is unreachable",
           "No matching distribution found")


def _run(command: list[str | Path], cwd: Path, timeout: int = 120) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    return subprocess.run([str(c) for c in command], cwd=cwd, capture_output=True, text=True, timeout=timeout,
                          env=env)


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The `bin` folder of a new virtual environment holding the wheel built from a copy of the working tree."""
    base = tmp_path_factory.mktemp("install")
    clone = base / "clone"
    shutil.copytree(ROOT, clone, symlinks=True,
                    ignore=lambda folder, names: [n for n in names if n in NOT_COPIED or n.endswith(".egg-info")])
    wheels = base / "wheels"
    built = _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", wheels, clone], base, 300)
    if built.returncode and any(sign in built.stderr for sign in OFFLINE):
        pytest.skip(f"the build backend could not be fetched: {built.stderr.strip().splitlines()[-1]}")
    assert built.returncode == 0, built.stderr
    wheel, = wheels.glob("case_procedure-*.whl")
    venv = base / "venv"
    made = _run([sys.executable, "-m", "venv", venv], base)
    assert made.returncode == 0, made.stderr
    done = _run([venv / "bin" / "python", "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
                 "--find-links", wheels, wheel], base, 600)
    if done.returncode and any(sign in done.stderr for sign in OFFLINE):
        pytest.skip(f"the dependencies could not be fetched: {done.stderr.strip().splitlines()[-1]}")
    assert done.returncode == 0, done.stderr
    return venv / "bin"


def test_replays_a_bundled_case_by_id_from_an_empty_folder(installed: Path, tmp_path: Path) -> None:
    done = _run([installed / "case-procedure", "replay", "somov", "--rules", "norms-1937", "--format", "json"],
                tmp_path)
    assert done.returncode == 0, done.stderr
    trace = json.loads(done.stdout)
    assert trace["case"] == "somov" and trace["norm_set"] == "norms-1937" and trace["steps"]
    rule_file = next(s["prescribed"]["rule"]["file"] for s in trace["steps"] if s["prescribed"])
    assert "site-packages" in rule_file  # the norm set came with the package, not from a checkout
    assert list(tmp_path.iterdir()) == []


def test_an_unknown_case_id_suggests_the_nearest(installed: Path, tmp_path: Path) -> None:
    done = _run([installed / "case-procedure", "replay", "somvo", "--rules", "norms-1937"], tmp_path)
    assert done.returncode == 2 and "did you mean somov?" in done.stderr and "Traceback" not in done.stderr


def test_report_and_casebook_run_from_an_empty_folder(installed: Path, tmp_path: Path) -> None:
    report = _run([installed / "case-procedure", "report", "--format", "json"], tmp_path, 300)
    assert report.returncode == 0, report.stderr
    cases = len([p for p in (ROOT / "cases").glob("*.yaml") if p.name != "census.yaml"])
    assert json.loads(report.stdout)["cases"] == cases
    book = _run([installed / "case-procedure", "casebook", "--out", "site"], tmp_path, 300)
    assert book.returncode == 0, book.stderr
    assert (tmp_path / "site" / "index.html").is_file()
    assert len(list((tmp_path / "site" / "cases").glob("*.html"))) == cases


def test_a_project_folder_is_read_instead_of_the_bundled_data(installed: Path, tmp_path: Path) -> None:
    (tmp_path / "cases").mkdir()
    shutil.copy(ROOT / "cases" / "somov.yaml", tmp_path / "cases")
    shutil.copytree(ROOT / "rules", tmp_path / "rules")
    inside = tmp_path / "notes"
    inside.mkdir()
    listed = _run([installed / "case-procedure", "cases"], inside)  # a parent holding cases/ and rules/ counts
    assert listed.returncode == 0, listed.stderr
    assert [line.split()[0] for line in listed.stdout.splitlines()[1:]] == ["somov"]
    missing = _run([installed / "case-procedure", "replay", "zhukov", "--rules", "norms-1937"], inside)
    assert missing.returncode == 2 and "nor a case id of the corpus in ../cases" in missing.stderr
    bundled = _run([installed / "case-procedure", "replay", "zhukov", "--rules", "norms-1937", "--cases",
                    ROOT / "cases"], inside)
    assert bundled.returncode == 0, bundled.stderr


def test_the_bundled_data_is_never_written_over(installed: Path, tmp_path: Path) -> None:
    found = _run([installed / "python", "-c", "import case_procedure, pathlib; "
                  "print(pathlib.Path(case_procedure.__file__).parent / 'data' / 'cases')"], tmp_path)
    data = Path(found.stdout.strip())
    before = sorted(p.name for p in data.iterdir())
    done = _run([installed / "case-procedure", "casebook", "--out", data / "site", "--force"], tmp_path)
    assert done.returncode == 2 and "program's own folder" in done.stderr
    assert sorted(p.name for p in data.iterdir()) == before


def test_exports_from_an_empty_folder_and_the_data_package_validates(installed: Path, tmp_path: Path) -> None:
    database = _run([installed / "case-procedure", "export", "--format", "sqlite", "--out", "x.db"], tmp_path, 300)
    assert database.returncode == 0, database.stderr
    assert (tmp_path / "x.db").stat().st_size > 0
    package = _run([installed / "case-procedure", "export", "--format", "csv", "--out", "pkg/"], tmp_path, 300)
    assert package.returncode == 0, package.stderr
    # the validator of the test environment, run on the package the installed tool wrote
    checked = _run([sys.executable, "-m", "frictionless", "validate", "pkg/datapackage.json"], tmp_path, 300)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "invalid" not in checked.stdout.lower()
