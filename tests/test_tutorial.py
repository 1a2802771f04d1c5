"""docs/tutorial.md runs: its python blocks, in order, in one namespace, from the repository and from an
empty folder (the bundled data)."""

from __future__ import annotations

import contextlib
import io
import re
from pathlib import Path

import pytest
from conftest import ROOT

TUTORIAL = ROOT / "docs" / "tutorial.md"
BLOCK = re.compile(r"^```python\n(.*?)^```$", re.MULTILINE | re.DOTALL)


def blocks() -> list[str]:
    return BLOCK.findall(TUTORIAL.read_text(encoding="utf-8"))


def run_tutorial() -> str:
    namespace: dict[str, object] = {}
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        for i, code in enumerate(blocks()):
            exec(compile(code, f"{TUTORIAL.name} block {i + 1}", "exec"), namespace)
    return printed.getvalue()


def test_the_tutorial_has_code_to_run() -> None:
    assert len(blocks()) >= 6


def test_the_tutorial_runs_from_the_repository() -> None:
    pytest.importorskip("pandas")
    printed = run_tutorial()
    assert "The former party committee head" in printed
    assert "no case 'somv'" in printed and "did you mean somov" in printed


def test_the_tutorial_runs_from_an_empty_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("pandas")
    monkeypatch.chdir(tmp_path)
    assert "norms-1937" in run_tutorial()
    assert list(tmp_path.iterdir()) == []
