"""The command line's last line of defence: no command ever prints a traceback.

Commands report the errors they expect themselves. Whatever escapes them is turned
here into one line on stderr and an exit code:

- `InputError` (a bad file)                          exit 2, `file:line: field: message` per problem
- `OSError` (a file that cannot be read or written)  exit 2, `path: cannot read or write: reason`
- `RuleConflict` (rules that contradict each other)  exit 2
- `EngineError`                                      exit 3
- Ctrl-C                                             exit 130
- anything else (a bug)                              exit 1, `internal error: ...`

Set CASE_PROCEDURE_DEBUG=1 to get the traceback of an internal error instead.
"""

from __future__ import annotations

import os
from typing import Any

import typer
from typer.core import TyperGroup

from case_procedure.errors import EngineError, InputError, RuleConflict

INPUT_ERROR, ENGINE_ERROR, INTERNAL_ERROR, INTERRUPTED = 2, 3, 1, 130
DEBUG_VARIABLE = "CASE_PROCEDURE_DEBUG"

# typer's own signals (exit, abort, usage errors) pass through untouched
_PASSTHROUGH = (typer.Exit, typer.Abort, typer.TyperException)


def describe(exc: BaseException) -> tuple[list[str], int]:
    """The lines to print and the exit code for an exception that escaped a command."""
    if isinstance(exc, InputError):
        return [str(p) for p in exc.problems], INPUT_ERROR
    if isinstance(exc, OSError):
        where = exc.filename if exc.filename is not None else "a file"
        reason = exc.strerror or str(exc)
        return [f"{where}: cannot read or write: {reason}"], INPUT_ERROR
    if isinstance(exc, RuleConflict):
        return [str(exc)], INPUT_ERROR
    if isinstance(exc, EngineError):
        return [f"engine error: {exc}"], ENGINE_ERROR
    if isinstance(exc, KeyboardInterrupt):
        return ["interrupted; no output was written"], INTERRUPTED
    text = str(exc).splitlines()[0] if str(exc) else ""
    return [f"internal error: {type(exc).__name__}{': ' + text if text else ''} (a bug in case-procedure; "
            f"please report it with the command you ran, or set {DEBUG_VARIABLE}=1 to see the traceback)"], \
        INTERNAL_ERROR


class GuardedGroup(TyperGroup):
    """A typer group whose subcommands cannot end in a traceback."""

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except _PASSTHROUGH:
            raise
        except (Exception, KeyboardInterrupt) as exc:
            if os.environ.get(DEBUG_VARIABLE) and not isinstance(exc, (InputError, KeyboardInterrupt)):
                raise
            lines, code = describe(exc)
            for line in lines:
                typer.echo(line, err=True)
            raise typer.Exit(code) from None
