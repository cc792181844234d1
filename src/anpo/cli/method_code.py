"""The code of the methods dataclasses generates, compiled once per interpreter and kept.

    method_code.use()   # the anpo program, before its command's modules load

dataclasses writes each class's `__init__`, `__repr__`, `__eq__`, ... as source text and
compiles it with `exec` while the class is made: the modules `anpo assess --batch` loads
after numpy and pyarrow make 186 such functions, 16 ms of compiling (a quarter of those
imports). In the `anpo` program, the `exec` that dataclasses calls takes the code of a text
it has seen before from one file beside anpo's bytecode (`marshal`, named by the
interpreter's cache tag and checked against its bytecode magic number, as a .pyc is), and
compiles only texts it has not seen, the way `exec` would have (no `__future__` flags
inherited), so the functions and classes are the same. New texts are added to the file at
the process's exit (a temporary file renamed over it). The file is written by anpo itself
into its own package folder, so it is as trusted as its bytecode.
"""

from __future__ import annotations

import atexit
import contextlib
import importlib.util
import marshal
import os
import sys
from pathlib import Path
from types import CodeType
from typing import Any

CACHE = Path(__file__).parent / "__pycache__" / f"dataclass-methods.{sys.implementation.cache_tag}.marshal"

_codes: dict[str, CodeType] = {}
_added = False
_path: Path | None = None


def _exec(source: Any, globals: Any = None, locals: Any = None, /) -> None:  # noqa: A002 - exec's names
    global _added
    if isinstance(source, str):
        code = _codes.get(source)
        if code is None:
            code = compile(source, "<string>", "exec", dont_inherit=True)
            _codes[source] = code
            _added = True
        source = code
    exec(source, globals, locals)


def use(path: Path = CACHE) -> None:
    """From now on, dataclasses' generated methods come from `path` when it has them (once)."""
    global _path
    import dataclasses

    if _path is not None or "exec" in vars(dataclasses):
        return
    _path = path
    with contextlib.suppress(OSError, ValueError, EOFError, TypeError):
        data = path.read_bytes()
        magic = importlib.util.MAGIC_NUMBER
        if data[:len(magic)] == magic:
            loaded = marshal.loads(data[len(magic):])
            if isinstance(loaded, dict):
                _codes.update(loaded)
    dataclasses.exec = _exec  # type: ignore[attr-defined]  # the module's global, before the builtin
    atexit.register(save)


def save() -> None:
    """Write the texts' code to the file when texts were added (at exit)."""
    global _added
    if not _added or _path is None:
        return
    _added = False
    tmp = _path.with_name(f"{_path.name}.{os.getpid()}.tmp")
    with contextlib.suppress(OSError, ValueError):
        _path.parent.mkdir(exist_ok=True)
        tmp.write_bytes(importlib.util.MAGIC_NUMBER + marshal.dumps(_codes))
        os.replace(tmp, _path)
    with contextlib.suppress(OSError):
        tmp.unlink(missing_ok=True)
