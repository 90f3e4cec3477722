"""The data-coverage page, `/data`: how well each province (at its capital) and 计划单列市 is known, family by family
and year by year, with the data targets beside the counts — the table of `gigcover params coverage` as a page.

Chinese by default (`?lang=en` for English); `?family=<key>` (repeatable) and `?year=<YYYY>` (repeatable) narrow the
table as the command's options do; a bad one gives the page with the problem named (HTTP 422) and no table.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from starlette.concurrency import run_in_threadpool

from gigcover import coverage_report
from gigcover.advisor.model import default_model
from gigcover.engine.errors import GigcoverError, InputValueError
from gigcover.engine.evaluate import Model
from gigcover.labels import Lang
from gigcover.presentation.view import View

__all__ = ["router"]

router = APIRouter(tags=["web"])
templates = Jinja2Templates(directory=str(Path(__file__).resolve().parent / "templates"))

WORDS: dict[str, tuple[str, str]] = {
    "title": ("各地数据覆盖", "Data coverage by place"),
    "intro": (
        "本工具按地区使用的各项数值（计发基数、缴费基数上下限、平均工资、灵活就业医保等）并非每个省份、每个年份都已录入。"
        "下表列出每个省（以省会城市查询）和计划单列市在各年份是否有本地数值，以及其核实等级。"
        "没有本地数值时，计算改用全国数值或按规则推算，或沿用往年公布值，结果中会有提示。",
        "The figures this tool uses by place (pension benefit base, contribution band, average wage, flexible-worker "
        "medical and others) are not yet entered for every province and year. The table shows, for each province "
        "(looked up at its capital) and each 计划单列市, whether a local figure is known for the year and how well it "
        "is verified. Where none is known, answers use a national figure or the rule, or carry an older figure "
        "forward, and say so in their notes.",
    ),
    "targets": ("数据目标", "Data targets"),
    "families": ("数值类别", "Families of figures"),
    "place": ("地区", "Place"),
    "total": ("合计（31 省）", "Total (31 provinces)"),
    "legend": (
        "V1：法律原文；V2：官方页面；V3：二手来源；UNVERIFIED：未核实；↑：沿用所属省份的数值；"
        "已查：已检索但未找到（见 missing.yaml）；—：暂无。",
        "V1: legal text; V2: official page; V3: secondary source; UNVERIFIED: not confirmed; ↑: the province's "
        "value; searched: searched and not found (see missing.yaml); —: none yet.",
    ),
    "searched": ("已查", "searched"),
    "levels": ("全部数值的核实等级", "Verification of all values"),
    "back": ("返回顾问", "Back to the advisor"),
    "error_title": ("请求有误", "Bad request"),
    "bad_year": (
        "年份“{value}”不对：请填 1990 到 2100 之间的年份。",
        "Year “{value}” is not a year between 1990 and 2100.",
    ),
    "bad_family": (
        "没有“{value}”这一类数值；可选：{allowed}。",
        "“{value}” is not a family of figures; one of: {allowed}.",
    ),
    "bad_filter": ("筛选条件有误，请检查。", "A filter is not valid; please check it."),
}

SHOWN_CHARACTERS = 20  # of a bad value, echoed back: never more than a short prefix


def filter_error(exc: GigcoverError, lang: Lang, given: dict[str, list[str]]) -> str:
    """A bad filter named in the page's language (the engine's message is English and names internal keys)."""
    field = str(exc.details.get("field") or "")
    if field not in ("year", "family"):
        return word("bad_filter", lang)
    valid = set(coverage_report.FAMILY_KEYS) if field == "family" else {str(y) for y in range(1990, 2101)}
    bad = next((v for v in given.get(field, []) if v not in valid), "")
    allowed = ", ".join(coverage_report.FAMILY_KEYS)
    return word(f"bad_{field}", lang).format(value=bad[:SHOWN_CHARACTERS], allowed=allowed)


def word(key: str, lang: Lang) -> str:
    zh, en = WORDS[key]
    return zh if lang == "zh" else en


def _lang(raw: object) -> Lang:
    return "en" if str(raw or "").lower().startswith("en") else "zh"


def _model(request: Request) -> Model:
    model = getattr(request.app.state, "model", None)
    return model if isinstance(model, Model) else default_model()


def _years(raw: list[str]) -> list[int] | None:
    years = []
    for text in raw:
        if not (text.isdigit() and 1990 <= int(text) <= 2100):
            raise InputValueError(f"year: {text!r} is not a year between 1990 and 2100", field="year")
        years.append(int(text))
    return years or None


def cell_text(cell: dict[str, Any], lang: Lang) -> str:
    """What a cell shows: the level (↑ when the value is the province's), 已查 for a recorded search, — for none."""
    if cell["level"]:
        return str(cell["level"]) + ("" if cell["own"] else "↑")
    if cell["searched"]:
        return word("searched", lang)
    return "—" if cell["expected"] else ""


def cell_class(cell: dict[str, Any]) -> str:
    level = cell["level"]
    if not level:
        return "cov-none" if cell["expected"] else "cov-na"
    return "cov-strong" if level in ("V1", "V2") else "cov-weak" if level == "V3" else "cov-unverified"


@router.get("/data", response_class=HTMLResponse, summary="Data coverage by province and year (Chinese; ?lang=en)")
async def data_page(request: Request) -> HTMLResponse:
    params = request.query_params
    lang = _lang(params.get("lang"))
    families = params.getlist("family")
    query = urlencode([(k, v) for k, v in params.multi_items() if k in ("family", "year")])
    other: Lang = "en" if lang == "zh" else "zh"
    root = request.scope.get("root_path", "")
    context: dict[str, Any] = {
        "lang": lang,
        "v": View(lang),
        "w": lambda key: word(key, lang),
        "cell_text": lambda cell: cell_text(cell, lang),
        "cell_class": cell_class,
        "static": lambda name: f"{root}/static/{name}",
        "root": root,
        "switch_href": f"{root}/data?lang={other}" + (f"&{query}" if query else ""),
        "home_href": f"{root}/?lang={lang}",
        "data": None,
        "error": None,
    }
    status = 200
    try:
        years = _years(params.getlist("year"))
        context["data"] = await run_in_threadpool(coverage_report.report, _model(request), families or None, years)
    except GigcoverError as exc:
        given = {"year": params.getlist("year"), "family": families}
        context["error"], status = filter_error(exc, lang, given), 422
        context["switch_href"] = f"{root}/data?lang={other}"  # the bad filters are not carried into the link
    return templates.TemplateResponse(request, "data.html", context, status_code=status)
