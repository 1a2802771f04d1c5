"""The scalar field types the file formats share: text, identifiers, counts and flags.

Files are read with yamlfile's narrow scalar schema, under which only plain decimals
without leading zeros are numbers, so a number's text is exactly what the file says:
a field holding text may take a number and keep it as written (`pages: 116`,
`role: 1937`). Numbers and flags take nothing else: pydantic's lax mode would turn
"12" into 12 and "yes" or 1 into true, and a value is never silently converted.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import BeforeValidator, Field, StringConstraints


def written_text(value: object) -> object:
    """A whole number where text is expected, as written; anything else unchanged, for the field to judge."""
    return str(value) if isinstance(value, int) and not isinstance(value, bool) else value


AsWritten = BeforeValidator(written_text)
Id = Annotated[str, AsWritten, StringConstraints(pattern=r"^[a-z][a-z0-9_-]*$", max_length=64)]
Text = Annotated[str, AsWritten, StringConstraints(strip_whitespace=True, min_length=1, max_length=4000)]
Words = Annotated[str, AsWritten]  # free text with no further constraint

MAX_COUNT = 1_000_000  # votes and attendance: a district's membership, never a city's
Count = Annotated[int, Field(strict=True, ge=0, le=MAX_COUNT)]
Whole = Annotated[int, Field(strict=True)]  # a whole number; the field sets its own range
Flag = Annotated[bool, Field(strict=True)]
