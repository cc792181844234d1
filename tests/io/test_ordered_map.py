"""The local ordered map: results in task order, errors at their place, early stop."""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Iterator

import pytest

from anpo.io.ordered_map import threaded_map


def slow_square(x: int) -> int:
    time.sleep(random.random() / 500)  # finish out of order
    return x * x


def test_results_come_in_task_order_with_several_workers() -> None:
    tasks = [(i,) for i in range(200)]
    assert list(threaded_map(slow_square, tasks, workers=3, ahead=4)) == [i * i for i in range(200)]


def test_a_reading_error_comes_after_the_results_before_it() -> None:
    def tasks() -> Iterator[tuple[int]]:
        yield from ((i,) for i in range(5))
        raise ValueError("unreadable chunk 5")

    got: list[int] = []
    with pytest.raises(ValueError, match="chunk 5"):
        for r in threaded_map(slow_square, tasks(), workers=2, ahead=3):
            got.append(r)
    assert got == [0, 1, 4, 9, 16]


def test_no_more_than_ahead_tasks_are_read_before_their_results_are_taken() -> None:
    read = []

    def tasks() -> Iterator[tuple[int]]:
        for i in range(50):
            read.append(i)
            yield (i,)

    results = threaded_map(slow_square, tasks(), workers=2, ahead=3)
    assert next(results) == 0
    time.sleep(0.05)
    assert len(read) <= 4  # the one taken and at most three more
    results.close()  # stops the reader; nothing left running
    assert not any(t.name.startswith(("anpo-read", "anpo-batch")) for t in threading.enumerate())


def test_a_failing_task_raises_in_the_caller() -> None:
    def fail_on_3(x: int) -> int:
        if x == 3:
            raise RuntimeError("task 3")
        return x

    with pytest.raises(RuntimeError, match="task 3"):
        list(threaded_map(fail_on_3, [(i,) for i in range(10)], workers=2, ahead=3))
