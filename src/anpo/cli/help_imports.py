"""typer's help renderer without the two rich modules anpo's help never uses.

typer renders `--help` and usage errors with `typer.rich_utils`, which imports at its top
rich's Markdown (markdown_it, pygments: for `rich_markup_mode="markdown"`, which anpo does
not set) and rich's Traceback (rich.pretty, attrs: for pretty exceptions, which anpo turns
off): about 80 ms of a 0.25 s `anpo --help` import. While `typer.rich_utils` itself loads,
those two names resolve to stand-ins that import the real class at their first use; the
stand-ins leave `sys.modules` right after, so any other importer gets rich's own modules.
Nothing happens until typer asks for its renderer (a run without help or usage error never does).
Applied once by `anpo.cli`; tests/cli/test_help_imports.py holds the help the same.
"""

from __future__ import annotations

import importlib
import sys
import types
from collections.abc import Sequence
from typing import Any

RENDERER = "typer.rich_utils"
# rich's module -> the one name typer's renderer takes from it
DEFERRED = {"rich.markdown": "Markdown", "rich.traceback": "Traceback"}


def stand_in(module: str, name: str) -> type:
    """A class that calls, and answers attributes of, `module.name`, importing it then."""

    def real() -> Any:
        return getattr(importlib.import_module(module), name)

    class Deferred(type):
        def __call__(cls, *args: Any, **kwargs: Any) -> Any:
            return real()(*args, **kwargs)

        def __getattr__(cls, attr: str) -> Any:
            return getattr(real(), attr)

    return Deferred(name, (), {"__module__": module, "__qualname__": name})


class _Loader:  # an import loader (no importlib.abc: 3 ms to import)
    def __init__(self, loader: Any) -> None:
        self.loader = loader

    def __getattr__(self, name: str) -> Any:  # get_source, get_filename, ... as the real loader's
        return getattr(self.loader, name)

    def create_module(self, spec: Any) -> Any:
        return self.loader.create_module(spec)

    def exec_module(self, module: types.ModuleType) -> None:
        placed: dict[str, types.ModuleType] = {}
        for name, attr in DEFERRED.items():
            if name not in sys.modules:
                placed[name] = types.ModuleType(name)
                setattr(placed[name], attr, stand_in(name, attr))
        sys.modules.update(placed)
        try:
            self.loader.exec_module(module)
        finally:
            for name, placeholder in placed.items():
                if sys.modules.get(name) is placeholder:
                    del sys.modules[name]


class _Finder:
    """An import finder that answers for typer's renderer once, then steps out of the
    import system: the renderer's spec as the other finders give it, with our loader."""

    def find_spec(self, fullname: str, path: Sequence[str] | None, target: Any = None) -> Any:
        if fullname != RENDERER:
            return None
        sys.meta_path.remove(self)
        for finder in sys.meta_path:
            spec = getattr(finder, "find_spec", lambda *_: None)(fullname, path, target)
            if spec is not None:
                if spec.loader is not None and hasattr(spec.loader, "exec_module"):
                    spec.loader = _Loader(spec.loader)
                return spec
        return None


def apply() -> None:
    """Defer the two modules when typer's renderer is first imported (idempotent; nothing
    if it is imported already)."""
    if RENDERER in sys.modules or any(isinstance(f, _Finder) for f in sys.meta_path):
        return
    sys.meta_path.insert(0, _Finder())
