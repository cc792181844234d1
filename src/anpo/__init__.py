"""anpo: the U.S.-Japan security alliance as executable, cited, fast software.

The public API (documented in docs/python-api.md) is `assess`, `where`, `coverage`, `bases`,
`costs`, `simulate` and `InputError`. They are loaded on first use, so `import anpo` imports
no numpy-heavy, Dask or web library until a call needs it.
"""

from typing import Any

from anpo.core.errors import AnpoError, InputError

__version__ = "0.1.0"

_PUBLIC = ("assess", "where", "coverage", "bases", "costs", "simulate", "SimulationResult")

__all__ = ["AnpoError", "InputError", "__version__", *_PUBLIC]


def __getattr__(name: str) -> Any:
    # PEP 562: the library functions come from anpo.library the first time they are asked for.
    if name == "costs":
        # `from anpo import costs` must give the package (anpo.costs), which is also callable as
        # the public function: importing it binds the name for good.
        import importlib

        return importlib.import_module("anpo.costs")
    if name in _PUBLIC:
        from anpo import library

        return getattr(library, name)
    raise AttributeError(f"module 'anpo' has no attribute {name!r}")
