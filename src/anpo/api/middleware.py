"""ASGI middleware: trusted hosts, security headers, request body size limit and read
timeout, strict JSON bodies, and the token."""

from __future__ import annotations

import asyncio
import hmac
import json
import math
import re
from typing import TYPE_CHECKING, Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

if TYPE_CHECKING:
    from anpo.api.list_pool import ListPool

WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


async def _reply(
    send: Send, status: int, detail: str, headers: list[tuple[bytes, bytes]] | None = None
) -> None:
    body = json.dumps({"detail": detail}).encode()
    await send({
        "type": "http.response.start", "status": status,
        "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
                    *(headers or [])],
    })
    await send({"type": "http.response.body", "body": body})


class _TooLarge(Exception):
    pass


def _host_name(scope: Scope) -> str | None:
    for name, value in scope.get("headers", []):
        if name == b"host":
            host = value.decode("latin-1").strip().lower()
            if host.startswith("["):  # [::1]:8765
                return host[1:host.find("]")] if "]" in host else None
            return host.rsplit(":", 1)[0] if host.count(":") == 1 else host
    return None


class TrustedHost:
    """Refuse (400) requests whose Host is not one this server answers to: a page on another
    origin whose name resolves to 127.0.0.1 (DNS rebinding) cannot read or queue anything."""

    def __init__(self, app: ASGIApp, hosts: frozenset[str] | None) -> None:
        self.app = app
        self.hosts = hosts

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if self.hosts is not None and scope["type"] == "http" and _host_name(scope) not in self.hosts:
            await _reply(send, 400, "this server does not answer to that Host name "
                         "(ANPO_ALLOWED_HOSTS lists more)")
            return
        await self.app(scope, receive, send)


CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self'; object-src 'none'; "
    "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
SECURITY_HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"cross-origin-resource-policy", b"same-origin"),
]


class SecurityHeaders:
    """On every response: a CSP with no inline script and no framing, nosniff, no referrer."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(msg: Message) -> None:
            if msg["type"] == "http.response.start":
                names = {n for n, _ in SECURITY_HEADERS}
                msg["headers"] = [*(h for h in msg.get("headers", []) if h[0] not in names),
                                  *SECURITY_HEADERS]
            await send(msg)

        await self.app(scope, receive, with_headers)


class _TooSlow(Exception):
    pass


class BodyLimit:
    """Answer 413 when a request body exceeds `max_bytes` (declared or streamed), and 408
    when a part of it takes longer than `read_timeout_s` to arrive (a slow client does not
    hold a worker)."""

    def __init__(self, app: ASGIApp, max_bytes: int, read_timeout_s: float = 30.0) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.read_timeout_s = read_timeout_s

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        for name, value in scope.get("headers", []):
            if name == b"content-length":
                try:
                    declared = int(value)
                except ValueError:
                    await _reply(send, 400, "invalid content-length")
                    return
                if declared > self.max_bytes:
                    await _reply(send, 413, f"request body over {self.max_bytes} bytes")
                    return
        seen = 0
        started = False

        async def limited() -> Message:
            nonlocal seen
            try:
                async with asyncio.timeout(self.read_timeout_s):  # a timer, not a task a message
                    msg = await receive()
            except TimeoutError:
                raise _TooSlow from None
            if msg["type"] == "http.request":
                seen += len(msg.get("body", b""))
                if seen > self.max_bytes:
                    raise _TooLarge
            return msg

        async def tracking(msg: Message) -> None:
            nonlocal started
            if msg["type"] == "http.response.start":
                started = True
            await send(msg)

        try:
            await self.app(scope, limited, tracking)
        except _TooLarge:
            if not started:
                await _reply(send, 413, f"request body over {self.max_bytes} bytes")
        except _TooSlow:
            if not started:
                await _reply(send, 408, f"the request body did not arrive within {self.read_timeout_s:g} s")


class _BadJson(ValueError):
    pass


def _finite(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise _BadJson("numbers must be finite (a number overflows)")
    return value


def _constant(name: str) -> float:
    raise _BadJson(f"numbers must be finite ({name} is not JSON)")


_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"')
_SURROGATE = re.compile(rb"\\u[dD][89a-fA-F]|\xed[\xa0-\xbf]")  # an escape, or raw bytes
MAX_DEPTH = 64


def _may_hold_surrogates(body: bytes) -> bool:
    if b"\\" not in body and b"\xed" not in body:  # one-byte searches (memchr): an escape needs a backslash
        return False
    return _SURROGATE.search(body) is not None


_LONG_DIGITS = re.compile(rb"[0-9]{309}")  # a number this long may overflow to infinity


def _shape(body: bytes) -> tuple[int, bool]:
    """How deeply arrays and objects nest in a JSON text (with at most MAX_DEPTH openings,
    their count: a bound that says it is not too deep, without numpy), and whether a number
    in it may not be finite (NaN, Infinity, an exponent, 309 digits), both outside strings:
    C-speed scans, a few milliseconds for a list of 1,000 scenarios."""
    bare = _STRING.sub(b'""', body)
    words = bare.replace(b"true", b"").replace(b"false", b"")
    odd = any(c in words for c in (b"e", b"E", b"N", b"I")) or _LONG_DIGITS.search(words) is not None
    opened = bare.count(b"[") + bare.count(b"{")
    if opened <= MAX_DEPTH:  # nesting is at most the count of openings (one small scenario)
        return opened, odd
    import numpy as np

    codes = np.frombuffer(bare, np.uint8)
    if not len(codes):
        return 0, odd
    step = ((codes == 91) | (codes == 123)).astype(np.int32) - ((codes == 93) | (codes == 125))
    return int(np.cumsum(step).max()), odd


def _json_problem(body: bytes) -> tuple[list[str | int], str] | None:
    """Why a JSON body is refused (location, message), or None."""
    return strict_json(body)[1]


def strict_json(body: bytes) -> tuple[Any, tuple[list[str | int], str] | None]:
    """(the document, None), or (None, why it is refused: location, message). Never quotes
    the input. The bytes are scanned first; only a body that may hold a non-finite number is
    parsed with checking hooks, and only one that may nest too deeply or hold lone surrogates
    is walked for the field to name."""
    from anpo.io.documents import DocumentError, check_values

    depth, odd = _shape(body)
    deep = depth > MAX_DEPTH
    hooks: dict[str, Any] = {"parse_float": _finite, "parse_constant": _constant} if odd else {}
    try:
        doc = json.loads(body, **hooks)
    except _BadJson as err:
        return None, (["body"], str(err))
    except json.JSONDecodeError as err:
        return None, (["body"], f"malformed JSON at line {err.lineno}, column {err.colno}: {err.msg}")
    except RecursionError:
        return None, (["body"], f"nested deeper than {MAX_DEPTH} levels")
    except ValueError as err:  # not UTF-8; an integer of more than 4,300 digits
        return None, (["body"], f"malformed JSON: {str(err).split(':')[0]}")
    if not deep and not _may_hold_surrogates(body):
        return doc, None
    try:
        check_values(doc, "body", MAX_DEPTH)
    except DocumentError as err:
        loc: list[str | int] = ["body"]
        if err.row is not None:
            loc.append(err.row)
        if err.field != "document":
            loc.extend(err.field.split("."))
        return None, (loc, err.reason)
    return doc, None


class StrictJson:
    """JSON request bodies parsed strictly before any route sees them: NaN, Infinity and
    numbers that overflow to infinity, lone surrogates, nesting over 64 levels and integers
    too long to convert are 422 naming where, with no echo of the value (which could not be
    encoded in the answer). The body, already bounded by BodyLimit, is then replayed."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope.get("method") not in WRITE_METHODS:
            await self.app(scope, receive, send)
            return
        body = await _whole_body(receive)
        if body is None:
            await self.app(scope, receive, send)  # a disconnect: let the app see it
            return
        if body.strip():
            problem = _json_problem(body)
            if problem is not None:
                loc, msg_text = problem
                detail: Any = [{"loc": loc, "msg": msg_text, "type": "json_invalid"}]
                await _reply_json(send, 422, {"detail": detail})
                return
        await self.app(scope, _replayed(body, receive), send)


async def _whole_body(receive: Receive) -> bytes | None:
    """The request's body, every chunk read; None if the connection ends first (a disconnect)."""
    chunks = []
    more = True
    while more:
        msg = await receive()
        if msg["type"] != "http.request":
            return None
        chunks.append(msg.get("body", b""))
        more = bool(msg.get("more_body", False))
    return b"".join(chunks)


def _replayed(body: bytes, receive: Receive) -> Receive:
    """A receive that gives the app the body already read, then the connection's own events."""
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay


async def _reply_json(send: Send, status: int, payload: object) -> None:
    body = json.dumps(payload).encode()
    await send({
        "type": "http.response.start", "status": status,
        "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())],
    })
    await send({"type": "http.response.body", "body": body})


STORED_DATA = ("/v1/simulations", "/v1/runs", "/v1/assessments")


def needs_token(method: str, path: str) -> bool:
    """Writes, and reads of stored data (runs, saved assessments)."""
    return method in WRITE_METHODS or path.startswith(STORED_DATA)


class ListSlots:
    """At most `slots` list assessments (POST /v1/assess or /v1/assessments with a body over
    4 KiB) computed at once; the others wait here, on the event loop, holding no worker
    thread, so a burst of large lists cannot take every thread (and the CPU) from single
    requests. The wait is bounded too: beyond `max_waiting` lists in all, or
    `max_waiting_per_client` from one client address, the answer is 429 with Retry-After.
    With a running `pool`, a slot's `POST /v1/assess` is computed in a worker process
    (`anpo.api.list_pool`): one slot a worker, and the event loop keeps the GIL."""

    LARGE = 4096
    PATHS = ("/v1/assess", "/v1/assessments")

    def __init__(self, app: ASGIApp, slots: int, max_waiting: int = 64,
                 max_waiting_per_client: int = 32, pool: ListPool | None = None) -> None:
        self.app = app
        self.slots = asyncio.Semaphore(slots)
        self.max_waiting = max_waiting
        self.max_waiting_per_client = max_waiting_per_client
        self.waiting: dict[str, int] = {}
        self.pool = pool  # when running: POST /v1/assess lists answered in worker processes

    def _large(self, scope: Scope) -> bool:
        if scope["type"] != "http" or scope.get("method") != "POST" or scope.get("path") not in self.PATHS:
            return False
        for name, value in scope.get("headers", []):
            if name == b"content-length":
                return value.isdigit() and int(value) > self.LARGE
        return True  # streamed without a length: count it as large

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if not self._large(scope):
            await self.app(scope, receive, send)
            return
        client = (scope.get("client") or ("", 0))[0]
        mine = self.waiting.get(client, 0)
        if sum(self.waiting.values()) >= self.max_waiting or mine >= self.max_waiting_per_client:
            await _reply(send, 429, "too many list assessments waiting; retry later",
                         [(b"retry-after", b"2")])
            return
        self.waiting[client] = mine + 1
        try:
            async with self.slots:
                if self.pool is not None and self.pool.running and _pooled(scope):
                    await self._in_worker(self.pool, scope, receive, send)
                else:
                    await self.app(scope, receive, send)
        finally:
            self.waiting[client] -= 1
            if not self.waiting[client]:
                del self.waiting[client]


    async def _in_worker(self, pool: ListPool, scope: Scope, receive: Receive, send: Send) -> None:
        """Read the body (BodyLimit bounds it) and have a worker process answer; what it does
        not answer goes the ordinary way, with the body replayed."""
        body = await _whole_body(receive)
        if body is None:
            return  # the client went away
        answer = await pool.answer(body, scope.get("query_string", b"").decode("latin-1"))
        if answer is not None:
            await send({"type": "http.response.start", "status": 200,
                        "headers": [(b"content-type", b"application/json"),
                                    (b"content-length", str(len(answer)).encode())]})
            await send({"type": "http.response.body", "body": answer})
            return
        await self.app(scope, _replayed(body, receive), send)


class OneScenario:
    """`POST /v1/assess` with one valid scenario, answered without FastAPI's routing and
    dependency solving (about a quarter of such a request's time in process: 1.29x, paired):
    the body is checked as `StrictJson` checks it, validated with the route's own body field,
    and answered with the route's own `answer` (under the actual law with `fields=full`, by
    `anpo.api.one_answer`, which remembers the answer's legal part: the same bytes). Anything
    else (a list, a body over 4 KiB, an
    unusual query, a body or answer that is an error) goes the ordinary way with the body
    replayed, and gets the same answer or the same 422 as before. It runs on the event loop:
    handing it to an idle list worker cost more CPU a request (0.5 ms here and 1.5 ms there,
    against 1.4 ms in all) and answered fewer a second on two shared CPUs (394 against 642
    req/s offered 1,000, one 5 s window each, load 3-5). Sits inside the door (host, rate
    limit, body limit, token) like every route."""

    PATH = "/v1/assess"

    def __init__(self, app: ASGIApp) -> None:
        from anpo.api.turn_batch import TurnBatch

        self.app = app
        self._field: Any = None
        self.answered = 0  # requests answered here (the tests read it)
        self.batch = TurnBatch()  # the scenarios ready in one turn: one frame

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (scope["type"] != "http" or scope.get("method") != "POST" or scope.get("path") != self.PATH
                or not _small_json(scope)):
            await self.app(scope, receive, send)
            return
        body = await _whole_body(receive)
        if body is None:
            await self.app(scope, receive, send)  # a disconnect: let the app see it
            return
        query = scope.get("query_string", b"").decode("latin-1")
        answer = await self._answer(body, query)
        if answer is None:
            await self.app(scope, _replayed(body, receive), send)
            return
        self.answered += 1
        await send({"type": "http.response.start", "status": 200,
                    "headers": [(b"content-length", str(len(answer)).encode()),
                                (b"content-type", b"application/json")]})
        await send({"type": "http.response.body", "body": answer})

    async def _answer(self, body: bytes, query: str) -> bytes | None:
        from anpo.api.list_pool import _body_field, _query
        from anpo.api.routes import assess as route

        params = _query(query)
        if params is None:
            return None
        doc, problem = strict_json(body)
        if problem is not None or type(doc) is not dict:
            return None
        if self._field is None:
            self._field = _body_field(route)
            if self._field is None:
                return None
        value, errors = self._field.validate(doc, {}, loc=("body",))
        if errors:
            return None
        try:
            if params["fields"] == "full" and not (params["without"] or params["in_force"]):
                # The actual law: the legal part of the answer is remembered (same bytes), and
                # the scenarios of requests ready in the same turn are assessed as one frame.
                explain = params["explain"]
                answer = await self.batch.answer(value.raw(), True if explain is None else explain)
                if answer is not None:
                    return answer
            response = route.answer(value, params["explain"], params["without"], params["in_force"],
                                    params["fields"])
        except Exception:  # an InputError (or a bug): the ordinary way raises it again and answers
            return None
        return bytes(response.body)


def _small_json(scope: Scope) -> bool:
    """A body FastAPI reads as JSON (see _pooled) that declares at most ListSlots.LARGE bytes."""
    small = False
    for name, value in scope.get("headers", []):
        if name == b"content-length":
            small = value.isdigit() and int(value) <= ListSlots.LARGE
    return small and _json_body(scope)


def _pooled(scope: Scope) -> bool:
    """A list assessment a worker process may answer: POST /v1/assess with a JSON body."""
    return scope.get("path") == "/v1/assess" and _json_body(scope)


def _json_body(scope: Scope) -> bool:
    """A body FastAPI reads as JSON: no content type, or application/json or */*+json."""
    for name, value in scope.get("headers", []):
        if name == b"content-type":
            kind = value.decode("latin-1").split(";", 1)[0].strip().lower()
            return kind == "application/json" or (kind.startswith("application/") and kind.endswith("+json"))
    return True


class WriteToken:
    """When a token is set, every write and every read of stored data must carry
    `Authorization: Bearer <token>`."""

    def __init__(self, app: ASGIApp, token: str | None) -> None:
        self.app = app
        self.token = token

    def _authorized(self, scope: Scope) -> bool:
        assert self.token is not None
        for name, value in scope.get("headers", []):
            if name == b"authorization":
                given = value.decode("latin-1")
                if given.startswith("Bearer "):
                    return hmac.compare_digest(given[7:].encode(), self.token.encode())
        return False

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            self.token
            and scope["type"] == "http"
            and needs_token(scope.get("method", ""), scope.get("path", ""))
            and not self._authorized(scope)
        ):
            await _reply(send, 401, "this server needs a token for writes and stored data: "
                         "Authorization: Bearer <token>",
                         [(b"www-authenticate", b"Bearer")])
            return
        await self.app(scope, receive, send)


__all__ = ["BodyLimit", "ListSlots", "OneScenario", "SecurityHeaders", "StrictJson", "TrustedHost",
           "WriteToken"]
