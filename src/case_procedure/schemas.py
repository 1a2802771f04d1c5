"""The JSON Schemas of the files the program reads (case, rules) and of its JSON outputs (trace, whatif,
sensitivity), as `case-procedure schema NAME` prints them."""

from __future__ import annotations

import json

from pydantic import BaseModel


def model(name: str) -> type[BaseModel]:
    """The model of a format; whatif and sensitivity are imported only when asked for."""
    if name == "whatif":
        from case_procedure.whatif import WhatIf

        return WhatIf
    if name == "sensitivity":
        from case_procedure.sensitivity_model import Sensitivity

        return Sensitivity
    from case_procedure.case import Case
    from case_procedure.norms import NormSetFile
    from case_procedure.trace import Trace

    models: dict[str, type[BaseModel]] = {"case": Case, "rules": NormSetFile, "trace": Trace}
    return models[name]


def schema_text(name: str) -> str:
    """The JSON Schema of a format, as indented JSON with a final newline."""
    return json.dumps(model(name).model_json_schema(by_alias=True), indent=2, ensure_ascii=False) + "\n"
