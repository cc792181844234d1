"""Option and argument values converted without pydantic.

typer 0.29 converts every parameter of the command that runs, defaults included, through a
pydantic TypeAdapter it builds for that parameter: importing pydantic and building the
adapters cost 80-100 ms of every `anpo where`, `anpo assess` and `anpo assess --batch`
process, more than anpo's own batch modules. The types anpo's commands declare (str, int,
float, bool, a Literal or Enum choice, lists and tuples of them) are converted here in plain
Python, but only for values whose pydantic result is certain: plain ASCII decimals, a
choice that matches, a value already of its type. Every other value, every bad one among
them, goes to typer's own conversion, so results and error messages are typer's
(tests/cli/test_values.py holds the two equal on edge cases and random strings). Types
anpo does not declare keep typer's conversion from the start. Applied once by `anpo.cli`.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from enum import Enum
from typing import Any, Literal, get_args, get_origin

from typer import core

# A value whose conversion here would not be certain to equal pydantic's.
UNSURE: Any = object()

# Values pydantic reads exactly as int() and float() do. It also takes spaces around,
# underscores between digits and "1.0" as an int; those go to it, as do inf and nan.
_INT = re.compile(r"[+-]?[0-9]{1,18}")
_FLOAT = re.compile(r"[+-]?(?:[0-9]{1,40}\.?[0-9]{0,40}|\.[0-9]{1,40})(?:[eE][+-]?[0-9]{1,3})?")

Convert = Callable[[Any, Any], Any]  # (value, click context) -> value or UNSURE

_typer_build: Callable[[Any], Any] | None = None


def to_str(value: Any, ctx: Any = None) -> Any:
    return value if type(value) is str else UNSURE


def to_int(value: Any, ctx: Any = None) -> Any:
    if type(value) is int:
        return value
    if type(value) is str and _INT.fullmatch(value):
        return int(value)
    return UNSURE


def to_float(value: Any, ctx: Any = None) -> Any:
    if type(value) is float:
        return value
    if type(value) is int and abs(value) <= 2**53:
        return float(value)
    if type(value) is str and _FLOAT.fullmatch(value):
        number = float(value)
        return number if math.isfinite(number) else UNSURE
    return UNSURE


def to_bool(value: Any, ctx: Any = None) -> Any:
    return value if type(value) is bool else UNSURE


def to_choice(choices: tuple[Any, ...], case_sensitive: bool) -> Convert:
    from typer._param_types import coerce_cli_choice  # the matching typer's pydantic path calls

    def convert(value: Any, ctx: Any = None) -> Any:
        try:
            return coerce_cli_choice(value, choices=choices, case_sensitive=case_sensitive, ctx=ctx)
        except ValueError:
            return UNSURE

    return convert


def _leaf(annotation: Any, info: Any) -> Convert | None:
    """The converter of one non-container annotation, in the order typer tries them; None
    where typer's own conversion should stay (a parser, bounds, paths, dates, other types)."""
    if info.parser is not None:
        return None
    if isinstance(annotation, type) and issubclass(annotation, Enum):
        return to_choice(tuple(annotation), info.case_sensitive)
    if get_origin(annotation) is Literal:
        return to_choice(get_args(annotation), info.case_sensitive)
    if annotation in (int, float):
        if info.min is not None or info.max is not None or info.clamp:
            return None
        return to_int if annotation is int else to_float
    return {bool: to_bool, str: to_str}.get(annotation)


def converter(annotation: Any, info: Any) -> Convert | None:
    """The converter of a parameter's annotation (after typer removed `| None`), or None."""
    origin = get_origin(annotation)
    if origin is list:
        item = _leaf(get_args(annotation)[0], info)
        if item is None:
            return None

        def convert_list(value: Any, ctx: Any = None) -> Any:
            items = value if isinstance(value, (list, tuple)) else [value]
            out = [item(v, ctx) for v in items]
            return UNSURE if any(v is UNSURE for v in out) else out

        return convert_list
    if origin is tuple:
        parts = [_leaf(a, info) for a in get_args(annotation)]
        if not parts or any(p is None for p in parts):
            return None
        known: list[Convert] = [p for p in parts if p is not None]

        def convert_tuple(value: Any, ctx: Any = None) -> Any:
            if not isinstance(value, (list, tuple)) or len(value) != len(known):
                return UNSURE
            out = tuple(p(v, ctx) for p, v in zip(known, value, strict=True))
            return UNSURE if any(v is UNSURE for v in out) else out

        return convert_tuple
    return _leaf(annotation, info)


class Converted:
    """typer's runtime conversion of one parameter (its `coerce(value, param, ctx)`), by
    `convert` first and by typer's own, built only when needed, for anything else."""

    def __init__(self, convert: Convert, descriptor: Any) -> None:
        self.convert = convert
        self.descriptor = descriptor
        self._typer: Any = None

    def coerce(self, value: Any, param: Any, ctx: Any) -> Any:
        many = param.multiple or param.nargs == -1
        if value is None:  # as typer's RuntimeParam.coerce, without building its adapter
            return () if many else None
        if not (many and isinstance(value, str)):
            out = self.convert(value, ctx)
            if out is not UNSURE:
                return out
        if self._typer is None:
            assert _typer_build is not None
            self._typer = _typer_build(self.descriptor)
        return self._typer.coerce(value, param=param, ctx=ctx)


def build_runtime_param(descriptor: Any) -> Any:
    """Stands in for typer's `build_runtime_param`: ours where the annotation has a converter."""
    assert _typer_build is not None
    convert = None if descriptor.file_annotation is not None else converter(
        descriptor.annotation, descriptor.parameter_info)
    return _typer_build(descriptor) if convert is None else Converted(convert, descriptor)


def apply() -> None:
    """Install the conversion in typer's parameter classes (idempotent; typer versions
    without the per-parameter runtime conversion are left as they are)."""
    global _typer_build
    build = getattr(core, "build_runtime_param", None)
    if build is None or build is build_runtime_param:
        return
    _typer_build = build
    core.build_runtime_param = build_runtime_param
