"""The web advisor: a short form a worker can answer on a phone, and the advice as a page.

Server-rendered (Jinja2), Chinese by default (`?lang=en` for English), every asset served from `STATIC_DIR`
(no CDN, no web fonts), and the whole flow works without JavaScript: the form posts to `/advice`; the language
switch is a link that carries the answers. The app mounts this with `app.include_router(router)` and serves
`/static` from `STATIC_DIR`.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates

from gigcover.advisor.model import default_model
from gigcover.engine.errors import GigcoverError
from gigcover.engine.evaluate import Model
from gigcover.labels import Lang

from .form import GENERAL, OTHER_CITY, Answers, FormErrors, Prepared, birth_years, form_field, prepare
from .text import ENROLMENT_NAMES, INDUSTRY_NAMES, PLATFORM_NAMES, WORK_CITIES
from .view import View, citation_view, is_unverified, item_unverified, unverified_parameters

__all__ = ["STATIC_DIR", "TEMPLATES_DIR", "router"]

PACKAGE_DIR = Path(__file__).resolve().parent
STATIC_DIR: Path = PACKAGE_DIR / "static"
TEMPLATES_DIR: Path = PACKAGE_DIR / "templates"

router = APIRouter(tags=["web"])
templates = Jinja2Templates(directory=str(TEMPLATES_DIR))


def _lang(raw: object) -> Lang:
    return "en" if str(raw or "").lower().startswith("en") else "zh"


def _today() -> dt.date:
    return dt.date.today()


def _static(request: Request, name: str) -> str:
    """A local asset's URL (honours a root path when the app is mounted below one)."""
    return f"{request.scope.get('root_path', '')}/static/{name}"


def _page(request: Request, template: str, lang: Lang, status: int = 200, **context: Any) -> HTMLResponse:
    other: Lang = "en" if lang == "zh" else "zh"
    answers: Answers = context.get("answers") or Answers()
    base = "/advice" if template == "result.html" else "/"
    root = request.scope.get("root_path", "")
    return templates.TemplateResponse(
        request,
        template,
        {
            "lang": lang,
            "v": View(lang),
            "static": lambda name: _static(request, name),
            "root": root,
            "switch_href": f"{root}{base}?{answers.query(other)}",
            "home_href": f"{root}/?{answers.query(lang)}" if not answers.empty else f"{root}/?lang={lang}",
            **context,
        },
        status_code=status,
    )


def _form_page(
    request: Request, lang: Lang, answers: Answers, errors: dict[str, str] | None = None, status: int = 200
) -> HTMLResponse:
    today = _today()
    return _page(
        request,
        "form.html",
        lang,
        status,
        answers=answers,
        errors=errors or {},
        general=GENERAL,
        cities=WORK_CITIES,
        other_city=OTHER_CITY,
        industries=INDUSTRY_NAMES,
        platforms=PLATFORM_NAMES,
        enrolments=ENROLMENT_NAMES,
        years=birth_years(today),
    )


def _model(request: Request) -> Model:
    """The rules the app serves (`app.state.model` when the app set one), else the shipped model."""
    model = getattr(request.app.state, "model", None)
    return model if isinstance(model, Model) else default_model()


def _advise(model: Model, prepared: Prepared) -> dict[str, Any]:
    from gigcover.advisor import advise  # the service layer; imported here so the form loads without it

    result: dict[str, Any] = advise(model, prepared.request)
    return result


async def _answer(request: Request, answers: Answers, lang: Lang) -> HTMLResponse:
    """The result page, or the form again with each problem next to its field (HTTP 422)."""
    try:
        prepared = prepare(answers, lang, _today())
        pool = getattr(request.app.state, "pool", None)  # the service's bounded pool (gigcover.api.limits)
        advice = await asyncio.get_running_loop().run_in_executor(pool, _advise, _model(request), prepared)
    except FormErrors as exc:
        return _form_page(request, lang, answers, exc.errors, status=422)
    except GigcoverError as exc:
        field = form_field(exc.details.get("field"))
        return _form_page(request, lang, answers, {field: exc.message}, status=422)
    unverified = unverified_parameters(advice)
    plan = [
        {
            **item,
            "citations": [citation_view(c) for c in item.get("citations") or []],
            "unverified": item_unverified(item, unverified),
        }
        for item in advice.get("plan") or []
    ]
    any_unverified = bool(unverified) or any(
        item["unverified"] or any(is_unverified(c) for c in item["citations"]) for item in plan
    )
    return _page(
        request,
        "result.html",
        lang,
        answers=answers,
        advice=advice,
        plan=plan,
        prepared=prepared,
        any_unverified=any_unverified,
        unverified=unverified,
        industries=INDUSTRY_NAMES,
    )


@router.get("/", response_class=HTMLResponse, summary="The advisor form (Chinese; ?lang=en for English)")
async def advisor_page(request: Request) -> HTMLResponse:
    params = request.query_params
    return _form_page(request, _lang(params.get("lang")), Answers.from_pairs(params.multi_items()))


@router.post("/advice", response_class=HTMLResponse, summary="The advice page for the form's answers")
async def advice_post(request: Request) -> HTMLResponse:
    form = await request.form()
    lang = _lang(form.get("lang") or request.query_params.get("lang"))
    return await _answer(request, Answers.from_pairs(form.multi_items()), lang)


@router.get("/advice", response_class=HTMLResponse, summary="The advice page for answers in the query string")
async def advice_get(request: Request) -> Response:
    """The same page for answers in the query: what the language switch on the result page links to."""
    params = request.query_params
    lang = _lang(params.get("lang"))
    answers = Answers.from_pairs(params.multi_items())
    if answers.empty:
        return RedirectResponse(f"{request.scope.get('root_path', '')}/?lang={lang}", status_code=303)
    return await _answer(request, answers, lang)
