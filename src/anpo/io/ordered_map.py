"""An ordered map over local threads: one reads, some assess, the caller collects and writes.

    for result in threaded_map(fn, tasks, workers=2, ahead=3): ...

A reader thread pulls `tasks` (iterating it reads the input file) and submits fn(*args) to
a pool of `workers` threads; the calling thread gets the results in task order. Reading,
assessing and writing then overlap on separate threads: Arrow's readers and writers and the
compiled geography release the GIL. At most `ahead` tasks are read and not yet collected,
which bounds memory.

An exception from a task, or from reading, is raised in the caller at its place in the
order. When the caller stops early (an exception, or closing the generator), the reader
stops, pending tasks are cancelled and running ones finish before this returns.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

_POLL_S = 0.1  # how often blocked threads look at the stop flag (and Ctrl-C gets through)


@dataclass
class _Failed:
    error: BaseException


_DONE = object()


def threaded_map(fn: Callable[..., Any], tasks: Iterable[tuple[Any, ...]], *, workers: int,
                 ahead: int) -> Iterator[Any]:
    """fn(*args) for each args of `tasks` on `workers` threads; results in order."""
    pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="anpo-batch")
    slots = threading.Semaphore(max(1, ahead))  # a slot per task read and not yet collected
    pending: queue.SimpleQueue[Any] = queue.SimpleQueue()
    stop = threading.Event()

    def read() -> None:
        try:
            source = iter(tasks)
            while True:
                while not slots.acquire(timeout=_POLL_S):
                    if stop.is_set():
                        return
                if stop.is_set():
                    return
                args = next(source, None)
                if args is None:
                    break
                pending.put(pool.submit(fn, *args))
        except BaseException as err:  # noqa: BLE001 - handed to the caller, in order
            pending.put(_Failed(err))
            return
        pending.put(_DONE)

    reader = threading.Thread(target=read, name="anpo-read", daemon=True)
    reader.start()
    try:
        while True:
            item = _get(pending)
            if item is _DONE:
                return
            if isinstance(item, _Failed):
                raise item.error
            future: Future[Any] = item
            try:
                result = future.result()
            finally:
                slots.release()
            yield result
    finally:
        stop.set()
        reader.join()
        while not pending.empty():
            item = pending.get_nowait()
            if isinstance(item, Future):
                item.cancel()
        pool.shutdown(wait=True, cancel_futures=True)


def _get(pending: queue.SimpleQueue[Any]) -> Any:
    while True:
        try:
            return pending.get(timeout=_POLL_S)
        except queue.Empty:
            continue
