"""Help text as users of git, gh and click-based tools expect it.

typer 0.2x prints Python types in help (`<bool>` on flags, `<list[str]>`, `<str>`) and
usage lines such as `{lat} {lon}` and `[FILE...]...`. anpo shows instead: nothing after a
flag, `[a|b|c]` for a declared choice, the option's METAVAR (its name in capitals when none
is given) for a value, and arguments as `LAT LON` or `[FILE...]`. One patch here, applied
once by `anpo.cli`, so no command module has to spell metavars out to look conventional.
"""

from __future__ import annotations

from typing import Any

from typer import core

_applied = False


def _metavar(param: Any) -> str:
    if param.metavar is not None:
        return str(param.metavar)
    longs = [o for o in getattr(param, "opts", ()) if o.startswith("--")]
    name = longs[0][2:] if longs else (param.name or "value")
    return str(name).replace("-", "_").upper()


def _option_type(self: Any, ctx: Any) -> str | None:
    if getattr(self, "is_flag", False) or getattr(self, "is_bool_flag", False):
        return None
    if self.type_descriptor.is_choice and self.metavar is None:
        return "[" + "|".join(str(getattr(c, "value", c)) for c in self.type_descriptor.choices or ()) + "]"
    return _metavar(self)


def _argument_type(self: Any, ctx: Any) -> str | None:
    if self.type_descriptor.is_choice:
        return "[" + "|".join(str(getattr(c, "value", c)) for c in self.type_descriptor.choices or ()) + "]"
    return None  # the name column already shows LAT or FILE...


def _argument_name(self: Any) -> str:
    name = _metavar(self)
    return name if self.nargs == 1 or name.endswith("...") else f"{name}..."


def _argument_usage(self: Any) -> str:
    name = _argument_name(self)
    return name if self.required else f"[{name}]"


def apply() -> None:
    """Install the conventions on typer's parameter classes (idempotent)."""
    global _applied
    if _applied:
        return
    core.TyperOption.display_type_rich = _option_type  # type: ignore[method-assign]
    core.TyperArgument.display_type_rich = _argument_type  # type: ignore[method-assign]
    core.TyperArgument._rich_display_name = _argument_name  # type: ignore[method-assign]
    core.TyperArgument.display_name_raw = property(_metavar)  # type: ignore[assignment,method-assign]
    core.TyperArgument._usage_display_name = _argument_usage  # type: ignore[method-assign]
    _applied = True
