"""The policy lab's analyst page, `/lab` (政策实验室): pick built-in scenarios, edit a few key figures, run them on a
calibrated sample of the synthetic population and read the report's charts.

Chinese by default (`?lang=en` for English). The run is posted (`POST /lab`), never put in a URL; the language switch
posts the form back (with `switch_lang`), and a run already made is shown again from the cache in the other language.
A bad value gives the form again with each problem beside its field (HTTP 422), every value kept, nothing run or
cached. The run itself is `gigcover.policylab.whatif` (the CLI's `simulate` and the report's charts) on the service's
bounded pool of worker threads, one lab run at a time, so `/healthz` and the advisor stay responsive; `POST
/v1/lab/runs` (gigcover.api.lab_routes) is the same run as JSON.
"""

from __future__ import annotations

import asyncio
import math
import unicodedata
from collections import OrderedDict
from collections.abc import Iterable
from functools import partial
from typing import Any

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from pydantic import ValidationError
from starlette.datastructures import FormData

from gigcover.engine.errors import GigcoverError
from gigcover.labels import Lang
from gigcover.policylab.report import HEADLINE, shown
from gigcover.policylab.whatif import (
    BUILTIN,
    DEFAULT_SIZE,
    ELASTICITY_RANGE,
    MAX_MEDICAL_RATE,
    MAX_PER_ORDER,
    MIN_SIZE,
    SEED,
    LabInputError,
    LabLimits,
    LabResult,
    LabRunRequest,
    LabTooLong,
    prepare,
    run,
)
from gigcover.presentation.view import View

from . import TEMPLATES_DIR

__all__ = ["LabFormErrors", "lab_limits", "router", "run_lab"]

router = APIRouter(tags=["web"])
templates = Jinja2Templates(directory=str(TEMPLATES_DIR))

RESULTS_KEPT = 8
"""Runs kept per app (the language switch shows a run again without computing it)."""
NUMBERS = ("per_order_amount", "worker_share", "take_up_elasticity", "awareness", "medical_rate_stand_in")

WORDS: dict[str, tuple[str, str]] = {
    "title": ("政策实验室", "Policy lab"),
    "intro": (
        "在合成的平台从业者样本上比较论文的改革路径：选择情景，修改几个关键数值，运行后查看覆盖率、各方缴费、"
        "劳动者负担和职业伤害保障基金的图表。所有金额和参保途径都来自本工具的规则；参保意愿是实验室的行为假设，不是法律。",
        "Compare the paper's reform paths on a synthetic sample of platform workers: pick scenarios, edit a few key "
        "figures, run, and read the charts of coverage, contributions by payer, the workers' cost and the "
        "occupational-injury fund. Every amount and route comes from this tool's rules; take-up is the lab's "
        "behaviour model, not law.",
    ),
    "scenarios": ("情景", "Scenarios"),
    "edits": ("修改数值（留空则用各情景自己的数值）", "Edit figures (blank: each scenario's own)"),
    "per_order_amount": ("职业伤害保障每单缴费（元/单）", "Occupational-injury levy per order (yuan)"),
    "per_order_amount_hint": (
        f"用于三个试点行业的所有档次；现行（2025年起）为网约车 0.01、即时配送 0.07 或 0.25、同城货运 0.18 元/单。"
        f"0 到 {MAX_PER_ORDER:g} 之间。",
        f"For every pilot sector and band; the rules since 2025 say 0.01 (ride-hailing), 0.07 or 0.25 (instant "
        f"delivery), 0.18 (freight). Between 0 and {MAX_PER_ORDER:g}.",
    ),
    "worker_share": ("每单缴费中劳动者个人负担的比例", "Worker's share of the per-order levy"),
    "worker_share_hint": (
        "0 到 1 之间；平台负担其余部分（减去政府负担）。现行为 0（平台全额缴费），论文方案为 0.3。",
        "Between 0 and 1; the platform pays the rest (after any government share). 0 in the law (the platform "
        "pays all); 0.3 in the paper's package.",
    ),
    "take_up_elasticity": ("参保意愿对缴费负担的敏感度（倍数）", "Take-up elasticity to the cost share (×)"),
    "take_up_elasticity_hint": (
        f"1 为北大调查的意愿曲线；2 表示缴费占收入比例只需一半就达到同样的放弃程度。"
        f"{ELASTICITY_RANGE[0]:g} 到 {ELASTICITY_RANGE[1]:g} 之间。",
        f"1 is the PKU survey's willingness curve; 2 means the same drop in willingness at half the cost share. "
        f"Between {ELASTICITY_RANGE[0]:g} and {ELASTICITY_RANGE[1]:g}.",
    ),
    "awareness": ("知晓率（各险种）", "Awareness (every item)"),
    "awareness_hint": (
        "知道某项保险并知道如何参加的概率，0 到 1 之间；基线假设为 0.5，论文方案为 0.9。",
        "The probability of knowing an item exists and how to join it, between 0 and 1; 0.5 in the baseline "
        "assumptions, 0.9 in the paper's package.",
    ),
    "medical_rate_stand_in": (
        "本工具缺少当地规定的城市：灵活就业人员职工医保费率（替代值）",
        "Where a city's rule is not on file: flexible-worker employee-medical rate (a stand-in)",
    ),
    "medical_rate_stand_in_hint": (
        f"只用于参数中没有当地灵活就业人员职工医保规定的城市（有规定的城市按各自的费率不变），使这些地方也能计算"
        f"职工医保；这是假设，会写进说明。0 到 {MAX_MEDICAL_RATE:g} 之间。",
        f"Used only where the parameters hold no flexible-worker medical rule for the city (cities with one keep "
        f"their own rate), so that employee medical can be priced there; an assumption, stated in the notes. "
        f"Between 0 and {MAX_MEDICAL_RATE:g}.",
    ),
    "sample": ("样本", "Sample"),
    "size": ("样本量（行）", "Sample size (rows)"),
    "size_hint": (
        "校准后的合成样本（种子 {seed}），每行代表 8400 万 ÷ 样本量 名劳动者；{low:,} 到 {high:,} 行。",
        "The calibrated synthetic sample (seed {seed}); each row stands for 84 million ÷ size workers; "
        "{low:,} to {high:,} rows.",
    ),
    "projection": (
        "同时进行终身养老金测算（替代率；较慢，最多 {rows:,} 行）",
        "Also project pensions over the lifetime (replacement rates; slower, at most {rows:,} rows)",
    ),
    "run": ("运行", "Run"),
    "busy": ("正在计算，约需十几秒……", "Computing, about a dozen seconds…"),
    "error_title": ("请修改以下内容：", "Please fix the following:"),
    "results": ("结果", "Results"),
    "headline": ("要点（全体劳动者）", "Headline figures (all workers)"),
    "measure": ("指标", "Measure"),
    "charts": ("图表", "Charts"),
    "notes": ("说明", "Notes"),
    "ran": (
        "样本 {size:,} 行（代表 {workers:,.0f} 名劳动者），用时 {seconds:.1f} 秒；对比基准为 baseline-2021。",
        "Sample of {size:,} rows (standing for {workers:,.0f} workers), {seconds:.1f} s; compared with baseline-2021.",
    ),
    "applied": ("已修改：", "Edited: "),
    "no_edits": ("未修改任何数值。", "No figure edited."),
    "baseline_note": (
        "修改适用于所选的每个情景（含所选的 baseline-2021）；未选 baseline-2021 时，它按原样运行，作为对比基准。",
        "Edits apply to every picked scenario (baseline-2021 too when picked); when it is not picked, baseline-2021 "
        "is run unedited as the reference.",
    ),
    "adequacy_missing": (
        "未画养老金替代率图：本次未进行终身测算。",
        "No adequacy chart: the lifetime projection was not run.",
    ),
    "cli": (
        "更大的样本或自己的情景文件：gigcover simulate（见 README）。",
        "Larger populations or your own scenario files: gigcover simulate (see the README).",
    ),
    "back": ("返回顾问", "Back to the advisor"),
    "not_a_number": ("不是数字", "not a number"),
    "not_whole": ("须为整数", "must be a whole number"),
}
MEASURES: dict[str, tuple[str, str]] = {
    "coverage_occupational_injury": ("覆盖率：工伤/职业伤害", "Coverage: injury"),
    "coverage_medical": ("覆盖率：医疗", "Coverage: medical"),
    "coverage_pension": ("覆盖率：养老", "Coverage: old age"),
    "coverage_unemployment": ("覆盖率：失业", "Coverage: unemployment"),
    "contributions_worker": ("年缴费：劳动者", "Contributions a year: workers"),
    "contributions_platform": ("年缴费：平台/用人单位", "Contributions a year: platforms or employers"),
    "contributions_government": ("年缴费：政府", "Contributions a year: government"),
    "worker_cost_share_of_income": ("劳动者缴费占收入比例", "Worker cost as a share of income"),
    "unpriced_employee_medical_share": (
        "选职工医保但当地规定缺失、未能计价的比例",
        "Would join employee medical but cannot be priced (rule not on file)",
    ),
    "replacement_rate_median": ("养老金替代率（中位数）", "Median replacement rate"),
    "injury_fund_break_even_per_order": ("基金盈亏平衡单价（元/单）", "Fund's break-even levy (yuan per order)"),
    "injury_fund_deficit_probability": ("基金赤字概率", "Probability of a fund deficit"),
}
SCENARIO_TITLES: dict[str, tuple[str, str]] = {
    "baseline-2021": ("基线：论文写作时的制度（2021年）", "Baseline: the rules as the paper found them (2021)"),
    "law-2026": ("现行制度（2026年）", "The rules in force now (2026)"),
    "paper-package": ("论文的改革方案（四（1）–（5））", "The paper's package of reforms (IV.1–IV.5)"),
    "formalization": ("平台用工纳入劳动关系", "Formalization: platform work as labour relations"),
    "universal": ("税收筹资的普惠保障底线", "Universal: a tax-funded floor"),
}
MESSAGES: dict[str, tuple[str, str]] = {
    "scenarios": ("请至少选择一个情景", "pick at least one scenario"),
    "per_order_amount": (
        f"请填写 0 到 {MAX_PER_ORDER:g} 之间的金额（元/单）",
        f"give an amount between 0 and {MAX_PER_ORDER:g} yuan per order",
    ),
    "worker_share": ("请填写 0 到 1 之间的比例", "give a share between 0 and 1"),
    "take_up_elasticity": (
        f"请填写 {ELASTICITY_RANGE[0]:g} 到 {ELASTICITY_RANGE[1]:g} 之间的倍数",
        f"give a multiple between {ELASTICITY_RANGE[0]:g} and {ELASTICITY_RANGE[1]:g}",
    ),
    "awareness": ("请填写 0 到 1 之间的概率", "give a probability between 0 and 1"),
    "medical_rate_stand_in": (
        f"请填写 0 到 {MAX_MEDICAL_RATE:g} 之间的费率",
        f"give a rate between 0 and {MAX_MEDICAL_RATE:g}",
    ),
    "size": (
        "样本量须为 {low:,} 到 {high:,} 之间的整数",
        "the sample size must be a whole number from {low:,} to {high:,}",
    ),
}


def word(key: str, lang: Lang, **values: Any) -> str:
    zh, en = WORDS[key]
    return (zh if lang == "zh" else en).format(**values)


def _lang(raw: object) -> Lang:
    return "en" if str(raw or "").lower().startswith("en") else "zh"


def lab_limits(app: FastAPI) -> LabLimits:
    """The app's lab limits: `app.state.lab_limits` (set by `gigcover serve`, or in Python), else the environment's
    (`GIGCOVER_LAB_MAX_ROWS`, … — a server process started by uvicorn with `--workers N`), read once and kept."""
    limits = getattr(app.state, "lab_limits", None)
    if not isinstance(limits, LabLimits):
        limits = app.state.lab_limits = LabLimits.configured()
    return limits


# -- the form ------------------------------------------------------------------------------------------------------
class LabFormErrors(Exception):
    """The form's problems: field → (中文, English)."""

    def __init__(self, errors: dict[str, tuple[str, str]]) -> None:
        super().__init__("; ".join(f"{field}: {en}" for field, (_, en) in errors.items()))
        self.errors = errors


class LabForm:
    """The form's values as posted (text), kept to show again whatever happens."""

    def __init__(self, scenarios: Iterable[str], values: dict[str, str], projection: bool) -> None:
        self.scenarios = list(scenarios)
        self.values = values
        self.projection = projection

    @classmethod
    def empty(cls, limits: LabLimits) -> LabForm:
        return cls(["law-2026", "paper-package"], {"size": str(min(DEFAULT_SIZE, limits.max_rows))}, False)

    @classmethod
    def of(cls, form: FormData) -> LabForm:
        values = {name: _clip(str(form.get(name) or "")) for name in (*NUMBERS, "size")}
        scenarios = [_clip(str(s)) for s in form.getlist("scenario")][:20]
        return cls(scenarios, values, str(form.get("projection") or "") in ("1", "on", "true"))

    def request(self, limits: LabLimits) -> LabRunRequest:
        """The run the form asks for, or LabFormErrors naming every field at fault."""
        errors: dict[str, tuple[str, str]] = {}
        unknown = [s for s in self.scenarios if s not in BUILTIN]
        if unknown:
            errors["scenarios"] = (
                f"未知情景：{'、'.join(unknown)}；可选：{'、'.join(BUILTIN)}",
                f"unknown scenario {', '.join(unknown)}; known: {', '.join(BUILTIN)}",
            )
        fields: dict[str, Any] = {"scenarios": [s for s in self.scenarios if s in BUILTIN]}
        if not self.scenarios:
            errors["scenarios"] = MESSAGES["scenarios"]
        for name in NUMBERS:
            text = _normalised(self.values.get(name, ""))
            if not text:
                continue
            try:
                value = float(text)
            except ValueError:
                value = math.nan
            if not math.isfinite(value):
                errors[name] = (f"{text[:20]}：{WORDS['not_a_number'][0]}", f"{text[:20]}: {WORDS['not_a_number'][1]}")
                continue
            fields[name] = value
        size_text = _normalised(self.values.get("size", "")) or str(min(DEFAULT_SIZE, limits.max_rows))
        if size_text.isdigit() and len(size_text) <= 9:
            fields["size"] = int(size_text)
        else:
            errors["size"] = _message("size", limits)
        fields["projection"] = self.projection
        try:
            request = LabRunRequest.model_validate(fields)
        except ValidationError as exc:
            for error in exc.errors():
                name = str(error["loc"][0]) if error["loc"] else "scenarios"
                twice = name == "scenarios" and error["type"] == "value_error"
                errors.setdefault(name, _twice(fields["scenarios"]) if twice else _message(name, limits))
            raise LabFormErrors(errors) from None
        if errors:
            raise LabFormErrors(errors)
        return request


def _message(name: str, limits: LabLimits) -> tuple[str, str]:
    zh, en = MESSAGES.get(name, MESSAGES["scenarios"])
    return zh.format(low=MIN_SIZE, high=limits.max_rows), en.format(low=MIN_SIZE, high=limits.max_rows)


def _twice(scenarios: list[str]) -> tuple[str, str]:
    named = sorted({s for s in scenarios if scenarios.count(s) > 1})
    return f"情景重复：{'、'.join(named)}", f"given twice: {', '.join(named)}"


def _normalised(text: str) -> str:
    """Full-width digits and signs as ASCII, thousands separators and spaces dropped."""
    return unicodedata.normalize("NFKC", text).replace(",", "").replace(" ", "").strip()


def _clip(text: str) -> str:
    return text[:40]


# -- the run -------------------------------------------------------------------------------------------------------
async def run_lab(app: FastAPI, request: LabRunRequest) -> LabResult:
    """The run on the app's pool (one lab run at a time; the others wait on the event loop, not in a thread), from the
    app's cache when the same run was made; a bad request raises LabInputError and changes nothing."""
    import gigcover
    from gigcover.rules.model import default_model

    limits = lab_limits(app)
    pool = getattr(app.state, "pool", None)  # the service's bounded pool (gigcover.api.limits); else asyncio's
    loop = asyncio.get_running_loop()
    model = default_model()  # the rules' model, as `gigcover simulate` runs them
    request = request.sized(limits)
    scenarios = await loop.run_in_executor(pool, prepare, request, limits, model)
    cache = _results(app)
    key = request.key()
    if key in cache:
        cache.move_to_end(key)
        return cache[key]
    lock = getattr(app.state, "lab_lock", None)
    if lock is None:
        lock = app.state.lab_lock = asyncio.Lock()
    async with lock:
        if key not in cache:
            work = partial(run, request, scenarios, compute=gigcover.compute, limits=limits, model=model)
            cache[key] = await loop.run_in_executor(pool, work)
            while len(cache) > RESULTS_KEPT:
                cache.popitem(last=False)
    return cache[key]


def _results(app: FastAPI) -> OrderedDict[tuple[Any, ...], LabResult]:
    cache = getattr(app.state, "lab_results", None)
    if cache is None:
        cache = app.state.lab_results = OrderedDict()
    return cache


# -- the page ------------------------------------------------------------------------------------------------------
def _page(
    request: Request,
    lang: Lang,
    form: LabForm,
    *,
    errors: dict[str, tuple[str, str]] | None = None,
    result: LabResult | None = None,
    status: int = 200,
) -> HTMLResponse:
    limits = lab_limits(request.app)
    root = request.scope.get("root_path", "")
    other: Lang = "en" if lang == "zh" else "zh"
    shown_errors = {field: (zh if lang == "zh" else en) for field, (zh, en) in (errors or {}).items()}
    context: dict[str, Any] = {
        "lang": lang,
        "other_lang": other,
        "v": View(lang),
        "w": lambda key, **values: word(key, lang, **values),
        "static": lambda name: f"{root}/static/{name}",
        "root": root,
        "page": "lab",
        "switch_href": f"{root}/lab?lang={other}",
        "form": form,
        "errors": shown_errors,
        "builtin": [(name, *SCENARIO_TITLES[name]) for name in BUILTIN],
        "numbers": NUMBERS,
        "limits": limits,
        "min_size": MIN_SIZE,
        "seed": SEED,
        "result": result,
        "table": _table(result, lang) if result else None,
        "edits": _edits(result) if result else "",
    }
    return templates.TemplateResponse(request, "lab.html", context, status_code=status)


def _table(result: LabResult, lang: Lang) -> dict[str, Any]:
    scenarios = result.summary.scenarios
    rows = []
    for measure in HEADLINE:
        values = []
        for scenario in scenarios:
            try:
                value = result.summary.value(scenario, "all", measure)
            except KeyError:
                value = math.nan
            values.append(shown(value, measure))
        if all(v == "—" for v in values) and measure == "replacement_rate_median":
            continue  # not projected: said below the charts
        zh, en = MEASURES[measure]
        rows.append({"measure": measure, "label": zh if lang == "zh" else en, "values": values})
    return {"scenarios": scenarios, "rows": rows}


def _edits(result: LabResult) -> str:
    return ", ".join(f"{name} = {value:g}" for name, value in result.request.edits().items())


@router.get("/lab", response_class=HTMLResponse, summary="The policy lab's analyst page (Chinese; ?lang=en)")
async def lab_page(request: Request) -> HTMLResponse:
    """The form with its defaults; nothing is read from the query but the language."""
    return _page(request, _lang(request.query_params.get("lang")), LabForm.empty(lab_limits(request.app)))


@router.post("/lab", response_class=HTMLResponse, summary="Run the picked scenarios with the edited figures")
async def lab_post(request: Request) -> HTMLResponse:
    posted = await request.form()
    switching = bool(posted.get("switch_lang"))
    lang = _lang(posted.get("switch_lang") or posted.get("lang"))
    form = LabForm.of(posted)
    if switching and not posted.get("ran"):
        return _page(request, lang, form)  # the form in the other language, nothing run
    limits = lab_limits(request.app)
    try:
        lab_request = form.request(limits)
        result = await run_lab(request.app, lab_request)
    except LabFormErrors as exc:
        return _page(request, lang, form, errors=exc.errors, status=422)
    except LabInputError as exc:
        field = str(exc.details.get("field") or "scenarios")
        return _page(request, lang, form, errors={field: (exc.message_zh, exc.message_en)}, status=422)
    except LabTooLong as exc:
        message = (
            f"运行时间超过本服务的上限（{exc.seconds:g} 秒）：请减少情景或缩小样本，或使用 gigcover simulate",
            exc.message,
        )
        return _page(request, lang, form, errors={"size": message}, status=413)
    except GigcoverError as exc:  # a scenario the edits make invalid (checked as a scenario file is)
        field = str(exc.details.get("field") or "scenarios")
        name = field.rsplit(".", 1)[-1]
        shown = name if name in NUMBERS else "scenarios"
        zh = f"按这些修改，情景不成立（{_clip(field)}）：请改小或改回默认值后再运行。"
        return _page(request, lang, form, errors={shown: (zh, exc.message[:200])}, status=422)
    return _page(request, lang, form, result=result)
