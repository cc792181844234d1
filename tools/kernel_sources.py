"""Print the source files whose change should recompile anpo's numba kernels (`make install`).

Those are the modules that use numba and, transitively, the anpo modules they import at
module level: numba freezes the globals a kernel reads (constants such as
`summary.MANTISSA_BITS`, the `rng` tables) into its machine code, and checks a cached kernel
against its own file only. Reads the sources with `ast` (the standard library alone), so it
runs before the virtual environment exists.

Usage:  python3 tools/kernel_sources.py      (paths relative to the repository, one a line)
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src"


def _module_file(name: str) -> Path | None:
    base = SRC.joinpath(*name.split("."))
    for p in (base.with_suffix(".py"), base / "__init__.py"):
        if p.is_file():
            return p
    return None


def _imports(path: Path) -> tuple[bool, set[str]]:
    """(uses numba anywhere, the anpo modules imported at module level)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    numba = any(
        (isinstance(n, ast.Import) and any(a.name.split(".")[0] == "numba" for a in n.names))
        or (isinstance(n, ast.ImportFrom) and (n.module or "").split(".")[0] == "numba")
        for n in ast.walk(tree)
    )
    found: set[str] = set()
    for n in tree.body:
        if isinstance(n, ast.Import):
            found |= {a.name for a in n.names if a.name.split(".")[0] == "anpo"}
        elif isinstance(n, ast.ImportFrom) and n.level == 0 and (n.module or "").split(".")[0] == "anpo":
            module = n.module or ""
            # `from anpo.geo import region`: the package runs first, and a name may be a module
            # (as anpo.core.ahead_of_time's stamp follows them: this list holds every file it hashes)
            found.add(module)
            found |= {f"{module}.{a.name}" for a in n.names if _module_file(f"{module}.{a.name}")}
    return numba, found


def kernel_sources() -> list[Path]:
    files = sorted((SRC / "anpo").rglob("*.py"))
    todo = [p for p in files if "numba" in p.read_text(encoding="utf-8") and _imports(p)[0]]
    seen = set(todo)
    while todo:
        for name in _imports(todo.pop())[1]:
            p = _module_file(name)
            if p is not None and p not in seen:
                seen.add(p)
                todo.append(p)
    return sorted(seen)


if __name__ == "__main__":
    sys.stdout.write("".join(f"{p.relative_to(ROOT)}\n" for p in kernel_sources()))
