"""Random streams that do not depend on chunk size or worker count.

Trials are cut into fixed tiles of TILE trials; tile t draws from its own stream, seeded
with the 256 bits `SeedSequence(seed, spawn_key=(t,))` generates (what
`SeedSequence(seed).spawn()` would give as its t-th child). A chunk is a run of whole
tiles, so every trial sees the same numbers however the run is chunked or spread over
threads or workers. The generator itself lives in `rng` (compiled).
"""

from __future__ import annotations

import numpy as np

from anpo.sim.rng import Stream

TILE = 1 << 14  # 16,384 trials per stream


def stream(seed: int, tile: int) -> Stream:
    """The stream of one tile of trials."""
    child = np.random.SeedSequence(seed, spawn_key=(tile,))
    words = np.asarray(child.generate_state(4, np.uint64), np.uint64)
    if not words.any():  # the one state xoshiro cannot leave; SeedSequence all but never gives it
        words[0] = 1
    return Stream(words)
