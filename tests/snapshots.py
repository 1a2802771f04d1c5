"""Every command's output over the whole corpus, written to a folder, and its digest.

    PYTHONPATH=src .venv/bin/python tests/snapshots.py OUT [--digest FILE]

runs, in one process through the command line, `replay`, `simulate` and `compare` in every format over
every case, `explain` (text, markdown, with and without `--why-not`) and `diagram` (every format, and
`--paths`) of every case under `auto` and norms-1938, `explain` and `diagram --procedure` of every norm
set, `whatif` and `sensitivity` of a case or two, `report` in every format, the schemas, `rules diff`, the
listings, the whole casebook folder and the csv and jsonl exports. Each output is a file
under OUT (stdout as is; a command's exit code and stderr, when it has either, in NAME.err). With
`--digest FILE` it also writes the sha256 of each file as JSON, with the version of Graphviz that drew the
SVG outputs (under svg/; the casebook is built without Graphviz, with its Mermaid fallback):
`tests/test_snapshots.py` compares a fresh run with the committed digest, so that any change to an output
fails until the digest is made again on purpose (`tests/fixtures/outputs.sha256.json`).
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from unittest import mock

from typer.testing import CliRunner

from case_procedure.cli import app

ROOT = Path(__file__).resolve().parent.parent
DIGEST = Path(__file__).resolve().parent / "fixtures" / "outputs.sha256.json"
NORM_SETS = ["auto", "norms-1938", "practice-1937"]
FORMATS = {"text": "txt", "markdown": "md", "json": "json"}
DIAGRAMS = {"mermaid": "mmd", "markdown": "md", "dot": "dot"}
SVG_CASES = ["somov", "margolina", "torbeeva"]  # svg runs Graphviz: a few cases are enough
GRAPHVIZ_MADE = "svg/"  # outputs Graphviz draws: compared only where the same version of Graphviz is installed
PROCEDURES = ["procedure-base", "review-1935", "transition-1936", "norms-1937", "norms-1938", "practice-1937",
              "practice-1938", "rules-1939"]


def case_ids() -> list[str]:
    return sorted(p.stem for p in (ROOT / "cases").glob("*.yaml") if p.stem != "census")


def commands() -> Iterator[tuple[str, list[str]]]:
    """(output name, arguments) of every command run."""
    files = [f"cases/{c}.yaml" for c in case_ids()]
    for rules in NORM_SETS:
        for format, ext in FORMATS.items():
            yield f"replay/{rules}.{ext}", ["replay", *files, "--rules", rules, "--format", format]
            yield f"simulate/{rules}.{ext}", ["simulate", *files, "--rules", rules, "--format", format]
    for format, ext in FORMATS.items():
        yield f"compare/all.{ext}", ["compare", *files, "--rules", "norms-1937", "--rules", "norms-1938",
                                     "--rules", "practice-1937", "--format", format]
    for case in case_ids():
        for rules in NORM_SETS[:2]:
            for format in ("text", "markdown"):
                ext = FORMATS[format]
                base = ["explain", f"cases/{case}.yaml", "--rules", rules, "--format", format]
                yield f"explain/{case}.{rules}.{ext}", base
                yield f"explain/{case}.{rules}.why-not.{ext}", [*base, "--why-not"]
            for format, ext in DIAGRAMS.items():
                base = ["diagram", f"cases/{case}.yaml", "--rules", rules, "--format", format]
                yield f"diagram/{case}.{rules}.{ext}", base
                yield f"diagram/{case}.{rules}.paths.{ext}", [*base, "--paths"]
        yield f"explain/{case}.norms-1938.step-1.why-not.txt", ["explain", f"cases/{case}.yaml", "--rules",
                                                                "norms-1938", "--step", "1", "--why-not"]
    for case in SVG_CASES:
        yield f"{GRAPHVIZ_MADE}{case}.auto.svg", ["diagram", f"cases/{case}.yaml", "--format", "svg"]
    for normset in PROCEDURES:
        for format in ("text", "markdown"):
            yield f"procedure/{normset}.{FORMATS[format]}", ["explain", "--procedure", normset, "--format", format]
        for format, ext in DIAGRAMS.items():
            yield f"procedure/{normset}.diagram.{ext}", ["diagram", "--procedure", normset, "--format", format]
    for format, ext in FORMATS.items():
        yield f"whatif/margolina.{ext}", ["whatif", "cases/margolina.yaml", "--rules", "norms-1938", "--set",
                                          "background-=visit-frid-vera", "--format", format]
        yield f"report/report.{ext}", ["report", "--format", format]
    yield "report/summary.txt", ["report", "--summary"]
    for format, ext in FORMATS.items():
        yield f"sensitivity/margolina.norms-1938.{ext}", ["sensitivity", "cases/margolina.yaml", "--rules",
                                                         "norms-1938", "--format", format]
    yield "sensitivity/somov.auto.txt", ["sensitivity", "cases/somov.yaml", "--rules", "auto"]
    for name in ("case", "rules", "trace", "whatif", "sensitivity"):
        yield f"schema/{name}.json", ["schema", name]
    for format, ext in FORMATS.items():
        yield f"rules-diff/norms-1937.norms-1938.{ext}", ["rules", "diff", "norms-1937", "norms-1938", "--format",
                                                         format]
    yield "listing/cases.txt", ["cases"]
    yield "listing/rules.txt", ["rules"]
    yield "listing/facts.txt", ["facts"]


def run(out: Path) -> None:
    """Write every output under `out` (which must not exist yet)."""
    out.mkdir(parents=True)
    runner = CliRunner()
    for name, args in commands():
        result = runner.invoke(app, args)
        target = out / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(result.stdout, encoding="utf-8")
        if result.exit_code or result.stderr:
            target.with_name(target.name + ".err").write_text(f"exit {result.exit_code}\n{result.stderr}",
                                                             encoding="utf-8")
    for name, args in [("casebook", ["casebook", "--out", str(out / "casebook")]),
                       ("export-csv", ["export", "--format", "csv", "--out", str(out / "export-csv")]),
                       ("export-jsonl", ["export", "--format", "jsonl", "--out", str(out / "export-jsonl")])]:
        # The casebook's pages without Graphviz's SVG (its Mermaid fallback), so that they do not depend on
        # the Graphviz installed; `diagram --format svg` covers the drawing.
        with mock.patch("case_procedure.diagram.graphviz_available", return_value=False):
            result = runner.invoke(app, args)
        log = f"exit {result.exit_code}\n{result.stdout}\n--- stderr\n{result.stderr}"
        (out / f"{name}.log").write_text(log.replace(str(out), "OUT"), encoding="utf-8")


def digest(out: Path) -> dict[str, str]:
    """The sha256 of every file under `out`, by its path relative to `out`."""
    return {p.relative_to(out).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(out.rglob("*")) if p.is_file()}


def graphviz_version() -> str:
    """The Graphviz that drew the SVG outputs (`dot -V`), or "none"."""
    try:
        done = subprocess.run(["dot", "-V"], capture_output=True, text=True, check=False)
    except OSError:
        return "none"
    return (done.stderr or done.stdout).strip()


def main(argv: list[str]) -> None:
    out = Path(argv[0]).resolve()
    os.chdir(ROOT)
    run(out)
    if argv[1:2] == ["--digest"]:
        made = {"graphviz": graphviz_version(), "outputs": digest(out)}
        Path(argv[2]).write_text(json.dumps(made, indent=1, sort_keys=True) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main(sys.argv[1:])
