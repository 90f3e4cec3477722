"""The web advisor: a short form a worker can answer on a phone, and the advice as a page.

Server-rendered (Jinja2), Chinese by default (`?lang=en` for English), every asset served from `STATIC_DIR`
(no CDN, no web fonts), and the whole flow works without JavaScript: the form posts to `/advice`. Answers never
travel in a URL (so never in an access log): the language switch and "修改回答" post them back (`POST /` shows the
form with them, `POST /advice` the advice). The app mounts this with `app.include_router(router)` and serves
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
from gigcover.presentation.text import ENROLMENT_NAMES, INDUSTRY_NAMES, PLATFORM_NAMES, WORK_CITIES
from gigcover.presentation.view import View, citation_view, engine_error, is_unverified, item_unverified

from .form import GENERAL, OTHER_CITY, PLACED_SCHEMES, Answers, FormErrors, Prepared, birth_years, form_field, prepare

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
    root = request.scope.get("root_path", "")
    return templates.TemplateResponse(
        request,
        template,
        {
            "lang": lang,
            "other_lang": other,
            "v": View(lang),
            "static": lambda name: _static(request, name),
            "root": root,
            "switch_href": f"{root}/?lang={other}",  # without JavaScript or answers; with answers, a POST
            "hidden_answers": answers.pairs(),
            "page": template.removesuffix(".html"),
            **context,
        },
        status_code=status,
    )


def _affordable_line(model: Model, today: dt.date) -> str:
    """The affordability line the advice uses (a parameter), as the form's hint shows it."""
    from gigcover.advisor.text import percent

    try:
        return percent(float(model.store.lookup("advisor.affordable_share_of_income", today, "000000").value))
    except GigcoverError:
        return "—"


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
        placed=PLACED_SCHEMES,
        line=_affordable_line(_model(request), today),
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
        return _form_page(request, lang, answers, {field: engine_error(exc, lang)}, status=422)
    plan = [
        {
            **item,
            "citations": [citation_view(c) for c in item.get("citations") or []],
            "unverified": item_unverified(item, lang),
        }
        for item in advice.get("plan") or []
    ]
    unverified = list(dict.fromkeys(name for item in plan for name in item["unverified"]))
    any_unverified = bool(unverified) or any(any(is_unverified(c) for c in item["citations"]) for item in plan)
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
        diagnosis_sources=[citation_view(c) for c in advice.get("diagnosis", {}).get("sources") or []],
    )


@router.get("/", response_class=HTMLResponse, summary="The advisor form (Chinese; ?lang=en for English)")
async def advisor_page(request: Request) -> HTMLResponse:
    """The empty form. Answers in the query are ignored: they would sit in the URL and so in access logs."""
    params = request.query_params
    date = params.get("date")
    return _form_page(request, _lang(params.get("lang")), Answers({"date": date} if date else {}))


@router.post("/", response_class=HTMLResponse, summary="The form again with the answers posted (edit, language)")
async def advisor_page_post(request: Request) -> HTMLResponse:
    """The form filled with the posted answers: "修改回答" and the language switch post here (`switch_lang` names the
    language to show)."""
    form = await request.form()
    lang = _lang(form.get("switch_lang") or form.get("lang"))
    return _form_page(request, lang, Answers.from_pairs(form.multi_items()))


@router.post("/advice", response_class=HTMLResponse, summary="The advice page for the form's answers")
async def advice_post(request: Request) -> HTMLResponse:
    form = await request.form()
    lang = _lang(form.get("switch_lang") or form.get("lang") or request.query_params.get("lang"))
    return await _answer(request, Answers.from_pairs(form.multi_items()), lang)


@router.get("/advice", response_class=HTMLResponse, summary="Back to the form (advice is only ever posted)")
async def advice_get(request: Request) -> Response:
    """Answers are never read from a URL: a GET of the advice goes to the empty form in its language."""
    lang = _lang(request.query_params.get("lang"))
    return RedirectResponse(f"{request.scope.get('root_path', '')}/?lang={lang}", status_code=303)


from .data import router as _data_router  # noqa: E402 — the data-coverage page (/data), in its own module

router.include_router(_data_router)

from .lab import router as _lab_router  # noqa: E402 — the policy lab's analyst page (/lab)

router.include_router(_lab_router)
