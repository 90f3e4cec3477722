"""Errors as RFC 9457 problem details (`application/problem+json`), never a traceback or an HTML page.

Every error answer has `type`, `title`, `status`, `detail` and `instance`, plus the engine error's own details
(`field`, `suggestions`, `missing`, `allowed`, ...) as extension members, so a client can show the message as is
and act on the machine-readable parts.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping, Sequence
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from gigcover.engine.errors import DETAIL_CHARS, GigcoverError, clip

logger = logging.getLogger("gigcover.api")

PROBLEM_MEDIA_TYPE = "application/problem+json"
PROBLEM_TYPE_PREFIX = "urn:gigcover:problem:"

# Engine error kind → HTTP status. `unknown_name` is 422 inside a request body (a bad output, input or
# parameter name is a client error in the document sent); path lookups raise PathNotFound to answer 404.
STATUS_BY_KIND: dict[str, int] = {
    "unknown_name": 422,
    "missing_input": 422,
    "invalid_value": 422,
    "invalid_region": 422,
    "not_in_force": 422,
    "too_large": 413,
    "parameter_file": 500,  # the shipped data is broken: a server fault, not the client's
    "model_definition": 500,
}
TITLE_BY_KIND: dict[str, str] = {
    "unknown_name": "Unknown name",
    "missing_input": "Missing input",
    "invalid_value": "Invalid value",
    "invalid_region": "Invalid region",
    "not_in_force": "No value in force",
    "too_large": "Request too large",
    "request_validation": "Request validation failed",
    "malformed_json": "Malformed JSON",
    "server_error": "Internal server error",
}
RESERVED = {"type", "title", "status", "detail", "instance"}


class Problem(BaseModel):
    """RFC 9457 problem details, with gigcover's extension members."""

    model_config = ConfigDict(extra="allow")
    type: str = Field(description="URI identifying the problem type (`urn:gigcover:problem:<kind>` or `about:blank`)")
    title: str = Field(description="short summary of the problem type")
    status: int = Field(description="the HTTP status code")
    detail: str = Field(description="what went wrong in this request, in plain words")
    instance: str = Field(description="the path of the request that failed")
    kind: str | None = Field(None, description="machine-readable error kind (unknown_name, missing_input, ...)")
    field: str | None = Field(None, description="the request field at fault, e.g. `inputs.industry` or `body.date`")
    suggestions: list[str] | None = Field(None, description="closest known names, for an unknown name")
    missing: list[str] | None = Field(None, description="inputs the requested outputs need")
    allowed: list[Any] | None = Field(None, description="the values allowed for the field")
    errors: list[dict[str, Any]] | None = Field(None, description="every validation error: field, message, type")


def problem_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI `responses` entries for the given error statuses (media type fixed up in `problem_openapi`)."""
    return {
        status: {"model": Problem, "description": f"{HTTPStatus(status).phrase} (problem details)"}
        for status in statuses
    }


class ProblemResponse(JSONResponse):
    media_type = PROBLEM_MEDIA_TYPE

    def render(self, content: Any) -> bytes:
        """As JSON; text that UTF-8 cannot carry (a lone surrogate from the request) goes out as `\\uXXXX` escapes."""
        try:
            return super().render(content)
        except UnicodeEncodeError:
            return json.dumps(content, ensure_ascii=True, allow_nan=False, separators=(",", ":")).encode("ascii")


class PathNotFound(Exception):
    """An engine error about a name in the URL path: answered 404 instead of the body's 422."""

    def __init__(self, error: GigcoverError) -> None:
        super().__init__(error.message)
        self.error = error


def problem(
    request_path: str,
    status: int,
    detail: str,
    *,
    kind: str | None = None,
    title: str | None = None,
    extra: Mapping[str, Any] | None = None,
    headers: Mapping[str, str] | None = None,
) -> ProblemResponse:
    body: dict[str, Any] = {
        "type": PROBLEM_TYPE_PREFIX + kind if kind else "about:blank",
        "title": title or TITLE_BY_KIND.get(kind or "", "") or HTTPStatus(status).phrase,
        "status": status,
        "detail": detail,
        "instance": clip(request_path, DETAIL_CHARS),
    }
    if kind:
        body["kind"] = kind
    for key, value in (extra or {}).items():
        if key not in RESERVED and key != "kind":
            body[key] = _plain(value)
    return ProblemResponse(body, status_code=status, headers=dict(headers) if headers else None)


def _plain(value: Any) -> Any:
    """Error details as JSON (they may hold numpy scalars or other objects from the engine)."""
    return json.loads(json.dumps(value, ensure_ascii=False, default=str))


def too_large(scope: Scope, limit: int, declared: int | None) -> ProblemResponse:
    """413 for a body over its route's limit (`declared`: the Content-Length, when the client sent one)."""
    size = f" ({declared:,} bytes)" if declared is not None else ""
    return problem(
        str(scope.get("path", "")),
        413,
        f"the request body{size} is larger than this endpoint takes: at most {limit:,} bytes",
        kind="too_large",
        extra={"field": "body", "limit": limit, "unit": "bytes"},
        headers={"Connection": "close"},
    )


def error_problem(request: Request, error: GigcoverError, status: int | None = None) -> ProblemResponse:
    status = status or STATUS_BY_KIND.get(error.kind, 400)
    if status >= 500:
        logger.error("server-side data error on %s: %s", request.url.path, error.message)
        return problem(request.url.path, status, "the server's rule data could not be used", kind="server_error")
    title = TITLE_BY_KIND.get(error.kind) or HTTPStatus(status).phrase
    return problem(request.url.path, status, error.message, kind=error.kind, title=title, extra=error.details)


def field_name(loc: Sequence[int | str]) -> str:
    """A pydantic error location as a readable field path: ("body", "outputs", 0) → "body.outputs[0]"."""
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


async def _gigcover_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, GigcoverError)
    return error_problem(request, exc)


async def _path_not_found(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, PathNotFound)
    return error_problem(request, exc.error, 404)


async def _validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = list(exc.errors())
    malformed = next((e for e in errors if e.get("type") == "json_invalid"), None)
    if malformed is not None:
        reason = (malformed.get("ctx") or {}).get("error", "JSON decode error")
        position = malformed.get("loc", ("body",))[-1]
        where = f" at character {position}" if isinstance(position, int) else ""
        return problem(
            request.url.path,
            400,
            f"request body is not valid JSON ({reason}{where})",
            kind="malformed_json",
            extra={"field": "body"},
        )
    items = [{"field": _error_field(e), "message": _error_message(e), "type": str(e.get("type", ""))} for e in errors]
    detail = "; ".join(f"{item['field']}: {item['message']}" for item in items) or "the request is not valid"
    return problem(
        request.url.path,
        422,
        detail,
        kind="request_validation",
        extra={"field": items[0]["field"] if items else "body", "errors": items},
    )


def _error_field(error: Mapping[str, Any]) -> str:
    """The field a validation error is about; a fault found in the body as a whole names its own place."""
    where = getattr((error.get("ctx") or {}).get("error"), "field", None)
    loc = tuple(error.get("loc", ()))
    return field_name(loc) + f".{where}" if isinstance(where, str) else field_name(loc)


def _error_message(error: Mapping[str, Any]) -> str:
    found = (error.get("ctx") or {}).get("error")
    if isinstance(found, ValueError) and isinstance(getattr(found, "field", None), str):
        return str(found).partition(": ")[2]
    return clip(str(error.get("msg", "")), DETAIL_CHARS)


BODY_NOT_PARSED = "There was an error parsing the body"  # FastAPI's words when json.loads itself fails


async def _http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    if exc.status_code == 400 and exc.detail == BODY_NOT_PARSED:
        return problem(
            request.url.path,
            400,
            "request body could not be read as JSON (nested too deeply, or a number with too many digits)",
            kind="malformed_json",
            extra={"field": "body"},
        )
    detail = exc.detail if isinstance(exc.detail, str) else HTTPStatus(exc.status_code).phrase
    return problem(request.url.path, exc.status_code, detail, headers=exc.headers)


class CatchAll:
    """Outermost safety net: an unexpected exception becomes a 500 problem without internals (and is logged)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, receive, tracking_send)
        except Exception:
            logger.exception("unexpected error on %s %s", scope.get("method"), scope.get("path"))
            if started:
                raise
            response = problem(
                str(scope.get("path", "")),
                500,
                "an unexpected error occurred; it has been logged",
                kind="server_error",
            )
            await response(scope, receive, send)


def install_problem_handlers(app: FastAPI) -> None:
    app.add_exception_handler(GigcoverError, _gigcover_error)
    app.add_exception_handler(PathNotFound, _path_not_found)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_middleware(CatchAll)


def problem_openapi(schema: dict[str, Any]) -> dict[str, Any]:
    """Declare every error response as `application/problem+json` (FastAPI writes `application/json`)."""
    for path_item in schema.get("paths", {}).values():
        for operation in path_item.values():
            if not isinstance(operation, dict):
                continue
            for status, response in operation.get("responses", {}).items():
                content = response.get("content")
                if status.startswith(("4", "5")) and content and "application/json" in content:
                    content[PROBLEM_MEDIA_TYPE] = content.pop("application/json")
    return schema
