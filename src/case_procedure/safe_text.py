"""Text safe to show: the control characters a case or rule file may hold, made visible.

A YAML double-quoted string can deliver any character (`"Ivan\\e]0;pwned\\a"`, `"\\0"`,
`"\\u202e"`), and a character that acts instead of showing would let a file retitle or
drive the reader's terminal, reorder what a page or a table appears to say, or put a NUL
into an output file. `visible` writes each such character as its code point, `\\u001b`,
`\\u202e`, and leaves every other character as it is: the reader sees what the file holds.

Every output passes through it on its way out: the command line's echo, the files written
with `--out`, the casebook's pages, and the labels of Mermaid and DOT diagrams (escaped there
for their own languages afterwards). The escape is the same six characters in every format
because they are also a JSON string escape of that very character: in JSON text, the only
raw characters it can meet are inside strings (json.dumps escapes C0 itself, and the
structure is ASCII), so JSON output stays valid and reads back the original data.
"""

from __future__ import annotations

import re

# C0 controls other than tab and newline (which are layout), DEL, the C1 controls, and the
# Unicode bidirectional controls: the Arabic letter mark, LRM and RLM, the embeddings and
# overrides U+202A-U+202E, and the isolates U+2066-U+2069.
UNSAFE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def escape(char: str) -> str:
    """`\\u` and four hex digits, the form both a reader and a JSON parser understand."""
    return f"\\u{ord(char):04x}"


def visible(text: str) -> str:
    """`text` with every control character of `UNSAFE` written as its escape."""
    return UNSAFE.sub(lambda match: escape(match.group()), text)
