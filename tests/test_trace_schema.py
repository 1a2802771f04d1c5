"""The trace contract: `case-procedure schema trace` against the committed `docs/trace-schema.json`.

Keys of the trace may be added, never renamed or removed (`trace.py`). The committed
schema is the contract as it stands; a change to the trace models shows up here as a
stale file. Regenerate it with

    PYTHONPATH=src .venv/bin/python tests/test_trace_schema.py

which refuses to write a schema that drops a key of the committed one.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from case_procedure.cli import app  # noqa: E402

SNAPSHOT = ROOT / "docs" / "trace-schema.json"


def current() -> str:
    result = CliRunner().invoke(app, ["schema", "trace"])
    assert result.exit_code == 0, result.output
    return result.output


def keys(schema: dict[str, Any]) -> set[str]:
    """Every property of every model of the schema, as `Model.key`."""
    models = {"Trace": schema, **schema.get("$defs", {})}
    return {f"{name}.{key}" for name, model in models.items() for key in model.get("properties", {})}


def test_the_committed_trace_schema_is_current() -> None:
    assert SNAPSHOT.read_text(encoding="utf-8") == current(), \
        "docs/trace-schema.json is stale: run tests/test_trace_schema.py"


def test_the_trace_keeps_every_key_of_the_contract() -> None:
    committed, now = json.loads(SNAPSHOT.read_text(encoding="utf-8")), json.loads(current())
    assert keys(committed) <= keys(now), sorted(keys(committed) - keys(now))


def test_the_range_keys_are_described() -> None:
    schema = json.loads(current())
    assert {"Prescribed.range", "Prescribed.per_charge", "Prescribed.combination", "Step.agreement_kind",
            "DecisionRange.at_least", "DecisionRange.at_most", "DecisionRange.typical"} <= keys(schema)
    decision = schema["$defs"]["Prescribed"]["properties"]["decision"]
    assert {"type": "null"} in decision["anyOf"]  # null where the norm gives only a range


if __name__ == "__main__":
    text = current()
    if SNAPSHOT.exists():
        dropped = keys(json.loads(SNAPSHOT.read_text(encoding="utf-8"))) - keys(json.loads(text))
        if dropped:
            sys.exit(f"not written: the trace would lose {', '.join(sorted(dropped))} (keys are never removed)")
    SNAPSHOT.write_text(text, encoding="utf-8")
    print(f"wrote {SNAPSHOT.relative_to(ROOT)}")
