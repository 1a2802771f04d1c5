"""How far a long run has got, on stderr: a rich bar on a terminal, a few plain lines otherwise.

The work reports `Tick`s to a callback and never imports rich; the command chooses the display. Progress
never reaches stdout or an output file, so what a command writes is the same with or without it.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TextIO

from case_procedure.safe_text import visible


@dataclass(frozen=True)
class Tick:
    """`done` of `total` items of one stage of the work, the last being `item`."""

    stage: str
    done: int
    total: int
    item: str

    def __str__(self) -> str:
        return f"{self.stage} {self.done}/{self.total} {self.item}"


Progress = Callable[[Tick], None]
QUARTERS = 4  # plain lines per stage: a log or a pipe gets the milestones, not a line per item


def silent(tick: Tick) -> None:
    """No display: for the API and the tests."""


def milestone(tick: Tick) -> bool:
    """Whether a plain display prints this tick: the first item, and each quarter of the stage done."""
    def quarter(done: int) -> int:
        return done * QUARTERS // max(tick.total, 1)

    return tick.done == 1 or quarter(tick.done) > quarter(tick.done - 1)


@contextmanager
def shown(command: str, stream: TextIO | None = None, terminal: bool | None = None) -> Iterator[Progress]:
    """A progress display for `command`: a bar when `stream` (stderr) is a terminal, plain lines otherwise."""
    out = stream if stream is not None else sys.stderr
    if not (out.isatty() if terminal is None else terminal):
        def line(tick: Tick) -> None:
            if milestone(tick):
                print(visible(f"{command}: {tick}"), file=out, flush=True)

        yield line
        return
    from rich.console import Console
    from rich.markup import escape
    from rich.progress import Progress as Bar
    from rich.progress import TaskID

    with Bar(console=Console(file=out, force_terminal=True), transient=True) as bar:
        tasks: dict[str, TaskID] = {}

        def advance(tick: Tick) -> None:
            if tick.stage not in tasks:
                tasks[tick.stage] = bar.add_task(tick.stage, total=tick.total)
            words = escape(visible(f"{command}: {tick.stage} {tick.item}"))
            bar.update(tasks[tick.stage], completed=tick.done, description=words)

        yield advance
