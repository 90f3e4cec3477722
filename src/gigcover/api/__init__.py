"""The HTTP interface (FastAPI): the rules, the parameters, the variables and the advisor as JSON, with OpenAPI.

`create_app()` builds the application; `app` is the default one for `uvicorn gigcover.api:app`
(or `gigcover serve`). The web advisor's HTML pages (gigcover.web) are served by the same app at `/`.
Errors are RFC 9457 problem details (see problems.py).
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from gigcover import __version__, web
from gigcover.advisor.model import default_model
from gigcover.engine.evaluate import Model, calculate
from gigcover.web import console

from .claim_routes import router as claim_router
from .lab_routes import router as lab_router
from .ledger_routes import ledger_of
from .ledger_routes import router as ledger_router
from .limits import BodyLimit, ServiceLimits, route_limit_finder, worker_pool
from .problems import install_problem_handlers, problem_openapi, too_large
from .routes import router
from .schemas import ADVICE_EXAMPLE, TABLE2_EXAMPLE

__all__ = ["DEFAULT_DB_URL", "GigcoverAPI", "ServiceLimits", "app", "create_app"]

DEFAULT_DB_URL = "sqlite:///gigcover.db"

DESCRIPTION = """\
Social protection for China's internet-platform flexible workers (互联网平台灵活就业群体的社会保障):
the law as dated, cited code.

* `POST /v1/calculate` — the calc contract of `gigcover calc`: date, region (place of work), inputs, overrides,
  stand_ins (used only where the place has no value of its own), outputs, trace; optionally a reform `scenario`.
* `POST /v1/advice` — one worker's diagnosis, plan, affordability and what-ifs.
* `GET /v1/parameters`, `GET /v1/parameters/{name}` — every value dated, cited and tagged with its verification
  level (V1 full legal text … UNVERIFIED); regional values fall back city → province → national.
* `GET /v1/variables`, `GET /v1/variables/{name}` — the legal concepts, their inputs and references.
* `POST /v1/lab/runs` — the policy lab's built-in scenarios with edited figures on a calibrated sample (the `/lab`
  page's run as JSON).

Errors are RFC 9457 `application/problem+json` with `type`, `title`, `status`, `detail`, `instance` and the
details needed to fix the request (`field`, `suggestions`, `missing`, `allowed`).

Limits: a body over its endpoint's limit (`x-max-body-bytes` on the operation, else 1 MiB by default) and a calc about
more people than the service answers at once are refused with 413 (`limit`, `unit`); populations belong to the Python
API (`gigcover.compute`) or the CLI.
"""

TAGS: list[dict[str, Any]] = [
    {"name": "rules", "description": "Evaluate the rules for a situation (the calc contract)."},
    {"name": "advisor", "description": "Advice for one worker."},
    {"name": "parameters", "description": "Dated, cited parameter values."},
    {"name": "variables", "description": "Variables: legal concepts with their inputs and references."},
    {"name": "ledger", "description": "Per-order occupational-injury ledger: orders, levies, workers' days, bands."},
    {"name": "policy lab", "description": "What-if runs of the policy lab's scenarios on a calibrated sample."},
    {"name": "operations", "description": "Health of the service."},
]


class GigcoverAPI(FastAPI):
    """FastAPI whose OpenAPI declares error responses as `application/problem+json`."""

    def openapi(self) -> dict[str, Any]:
        if self.openapi_schema is None:
            schema = problem_openapi(super().openapi())
            _document_profile(schema)
        assert self.openapi_schema is not None
        return self.openapi_schema


def _document_profile(schema: dict[str, Any]) -> None:
    """Show the advisor's profile fields in the OpenAPI. The body keeps `profile` a plain object at the HTTP layer
    so that the advisor itself checks it and names the field at fault (`profile.industry`), as the CLI would."""
    from gigcover.advisor.request import Profile

    components = schema.setdefault("components", {}).setdefault("schemas", {})
    profile = Profile.model_json_schema(ref_template="#/components/schemas/{model}")
    components.update(profile.pop("$defs", {}))
    components["AdviceProfile"] = profile
    request = components.get("AdviceRequest")
    if request is not None:
        description = request["properties"]["profile"].get("description", "")
        request["properties"]["profile"] = {"$ref": "#/components/schemas/AdviceProfile", "description": description}


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    """Load the rules when the server starts (not on the first request): bad rule data stops the start."""
    if app.state.model is None:
        app.state.model = default_model()
    _warm_up(app.state.model)
    app.openapi()  # the body limits are read from it (limits.py): built now, not during the first request
    yield


def _warm_up(model: Model) -> None:
    """Answer one example before taking requests: the advisor's modules load and the shared tables are built now, not
    during a worker's first requests (a cold worker's first advice took ~200 ms under load)."""
    from gigcover.advisor import advise

    advise(model, ADVICE_EXAMPLE)
    calculate(model, TABLE2_EXAMPLE)


def create_app(model: Model | None = None, db_url: str | None = None, limits: ServiceLimits | None = None) -> FastAPI:
    """The HTTP application: the JSON API and the web advisor's pages.

    `model`: the rules to serve (default: the shipped model, loaded at start-up or on first use);
    `db_url`: the ledger's database (`app.state.db_url`; default `GIGCOVER_DATABASE_URL`, else the SQLite file);
    `limits`: body sizes, people per calc and worker threads (default: `ServiceLimits.from_env()`).
    """
    app = GigcoverAPI(
        title="gigcover", version=__version__, description=DESCRIPTION, openapi_tags=TAGS, lifespan=_lifespan
    )
    app.state.model = model
    app.state.db_url = db_url or os.environ.get("GIGCOVER_DATABASE_URL") or DEFAULT_DB_URL
    app.state.limits = limits = limits or ServiceLimits.from_env()
    app.state.pool = worker_pool(limits)
    install_problem_handlers(app)
    app.add_middleware(BodyLimit, limit_for=route_limit_finder(app.openapi, limits), refuse=too_large)
    app.include_router(router)
    app.include_router(ledger_router)
    app.include_router(claim_router)
    app.include_router(lab_router)
    _include_web(app)
    return app


def _include_web(app: FastAPI) -> None:
    """The advisor's HTML pages (gigcover.web: `/`, `/advice`) and their local assets under `/static`.
    They are not part of the JSON API's OpenAPI."""
    app.include_router(web.router, include_in_schema=False)
    app.state.open_ledger = ledger_of  # the ledger console (gigcover.web.console) reads the API's ledger
    app.include_router(console.router, include_in_schema=False)
    app.mount("/static", StaticFiles(directory=web.STATIC_DIR), name="static")


app = create_app()
