"""The batch's compiled kernels as one C extension built at install, so a batch imports no numba.

    passes = compiled_module("anpo.geo.grid_kernel")   # the extension's functions, or the module
    passes.grid_pass(lat, lon, grid, fine)

A fresh `anpo assess --batch` process otherwise pays numba's start before its first large
chunk: the import (0.15 s quiet), the CPU target's registries (0.18 s) and, per kernel, the
machine code from numba's cache (18 loads, 0.1 s, plus the first call's typing). `make
install` (`anpo.precompile`) compiles the same Python functions with `numba.pycc` into
`_batch_kernels` (one shared library, numpy's C API only; imports in under a millisecond),
one exported function per signature the batch uses, with wrappers that release the GIL as the
`nogil` kernels do (pycc's own wrappers hold it: the build sets numba's `release_gil` flag).

An exported function trusts its arguments' types (a wrong dtype reads memory wrongly), so each
call is checked against the signature it was built for (dtype, dimensions, C order, writable
where the kernel writes, record fields) and anything else goes to numba's JIT form of the same
function, as does every name the extension lacks. The extension is used only when its stamp
matches: the SHA-256 of each source file the kernels were compiled from (their modules and
the anpo modules those import, whose constants numba freezes into the code), numpy's
version and the processor (the code uses the host's instruction set, as numba's JIT does).
Otherwise, or with ANPO_NO_AOT=1 in the environment, the JIT forms run as before.
Same functions, same answers (`tests/io/test_ahead_of_time.py`).
"""

from __future__ import annotations

import ast
import hashlib
import importlib
import json
import os
import platform
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np

NAME = "_batch_kernels"
HERE = Path(__file__).resolve().parent
STAMP = HERE / f"{NAME}.json"
PACKAGE = HERE.parent  # src/anpo
# The modules whose kernels a batch calls (geography passes, output columns, Parquet writer).
KERNEL_MODULES = (
    "anpo.geo.grid_kernel",
    "anpo.geo.coast_buckets",
    "anpo.geo.land_edges",
    "anpo.geo.ring_kernel",
    "anpo.geo.world_kernel",
    "anpo.io.compact_kernel",
    "anpo.io.parquet_kernel",
    "anpo.io.id_kernel",
    "anpo.io.wkb_kernel",
)

Spec = Any  # ("a", dtype.str, ndim, writable) | ("i",) | ("f",) | ("b",) | ("t", [Spec, ...])


def _fits(spec: Spec, value: Any) -> bool:
    kind = spec[0]
    if kind == "a":
        return (isinstance(value, np.ndarray) and value.dtype.str == spec[1] and value.ndim == spec[2]
                and value.flags.c_contiguous and value.flags.aligned
                and (value.flags.writeable or not spec[3]))
    if kind == "i":
        return isinstance(value, (int, np.integer)) and not isinstance(value, (bool, np.bool_))
    if kind == "f":
        return isinstance(value, (float, np.floating))
    if kind == "b":
        return isinstance(value, (bool, np.bool_))
    fields = spec[1]
    return (isinstance(value, tuple) and len(value) == len(fields)
            and all(_fits(s, v) for s, v in zip(fields, value, strict=True)))


class _Kernel:
    """One kernel: the extension's export whose signature the arguments fit, else numba's JIT."""

    def __init__(self, module: str, name: str, exports: list[tuple[Callable[..., Any], list[Spec]]]) -> None:
        self.module, self.name, self.exports = module, name, exports

    def __call__(self, *args: Any) -> Any:
        for fn, specs in () if _jit_only else self.exports:
            if len(specs) == len(args) and all(_fits(s, a) for s, a in zip(specs, args, strict=True)):
                return fn(*args)
        return getattr(importlib.import_module(self.module), self.name)(*args)


class _CompiledModule:
    """A kernel module's face: exported kernels from the extension, its integer constants
    (as built), other names from the module itself (which imports numba)."""

    def __init__(self, module: str, names: dict[str, Any]) -> None:
        self._module, self._names = module, names

    def __getattr__(self, name: str) -> Any:
        names = self.__dict__.get("_names", {})
        if name in names:
            return names[name]
        return getattr(importlib.import_module(self._module), name)


_lock = threading.Lock()
_loaded: dict[str, dict[str, Any]] | None = None
_jit_only = False  # `use_jit()`: even kernels bound before it go to the JIT


def compiled_module(module: str) -> Any:
    """The compiled kernels of `module` (one of KERNEL_MODULES): the extension's when it is
    built and current, else the module itself (numba's JIT, imported here)."""
    kernels = _load()
    if kernels is None or module not in kernels or _jit_only:
        return importlib.import_module(module)
    return _CompiledModule(module, kernels[module])


def available() -> bool:
    """Whether the built extension is current and used (then a batch needs no numba start)."""
    return not _jit_only and _load() is not None


def use_jit(on: bool = True) -> None:
    """Use numba's JIT forms in this process (the install's warm-ups, tests), or again the
    extension (`on=False`), even through kernels bound before."""
    global _jit_only
    _jit_only = on


def _load() -> dict[str, dict[str, Any]] | None:
    global _loaded
    with _lock:
        if _loaded is None:
            _loaded = _read() or {}
    return _loaded or None


def _read() -> dict[str, dict[str, Any]] | None:
    if os.environ.get("ANPO_NO_AOT") or not STAMP.is_file():
        return None
    try:
        stamp = json.loads(STAMP.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if stamp.get("numpy") != np.__version__ or stamp.get("machine") != machine():
        return None  # another numpy, or code for another CPU (a copied environment)
    if stamp.get("sources") != source_hashes(stamp["sources"]):
        return None  # built from other sources: the JIT forms (and `make install` rebuilds)
    try:
        ext = importlib.import_module(f"anpo.core.{NAME}")
    except ImportError:
        return None
    out: dict[str, dict[str, Any]] = {m: dict(c) for m, c in stamp["constants"].items()}
    for e in stamp["exports"]:
        by_name = out.setdefault(e["module"], {})
        k = by_name.setdefault(e["name"], _Kernel(e["module"], e["name"], []))
        k.exports.append((getattr(ext, e["symbol"]), e["args"]))
    return out


def machine() -> str:
    """The processor the code is compiled for (it uses the host's instruction set, as numba's
    JIT does): its model and feature flags as Linux reports them, else the platform's names."""
    try:
        with open("/proc/cpuinfo", encoding="utf-8", errors="replace") as f:
            lines = [ln for ln in f.read().split("\n\n", 1)[0].splitlines()
                     if ln.startswith(("vendor_id", "model name", "flags"))]
    except OSError:
        lines = []
    if not lines:
        lines = [platform.machine(), platform.processor()]
    return hashlib.sha256("\n".join(lines).encode()).hexdigest()


def source_hashes(paths: Sequence[str]) -> dict[str, str]:
    """SHA-256 of each file (paths relative to the anpo package); "" for a missing one."""
    out = {}
    for rel in paths:
        p = PACKAGE / rel
        out[rel] = hashlib.sha256(p.read_bytes()).hexdigest() if p.is_file() else ""
    return out


# --- building (install time; imports numba) ---------------------------------------------


def kernel_sources() -> list[str]:
    """The kernel modules' files and, transitively, the anpo modules they import at module
    level (paths relative to the anpo package), read with `ast`."""
    todo = [_module_path(m) for m in KERNEL_MODULES]
    seen = {p for p in todo if p is not None}
    stack = sorted(seen)
    while stack:
        tree = ast.parse(stack.pop().read_text(encoding="utf-8"))
        for node in tree.body:
            names: list[str] = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
            for name in names:
                p = _module_path(name) if name.split(".")[0] == "anpo" else None
                if p is not None and p not in seen:
                    seen.add(p)
                    stack.append(p)
    return sorted(str(p.relative_to(PACKAGE)) for p in seen)


def _module_path(name: str) -> Path | None:
    base = PACKAGE.parent.joinpath(*name.split("."))
    for p in (base.with_suffix(".py"), base / "__init__.py"):
        if p.is_file():
            return p
    return None


def _spec(t: Any) -> Spec:
    from numba.core import types

    if isinstance(t, types.Array):
        if t.layout != "C" or not t.aligned:
            raise TypeError(f"{t}: only aligned C-ordered arrays are exported")
        return ["a", np.dtype(str(t.dtype)).str, t.ndim, t.mutable]
    if isinstance(t, types.Boolean):
        return ["b"]
    if isinstance(t, types.Integer):
        return ["i"]
    if isinstance(t, types.Float):
        return ["f"]
    if isinstance(t, types.BaseTuple):
        record: Any = t  # a tuple or a NamedTuple (the geography's records of arrays)
        return ["t", [_spec(x) for x in record.types]]
    raise TypeError(f"{t}: no export for this type")


def build() -> int:
    """Compile every signature the loaded kernel dispatchers hold (run the JIT warm-ups first)
    into the extension next to this file and write its stamp; the number of exports."""
    from numba.core.registry import CPUDispatcher
    from numba.pycc import CC

    pycc_compiler: Any = importlib.import_module("numba.pycc.compiler")  # its Flags are swapped below

    class _NoGilFlags(pycc_compiler.Flags):  # type: ignore[misc, unused-ignore]
        """pycc's wrappers would hold the GIL; the batch's threads need it released."""

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self.release_gil = True

    sources = kernel_sources()
    cc = CC(NAME)
    cc.output_dir = str(HERE)
    cc.verbose = False
    cc.target_cpu = "host"  # as numba's JIT does (pycc's default, a generic x86-64, ran 2-3x slower)
    exports = []
    constants: dict[str, dict[str, int]] = {}
    for module in KERNEL_MODULES:
        mod = importlib.import_module(module)
        constants[module] = {k: v for k, v in vars(mod).items()
                             if k.isupper() and type(v) is int}  # e.g. id_kernel.PARTS
        for name, d in sorted(vars(mod).items()):
            if not isinstance(d, CPUDispatcher) or d.py_func.__module__ != module:
                continue
            for k, sig in enumerate(d.signatures):
                try:
                    specs = [_spec(t) for t in sig]
                except TypeError:
                    continue  # a signature the extension does not carry: JIT
                symbol = f"{module.rsplit('.', 1)[-1]}__{name}__{k}"
                overload: Any = d.overloads[sig]
                cc.export(symbol, overload.signature.return_type(*sig))(d.py_func)
                exports.append({"module": module, "name": name, "symbol": symbol, "args": specs})
    STAMP.unlink(missing_ok=True)  # no stamp while the library changes: JIT meanwhile
    original = pycc_compiler.Flags
    pycc_compiler.Flags = _NoGilFlags
    try:
        cc.compile()
    finally:
        pycc_compiler.Flags = original
    stamp = {"numpy": np.__version__, "machine": machine(), "sources": source_hashes(sources),
             "constants": constants, "exports": exports}
    STAMP.write_text(json.dumps(stamp, indent=1) + "\n", encoding="utf-8")
    return len(exports)


def built_extension() -> ModuleType | None:
    """The extension module when its stamp is current (tests compare it with the JIT)."""
    return importlib.import_module(f"anpo.core.{NAME}") if available() else None
