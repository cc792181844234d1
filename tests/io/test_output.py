"""Checked, streamed writes to stdout (`anpo.io.output`)."""

from __future__ import annotations

import errno
import json
import os
from pathlib import Path
from typing import Any

import pytest

from anpo.io import output
from anpo.io.output import Output, OutputError, escape_controls, write_json_list


def _file_output(tmp_path: Path) -> tuple[Output, Any]:
    fh = open(tmp_path / "o.txt", "w", encoding="utf-8")  # noqa: SIM115 - closed by the test
    return Output(fh), fh


def test_partial_writes_are_continued(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real = os.write
    monkeypatch.setattr(output.os, "write", lambda fd, data: real(fd, bytes(data[:7])))
    out, fh = _file_output(tmp_path)
    items = [{"id": i, "text": "x" * 50} for i in range(100)]
    write_json_list(out, items)
    out.flush()
    fh.close()
    text = (tmp_path / "o.txt").read_text(encoding="utf-8")
    assert text == json.dumps(items, indent=2)


@pytest.mark.parametrize("failure", ["zero", "enospc"])
def test_a_write_that_stops_is_an_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, failure: str
) -> None:
    real = os.write
    budget = {"left": 1000}

    def limited(fd: int, data: Any) -> int:
        if budget["left"] <= 0:
            if failure == "zero":
                return 0
            raise OSError(errno.ENOSPC, "No space left on device")
        n = real(fd, bytes(data[: budget["left"]]))
        budget["left"] -= n
        return n

    monkeypatch.setattr(output.os, "write", limited)
    out, fh = _file_output(tmp_path)
    with pytest.raises(OutputError, match="after 1,000 bytes.*incomplete"):
        write_json_list(out, [{"text": "y" * 100}] * 200)
        out.flush()
    fh.close()


def test_json_list_nested_matches_dumps() -> None:
    import io

    buf = io.StringIO()
    out = Output(buf)
    out.write('{\n  "a": ')
    write_json_list(out, [{"k": [1, 2]}, {"k": {}}], indent="  ")
    out.write("\n}")
    assert buf.getvalue() == json.dumps({"a": [{"k": [1, 2]}, {"k": {}}]}, indent=2)
    buf2 = io.StringIO()
    write_json_list(Output(buf2), [])
    assert buf2.getvalue() == "[]"


def test_control_characters_are_escaped() -> None:
    assert escape_controls("id \x1b]52;c;aGk=\x07 end\r") == "id \\x1b]52;c;aGk=\\x07 end\\r"
    assert escape_controls("keep\nlines\tand tabs, 日本") == "keep\nlines\tand tabs, 日本"
    assert escape_controls("\u202etxt\x9b") == "\\u202etxt\\x9b"


def test_a_non_blocking_pipe_is_waited_for() -> None:
    import threading

    r, w = os.pipe()
    os.set_blocking(w, False)
    data = "x" * 300_000  # more than a pipe holds

    got = bytearray()

    def drain() -> None:
        while chunk := os.read(r, 65536):
            got.extend(chunk)

    reader = threading.Thread(target=drain)
    reader.start()
    with os.fdopen(w, "w") as fh:
        out = Output(fh)
        out.write(data)
        out.flush()
    reader.join(10)
    os.close(r)
    assert got.decode() == data
