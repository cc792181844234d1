"""JSON and YAML documents, read strictly.

YAML is read with the safe loader minus two YAML 1.1 surprises: dates stay strings (so a
date like 2026-02-30 is reported by the scenario parser, not crashed on) and only
`true`/`false` are booleans (`no` is not). Duplicate keys are errors in both formats, named
as the field. A malformed document raises DocumentError, an InputError naming the file and
the line. `anpo assess` and `anpo incident` both read through here, so they fail alike.

Hostile input is bounded: a file is read up to `max_input_bytes()` (256 MiB, or
`$ANPO_MAX_INPUT_BYTES`), named pipes and devices such as /dev/zero are refused (stdin,
`-`, is the one stream read), and a parsed document is checked for nesting deeper than
`MAX_DEPTH`, numbers that are not finite (NaN, Infinity, 1e999) and strings that are not
valid Unicode (lone surrogates from `\\ud800` escapes), each a DocumentError naming the field.
"""

from __future__ import annotations

import functools
import json
import math
import os
import re
import stat
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from anpo.core.errors import InputError

T = TypeVar("T")


class DocumentError(InputError):
    """An input error located in a file (and a line of it, or a row of its list)."""

    def __init__(self, source: str, field: str, reason: str, row: int | None = None) -> None:
        self.source = source
        super().__init__(field, reason, row)
        self.args = (f"{source}: {self.args[0]}",)

    def __str__(self) -> str:
        return str(self.args[0])


def in_file(err: InputError, source: str) -> DocumentError:
    """The same input error, with the file it came from."""
    if isinstance(err, DocumentError):
        return err
    return DocumentError(source, err.field, err.reason, err.row)


class _DuplicateKey(Exception):
    """A key given twice in one object; the error names it as the field."""

    def __init__(self, key: object, line: int | None = None) -> None:
        super().__init__(key, line)
        self.key = str(key)
        self.line = line

    def error(self, source: str, fmt: str) -> DocumentError:
        where = f" at line {self.line}" if self.line is not None else ""
        return DocumentError(source, self.key, f"duplicate key in the {fmt} document{where}")


@functools.cache
def _strict_loader() -> Any:
    """The YAML loader of input documents, made at the first YAML document: yaml's import
    (20-30 ms) is paid by a run that reads one, not by every batch that imports this module."""
    import yaml

    class _StrictLoader(yaml.SafeLoader):
        pass

    # Keep the safe loader's implicit types except timestamps, and booleans other than true/false.
    _StrictLoader.yaml_implicit_resolvers = {
        first: [
            (tag, regexp)
            for tag, regexp in resolvers
            if tag not in ("tag:yaml.org,2002:timestamp", "tag:yaml.org,2002:bool")
        ]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }
    _StrictLoader.add_implicit_resolver(
        "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
    )

    def _mapping(loader: _StrictLoader, node: yaml.MappingNode) -> dict[Any, Any]:
        out: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = loader.construct_object(key_node, deep=True)
            if key in out:
                raise _DuplicateKey(key, key_node.start_mark.line + 1)
            out[key] = loader.construct_object(value_node, deep=True)
        return out

    _StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping)
    return _StrictLoader


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise _DuplicateKey(key)  # json gives the hook no position
        out[key] = value
    return out


MAX_INPUT_ENV = "ANPO_MAX_INPUT_BYTES"
DEFAULT_MAX_INPUT_BYTES = 256 * 1024 * 1024
MAX_DEPTH = 64  # objects and lists inside each other; a scenario needs 3


def max_input_bytes() -> int:
    """The size cap of one input document: $ANPO_MAX_INPUT_BYTES, else 256 MiB."""
    raw = os.environ.get(MAX_INPUT_ENV, "").strip()
    if not raw:
        return DEFAULT_MAX_INPUT_BYTES
    try:
        value = int(raw)
    except ValueError:
        raise InputError(MAX_INPUT_ENV, f"expected a number of bytes, got {raw!r}") from None
    if value < 1:
        raise InputError(MAX_INPUT_ENV, f"must be at least 1, got {value}")
    return value


class _NotFinite(ValueError):
    pass


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise _NotFinite(f"{text[:20]}{'...' if len(text) > 20 else ''} is not a finite number")
    return value


def _no_constants(name: str) -> float:
    raise _NotFinite(f"{name} is not a number JSON allows")


def _path_text(path: list[str | int]) -> str:
    return ".".join(str(p) for p in path) or "document"


def check_values(value: Any, source: str, max_depth: int = MAX_DEPTH) -> None:
    """Nesting within `max_depth`, finite numbers, valid Unicode; DocumentError naming the
    field (and the row, for a list of rows) otherwise. Iterative: no recursion limit."""
    stack: list[tuple[Any, int, list[str | int]]] = [(value, 0, [])]
    while stack:
        v, depth, path = stack.pop()
        reason = None
        if isinstance(v, str):
            try:
                v.encode("utf-8")
            except UnicodeEncodeError as err:
                reason = f"invalid Unicode (a lone surrogate at character {err.start})"
        elif isinstance(v, float):
            if not math.isfinite(v):
                reason = f"{v} is not a finite number"
        elif isinstance(v, (dict, list)):
            if depth >= max_depth:
                reason = f"nested deeper than {max_depth} levels"
            elif isinstance(v, dict):
                for k, item in v.items():
                    if isinstance(k, str):
                        stack.append((k, depth + 1, path))
                    stack.append((item, depth + 1, [*path, k if isinstance(k, (str, int)) else str(k)]))
            else:
                stack.extend((item, depth + 1, [*path, i]) for i, item in enumerate(v))
        if reason is not None:
            if isinstance(value, list) and path and isinstance(path[0], int):
                raise DocumentError(source, _path_text(path[1:]), reason, path[0])
            raise DocumentError(source, _path_text(path), reason)


def parse_json(text: str, source: str) -> Any:
    try:
        doc = json.loads(text, object_pairs_hook=_no_duplicates, parse_float=_finite_float,
                         parse_constant=_no_constants)
    except RecursionError:
        raise DocumentError(source, "document", f"nested deeper than {MAX_DEPTH} levels") from None
    except _NotFinite as err:
        raise DocumentError(source, "document", f"malformed JSON: {err}") from None
    except json.JSONDecodeError as err:
        where = f"line {err.lineno}, column {err.colno}"
        raise DocumentError(source, "document", f"malformed JSON at {where}: {err.msg}") from None
    except _DuplicateKey as err:
        raise err.error(source, "JSON") from None
    except ValueError as err:
        raise DocumentError(source, "document", f"malformed JSON: {err}") from None
    check_values(doc, source)
    return doc


def parse_yaml(text: str, source: str) -> Any:
    import yaml

    try:
        doc = yaml.load(text, Loader=_strict_loader())  # noqa: S506 - a SafeLoader subclass
    except RecursionError:
        raise DocumentError(source, "document", f"nested deeper than {MAX_DEPTH} levels") from None
    except _DuplicateKey as err:
        raise err.error(source, "YAML") from None
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark is not None else ""
        problem = err.problem or err.context or "syntax error"
        raise DocumentError(source, "document", f"malformed YAML{where}: {problem}") from None
    except yaml.YAMLError as err:
        raise DocumentError(source, "document", f"malformed YAML: {err}") from None
    check_values(doc, source)
    return doc


def _read_capped(stream: Any, limit: int, source: str) -> bytes | str:
    data = stream.read(limit + 1)
    if len(data) > limit:
        raise DocumentError(source, "file", f"larger than {limit:,} bytes, the input limit "
                            f"(${MAX_INPUT_ENV} raises it)")
    return data


def _decode(data: bytes | str, source: str) -> str:
    if isinstance(data, str):
        return data[1:] if data.startswith("\ufeff") else data
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise DocumentError(source, "file", f"not UTF-8 text (byte {err.start})") from None


_SPECIAL = ((stat.S_ISFIFO, "a named pipe (FIFO)"), (stat.S_ISCHR, "a character device (such as /dev/zero)"),
            (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket"))


STREAM_HINT = "to read a stream, give - and pipe it in"


def special_file(mode: int, hint: str = STREAM_HINT) -> str | None:
    """Why a path that is not a regular file (or a directory) is refused as an input, or
    None: a pipe or a device may never end, or block for ever waiting for a writer."""
    for test, what in _SPECIAL:
        if test(mode):
            return f"{what}, not a regular file: it may never end ({hint})"
    return None


def read_text(name: str) -> tuple[str, str]:
    """The text of a file (or stdin for `-`) and its name for messages, read up to the size
    cap; a directory, a named pipe or a device (/dev/zero, a terminal) is refused: only
    stdin is read as a stream."""
    limit = max_input_bytes()
    if name == "-":
        stream = getattr(sys.stdin, "buffer", sys.stdin)
        return _decode(_read_capped(stream, limit, "<stdin>"), "<stdin>"), "<stdin>"
    try:
        mode = os.stat(name).st_mode
    except FileNotFoundError:
        raise DocumentError(name, "file", "no such file") from None
    except OSError as err:
        raise DocumentError(name, "file", f"cannot be read: {err.strerror}") from None
    if stat.S_ISDIR(mode):
        raise DocumentError(name, "file", "a directory, not a file")
    kind = special_file(mode)
    if kind is not None:
        raise DocumentError(name, "file", kind)
    try:
        with open(name, "rb") as fh:
            data = _read_capped(fh, limit, name)
    except OSError as err:
        raise DocumentError(name, "file", f"cannot be read: {err.strerror}") from None
    return _decode(data, name), name


def read_document(name: str) -> Any:
    """Parse a JSON or YAML file, or stdin for `-`.

    `.json` files are JSON; `.yaml`/`.yml` files YAML; other names (and stdin) are JSON when
    the text starts with `{` or `[` and YAML otherwise.
    """
    text, source = read_text(name)
    suffix = Path(name).suffix.lower()
    if not text.strip():
        raise DocumentError(source, "document", "empty document")
    if suffix == ".json" or (suffix not in (".yaml", ".yml") and text.lstrip()[:1] in ("{", "[")):
        return parse_json(text, source)
    return parse_yaml(text, source)


def read_parsed(name: str, parse: Callable[[Any], T]) -> T:
    """Read a document and parse it; any input error is reported in the file it came from."""
    source = "<stdin>" if name == "-" else name
    try:
        return parse(read_document(name))
    except InputError as err:
        raise in_file(err, source) from None


def to_json(value: Any) -> str:
    """Pretty, stable JSON for people and diffs."""
    return json.dumps(value, indent=2, ensure_ascii=False)
