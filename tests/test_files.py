"""Atomic writes: an interrupted run leaves the previous output intact and nothing half-written."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import stat
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from conftest import FIXTURES, ROOT
from hypothesis import given, settings
from hypothesis import strategies as st

from case_procedure import files
from case_procedure.errors import InputError
from case_procedure.yamlfile import read_text


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
    if signum != signal.SIGKILL:  # Python unwinds (SIGTERM raises during a write): the staging folder goes too
        assert leftovers(tmp_path) == []
    else:
        assert len(leftovers(tmp_path)) == 1
        make_site(site, "new")  # the next write removes what the killed one left
        assert leftovers(tmp_path) == [] and listing(site) == {"index.html": b"new", "cases/a.html": b"newnew"}


def test_leftovers_are_removed_only_when_their_process_is_gone(tmp_path: Path) -> None:
    dead, old_style = tmp_path / ".site.99999999.abcdefgh.part", tmp_path / ".site.abcdefgh.part"
    running, other = tmp_path / f".site.{os.getpid()}.abcdefgh.part", tmp_path / ".site.my-notes.part"
    for folder in (dead, old_style, running, other):
        folder.mkdir()
        (folder / "index.html").write_text("half")
    (tmp_path / ".report.md.99999999.abcdefgh.part").write_text("half")
    make_site(tmp_path / "site", "new")
    files.write_text(tmp_path / "report.md", "report")
    assert leftovers(tmp_path) == sorted([running.name, other.name])


def test_a_signal_during_the_swap_waits_until_the_swap_is_done(tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    site = tmp_path / "site"
    make_site(site, "old")
    real_exchange = files._exchange

    def exchange_with_ctrl_c(first: Path, second: Path) -> bool:
        os.kill(os.getpid(), signal.SIGINT)  # held back until the swap and the old folder's removal are done
        return real_exchange(first, second)

    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    monkeypatch.setattr(files, "_exchange", exchange_with_ctrl_c)
    files.forget_completed_writes()
    try:
        with pytest.raises(KeyboardInterrupt):
            make_site(site, "new")
    finally:
        signal.signal(signal.SIGINT, previous)
    assert listing(site) == {"index.html": b"new", "cases/a.html": b"newnew"} and leftovers(tmp_path) == []
    assert files.completed_writes() == [site]


def test_sigterm_gets_its_previous_handler_back_after_a_write(tmp_path: Path) -> None:
    def mine(signum: int, frame: object) -> None:
        pass

    previous = signal.signal(signal.SIGTERM, mine)
    try:
        files.write_text(tmp_path / "report.md", "report")
        make_site(tmp_path / "site", "new")
        assert signal.getsignal(signal.SIGTERM) is mine
    finally:
        signal.signal(signal.SIGTERM, previous)


# -- Reading: only regular files are opened ----------------------------------------------------

def special(kind: str, path: Path) -> None:
    """Put a FIFO, a device (a link to /dev/null: no root needed), a socket, a folder or a broken link at `path`."""
    if kind == "fifo":
        os.mkfifo(path)
    elif kind == "device":
        path.symlink_to("/dev/null")
    elif kind == "socket":
        server = socket.socket(socket.AF_UNIX)
        server.bind(str(path))
        server.close()
    elif kind == "folder":
        path.mkdir()
    elif kind == "broken link":
        path.symlink_to(path.parent / "nowhere")


SAID = {"fifo": "is a FIFO (named pipe), not a regular file", "device": "is a device, not a regular file",
        "socket": "is a socket, not a regular file", "folder": "is a folder, not a file",
        "broken link": "is a broken symbolic link, not a regular file", "nothing": "no such file"}


@pytest.mark.parametrize("kind", list(SAID))
def test_read_text_says_what_the_thing_is(tmp_path: Path, kind: str) -> None:
    path = tmp_path / "x.yaml"
    special(kind, path)
    with pytest.raises(InputError) as caught:
        read_text(path)
    assert [str(p) for p in caught.value.problems] == [f"{path}: {SAID[kind]}"]


def test_a_fifo_put_in_place_after_the_check_is_not_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "x.yaml"
    os.mkfifo(path)
    monkeypatch.setattr(files, "unreadable", lambda p: None)  # as if it had been a regular file at the check
    with pytest.raises(InputError) as caught:
        read_text(path)  # opened non-blocking: no hang, and refused on the open descriptor
    assert [str(p) for p in caught.value.problems] == [f"{path}: is a FIFO (named pipe), not a regular file"]


def corpus_copy(folder: Path) -> Path:
    shutil.copytree(ROOT / "rules", folder / "rules")
    (folder / "cases").mkdir()
    shutil.copy(FIXTURES / "example.yaml", folder / "cases")
    return folder


# Each command runs in a subprocess with a timeout: a hang fails the test instead of hanging the suite.
@pytest.mark.parametrize(("place", "kind", "args"), [
    ("rules/x.yaml", "fifo", ["check"]),
    ("rules/x.yaml", "fifo", ["rules"]),
    ("rules/tests/x.yaml", "fifo", ["check"]),
    ("cases/x.yaml", "fifo", ["cases"]),
    ("cases/x.yaml", "device", ["check"]),
    ("given.yaml", "fifo", ["replay", "given.yaml", "--rules", "auto"]),
    ("given.yaml", "socket", ["replay", "given.yaml", "--rules", "auto"]),
    ("given.yaml", "device", ["explain", "given.yaml"]),
])
def test_no_command_hangs_on_a_fifo_or_reads_a_device(tmp_path: Path, place: str, kind: str, args: list[str]) -> None:
    folder = corpus_copy(tmp_path)
    special(kind, folder / place)
    environment = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    done = subprocess.run([sys.executable, "-m", "case_procedure", *args], cwd=folder, env=environment,
                          capture_output=True, text=True, timeout=60)
    assert (done.returncode, done.stderr, done.stdout) == (2, f"{place}: {SAID[kind]}\n", "")
