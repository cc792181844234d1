"""The branch-free code-column helpers the formulas use give numpy's own answers."""

from __future__ import annotations

import numpy as np
import pytest

from anpo.law.common import assign, codes, lookup, where


@pytest.mark.parametrize("n", [1, 7, 10_001])  # numpy's own below 4,096 rows, arithmetic above
def test_where_assign_and_lookup_match_numpy(n: int) -> None:
    rng = np.random.default_rng(5)
    for yes, no in ((1, 0), (0, 1), (2, 3), (3, 0), (-1, 2)):
        cond = rng.random(n) < 0.4
        assert np.array_equal(where(cond, yes, no), np.where(cond, yes, no).astype(np.int8))
        assert where(cond, yes, no).dtype == np.int8
    out = codes((n,), 2)
    want = out.copy()
    for value in (0, 1, 3, 2, -1):
        cond = rng.random(n) < 0.3
        assign(out, cond, value)
        want[cond] = value
        assert np.array_equal(out, want)
    table = rng.integers(0, 50_000, 300).astype(np.int32)
    index = rng.integers(0, 300, n).astype(np.int16)
    assert np.array_equal(lookup(table, index), table[index])


def test_lookup_of_small_boolean_tables() -> None:
    rng = np.random.default_rng(7)
    index = rng.integers(0, 6, 5_000).astype(np.int8)
    for members in ((), (1,), (2, 3), (0, 1, 2, 3, 4, 5)):
        table = np.zeros(6, dtype=bool)
        table[list(members)] = True
        assert np.array_equal(lookup(table, index), table[index])
