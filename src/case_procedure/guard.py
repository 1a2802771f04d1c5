"""The command line's last line of defence: no command ever prints a traceback.

Commands raise their errors and never word them: every exception that escapes a command is
turned here, and only here, into lines on stderr and an exit code:

- `InputError` (a bad file)                          exit 2, `file:line: field: message` per problem
- `UsageError` (an option naming nothing known)      exit 2, the message as it is
- `OSError` (a file that cannot be read or written)  exit 2, `path: cannot read or write: reason`
- `RuleConflict` (rules that contradict each other)  exit 2
- `EngineError`                                      exit 3
- Ctrl-C, or SIGTERM during a write                  exit 130 (143 for SIGTERM), saying whether the
                                                     output was written
- anything else (a bug)                              exit 1, `internal error: ...`

Set CASE_PROCEDURE_DEBUG=1 to get the traceback of an internal error instead.
"""

from __future__ import annotations

import os
import signal
from pathlib import Path
from typing import Any

import typer
from typer.core import TyperGroup

from case_procedure import files
from case_procedure.errors import EngineError, InputError, RuleConflict, UsageError
from case_procedure.safe_text import visible

INPUT_ERROR, ENGINE_ERROR, INTERNAL_ERROR = 2, 3, 1
DEBUG_VARIABLE = "CASE_PROCEDURE_DEBUG"

# typer's own signals (exit, abort, usage errors) pass through untouched
_PASSTHROUGH = (typer.Exit, typer.Abort, typer.TyperException)


def interruption(exc: KeyboardInterrupt, written: list[Path]) -> tuple[list[str], int]:
    """The message after Ctrl-C or SIGTERM: true whether or not the new output was swapped in before it."""
    signum = getattr(exc, "signum", signal.SIGINT)
    what = "terminated" if signum == signal.SIGTERM else "interrupted"
    if written:
        return [f"{what}; the new output was written to {', '.join(str(p) for p in written)} and is kept"], \
            128 + signum
    return [f"{what}; no output was written; the previous output is unchanged"], 128 + signum


def describe(exc: BaseException, written: list[Path] | None = None) -> tuple[list[str], int]:
    """The lines to print and the exit code for an exception that escaped a command (`written`: the outputs
    the command had replaced before it)."""
    if isinstance(exc, InputError):
        return [str(p) for p in exc.problems], INPUT_ERROR
    if isinstance(exc, UsageError):
        return [str(exc)], INPUT_ERROR
    if isinstance(exc, OSError):
        where = exc.filename if exc.filename is not None else "a file"
        reason = exc.strerror or str(exc)
        return [f"{where}: cannot read or write: {reason}"], INPUT_ERROR
    if isinstance(exc, RuleConflict):
        return [str(exc)], INPUT_ERROR
    if isinstance(exc, EngineError):
        return [f"engine error: {exc}"], ENGINE_ERROR
    if isinstance(exc, KeyboardInterrupt):
        return interruption(exc, written or [])
    text = str(exc).splitlines()[0] if str(exc) else ""
    return [f"internal error: {type(exc).__name__}{': ' + text if text else ''} (a bug in case-procedure; "
            f"please report it with the command you ran, or set {DEBUG_VARIABLE}=1 to see the traceback)"], \
        INTERNAL_ERROR


class GuardedGroup(TyperGroup):
    """A typer group whose subcommands cannot end in a traceback."""

    def invoke(self, ctx: Any) -> Any:
        files.forget_completed_writes()
        try:
            return super().invoke(ctx)
        except _PASSTHROUGH:
            raise
        except (Exception, KeyboardInterrupt) as exc:
            if os.environ.get(DEBUG_VARIABLE) and not isinstance(exc, (InputError, UsageError, KeyboardInterrupt)):
                raise
            lines, code = describe(exc, files.completed_writes())
            for line in lines:
                typer.echo(visible(line), err=True)
            raise typer.Exit(code) from None
