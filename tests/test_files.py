"""Atomic writes: an interrupted run leaves the previous output intact and nothing half-written."""

from __future__ import annotations

import os
import signal
import stat
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from conftest import ROOT
from hypothesis import given, settings
from hypothesis import strategies as st

from case_procedure import files


def listing(folder: Path) -> dict[str, bytes]:
    """The files of a folder written here, but its marker."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and p.name != files.MARKER}


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith("."))


@settings(max_examples=30)
@given(st.binary(max_size=2000), st.binary(max_size=2000))
def test_write_bytes_replaces_the_whole_file(tmp_path_factory: pytest.TempPathFactory, old: bytes, new: bytes) -> None:
    folder = tmp_path_factory.mktemp("w")
    target = folder / "out.bin"
    files.write_bytes(target, old)
    files.write_bytes(target, new)
    assert target.read_bytes() == new and leftovers(folder) == []


def test_a_write_interrupted_before_the_rename_leaves_the_old_file(tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "report.md"
    files.write_text(target, "old report\n")

    def interrupted(fd: int) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "fsync", interrupted)
    with pytest.raises(KeyboardInterrupt):
        files.write_text(target, "new report, half written")
    assert target.read_text() == "old report\n" and leftovers(tmp_path) == []


def test_new_files_get_the_usual_mode_and_replaced_files_keep_theirs(tmp_path: Path) -> None:
    # mkstemp creates 0600 files: without care every output would become private to its writer
    umask = os.umask(0o022)
    try:
        fresh = tmp_path / "fresh.txt"
        files.write_text(fresh, "x")
        assert stat.S_IMODE(fresh.stat().st_mode) == 0o644
        kept = tmp_path / "kept.txt"
        kept.write_text("x")
        kept.chmod(0o640)
        files.write_text(kept, "y")
        assert stat.S_IMODE(kept.stat().st_mode) == 0o640
        with files.replacing_folder(tmp_path / "site") as staging:
            (staging / "index.html").write_text("<p>")
        assert stat.S_IMODE((tmp_path / "site").stat().st_mode) == 0o755
    finally:
        os.umask(umask)


def make_site(folder: Path, text: str) -> None:
    with files.replacing_folder(folder) as staging:
        (staging / "index.html").write_text(text)
        (staging / "cases").mkdir()
        (staging / "cases" / "a.html").write_text(text * 2)


@pytest.mark.parametrize("exchange", [True, False], ids=["renameat2", "two-renames"])
def test_a_folder_is_replaced_whole(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, exchange: bool) -> None:
    if not exchange:
        monkeypatch.setattr(files, "_exchange", lambda first, second: False)
    site = tmp_path / "site"
    make_site(site, "old")
    make_site(site, "new")
    assert listing(site) == {"index.html": b"new", "cases/a.html": b"newnew"}
    assert leftovers(tmp_path) == []


def test_an_error_while_building_a_folder_leaves_the_old_one(tmp_path: Path) -> None:
    site = tmp_path / "site"
    make_site(site, "old")
    with pytest.raises(RuntimeError), files.replacing_folder(site) as staging:
        (staging / "index.html").write_text("half")
        raise RuntimeError("the casebook build failed")
    assert listing(site) == {"index.html": b"old", "cases/a.html": b"oldold"} and leftovers(tmp_path) == []


def test_an_interruption_between_the_two_renames_is_repaired_by_the_next_write(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    site = tmp_path / "site"
    make_site(site, "old")
    monkeypatch.setattr(files, "_exchange", lambda first, second: False)
    real_replace = os.replace
    calls = []

    def replace_then_die(source: str, destination: str) -> None:
        calls.append(source)
        if len(calls) == 2:  # the old folder is aside, the new one not yet in place
            raise KeyboardInterrupt
        real_replace(source, destination)

    monkeypatch.setattr(os, "replace", replace_then_die)
    with pytest.raises(KeyboardInterrupt):
        make_site(site, "new")
    monkeypatch.undo()
    assert not site.exists() and (tmp_path / ".site.old").is_dir()
    files.recover(site)
    assert listing(site) == {"index.html": b"old", "cases/a.html": b"oldold"}


# A background job of a non-interactive shell (as under CI) starts with SIGINT ignored, and Python then
# installs no KeyboardInterrupt handler: the child restores it, as a terminal's Ctrl-C would find it.
CHILD = textwrap.dedent("""
    import signal, sys, time
    from pathlib import Path
    from case_procedure import files
    signal.signal(signal.SIGINT, signal.default_int_handler)
    with files.replacing_folder(Path(sys.argv[1])) as staging:
        (staging / "index.html").write_text("new, half built")
        print("building", flush=True)
        time.sleep(60)
""")


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM, signal.SIGKILL], ids=["INT", "TERM", "KILL"])
def test_a_process_killed_while_building_leaves_the_previous_output(tmp_path: Path, signum: int) -> None:
    site = tmp_path / "site"
    make_site(site, "old")
    child = subprocess.Popen([sys.executable, "-c", CHILD, str(site)], stdout=subprocess.PIPE, text=True,
                             cwd=ROOT)
    try:
        assert child.stdout is not None and child.stdout.readline() == "building\n"
        child.send_signal(signum)
        child.wait(timeout=30)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
    assert listing(site) == {"index.html": b"old", "cases/a.html": b"oldold"}
    if signum == signal.SIGINT:  # Python unwinds: the staging folder is removed too
        assert leftovers(tmp_path) == []
