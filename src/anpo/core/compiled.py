"""When to run the compiled (numba) form of a column pass rather than its numpy form.

Both forms give the same values (tests compare them on random inputs). The compiled one is
several times faster on large columns. With numba's JIT its first use in a process imports
numba and loads the machine code (about 0.7 s), which a single scenario or a small file
should not pay; below this many rows the numpy form is used. An install that built the
batch's kernels as a C extension (`core.ahead_of_time`) loads them in milliseconds, but
keeps the same threshold: the answers and the paths tested stay one set for both installs.
"""

from __future__ import annotations

COMPILED_FROM_ROWS = 20_000


def use_compiled(rows: int) -> bool:
    return rows >= COMPILED_FROM_ROWS
