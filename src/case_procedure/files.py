"""Writing output files atomically: an interrupted run leaves the previous output intact.

A file is written to a temporary sibling and renamed over the target; a folder is
built beside the target and swapped in, so that readers see either the whole old
output or the whole new one. On Linux the swap is one `renameat2(RENAME_EXCHANGE)`;
elsewhere it takes two renames, and a run interrupted between them leaves the old
folder under `.<name>.old`, which the next write puts back before it starts.

While a write is under way SIGTERM raises `Terminated` (as Ctrl-C raises KeyboardInterrupt),
so that the staging `.part` entry is removed; the swap itself runs with both signals held
back, and `completed_writes()` says which targets were replaced, so that the message after
an interruption can say truthfully whether the new output was written. Staging entries
are named `.<name>.<pid>.<random>.part`; one whose process is gone (a SIGKILL) is removed
by the next write to the same target.

A folder written here carries a marker file listing what it holds, so that the next
run recognises its own output (see `outputs`, which decides what may be replaced).
"""

from __future__ import annotations

import ctypes
import os
import re
import shutil
import signal
import stat
import sys
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

_RENAME_EXCHANGE = 2  # linux/fs.h
MARKER = ".case-procedure-output"
_HELD_BACK = {signal.SIGINT, signal.SIGTERM}
_completed: list[Path] = []


class Terminated(KeyboardInterrupt):
    """SIGTERM arrived during a write; handled like Ctrl-C, so that the write cleans up after itself."""

    signum = signal.SIGTERM


# -- What is at a path -------------------------------------------------------------------------

def kind(mode: int) -> str:
    """What a stat mode describes, in words for messages."""
    if stat.S_ISREG(mode):
        return "a regular file"
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a file or folder"


def kind_at(path: Path) -> str | None:
    """What is at `path` (following symbolic links), or None when nothing is; OSError if it cannot be told."""
    try:
        return kind(os.stat(path).st_mode)
    except FileNotFoundError:
        return "a broken symbolic link" if os.path.islink(path) else None
    except NotADirectoryError:  # a parent is a file
        return None


def unreadable(path: Path) -> str | None:
    """Why `path` is not a file to read, or None for a regular file. Checked by stat, before any open():
    opening a FIFO blocks until a writer comes, and reading a device may never end."""
    found = kind_at(path)
    if found is None:
        return "no such file"
    if found == "a regular file":
        return None
    if found == "a folder":
        return "is a folder, not a file"
    return f"is {found}, not a regular file"


def read_regular_bytes(path: Path, limit: int) -> bytes:
    """At most `limit + 1` bytes of a regular file; ValueError (the reason) for anything else.

    The file is opened non-blocking and checked again on the open descriptor, so that a FIFO
    put in its place between the check and the open cannot hang the read.
    """
    reason = unreadable(path)
    if reason is not None:
        raise ValueError(reason)
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            raise ValueError(f"is {kind(mode)}, not a regular file")
        with os.fdopen(fd, "rb", closefd=False) as handle:
            return handle.read(limit + 1)
    finally:
        os.close(fd)


# -- Signals and the record of completed writes -------------------------------------------------

def completed_writes() -> list[Path]:
    """The targets replaced since `forget_completed_writes()`, as they were given."""
    return list(_completed)


def forget_completed_writes() -> None:
    _completed.clear()


def _raise_terminated(signum: int, frame: object) -> None:
    raise Terminated


@contextmanager
def _sigterm_raises() -> Iterator[None]:
    """SIGTERM raises `Terminated` inside the block; the previous handler is restored after it."""
    if threading.current_thread() is not threading.main_thread():
        yield  # only the main thread may set handlers; its own handler governs
        return
    previous = signal.signal(signal.SIGTERM, _raise_terminated)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous if previous is not None else signal.SIG_DFL)


@contextmanager
def _signals_held_back() -> Iterator[None]:
    """SIGINT and SIGTERM wait until the block is done (then their handlers run as usual)."""
    if not hasattr(signal, "pthread_sigmask"):
        yield
        return
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, _HELD_BACK)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


# -- Staging entries ----------------------------------------------------------------------------

def _staging_prefix(target: Path) -> str:
    return f".{target.name}.{os.getpid()}."


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process
        return True
    return True


def _leftovers(target: Path) -> list[Path]:
    """Staging entries for `target` left by runs that were killed (their process is gone)."""
    pattern = re.compile(rf"\.{re.escape(target.name)}\.(?:(\d+)\.)?[a-z0-9_]{{8}}\.part")
    found = []
    for entry in target.parent.iterdir():
        match = pattern.fullmatch(entry.name)
        if match and (match.group(1) is None or not _alive(int(match.group(1)))):
            found.append(entry)
    return found


def remove_leftovers(target: Path) -> None:
    for entry in _leftovers(target):
        if entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry, ignore_errors=True)
        else:
            entry.unlink(missing_ok=True)


@contextmanager
def _naming(target: Path, staging: Path | None = None) -> Iterator[None]:
    """OSErrors name the target (or the file inside it), never the temporary staging path."""
    try:
        yield
    except OSError as exc:
        shown = str(target)
        if staging is not None and exc.filename and str(exc.filename).startswith(str(staging) + os.sep):
            shown = str(target / os.path.relpath(exc.filename, staging))
        if exc.filename is None or str(exc.filename) != shown:
            raise OSError(exc.errno, exc.strerror or str(exc), shown) from None
        raise


# -- Markers ------------------------------------------------------------------------------------

def marker_text(command: str, folder: Path) -> str:
    """The marker of a folder `command` wrote: a header, then every entry it holds, one per line."""
    return _marker_header(command) + "".join(f"{entry}\n" for entry in _entries(folder))


def _entries(folder: Path) -> list[str]:
    """Every file and folder under `folder` but its marker, relative, sorted; symbolic links not followed."""
    found = []
    for top, folders, names in os.walk(folder):
        for name in [*folders, *names]:
            found.append((Path(top) / name).relative_to(folder).as_posix())
    return sorted(entry for entry in found if entry != MARKER)


def _marker_header(command: str) -> str:
    return (f"case-procedure {command}: the next `case-procedure {command} --out` here replaces this folder; "
            "it holds the entries listed below and nothing else\n")


def foreign_entries(folder: Path, command: str) -> list[str] | None:
    """The entries of `folder` that `command` did not write, according to its marker; None without a
    marker of `command` (a folder it did not write)."""
    marker = folder / MARKER
    try:
        text = read_regular_bytes(marker, 10_000_000).decode("utf-8")
    except (ValueError, OSError, UnicodeDecodeError):
        return None
    header = _marker_header(command)
    if not text.startswith(header):
        return None
    listed = set(text[len(header):].splitlines())
    return [entry for entry in _entries(folder) if entry not in listed]


def _default_mode(directory: bool) -> int:
    """The mode a plain open()/mkdir() would give: mkstemp and mkdtemp create private (0600/0700) entries."""
    umask = os.umask(0)
    os.umask(umask)
    return (0o777 if directory else 0o666) & ~umask


def _sync_directory(directory: Path) -> None:
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:  # some platforms cannot open a directory; the rename is still atomic
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def write_text(path: Path, text: str) -> None:
    """Replace `path` with `text` (UTF-8) in one rename."""
    write_bytes(path, text.encode("utf-8"))


def write_bytes(path: Path, data: bytes) -> None:
    with _naming(path), _sigterm_raises():
        path.parent.mkdir(parents=True, exist_ok=True)
        remove_leftovers(path)
        mode = path.stat().st_mode & 0o7777 if path.is_file() else _default_mode(directory=False)
        fd, temporary = tempfile.mkstemp(prefix=_staging_prefix(path), suffix=".part", dir=path.parent)
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            os.chmod(temporary, mode)
            with _signals_held_back():
                os.replace(temporary, path)
                _completed.append(path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        _sync_directory(path.parent)


def _exchange(first: Path, second: Path) -> bool:
    """Swap two paths in one system call where the platform has one; False if it has not."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd = -100
    result = renameat2(at_fdcwd, os.fsencode(first), at_fdcwd, os.fsencode(second), _RENAME_EXCHANGE)
    if result != 0:
        errno = ctypes.get_errno()
        if errno in (22, 38, 95):  # EINVAL, ENOSYS, EOPNOTSUPP: the file system cannot exchange
            return False
        raise OSError(errno, os.strerror(errno), str(second))
    return True


def _old(target: Path) -> Path:
    return target.with_name(f".{target.name}.old")


def recover(target: Path) -> None:
    """Put back the previous output if a run was interrupted between the two renames of a swap."""
    old = _old(target)
    if old.is_dir() and not target.exists():
        os.replace(old, target)


@contextmanager
def replacing_folder(target: Path, command: str = "casebook") -> Iterator[Path]:
    """Yield an empty staging folder; on success it gets `command`'s marker and replaces `target`, on
    failure (an exception, Ctrl-C, SIGTERM) it is removed.

    Whether `target` may be replaced is for the caller to settle first (`outputs.check`).
    """
    given, target = target, target.resolve()
    with _sigterm_raises():
        with _naming(given):
            target.parent.mkdir(parents=True, exist_ok=True)
            recover(target)
            remove_leftovers(target)
            staging = Path(tempfile.mkdtemp(prefix=_staging_prefix(target), suffix=".part", dir=target.parent))
        try:
            with _naming(given, staging):
                os.chmod(staging, _default_mode(directory=True))
                yield staging
                (staging / MARKER).write_text(marker_text(command, staging), encoding="utf-8")
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
        with _naming(given), _signals_held_back():
            try:
                _swap(staging, target)
            except BaseException:
                shutil.rmtree(staging, ignore_errors=True)  # still the new output: the swap did not happen
                raise
            _completed.append(given)
        _sync_directory(target.parent)


def _swap(staging: Path, target: Path) -> None:
    """Put `staging` in the place of `target` and remove the old output (the caller holds signals back)."""
    if target.exists() and _exchange(staging, target):
        shutil.rmtree(staging, ignore_errors=True)  # it now holds the old output
        return
    old = _old(target)
    shutil.rmtree(old, ignore_errors=True)
    if target.exists():
        os.replace(target, old)
    os.replace(staging, target)
    shutil.rmtree(old, ignore_errors=True)
