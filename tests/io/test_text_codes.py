"""A large chunk's text column codes (`scenario_columns._text_codes`): the compiled pass
(`compact_kernel.text_codes`, int32 dictionary indices from COMPILED_FROM_ROWS rows) gives
the codes, the error flags and the messages that numpy's look-up gives, with nulls, an
offset slice, bad values and every code type."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pytest

from anpo.core.compiled import COMPILED_FROM_ROWS
from anpo.core.errors import InputError
from anpo.io import scenario_columns as sc


def _parse(value: str) -> int:
    if value.startswith("bad"):
        raise InputError("event", f"{value!r} is not an event")
    return len(value)


def _codes(arr: pa.Array, dtype: type, compiled: bool, monkeypatch: pytest.MonkeyPatch
           ) -> tuple[np.ndarray, np.ndarray, list[str]]:
    monkeypatch.setattr(sc, "use_compiled", lambda rows: compiled)
    sc._caches.pop("event_test", None)
    errors = sc._Errors(len(arr))
    codes = sc._text_codes(arr, "event_test", _parse, errors, dtype)
    return codes, errors.code.copy(), list(errors.messages)


@pytest.mark.parametrize("dtype", [np.int8, np.int16, np.int32])
@pytest.mark.parametrize("nulls", [False, True])
@pytest.mark.parametrize("bad", [False, True])
@pytest.mark.parametrize("offset", [0, 13])
def test_the_compiled_codes_are_numpys(dtype: type, nulls: bool, bad: bool, offset: int,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    n = 2 * COMPILED_FROM_ROWS + 5
    rng = np.random.default_rng(n + offset)
    words = pa.array(["a", "bb", "ccc", *(["bad1", "bad22"] if bad else [])])
    idx = rng.integers(0, len(words), n).astype(np.int32)
    mask = rng.random(n) < 0.1 if nulls else None
    arr = pa.DictionaryArray.from_arrays(pa.array(idx, mask=mask), words).slice(offset)
    compiled = _codes(arr, dtype, True, monkeypatch)
    plain = _codes(arr, dtype, False, monkeypatch)
    assert compiled[0].dtype == plain[0].dtype == dtype
    np.testing.assert_array_equal(compiled[0], plain[0])
    np.testing.assert_array_equal(compiled[1], plain[1])
    assert compiled[2] == plain[2]
    assert (compiled[1] >= 0).any() == bad
