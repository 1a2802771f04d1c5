"""`make demo` fits one screen: what was checked, the agreement table, where the full outputs went."""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT

pytestmark = pytest.mark.slow

SCREEN = 60
SETUP_LINES = 1  # what the venv recipe prints on a fresh clone (pip runs with -qq)


def demo_commands(out: Path) -> list[list[str]]:
    """The demo recipe of the Makefile, with the venv's commands and the outputs moved to `out`."""
    text = (ROOT / "Makefile").read_text(encoding="utf-8")
    recipe = re.search(r"^demo:.*\n((?:\t.*\n)+)", text, re.M)
    assert recipe, "the Makefile has a demo target"
    commands = []
    for line in recipe.group(1).splitlines():
        line = line.strip().lstrip("@").replace("$(BIN)/", str(Path(sys.executable).parent) + "/")
        commands.append([word.replace("out/", f"{out}/") for word in shlex.split(line)])
    return commands


def test_the_demo_prints_one_screen_and_writes_the_outputs_it_names(tmp_path: Path) -> None:
    printed: list[str] = []
    for command in demo_commands(tmp_path / "out"):
        done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=600)
        assert done.returncode == 0, done.stderr
        printed += done.stdout.splitlines() + done.stderr.splitlines()
    assert SETUP_LINES + len(printed) <= SCREEN, "\n".join(printed)
    assert (tmp_path / "out" / "report.md").read_text(encoding="utf-8").startswith("# Corpus report")
    assert (tmp_path / "out" / "casebook" / "index.html").is_file()
    assert any(line.split()[:1] == ["norms-1937"] for line in printed), "the agreement table is shown"
