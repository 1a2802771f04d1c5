"""The what-if and sensitivity contracts: `schema whatif` and `schema sensitivity` against the committed files.

Keys may be added, never renamed or removed. Regenerate the files with

    PYTHONPATH=src .venv/bin/python tests/test_whatif_schema.py

which refuses to write a schema that drops a key of the committed one.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from test_trace_schema import keys  # noqa: E402

from case_procedure.cli import app  # noqa: E402

SNAPSHOTS = {"whatif": ROOT / "docs" / "whatif-schema.json", "sensitivity": ROOT / "docs" / "sensitivity-schema.json"}


def current(name: str) -> str:
    result = CliRunner().invoke(app, ["schema", name])
    assert result.exit_code == 0, result.output
    return result.output


def model_keys(schema: dict) -> set[str]:
    return keys({**schema, "$defs": {**schema.get("$defs", {}), schema["title"]: schema}})


@pytest.mark.parametrize("name", sorted(SNAPSHOTS))
def test_the_committed_schema_is_current(name: str) -> None:
    assert SNAPSHOTS[name].read_text(encoding="utf-8") == current(name), \
        f"{SNAPSHOTS[name].name} is stale: run tests/test_whatif_schema.py"


@pytest.mark.parametrize("name", sorted(SNAPSHOTS))
def test_the_contract_keeps_every_committed_key(name: str) -> None:
    committed, now = json.loads(SNAPSHOTS[name].read_text(encoding="utf-8")), json.loads(current(name))
    assert model_keys(committed) <= model_keys(now), sorted(model_keys(committed) - model_keys(now))


def test_the_schemas_describe_the_reported_changes() -> None:
    sensitivity, whatif = json.loads(current("sensitivity")), json.loads(current("whatif"))
    assert {"Flip.changes", "Flip.then", "HearingSensitivity.unchanged_by", "CardOutcome.keep_if",
            "VariedFact.changes", "ChangeRef.argument", "Prescription.rule"} <= model_keys(sensitivity)
    assert {"WhatIf.changes", "WhatIfStep.facts", "WhatIfStep.differs", "WhatIf.original", "WhatIf.changed",
            "Step.prescribed"} <= model_keys(whatif)


if __name__ == "__main__":
    for name, path in SNAPSHOTS.items():
        text = current(name)
        if path.exists():
            dropped = model_keys(json.loads(path.read_text(encoding="utf-8"))) - model_keys(json.loads(text))
            if dropped:
                sys.exit(f"not written: {name} would lose {', '.join(sorted(dropped))} (keys are never removed)")
        path.write_text(text, encoding="utf-8")
        print(f"wrote {path.relative_to(ROOT)}")
