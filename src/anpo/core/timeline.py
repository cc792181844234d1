"""Dated values: which value is in force on each row's date (np.searchsorted)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from anpo.core.dates import DayArray


@dataclass(frozen=True)
class Timeline:
    """A step function of time: `values[i]` holds on `[starts[i], starts[i+1])`.

    Before `starts[0]` the value is `before`. Values are small integer codes so a lookup
    over a column of days is one searchsorted and one gather.
    """

    starts: npt.NDArray[np.int32]
    values: npt.NDArray[np.int32]
    before: int

    @classmethod
    def from_steps(cls, steps: Sequence[tuple[int, int]], before: int) -> Timeline:
        """Build from (start_day, value) pairs in any order; equal start days are an error."""
        ordered = sorted(steps)
        starts = np.array([s for s, _ in ordered], dtype=np.int32)
        if len(starts) > 1 and np.any(np.diff(starts) == 0):
            raise ValueError("two values start on the same day")
        values = np.array([v for _, v in ordered], dtype=np.int32)
        return cls(starts, values, before)

    def at(self, days: DayArray) -> npt.NDArray[np.int32]:
        """Value in force on each day."""
        idx = np.searchsorted(self.starts, days, side="right") - 1
        table = np.concatenate([np.array([self.before], dtype=np.int32), self.values])
        return table[idx + 1]

    def next_change_after(self, day: int) -> int | None:
        """The first start day after `day`, or None."""
        later = self.starts[self.starts > day]
        return int(later[0]) if len(later) else None
