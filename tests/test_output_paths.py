"""Output paths: `casebook --out` and `report --out` never delete or replace what they did not make."""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import signal
import stat
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from conftest import FIXTURES, ROOT
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from case_procedure import files, outputs, parallel, workspace
from case_procedure.cli import CASEBOOK, app, input_places

pytestmark = pytest.mark.slow

runner = CliRunner()
CASEBOOK_ALONE = "write the casebook to a folder of its own, such as out/casebook"


def snapshot(folder: Path) -> dict[str, str]:
    """Every entry under `folder`: its kind, and for a regular file a hash of its bytes (FIFOs are not opened)."""
    found = {}
    for top, folders, names in os.walk(folder):
        for name in [*folders, *names]:
            path = Path(top) / name
            mode = os.lstat(path).st_mode
            digest = hashlib.sha256(path.read_bytes()).hexdigest() if stat.S_ISREG(mode) else ""
            found[path.relative_to(folder).as_posix()] = f"{stat.S_IFMT(mode):o} {digest}"
    return found


def repository_like(folder: Path) -> Path:
    """A folder laid out like a checkout: one case, the rules and their tests, a README, notes and .git."""
    (folder / "cases").mkdir(parents=True)
    shutil.copy(FIXTURES / "example.yaml", folder / "cases")
    shutil.copytree(ROOT / "rules", folder / "rules")
    (folder / "README.md").write_text("# my notes on the cases\n")
    (folder / "notes").mkdir()
    (folder / "notes" / "draft.txt").write_text("a draft no command wrote\n")
    (folder / ".git").mkdir()
    (folder / ".git" / "HEAD").write_text("ref: refs/heads/main\n")
    return folder


def casebook(*args: str):
    return runner.invoke(app, ["casebook", "--cases", "cases", "--rules-dir", "rules", *args])


def report(*args: str):
    return runner.invoke(app, ["report", "--cases", "cases", "--rules-dir", "rules", *args])


@pytest.fixture
def checkout(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = repository_like(tmp_path / "checkout")
    monkeypatch.chdir(folder)
    return folder


PROGRESS_LINE = re.compile(r"^(casebook|report|export|sensitivity): [a-z ]+ \d+/\d+ ")


def messages(stderr: str) -> str:
    """stderr without the progress lines of a long run (progress.py), which are not messages."""
    return "".join(line for line in stderr.splitlines(keepends=True) if not PROGRESS_LINE.match(line))


def refused(result, message: str) -> None:
    assert (result.exit_code, messages(result.stderr)) == (2, message + "\n")
    assert result.stdout == "" and "Traceback" not in result.output


def failed_at_the_end(result, message: str) -> None:
    """After the casebook's progress lines (stderr), one message."""
    assert (result.exit_code, result.stderr.splitlines()[-1]) == (2, message)
    assert result.stdout == "" and "Traceback" not in result.output


@pytest.mark.parametrize(("out", "message"), [
    (".", f".: is the current folder; {CASEBOOK_ALONE}"),
    ("cases", f"cases: is the folder of case files (--cases); {CASEBOOK_ALONE}"),
    ("rules", f"rules: is the folder of norm set files (--rules-dir); {CASEBOOK_ALONE}"),
    ("rules/tests", f"rules/tests: is inside the folder of norm set files (--rules-dir); {CASEBOOK_ALONE}"),
    ("cases/site", f"cases/site: is inside the folder of case files (--cases); {CASEBOOK_ALONE}"),
    ("..", f"..: holds the current folder; {CASEBOOK_ALONE}"),
    ("README.md", "README.md: is a regular file, not a folder; the casebook is a folder and replaces only a "
                  "previous one"),
    ("README.md/site", "README.md/site: cannot be created: README.md is a regular file, not a folder"),
    ("notes", "notes: is a folder the casebook did not write (it has no .case-procedure-output file); give "
              "--force to replace it and everything in it"),
])
def test_casebook_refuses_to_write_over_what_it_did_not_make(checkout: Path, out: str, message: str) -> None:
    before = snapshot(checkout.parent)
    refused(casebook("--out", out), message)
    assert snapshot(checkout.parent) == before


@pytest.mark.parametrize("out", [".", "cases", "rules", "rules/tests", "..", "README.md"])
def test_force_never_replaces_the_current_folder_an_input_or_a_file(checkout: Path, out: str) -> None:
    before = snapshot(checkout.parent)
    result = casebook("--out", out, "--force")
    assert result.exit_code == 2 and result.stderr.startswith(f"{out}: ")
    assert snapshot(checkout.parent) == before


def test_a_repository_root_is_refused_from_outside_it(checkout: Path, tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    other = tmp_path / "elsewhere"
    shutil.copytree(checkout / "cases", other / "cases")
    shutil.copytree(checkout / "rules", other / "rules")
    monkeypatch.chdir(other)
    before = snapshot(checkout)
    refused(casebook("--out", str(checkout), "--force"),
            f"{checkout}: is a repository root (it holds .git); {CASEBOOK_ALONE}")
    assert snapshot(checkout) == before


def test_a_fifo_at_out_is_refused_and_stays_a_fifo(checkout: Path) -> None:
    os.mkfifo(checkout / "pipe")
    refused(casebook("--out", "pipe", "--force"),
            "pipe: is a FIFO (named pipe), not a folder; the casebook is a folder and replaces only a previous one")
    assert stat.S_ISFIFO(os.lstat(checkout / "pipe").st_mode)


@pytest.mark.skipif(os.geteuid() != 0, reason="making a device node needs root")
def test_a_device_at_out_is_refused_and_stays_a_device(checkout: Path) -> None:
    device = checkout / "null"
    os.mknod(device, 0o666 | stat.S_IFCHR, os.makedev(1, 3))  # /dev/null
    refused(casebook("--out", "null", "--force"),
            "null: is a device, not a folder; the casebook is a folder and replaces only a previous one")
    refused(report("--out", "null", "--force"), "null: is a device, not a regular file")
    assert stat.S_ISCHR(os.lstat(device).st_mode) and os.lstat(device).st_rdev == os.makedev(1, 3)


def test_the_casebook_replaces_its_own_output_and_only_that(checkout: Path) -> None:
    assert casebook("--out", "site").exit_code == 0
    marker = (checkout / "site" / files.MARKER).read_text(encoding="utf-8").splitlines()
    assert "index.html" in marker and "cases/example.html" in marker
    (checkout / "site" / "index.html").write_text("edited by hand: still the casebook's file")
    assert casebook("--out", "site").exit_code == 0, "a second build over its own output succeeds"
    assert "edited by hand" not in (checkout / "site" / "index.html").read_text(encoding="utf-8")
    (checkout / "site" / "mine.txt").write_text("a file the casebook did not write")
    before = snapshot(checkout)
    refused(casebook("--out", "site"), "site: holds files the casebook did not write (mine.txt); give --force to "
                                       "replace it and everything in it")
    assert snapshot(checkout) == before
    assert casebook("--out", "site", "--force").exit_code == 0
    assert not (checkout / "site" / "mine.txt").exists()


def test_force_replaces_a_foreign_folder_that_holds_no_input(checkout: Path) -> None:
    result = casebook("--out", "notes", "--force")
    assert result.exit_code == 0, result.output
    assert (checkout / "notes" / "index.html").is_file() and not (checkout / "notes" / "draft.txt").exists()
    assert (checkout / "cases" / "example.yaml").is_file() and (checkout / "README.md").is_file()


def test_an_empty_folder_is_written_into_without_force(checkout: Path) -> None:
    (checkout / "out" / "casebook").mkdir(parents=True)
    assert casebook("--out", "out/casebook").exit_code == 0
    assert (checkout / "out" / "casebook" / "index.html").is_file()


# -- report --out ------------------------------------------------------------------------------

def test_report_replaces_its_own_report_in_any_format(checkout: Path) -> None:
    for format in ("markdown", "json", "text", "markdown"):
        result = report("--format", format, "--out", "report.out")
        assert result.exit_code == 0, result.output
    assert (checkout / "report.out").read_text(encoding="utf-8").startswith("# Corpus report\n")


def test_report_refuses_a_file_it_did_not_write_unless_forced(checkout: Path) -> None:
    before = snapshot(checkout)
    refused(report("--out", "README.md"), "README.md: is a file the report did not write; give --force to replace it")
    assert snapshot(checkout) == before
    assert report("--out", "README.md", "--force").exit_code == 0
    assert (checkout / "README.md").read_text(encoding="utf-8").startswith("Corpus report: 1 cases")


@pytest.mark.parametrize(("out", "message"), [
    ("notes", "notes: is a folder, not a file"),
    ("pipe", "pipe: is a FIFO (named pipe), not a regular file"),
    ("cases/report.md", "cases/report.md: is inside the folder of case files (--cases); write the report to a "
                        "file of its own, such as out/report.md"),
    ("cases/example.yaml", "cases/example.yaml: is inside the folder of case files (--cases); write the report "
                           "to a file of its own, such as out/report.md"),
    (".", ".: is the current folder; write the report to a file of its own, such as out/report.md"),
])
def test_report_refuses_what_is_not_a_file_of_its_own(checkout: Path, out: str, message: str) -> None:
    os.mkfifo(checkout / "pipe")
    before = snapshot(checkout)
    refused(report("--out", out, "--force"), message)
    assert snapshot(checkout) == before


def test_a_failed_write_names_the_target_not_the_temporary(checkout: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def no_space(*args, dir: str, **kwargs):
        raise OSError(28, "No space left on device", os.path.join(dir, ".report.md.123.abcdefgh.part"))

    monkeypatch.setattr(files.tempfile, "mkstemp", no_space)
    refused(report("--out", "report.md"), "report.md: cannot read or write: No space left on device")
    monkeypatch.setattr(files.tempfile, "mkdtemp", no_space)
    failed_at_the_end(casebook("--out", "site"), "site: cannot read or write: No space left on device")


def test_a_failed_write_inside_the_casebook_names_the_file_in_the_target(checkout: Path,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    real = Path.write_text

    def full_disk(self: Path, *args, **kwargs):
        if self.name == "index.html":
            raise OSError(28, "No space left on device", str(self))
        return real(self, *args, **kwargs)

    monkeypatch.setattr(Path, "write_text", full_disk)
    failed_at_the_end(casebook("--out", "site"), "site/index.html: cannot read or write: No space left on device")
    assert sorted(p.name for p in checkout.iterdir() if "site" in p.name) == []


# -- --jobs ------------------------------------------------------------------------------------

def test_jobs_above_the_cpu_count_are_capped_and_the_cap_is_said(checkout: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    assert parallel.capped(2) == (2, None) and parallel.capped(1) == (1, None)
    result = report("--jobs", "200", "--format", "json")
    assert result.exit_code == 0 and messages(result.stderr) == "--jobs 200: capped at 2, the number of CPUs\n"


# -- The invariant -----------------------------------------------------------------------------

NAMES = st.sampled_from(["a", "b", "site", "out", "x.yaml", "index.html", files.MARKER])
TREES = st.dictionaries(st.lists(NAMES, min_size=1, max_size=3).map("/".join),
                        st.sampled_from(["file", "folder", "fifo"]) | st.binary(max_size=50), max_size=8)


def lay_out(folder: Path, tree: dict[str, object]) -> list[Path]:
    made = []
    for relative, content in sorted(tree.items()):
        path = folder / relative
        if any(files.kind_at(p) not in (None, "a folder") for p in path.parents) or os.path.lexists(path):
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        if content == "folder":
            path.mkdir()
        elif content == "fifo":
            os.mkfifo(path)
        else:
            path.write_bytes(content if isinstance(content, bytes) else b"text")
        made.append(path)
    return made


@settings(max_examples=40)
@given(tree=TREES, pick=st.integers(min_value=0), force=st.booleans())
def test_a_refused_out_leaves_the_tree_byte_identical(tmp_path_factory: pytest.TempPathFactory,
                                                      tree: dict[str, object], pick: int, force: bool) -> None:
    folder = repository_like(tmp_path_factory.mktemp("tree") / "checkout")
    made = lay_out(folder / "work", tree)
    candidates = [p for p in [*made, folder / "work", folder / "cases", folder / "rules", folder]
                  if files.kind_at(p) not in (None, "a folder") or (p.is_dir() and any(p.iterdir()))]
    out = candidates[pick % len(candidates)]
    cwd = os.getcwd()
    os.chdir(folder)
    try:
        places = input_places(workspace.load(workspace.locate(Path("cases"), Path("rules"))))
        reason = outputs.refusal(out, CASEBOOK, places, force)
        if reason is None:  # --force over a folder holding no input: it may be replaced; not this property
            assert force and files.kind_at(out) == "a folder"
            return
        before = snapshot(folder.parent)
        result = casebook("--out", str(out), *(["--force"] if force else []))
    finally:
        os.chdir(cwd)
    assert (result.exit_code, messages(result.stderr)) == (2, f"{out}: {reason}\n")
    assert snapshot(folder.parent) == before


# -- Signals -----------------------------------------------------------------------------------

# The child stalls inside the write: before the swap (staging built) or after it (the swap done).
CHILD = textwrap.dedent("""
    import contextlib, signal, sys, time
    from case_procedure import casebook, files
    from case_procedure.cli import app
    signal.signal(signal.SIGINT, signal.default_int_handler)  # see test_files: a background job ignores it
    stall_at = sys.argv[1]
    real_folder, real_sync = files.replacing_folder, files._sync_directory

    @contextlib.contextmanager
    def stalling(target, command="casebook"):
        with real_folder(target, command) as staging:
            yield staging
            if stall_at == "before-swap":
                print("writing", flush=True)
                time.sleep(60)

    def stalling_sync(directory):
        real_sync(directory)
        if stall_at == "after-swap":
            print("writing", flush=True)
            time.sleep(60)

    casebook.replacing_folder, files._sync_directory = stalling, stalling_sync
    app(["casebook", "--out", "site", "--cases", "cases", "--rules-dir", "rules"], prog_name="case-procedure")
""")


def run_and_signal(folder: Path, stall_at: str, signum: int) -> subprocess.CompletedProcess:
    environment = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    child = subprocess.Popen([sys.executable, "-c", CHILD, stall_at], cwd=folder, env=environment, text=True,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        assert child.stdout is not None
        while (line := child.stdout.readline()) not in ("writing\n", ""):
            pass
        assert line == "writing\n", child.stderr.read() if child.stderr else ""
        child.send_signal(signum)
        stdout, stderr = child.communicate(timeout=30)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
    return subprocess.CompletedProcess(child.args, child.returncode, stdout, stderr)


def previous_casebook(folder: Path) -> dict[str, str]:
    assert casebook("--out", "site").exit_code == 0
    (folder / "site" / "index.html").write_text("the previous casebook")  # listed in the marker: still ours
    return snapshot(folder / "site")


@pytest.mark.parametrize(("signum", "code", "word"), [(signal.SIGTERM, 143, "terminated"),
                                                      (signal.SIGINT, 130, "interrupted")], ids=["TERM", "INT"])
def test_a_signal_before_the_swap_leaves_the_previous_output_and_no_staging(checkout: Path, signum: int,
                                                                          code: int, word: str) -> None:
    before = previous_casebook(checkout)
    done = run_and_signal(checkout, "before-swap", signum)
    assert done.returncode == code
    assert done.stderr.splitlines()[-1] == f"{word}; no output was written; the previous output is unchanged"
    assert snapshot(checkout / "site") == before
    assert [p.name for p in checkout.iterdir() if p.name.startswith(".site")] == []


@pytest.mark.parametrize(("signum", "code", "word"), [(signal.SIGTERM, 143, "terminated"),
                                                      (signal.SIGINT, 130, "interrupted")], ids=["TERM", "INT"])
def test_a_signal_after_the_swap_says_the_new_output_was_written(checkout: Path, signum: int, code: int,
                                                                 word: str) -> None:
    before = previous_casebook(checkout)
    done = run_and_signal(checkout, "after-swap", signum)
    assert done.returncode == code
    assert done.stderr.splitlines()[-1] == f"{word}; the new output was written to site and is kept"
    assert snapshot(checkout / "site") != before and (checkout / "site" / files.MARKER).is_file()
    assert [p.name for p in checkout.iterdir() if p.name.startswith(".site")] == []
