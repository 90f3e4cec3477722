"""What one request may ask of the service: body size, people per calc, and the bounded pool the rules run on.

No request of any size or shape may stall the service or make it fail:

* a body larger than its route's limit is refused with 413 before it is parsed — at once when `Content-Length` says so,
  else as soon as the bytes read pass the limit (a body is never held beyond the limit);
* a calc asks about at most `max_people` people (`max_traced_people` with a trace); more is a job for the Python API
  (`gigcover.compute`) or the CLI, which split a population into chunks;
* the rules run on a bounded pool of worker threads, never on the event loop, so `/healthz` and small requests are
  answered while a large one is computed.

Configuration: `create_app(limits=ServiceLimits(...))`, or the environment (`ServiceLimits.from_env`), which is what
`gigcover serve --max-body-bytes/--max-people/--threads` sets for every server process. A route may declare its own
body limit with `openapi_extra=body_limit(n)` (shown in the OpenAPI as `x-max-body-bytes`), e.g. a batch upload; a
route left out of the OpenAPI takes the default unless `route_body_bytes` names it.
"""

from __future__ import annotations

import asyncio
import os
import re
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, TypeVar

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from gigcover.engine.errors import GigcoverError

__all__ = [
    "BODY_LIMIT_KEY",
    "BodyLimit",
    "LimitExceeded",
    "ServiceLimits",
    "body_limit",
    "count_people",
    "run_bounded",
]

KIB = 1024
MIB = 1024 * KIB
BODY_LIMIT_KEY = "x-max-body-bytes"
"""The OpenAPI extension (on an operation) that states, and sets, that route's body limit in bytes."""

ENV_MAX_BODY_BYTES = "GIGCOVER_MAX_BODY_BYTES"
ENV_ROUTE_BODY_BYTES = "GIGCOVER_ROUTE_BODY_BYTES"
ENV_MAX_PEOPLE = "GIGCOVER_MAX_PEOPLE"
ENV_MAX_TRACED_PEOPLE = "GIGCOVER_MAX_TRACED_PEOPLE"
ENV_THREADS = "GIGCOVER_THREADS"

T = TypeVar("T")


def body_limit(n_bytes: int) -> dict[str, Any]:
    """`openapi_extra` for a route whose bodies may be larger (or must be smaller) than the default limit."""
    return {BODY_LIMIT_KEY: n_bytes}


class LimitExceeded(GigcoverError):
    """A request larger than the service takes (HTTP 413): `limit` and `unit` say how much it may be."""

    kind = "too_large"


@dataclass(frozen=True)
class ServiceLimits:
    """The limits one server process applies. Defaults fit one worker's advice (≈1 KB) with room to spare and a calc
    about ten thousand people (≈ 60 KB of booleans per input); the Python API and the CLI have no such limits."""

    max_body_bytes: int = 1 * MIB
    route_body_bytes: Mapping[str, int] = field(default_factory=dict)
    """`"METHOD /path"` (or `"/path"` for every method) → bytes, over what the route itself declares."""
    max_people: int = 10_000
    max_traced_people: int = 100
    """With `trace: true` each person's answer carries every formula, input and parameter (≈ 100 KB a person)."""
    threads: int = 4
    """Worker threads for the rules: at most this many requests are computed at once; the others wait their turn."""

    def __post_init__(self) -> None:
        for name in ("max_body_bytes", "max_people", "max_traced_people", "threads"):
            if int(getattr(self, name)) < 1:
                raise ValueError(f"{name}: expected a whole number ≥ 1, got {getattr(self, name)}")

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> ServiceLimits:
        """Limits from `GIGCOVER_MAX_BODY_BYTES`, `GIGCOVER_ROUTE_BODY_BYTES` ("POST /v1/x=8388608,/v1/y=1024"),
        `GIGCOVER_MAX_PEOPLE`, `GIGCOVER_MAX_TRACED_PEOPLE` and `GIGCOVER_THREADS`; defaults for the rest."""
        env = os.environ if env is None else env
        default = cls()
        return cls(
            max_body_bytes=_whole(env, ENV_MAX_BODY_BYTES, default.max_body_bytes),
            route_body_bytes=_routes(env.get(ENV_ROUTE_BODY_BYTES, "")),
            max_people=_whole(env, ENV_MAX_PEOPLE, default.max_people),
            max_traced_people=_whole(env, ENV_MAX_TRACED_PEOPLE, default.max_traced_people),
            threads=_whole(env, ENV_THREADS, default.threads),
        )

    def as_env(self) -> dict[str, str]:
        """The environment that gives these limits to server processes started by uvicorn (`--workers N`)."""
        routes = ",".join(f"{route}={n}" for route, n in self.route_body_bytes.items())
        return {
            ENV_MAX_BODY_BYTES: str(self.max_body_bytes),
            ENV_ROUTE_BODY_BYTES: routes,
            ENV_MAX_PEOPLE: str(self.max_people),
            ENV_MAX_TRACED_PEOPLE: str(self.max_traced_people),
            ENV_THREADS: str(self.threads),
        }


def _whole(env: Mapping[str, str], name: str, default: int) -> int:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    if not raw.isdigit() or int(raw) < 1:
        raise ValueError(f"{name}: expected a whole number ≥ 1, got {raw[:40]!r}")
    return int(raw)


def _routes(raw: str) -> dict[str, int]:
    out: dict[str, int] = {}
    for item in filter(None, (part.strip() for part in raw.split(","))):
        route, _, size = item.rpartition("=")
        if not route or not size.strip().isdigit() or int(size) < 1:
            raise ValueError(f"{ENV_ROUTE_BODY_BYTES}: expected ROUTE=BYTES[,ROUTE=BYTES], got {item[:60]!r}")
        out[route.strip()] = int(size)
    return out


# -- body size ---------------------------------------------------------------------------------------------
class BodyLimit:
    """ASGI middleware: reads a request's body up to its route's limit and hands it on; past the limit it answers
    413 problem+json without reading further (and without calling the application)."""

    def __init__(self, app: ASGIApp, limit_for: Callable[[Scope], int], refuse: Callable[..., Any]) -> None:
        self.app = app
        self.limit_for = limit_for
        self.refuse = refuse

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.limit_for(scope)
        declared = _content_length(scope)
        if declared is not None and declared > limit:
            await self.refuse(scope, limit, declared)(scope, receive, send)
            return
        messages: list[Message] = []
        received = 0
        while True:
            message = await receive()
            messages.append(message)
            if message["type"] != "http.request":
                break  # the client left: the application sees the disconnect
            received += len(message.get("body", b""))
            if received > limit:
                await self.refuse(scope, limit, None)(scope, receive, send)
                return
            if not message.get("more_body", False):
                break
        await self.app(scope, _replay(messages, receive), send)


def _content_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", ()):
        if name == b"content-length":
            text = value.decode("latin-1").strip()
            return int(text) if text.isdigit() else None
    return None


def _replay(messages: list[Message], receive: Receive) -> Receive:
    pending = list(messages)

    async def replayed() -> Message:
        return pending.pop(0) if pending else await receive()

    return replayed


def route_limit_finder(openapi: Callable[[], dict[str, Any]], limits: ServiceLimits) -> Callable[[Scope], int]:
    """The body limit for a request: the configured one for its route (`route_body_bytes`), else the one its
    operation declares in the OpenAPI (`openapi_extra=body_limit(n)`), else the default. The table is built from
    the OpenAPI on first use (a route's declaration and its documentation are one thing)."""
    table: list[tuple[str, re.Pattern[str], int]] = []

    def limit_for(scope: Scope) -> int:
        if not table:
            table.extend(_limit_table(openapi(), limits))
        method, path = str(scope.get("method", "")).lower(), str(scope.get("path", ""))
        for route_method, pattern, limit in table:
            if route_method == method and pattern.fullmatch(path):
                return limit
        return limits.max_body_bytes

    return limit_for


def _limit_table(schema: Mapping[str, Any], limits: ServiceLimits) -> list[tuple[str, re.Pattern[str], int]]:
    rows: list[tuple[str, re.Pattern[str], int]] = []
    for template, operations in (schema.get("paths") or {}).items():
        pattern = re.compile(re.sub(r"\\\{[^/]+?\\\}", "[^/]+", re.escape(template)))
        for method, operation in operations.items():
            configured = limits.route_body_bytes.get(
                f"{method.upper()} {template}", limits.route_body_bytes.get(template)
            )
            declared = operation.get(BODY_LIMIT_KEY) if isinstance(operation, dict) else None
            limit = configured or declared
            if limit:
                rows.append((method.lower(), pattern, int(limit)))
    for route, limit in limits.route_body_bytes.items():  # configured routes the OpenAPI does not show
        method, _, template = route.rpartition(" ")
        pattern = re.compile(re.sub(r"\\\{[^/]+?\\\}", "[^/]+", re.escape(template)))
        for each in [method.lower()] if method else ["get", "post", "put", "patch", "delete"]:
            rows.append((each, pattern, limit))
    return rows


# -- people per calc ---------------------------------------------------------------------------------------
def count_people(inputs: Mapping[str, Any]) -> int:
    """How many people a calc's inputs ask about: the most values any input gives (lists inside lists counted
    element by element; a record such as one contribution history is one person)."""
    return max((_values(value) for value in inputs.values()), default=1)


def _values(value: Any) -> int:
    if not isinstance(value, list):
        return 1
    if not any(isinstance(item, list) for item in value):
        return len(value)
    return sum(_values(item) for item in value)


# -- the bounded pool ------------------------------------------------------------------------------------
def worker_pool(limits: ServiceLimits) -> ThreadPoolExecutor:
    return ThreadPoolExecutor(max_workers=limits.threads, thread_name_prefix="gigcover-rules")


async def run_bounded(pool: ThreadPoolExecutor, function: Callable[..., T], *args: Any) -> T:
    """`function(*args)` on the pool's threads; the event loop stays free for other requests meanwhile.

    The rules are Python and numpy: a thread holding the GIL gives it up every few milliseconds (and numpy releases
    it in its loops), so the loop answers `/healthz` within milliseconds while a large calc runs."""
    return await asyncio.get_running_loop().run_in_executor(pool, lambda: function(*args))
