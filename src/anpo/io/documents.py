"""JSON and YAML documents, read strictly.

YAML is read with the safe loader minus two YAML 1.1 surprises: dates stay strings (so a
date like 2026-02-30 is reported by the scenario parser, not crashed on) and only
`true`/`false` are booleans (`no` is not). Duplicate keys are errors in both formats, named
as the field. A malformed document raises DocumentError, an InputError naming the file and
the line. `anpo assess` and `anpo incident` both read through here, so they fail alike.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import yaml

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


class _DuplicateKey(Exception):
    """A key given twice in one object; the error names it as the field."""

    def __init__(self, key: object, line: int | None = None) -> None:
        super().__init__(key, line)
        self.key = str(key)
        self.line = line

    def error(self, source: str, fmt: str) -> DocumentError:
        where = f" at line {self.line}" if self.line is not None else ""
        return DocumentError(source, self.key, f"duplicate key in the {fmt} document{where}")


def _mapping(loader: _StrictLoader, node: yaml.MappingNode) -> dict[Any, Any]:
    out: dict[Any, Any] = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if key in out:
            raise _DuplicateKey(key, key_node.start_mark.line + 1)
        out[key] = loader.construct_object(value_node, deep=True)
    return out


_StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping)


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise _DuplicateKey(key)  # json gives the hook no position
        out[key] = value
    return out


def parse_json(text: str, source: str) -> Any:
    try:
        return json.loads(text, object_pairs_hook=_no_duplicates)
    except json.JSONDecodeError as err:
        where = f"line {err.lineno}, column {err.colno}"
        raise DocumentError(source, "document", f"malformed JSON at {where}: {err.msg}") from None
    except _DuplicateKey as err:
        raise err.error(source, "JSON") from None
    except ValueError as err:
        raise DocumentError(source, "document", f"malformed JSON: {err}") from None


def parse_yaml(text: str, source: str) -> Any:
    try:
        return yaml.load(text, Loader=_StrictLoader)  # noqa: S506 - a SafeLoader subclass
    except _DuplicateKey as err:
        raise err.error(source, "YAML") from None
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark is not None else ""
        problem = err.problem or err.context or "syntax error"
        raise DocumentError(source, "document", f"malformed YAML{where}: {problem}") from None
    except yaml.YAMLError as err:
        raise DocumentError(source, "document", f"malformed YAML: {err}") from None


def read_document(name: str) -> Any:
    """Parse a JSON or YAML file, or stdin for `-`.

    `.json` files are JSON; `.yaml`/`.yml` files YAML; other names (and stdin) are JSON when
    the text starts with `{` or `[` and YAML otherwise.
    """
    if name == "-":
        text, source = sys.stdin.read(), "<stdin>"
    else:
        path = Path(name)
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise DocumentError(name, "file", "no such file") from None
        except (OSError, UnicodeDecodeError) as err:
            raise DocumentError(name, "file", f"cannot be read: {err}") from None
        source = name
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
