"""Arrow arrays built from code buffers equal the ones pyarrow builds value by value."""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from anpo.io.arrow_arrays import bool_array, coded_array, compact_array

WORDS = pa.array([f"w{i}" for i in range(300)])


def test_coded_and_bool_arrays_match_pyarrow_conversion() -> None:
    rng = np.random.default_rng(3)
    n = 10_007  # not a multiple of 8: the last bitmap byte is partial
    codes = rng.integers(0, 4, n).astype(np.int8)
    missing = rng.random(n) < 0.1
    codes[missing] = -1  # NULL codes under the mask must not leak into the indices
    safe = np.where(missing, 0, codes)
    for values, mask in ((codes, missing), (safe, None), (safe, np.zeros(n, dtype=bool))):
        got = coded_array(values, mask, WORDS.slice(0, 4))
        want = pa.DictionaryArray.from_arrays(pa.array(values.astype(np.int16), mask=mask), WORDS.slice(0, 4))
        assert got.to_pylist() == want.to_pylist()
        got.validate(full=True)
        flags = rng.integers(0, 2, n).astype(np.int8)
        assert bool_array(flags, mask).to_pylist() == pa.array(flags.astype(bool), mask=mask).to_pylist()


def test_compact_array_keeps_only_the_used_values_in_code_order() -> None:
    rng = np.random.default_rng(4)
    n = 5_001
    codes = rng.choice(np.array([250, 7, 31, 7, 120], dtype=np.int16), n)
    missing = codes == 120  # a code only missing rows use stays out of the dictionary
    got = compact_array(codes, missing, WORDS)
    got.validate(full=True)
    assert got.dictionary.to_pylist() == ["w7", "w31", "w250"]
    assert got.to_pylist() == [None if m else f"w{c}" for c, m in zip(codes.tolist(), missing.tolist(),
                                                                      strict=True)]
    assert got.null_count == int(missing.sum())


def test_numpy_and_compiled_compaction_agree() -> None:
    from anpo.io import compact_kernel
    from anpo.io.arrow_arrays import compact_codes

    rng = np.random.default_rng(6)
    for size, n in ((300, 50_000), (5, 17), (40, 0)):
        codes = rng.integers(0, size, n).astype(np.int16)
        missing = rng.random(n) < 0.2
        codes[missing] = -1 if size > 5 else 0  # NULL codes under the mask are ignored
        want = compact_codes(codes, missing, size)
        got = compact_kernel.compact_codes(codes, missing, size)
        for a, b in zip(got, want, strict=True):
            assert a.dtype == b.dtype and np.array_equal(a, b)


def test_compiled_compaction_ignores_any_code_under_the_mask() -> None:
    """The kernel reads a missing row's slot by arithmetic, not a branch: whatever code lies
    under the mask (out of the table, negative), none missing or all missing, it agrees."""
    from anpo.io import compact_kernel
    from anpo.io.arrow_arrays import compact_codes

    rng = np.random.default_rng(7)
    for dtype, frac in ((np.int16, 0.5), (np.int32, 0.0), (np.int32, 1.0), (np.int16, 0.97)):
        n, size = 20_000, 250
        codes = rng.integers(0, size, n).astype(dtype)
        missing = rng.random(n) < frac
        codes[missing] = rng.choice(np.array([-1, -300, size, 32_000], dtype), int(missing.sum()))
        want = compact_codes(codes, missing, size)
        got = compact_kernel.compact_codes(codes, missing, size)
        for a, b in zip(got, want, strict=True):
            assert a.dtype == b.dtype and np.array_equal(a, b)



def test_compiled_compaction_keeps_an_out_of_range_code_in_its_tables() -> None:
    """A present row's code out of the table (never given: the contract is a valid code)
    takes the missing rows' slot, index 0 and not among the used codes, rather than
    reading or writing past the kernel's tables."""
    from anpo.io import compact_kernel

    codes = np.array([3, -1, 7, 8, 32_000, -300, 3], dtype=np.int16)
    indices, used = compact_kernel.compact_codes(codes, np.zeros(len(codes), dtype=bool), 8)
    assert used.tolist() == [3, 7]
    assert indices.tolist() == [0, 0, 1, 0, 0, 0, 0]

def test_buffer_built_arrays_and_numpy_views_match_pyarrows() -> None:
    """numeric_array, string_array and to_numpy (which spare the batch process pandas)
    give what pa.array and Array.to_numpy give, on sliced arrays and with nulls."""
    from anpo.io.arrow_arrays import numeric_array, string_array, to_numpy

    rng = np.random.default_rng(5)
    n = 1_003
    missing = rng.random(n) < 0.2
    for values in (rng.normal(size=n), rng.integers(-5, 5, n).astype(np.int8),
                   rng.integers(0, 40_000, n).astype(np.int32), np.arange(n, dtype=np.int64)):
        got = numeric_array(values, missing)
        got.validate(full=True)
        assert got.to_pylist() == pa.array(values, mask=missing).to_pylist()
        for arr in (pa.array(values, mask=missing), pa.array(values).slice(7, 500),
                    pa.array(values, mask=missing).slice(3, 400)):
            want = arr.to_numpy(zero_copy_only=False)
            if values.dtype.kind == "f":
                assert np.array_equal(to_numpy(arr), want, equal_nan=True)
            elif not arr.null_count:
                assert np.array_equal(to_numpy(arr), want)
            valid = arr.is_valid()
            assert np.array_equal(to_numpy(arr, fill=-1)[~to_numpy(valid)], np.full(arr.null_count, -1))
            assert np.array_equal(to_numpy(valid), valid.to_numpy(zero_copy_only=False))
    days = numeric_array(np.arange(n, dtype=np.int32), missing, pa.date32())
    want_days = pa.array(np.arange(n, dtype=np.int32), mask=missing).cast(pa.date32())
    assert days.to_pylist() == want_days.to_pylist()
    words = ["", "a", "日米", "zone"] * 3
    s = string_array(words)
    s.validate(full=True)
    assert s.to_pylist() == words


def test_valid_mask_is_arrows_is_valid() -> None:
    """`valid_mask` reads the validity bitmap of the types that have one first (sliced ones
    too) and asks Arrow for the others: the same as `is_valid` (issue 19)."""
    from anpo.io.arrow_arrays import to_numpy, valid_mask

    rng = np.random.default_rng(4)
    values = rng.integers(0, 5, 1_000)
    nulls = rng.random(1_000) < 0.3
    arrays = [
        pa.array(values, pa.int8(), mask=nulls), pa.array(values * 0.5, mask=nulls),
        pa.array(values.astype(np.int32), pa.int32(), mask=nulls).cast(pa.date32()),
        pa.array(values > 2, mask=nulls), pa.array([str(v) for v in values], mask=nulls),
        pa.array([str(v) for v in values], pa.large_string(), mask=nulls),
        pa.array([str(v) for v in values], mask=nulls).dictionary_encode(),
        pa.array([None] * 10, pa.null()), pa.array(values, pa.int16()),
    ]
    for arr in arrays:
        for part in (arr, arr.slice(3), arr.slice(5, 17)):
            want = part.is_valid().to_numpy(zero_copy_only=False)
            got = valid_mask(part)
            assert got.dtype == np.bool_ and np.array_equal(got, want), part.type
    for arr in arrays[:2]:
        part = arr.slice(7, 300)
        filled = to_numpy(part, fill=-2)
        want = np.asarray(part.fill_null(-2).to_numpy(zero_copy_only=False))
        assert filled.dtype == want.dtype and np.array_equal(filled, want)
