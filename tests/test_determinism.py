"""Determinism and safety: byte-identical traces across runs and hash seeds; data never executes."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT

from case_procedure.corpus import case_files, load_case
from case_procedure.errors import InputError

pytestmark = pytest.mark.slow

CLI = ROOT / ".venv" / "bin" / "case-procedure"
SEEDS = ("0", "1", "4242")


def replay_json(seed: str, *extra: str) -> bytes:
    cases = [str(p.relative_to(ROOT)) for p in case_files(ROOT / "cases")]
    command = [str(CLI)] if CLI.exists() else [sys.executable, "-m", "case_procedure"]
    done = subprocess.run([*command, "replay", *cases, "--rules", "auto", "--format", "json", *extra], cwd=ROOT,
                          capture_output=True, timeout=300, env={**os.environ, "PYTHONHASHSEED": seed})
    assert done.returncode == 0, done.stderr.decode()
    return done.stdout


def test_replay_traces_are_byte_identical_across_hash_seeds() -> None:
    outputs = {seed: replay_json(seed) for seed in SEEDS}
    assert len(outputs["0"]) > 1000
    assert len(set(outputs.values())) == 1, {seed: len(out) for seed, out in outputs.items()}


# -- Data never executes -------------------------------------------------------------------

SOURCES = sorted((ROOT / "src").rglob("*.py"))
FORBIDDEN_CALLS = {"eval", "exec", "compile", "__import__", "execfile"}
FORBIDDEN_MODULES = {"pickle", "cPickle", "marshal", "shelve", "dill"}
UNSAFE_YAML = {"load", "load_all", "unsafe_load", "unsafe_load_all", "full_load", "full_load_all"}
UNSAFE_LOADERS = {"Loader", "UnsafeLoader", "FullLoader"}


def findings(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found = []
    for node in ast.walk(tree):
        where = f"{path.relative_to(ROOT) if path.is_relative_to(ROOT) else path.name}:{getattr(node, 'lineno', 0)}"
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in FORBIDDEN_CALLS:
            found.append(f"{where}: {node.func.id}()")
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "yaml":
            if node.attr in UNSAFE_YAML | UNSAFE_LOADERS:
                found.append(f"{where}: yaml.{node.attr}")
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            names = [a.name for a in node.names] + ([node.module] if isinstance(node, ast.ImportFrom) else [])
            if {str(n).split(".")[0] for n in names} & FORBIDDEN_MODULES:
                found.append(f"{where}: imports {names}")
            if isinstance(node, ast.ImportFrom) and node.module == "yaml":
                found += [f"{where}: from yaml import {a.name}" for a in node.names
                          if a.name in UNSAFE_YAML | UNSAFE_LOADERS]
    return found


def test_the_source_never_evaluates_or_unpickles_data() -> None:
    assert SOURCES
    assert [f for path in SOURCES for f in findings(path)] == []


def test_the_scan_would_catch_what_it_looks_for(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"  # not under src/: others scan and lint that folder meanwhile
    sample.write_text("import pickle\nimport yaml\nx = eval('1')\nyaml.load(s, Loader=yaml.Loader)\n"
                      "from yaml import unsafe_load\n", encoding="utf-8")
    assert sorted(findings(sample)) == ["sample.py:1: imports ['pickle']", "sample.py:3: eval()",
                                        "sample.py:4: yaml.Loader", "sample.py:4: yaml.load",
                                        "sample.py:5: from yaml import unsafe_load"]


SAFE_YAML = {"safe_dump", "SafeLoader", "CSafeLoader", "Node", "MappingNode", "ScalarNode", "SequenceNode",
             "AliasEvent", "MarkedYAMLError", "YAMLError", "reader"}


def test_yaml_is_used_only_through_safe_names() -> None:
    used = {(p.name, node.attr) for p in SOURCES for node in ast.walk(ast.parse(p.read_text(encoding="utf-8")))
            if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "yaml"}
    assert {attr for _, attr in used} <= SAFE_YAML, sorted(used)
    assert "class _Loader(yaml.SafeLoader)" in (ROOT / "src" / "case_procedure" / "yamlfile.py").read_text()


@pytest.mark.parametrize("payload", [
    '!!python/object/apply:os.system ["touch {marker}"]',
    '!!python/object/new:subprocess.check_output [["touch", "{marker}"]]',
    '!!python/name:os.system',
])
def test_a_python_payload_is_refused_and_never_runs(tmp_path: Path, payload: str) -> None:
    marker = tmp_path / "executed"
    text = (ROOT / "tests" / "fixtures" / "example.yaml").read_text(encoding="utf-8")
    text = text.replace("summary: The brother is arrested.", "summary: " + payload.format(marker=marker), 1)
    path = tmp_path / "example.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_case(path)
    assert "is not allowed; the file holds plain data only" in str(caught.value)
    assert not marker.exists()
