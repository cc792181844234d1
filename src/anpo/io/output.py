"""Standard output written piece by piece, every write checked.

A result set is written as it is produced, never as one huge string: memory stays bounded
by a chunk, and a write that fails or makes no progress (a full disk, a closed pipe, a file
size limit) raises OutputError instead of ending in a silently cut file and exit code 0.
Partial writes, which pipes and large writes do return, are continued.

Text meant for a terminal goes through `escape_controls`, so a control character in an
input (an id holding an ESC sequence, say) is shown escaped and never reaches the terminal.
"""

from __future__ import annotations

import json
import os
import re
import select
import sys
from collections.abc import Iterable
from typing import Any, TextIO

WRITE_CHUNK = 1 << 20  # bytes handed to one write(2)
FLUSH_AT = 1 << 16  # bytes buffered before a write


class OutputError(Exception):
    """Writing the output failed part way; what was written is incomplete."""


class Output:
    """Checked writes to a stream (stdout by default): to its file descriptor when it has
    one, else (an in-memory stream in tests) through its own write."""

    def __init__(self, stream: TextIO | None = None, name: str = "stdout") -> None:
        self.stream = stream if stream is not None else sys.stdout
        self.name = name
        self.written = 0
        self._pending: list[bytes] = []
        self._size = 0
        self.fd: int | None
        try:
            self.fd = self.stream.fileno()
            self.stream.flush()
        except (AttributeError, OSError, ValueError):
            self.fd = None

    def write(self, text: str) -> None:
        if self.fd is None:
            self.stream.write(text)
            self.written += len(text)
            return
        data = text.encode("utf-8", errors="backslashreplace")
        self._pending.append(data)
        self._size += len(data)
        if self._size >= FLUSH_AT:
            self.flush()

    def flush(self) -> None:
        if self.fd is None:
            self.stream.flush()
            return
        data = b"".join(self._pending)
        self._pending, self._size = [], 0
        view = memoryview(data)
        while view:
            try:
                n = os.write(self.fd, view[:WRITE_CHUNK])
            except BlockingIOError:  # a non-blocking stdout that is full: wait until it drains
                select.select([], [self.fd], [])
                continue
            except OSError as err:
                raise OutputError(
                    f"{self.name}: the write failed after {self.written:,} bytes ({err.strerror}); "
                    "the output is incomplete"
                ) from None
            if n <= 0:
                raise OutputError(
                    f"{self.name}: a write made no progress after {self.written:,} bytes; "
                    "the output is incomplete"
                )
            self.written += n
            view = view[n:]


_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def escape_controls(text: str) -> str:
    """Control characters (except newline and tab) as visible escapes such as \\x1b."""
    return _CONTROLS.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)


def _indented(value: Any, indent: str) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False).replace("\n", "\n" + indent)


def write_json_list(out: Output, items: Iterable[Any], indent: str = "") -> None:
    """A JSON array, one item at a time, byte for byte as `json.dumps(list, indent=2)`
    (nested under `indent`)."""
    first = True
    for item in items:
        out.write(("[\n" if first else ",\n") + indent + "  " + _indented(item, indent + "  "))
        first = False
    out.write("[]" if first else "\n" + indent + "]")


def write_json_lines(out: Output, items: Iterable[Any]) -> None:
    """One compact JSON value a line."""
    for item in items:
        out.write(json.dumps(item, ensure_ascii=False, separators=(",", ":")) + "\n")
