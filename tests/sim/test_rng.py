"""The compiled generator: xoshiro256** outputs, uniforms, ziggurat normals, and tile streams."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

from anpo.sim import rng
from anpo.sim.streams import stream

MASK = (1 << 64) - 1
M1 = 2.0**31


def _rotl(x: int, k: int) -> int:
    return ((x << k) | (x >> (64 - k))) & MASK


class Xoshiro:
    """xoshiro256** in plain Python integers (Blackman and Vigna), the reference."""

    def __init__(self, words: np.ndarray) -> None:
        self.s = [int(w) for w in words]

    def next(self) -> int:
        s0, s1, s2, s3 = self.s
        out = (_rotl((s1 * 5) & MASK, 7) * 9) & MASK
        t = (s1 << 17) & MASK
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= t
        s3 = _rotl(s3, 45)
        self.s = [s0, s1, s2, s3]
        return out

    def uniform(self) -> float:
        return (self.next() >> 11) * 2.0**-53

    def normal(self) -> float:
        """Marsaglia and Tsang's ziggurat (RNOR/nfix), with the module's bit layout: the
        signed value from the top 32 bits, the layer from the low 8; |hz| in exact integers."""
        k, w, f, r = rng.ZIG_K, rng.ZIG_W, rng.ZIG_F, rng.ZIG_R
        bits = self.next()
        hz = (bits >> 32) - (1 << 32) if bits >> 63 else bits >> 32
        iz = bits & (rng.LAYERS - 1)
        while True:
            if abs(hz) < k[iz]:
                return hz * float(w[iz])
            if iz == 0:  # the tail beyond r
                while True:
                    x = -math.log(1.0 - self.uniform()) / r
                    y = -math.log(1.0 - self.uniform())
                    if y + y >= x * x:
                        return r + x if hz > 0 else -r - x
            x = hz * float(w[iz])
            if f[iz] + self.uniform() * (f[iz - 1] - f[iz]) < math.exp(-0.5 * x * x):
                return x
            bits = self.next()
            hz = (bits >> 32) - (1 << 32) if bits >> 63 else bits >> 32
            iz = bits & (rng.LAYERS - 1)


def _words(seed: int) -> np.ndarray:
    return np.random.default_rng(seed).integers(0, 2**64, 4, dtype=np.uint64, endpoint=False)


def _state_giving(first: int, seed: int = 0) -> np.ndarray:
    """A state whose first output is `first`: the output depends on s1 only, bijectively."""
    s1 = (first * pow(9, -1, 1 << 64)) & MASK
    s1 = _rotl(s1, 64 - 7)
    s1 = (s1 * pow(5, -1, 1 << 64)) & MASK
    words = _words(seed)
    words[1] = s1
    return words


def _normals(s: rng.Stream, n: int) -> np.ndarray:
    out = np.empty(n)
    rng.fill(s, 1, out)
    return out


def test_published_outputs_of_state_1_2_3_4() -> None:
    out = np.empty(4, np.uint64)
    rng.raw(rng.Stream(np.array([1, 2, 3, 4], np.uint64)), out)
    assert out.tolist() == [11520, 0, 1509978240, 1215971899390074240]


def test_raw_outputs_and_state_match_the_python_reference() -> None:
    words = _words(1)
    ref = Xoshiro(words)
    expect = [ref.next() for _ in range(1000)]
    s = rng.Stream(words.copy())
    first, second = np.empty(400, np.uint64), np.empty(600, np.uint64)
    rng.raw(s, first)
    rng.raw(s, second)  # the stream carries on where the last call stopped
    assert first.tolist() + second.tolist() == expect
    assert s.state.tolist() == ref.s


def test_uniforms_are_the_top_53_bits() -> None:
    words = _words(2)
    ref = Xoshiro(words)
    u = np.empty(1000)
    rng.fill(rng.Stream(words.copy()), 0, u)
    assert u.tolist() == [ref.uniform() for _ in range(1000)]


def test_uniforms_lie_in_the_unit_interval_and_pass_ks() -> None:
    u = np.empty(1_000_000)
    rng.fill(stream(2024, 0), 0, u)
    assert u.min() >= 0.0
    assert u.max() < 1.0
    assert stats.kstest(u, "uniform").pvalue > 1e-3


def test_ziggurat_layers_have_equal_area() -> None:
    k, w, f, r = rng.ZIG_K, rng.ZIG_W, rng.ZIG_F, rng.ZIG_R
    top = rng.LAYERS - 1
    x = w * M1  # layer i >= 1: right edge x[i]; layer 0: the base rectangle's width
    v = r * f[top] + math.sqrt(2 * math.pi) * stats.norm.sf(r)  # base strip: rectangle + tail
    assert x[top] == pytest.approx(r)
    np.testing.assert_allclose(f[1:], np.exp(-0.5 * x[1:] ** 2), rtol=1e-15)
    np.testing.assert_allclose(x[2:] * (f[1:-1] - f[2:]), v, rtol=1e-9)
    assert x[1] * (1.0 - f[1]) == pytest.approx(v, rel=1e-6)  # the top layer closes the stack
    assert x[0] == pytest.approx(v / f[top], rel=1e-9)
    np.testing.assert_allclose(k[2:], x[1:-1] / x[2:] * M1, rtol=1e-12)
    assert k[1] == 0.0
    assert k[0] == pytest.approx(r / x[0] * M1, rel=1e-12)


def test_normals_match_the_python_ziggurat() -> None:
    # 100,000 draws take the fast path, the wedges (~1.5 %) and the tail (~25 times).
    words = _words(3)
    ref = Xoshiro(words)
    expect = np.array([ref.normal() for _ in range(100_000)])
    assert (np.abs(expect) > rng.ZIG_R).sum() > 20
    s = rng.Stream(words.copy())
    np.testing.assert_allclose(_normals(s, expect.size), expect, rtol=1e-12, atol=0)
    assert s.state.tolist() == ref.s  # the same number of 64-bit draws consumed


def test_integer_bounds_decide_like_the_float_ones() -> None:
    # |hz| < k and |hz| < ceil(k) agree for every whole |hz|, including at k itself.
    for k, ki in zip(rng.ZIG_K, rng.ZIG_KI, strict=True):
        for a in {int(k) - 1, int(k), int(k) + 1, int(ki) - 1, int(ki)}:
            assert (a < k) == (a < ki)


def test_wedge_bounds_decide_like_exp() -> None:
    # Points of every wedge, many of them next to the density: the bounds never disagree.
    g = np.random.default_rng(5)
    x0 = np.concatenate([[0.0], rng.ZIG_W[1:-1] * M1])  # wedge j spans [x0[j-1], x[j]]
    for iz in range(1, rng.LAYERS):
        lo, hi = x0[iz - 1], rng.ZIG_W[iz] * M1
        x = g.uniform(lo, hi, 400) * g.choice([-1.0, 1.0], 400)
        f = np.exp(-0.5 * x * x)
        y = np.concatenate([
            g.uniform(rng.ZIG_F[iz], rng.ZIG_F[iz - 1], 200),
            f[200:] * (1.0 + g.uniform(-1e-9, 1e-9, 200)),  # within rounding of the density
        ])
        got = [rng._under_density(a, b, iz) for a, b in zip(x, y, strict=True)]
        assert got == (y < f).tolist(), iz


@pytest.mark.parametrize("layer", [0, 1])
def test_most_negative_32_bit_value_goes_to_the_slow_path(layer: int) -> None:
    words = _state_giving((0x80000000 << 32) | layer)
    first = np.empty(1, np.uint64)
    rng.raw(rng.Stream(words.copy()), first)
    assert int(first[0]) == (0x80000000 << 32) | layer
    ref = Xoshiro(words)
    assert _normals(rng.Stream(words.copy()), 1)[0] == pytest.approx(ref.normal(), rel=1e-12)


@pytest.fixture(scope="module")
def normals() -> np.ndarray:
    return _normals(stream(7, 0), 4_000_000)


def test_normals_pass_ks(normals: np.ndarray) -> None:
    assert stats.kstest(normals, "norm").pvalue > 1e-3


@pytest.mark.parametrize("a", [1.0, 2.0, 3.0, 3.6542, 4.0])
def test_normal_tail_frequencies(normals: np.ndarray, a: float) -> None:
    n = normals.size
    p = 2 * stats.norm.sf(a)
    assert abs((np.abs(normals) > a).mean() - p) < 4 * math.sqrt(p * (1 - p) / n)
    up = (normals > a).mean()  # and each side on its own
    assert abs(up - p / 2) < 4 * math.sqrt(p / 2 * (1 - p / 2) / n)


def test_normal_tail_beyond_the_base_layer_has_the_normal_shape(normals: np.ndarray) -> None:
    r = rng.ZIG_R
    tail = np.abs(normals[np.abs(normals) > r])
    sf_r = stats.norm.sf(r)
    assert stats.kstest(tail, lambda x: 1.0 - stats.norm.sf(x) / sf_r).pvalue > 1e-3


def test_normal_mean_and_variance(normals: np.ndarray) -> None:
    n = normals.size
    assert abs(normals.mean()) < 4 / math.sqrt(n)
    assert abs(normals.var() - 1.0) < 4 * math.sqrt(2 / n)
    assert abs((normals > 0).mean() - 0.5) < 4 * 0.5 / math.sqrt(n)


def test_streams_are_the_seed_sequence_children() -> None:
    children = np.random.SeedSequence(42).spawn(3)
    for tile, child in enumerate(children):
        assert stream(42, tile).state.tolist() == child.generate_state(4, np.uint64).tolist()


def test_same_seed_and_tile_same_numbers() -> None:
    a, b = np.empty(1000, np.uint64), np.empty(1000, np.uint64)
    rng.raw(stream(5, 3), a)
    rng.raw(stream(5, 3), b)
    np.testing.assert_array_equal(a, b)
    assert _normals(stream(5, 3), 1000).tolist() == _normals(stream(5, 3), 1000).tolist()


@pytest.mark.parametrize(("other_seed", "other_tile"), [(5, 4), (6, 3), (3, 5)])
def test_other_seed_or_tile_other_numbers(other_seed: int, other_tile: int) -> None:
    a, b = np.empty(1000, np.uint64), np.empty(1000, np.uint64)
    rng.raw(stream(5, 3), a)
    rng.raw(stream(other_seed, other_tile), b)
    assert not np.intersect1d(a, b).size  # 64-bit values: no value in common at all


@pytest.mark.parametrize("tile", [0, 1, 1000])
def test_neighbouring_tiles_are_uncorrelated(tile: int) -> None:
    n = 200_000
    a, b = _normals(stream(9, tile), n), _normals(stream(9, tile + 1), n)
    assert abs(np.corrcoef(a, b)[0, 1]) < 4 / math.sqrt(n)
    assert abs(np.corrcoef(a[1:], a[:-1])[0, 1]) < 4 / math.sqrt(n)  # nor lagged in a stream


def test_an_all_zero_seed_state_is_replaced(monkeypatch: pytest.MonkeyPatch) -> None:
    class Zeros:
        def __init__(self, *args: object, **kwargs: object) -> None:
            pass

        def generate_state(self, n: int, dtype: type) -> np.ndarray:
            return np.zeros(n, dtype)

    stuck = np.empty(10, np.uint64)
    rng.raw(rng.Stream(np.zeros(4, np.uint64)), stuck)
    assert not stuck.any()  # the one state xoshiro never leaves
    monkeypatch.setattr(np.random, "SeedSequence", Zeros)
    s = stream(0, 0)
    assert s.state.any()
    out = np.empty(10, np.uint64)
    rng.raw(s, out)
    assert out.any()
