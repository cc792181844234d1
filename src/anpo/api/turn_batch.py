"""One-scenario requests that are ready in the same event-loop turn, answered as one frame.

The geography and the law cost about as much for a few rows as for one (warm, in process:
about 0.64 ms a row alone, 0.34 ms in pairs, 0.18 ms in fours, 0.11 ms in eights), so when
single requests queue up (the server is busy, or they come in a burst) the ones waiting are
assessed together with `anpo.api.one_answer.answer_many`: every row is computed on its own,
as in a list, and each request gets the same bytes it would get alone. Nothing waits on
purpose: a request is answered at the end of the turn it became ready in, with whichever
others became ready in that turn; alone on a quiet server it is a batch of one. A batch with
a scenario the library refuses is answered one by one, so that only that request fails.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from typing import Any

MAX_ROWS = 64  # rows in one frame (the server serves at most 64 requests at once anyway)

AnswerMany = Callable[[Sequence[dict[str, Any]], bool], "list[bytes] | None"]
Pending = tuple[dict[str, Any], "asyncio.Future[bytes | None]"]


class TurnBatch:
    """`await batch.answer(raw, explain)`: `answer_one`'s result (bytes, or None under a
    process-wide what-if; its exception for a refused scenario), computed with the other
    requests of the same turn."""

    def __init__(self, answer_many: AnswerMany | None = None, max_rows: int = MAX_ROWS) -> None:
        self._answer_many = answer_many
        self.max_rows = max_rows
        # By event loop (an app served by more than one, as test clients do) and explanation.
        self._waiting: dict[tuple[asyncio.AbstractEventLoop, bool], list[Pending]] = {}
        self._scheduled: set[asyncio.AbstractEventLoop] = set()
        self.batches = 0  # frames assessed, and the rows in them (the tests read these)
        self.rows = 0

    async def answer(self, raw: dict[str, Any], explain: bool) -> bytes | None:
        loop = asyncio.get_running_loop()
        future: asyncio.Future[bytes | None] = loop.create_future()
        self._waiting.setdefault((loop, explain), []).append((raw, future))
        if loop not in self._scheduled:  # after every callback already ready: those requests join
            self._scheduled.add(loop)
            loop.call_soon(self._flush, loop)
        return await future

    def _flush(self, loop: asyncio.AbstractEventLoop) -> None:
        self._scheduled.discard(loop)
        # The keys copied in one step (list() of a dict holds the GIL throughout): another
        # loop's thread may add its key meanwhile, and a Python-level walk of the dict then
        # raised "dictionary changed size", leaving this turn's requests unanswered for ever.
        for key in [key for key in list(self._waiting) if key[0] is loop]:
            pending, explain = self._waiting.pop(key), key[1]
            for start in range(0, len(pending), self.max_rows):
                self._assess(pending[start:start + self.max_rows], explain)

    def _many(self) -> AnswerMany:
        if self._answer_many is None:
            from anpo.api.one_answer import answer_many  # numpy and the law: on first use

            self._answer_many = answer_many
        return self._answer_many

    def _assess(self, pending: list[Pending], explain: bool) -> None:
        answer_many = self._many()
        try:
            try:
                answers = answer_many([raw for raw, _ in pending], explain)
                self.batches += 1
                self.rows += len(pending)
            except Exception:
                if len(pending) == 1:
                    raise
                for one in pending:  # one of them is refused: each alone, each its own answer
                    self._assess([one], explain)
                return
            if answers is None:  # a process-wide what-if: the ordinary way answers
                return  # (the futures get None below)
            for (_, future), got in zip(pending, answers, strict=True):
                if not future.done():
                    future.set_result(got)
        except Exception as err:
            for _, future in pending:
                if not future.done():
                    future.set_exception(err)
        finally:
            for _, future in pending:  # never leave a request waiting
                if not future.done():
                    future.set_result(None)


__all__ = ["MAX_ROWS", "TurnBatch"]
