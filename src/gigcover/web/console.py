"""The ledger's console (issue 11 item 9): web pages for the agency (the claims queue, a claim with its benefit trace
and the actions its state allows — confirm cover, reject with a reason, record the outcome, pay —, levy statements)
and for a worker (their covered days and contributions).

Chinese by default, `?lang=en` for English; phone-friendly; no external assets (the style is in the page). The token
(an admin token or a worker's token) is entered in a form and kept in an HttpOnly, SameSite=Strict cookie scoped to
`/console`; it never appears in a URL. The pages read the ledger the JSON API serves (`app.state.open_ledger`, set by
`gigcover.api`), with the same credentials and the same rules of who sees what. A claim's actions are forms posted to
the console (the cookie is SameSite=Strict: no other site's page can post them with it), run by the same functions as
the API's (`gigcover.ledger.claims`: the same transitions, validation, audit entries and postings), then back to the
claim (303); a refused action re-shows the claim with what was wrong (409: not allowed in its state; 422: a field).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any, Literal

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from starlette.datastructures import FormData

from gigcover.ledger import claims as service
from gigcover.ledger.access import Principal, Role, authenticate
from gigcover.ledger.claims import (
    Action,
    ClaimInvalid,
    ClaimNotFound,
    Outcome,
    State,
    TransitionRefused,
    get_claim,
    list_claims,
)
from gigcover.ledger.contract import CST, FieldError
from gigcover.ledger.levies import MonthInvalid, levy_statement
from gigcover.ledger.worker_records import contributions_of, covered_days_of

from . import TEMPLATES_DIR

router = APIRouter(tags=["console"])
templates = Jinja2Templates(directory=str(TEMPLATES_DIR / "console"))
COOKIE = "gigcover_console"
PATH = "/console"
Lang = Literal["zh", "en"]
FIRST_DAY = dt.date(2022, 7, 1)  # the pilot began on 2022-07-01
MAX_DAYS_SHOWN = 400  # the latest covered days

TEXT: dict[str, dict[Lang, str]] = {
    "title": {"zh": "职业伤害保障台账", "en": "Occupational-injury ledger"},
    "token": {"zh": "令牌（管理员或劳动者）", "en": "Token (administrator or worker)"},
    "sign_in": {"zh": "登录", "en": "Sign in"},
    "sign_out": {"zh": "退出", "en": "Sign out"},
    "bad_token": {"zh": "令牌无效", "en": "The token is not valid"},
    "for_admin": {"zh": "此页面仅供管理员", "en": "This page is for administrators"},
    "for_worker": {"zh": "此页面仅供劳动者本人", "en": "This page is for workers"},
    "claims": {"zh": "待遇申请", "en": "Claims"},
    "levies": {"zh": "缴费对账单", "en": "Levy statements"},
    "all": {"zh": "全部", "en": "All"},
    "state": {"zh": "状态", "en": "State"},
    "accident": {"zh": "事故时间", "en": "Accident"},
    "region": {"zh": "地区", "en": "Region"},
    "facts": {"zh": "台账核对", "en": "Ledger facts"},
    "in_order": {"zh": "订单进行中", "en": "during an order"},
    "near_order": {"zh": "订单间隔内（未核实规则）", "en": "between orders (UNVERIFIED rule)"},
    "covered_day": {"zh": "参保日", "en": "covered day"},
    "none": {"zh": "无", "en": "none"},
    "benefit": {"zh": "待遇", "en": "Benefit"},
    "item": {"zh": "项目", "en": "Item"},
    "amount": {"zh": "金额（元）", "en": "Amount (yuan)"},
    "per": {"zh": "周期", "en": "Per"},
    "once": {"zh": "一次性", "en": "once"},
    "month": {"zh": "每月", "en": "month"},
    "paid_now": {"zh": "本次支付", "en": "Paid now"},
    "trace": {"zh": "计算过程", "en": "How it was computed"},
    "rests_on": {"zh": "依据与核实等级", "en": "What it rests on"},
    "unverified": {"zh": "未核实参数", "en": "UNVERIFIED parameters"},
    "warnings": {"zh": "提示", "en": "Warnings"},
    "description": {"zh": "经过", "en": "Description"},
    "reason": {"zh": "不予确认理由", "en": "Reason for rejection"},
    "allowed": {"zh": "可执行操作", "en": "Allowed actions"},
    "no_claims": {"zh": "暂无申请", "en": "No claims"},
    "month_label": {"zh": "月份", "en": "Month"},
    "show": {"zh": "查看", "en": "Show"},
    "platform": {"zh": "平台", "en": "Platform"},
    "province": {"zh": "省份", "en": "Province"},
    "industry": {"zh": "行业", "en": "Industry"},
    "orders": {"zh": "订单数", "en": "Orders"},
    "base": {"zh": "基准额（分/单）", "en": "Base (fen/order)"},
    "ratio": {"zh": "浮动比例", "en": "Floating ratio"},
    "due": {"zh": "应缴（元）", "en": "Due (yuan)"},
    "total": {"zh": "合计", "en": "Total"},
    "my_days": {"zh": "我的参保日", "en": "My covered days"},
    "my_contributions": {"zh": "我的订单缴费", "en": "Contributions on my orders"},
    "day": {"zh": "日期", "en": "Day"},
    "levy": {"zh": "缴费（元）", "en": "Levy (yuan)"},
    "worker_share": {"zh": "个人（元）", "en": "Worker (yuan)"},
    "covered_days_n": {"zh": "参保天数", "en": "Covered days"},
    "switch": {"zh": "English", "en": "中文"},
    "act_confirm": {"zh": "确认职业伤害", "en": "Confirm cover"},
    "act_reject": {"zh": "不予确认", "en": "Reject"},
    "act_outcome": {"zh": "核定待遇", "en": "Record the outcome"},
    "act_pay": {"zh": "批准支付", "en": "Approve and pay"},
    "reason_label": {"zh": "理由", "en": "Reason"},
    "medical_yuan": {"zh": "医疗费用（元）", "en": "Medical costs (yuan)"},
    "days_off": {"zh": "停工留薪天数", "en": "Days off work"},
    "grade": {"zh": "伤残等级", "en": "Disability grade"},
    "no_grade": {"zh": "无伤残", "en": "no disability"},
    "death": {"zh": "因工死亡", "en": "Death"},
    "spouse": {"zh": "供养配偶", "en": "Dependent spouse"},
    "dependants_other": {"zh": "其他供养亲属（人）", "en": "Other dependants"},
    "dependants_lone": {"zh": "其中孤寡老人或孤儿（人）", "en": "Of them, lone elderly or orphans"},
    "refused": {"zh": "未执行", "en": "Not done"},
    "pay_note": {"zh": "从基金支付本次金额", "en": "pays the amount now due from the fund"},
}
FIELD_TEXT: dict[str, dict[Lang, str]] = {
    "reason": TEXT["reason_label"],
    "medical_fen": TEXT["medical_yuan"],
    "days_off": TEXT["days_off"],
    "disability_grade": TEXT["grade"],
    "dependants": {"zh": "供养亲属", "en": "Dependants"},
    "dependants_other": TEXT["dependants_other"],
    "dependants_lone": TEXT["dependants_lone"],
}
STATE_TEXT: dict[str, dict[Lang, str]] = {
    "reported": {"zh": "已报案", "en": "reported"},
    "cover_confirmed": {"zh": "已确认", "en": "cover confirmed"},
    "assessed": {"zh": "已核定", "en": "assessed"},
    "paid": {"zh": "已支付", "en": "paid"},
    "rejected": {"zh": "不予确认", "en": "rejected"},
}


def _no_claim(request: Request, claim_id: str) -> HTMLResponse:
    """The claims page saying there is no such claim (404)."""
    return _page(request, "claims.html", 404, claims=[], state=None, missing=claim_id)


def _lang(request: Request) -> Lang:
    return "en" if request.query_params.get("lang") == "en" else "zh"


def _yuan(fen: int | None) -> str:
    return "—" if fen is None else f"{fen // 100:,}.{fen % 100:02d}"


def _page(request: Request, template: str, status: int = 200, **context: Any) -> HTMLResponse:
    lang = _lang(request)
    other = "en" if lang == "zh" else "zh"
    query = dict(request.query_params) | {"lang": other}
    switch = request.url.path + "?" + "&".join(f"{k}={v}" for k, v in query.items())
    return templates.TemplateResponse(
        request,
        template,
        {
            "lang": lang,
            "t": {key: value[lang] for key, value in TEXT.items()},
            "states": {key: value[lang] for key, value in STATE_TEXT.items()},
            "q": "?lang=en" if lang == "en" else "",
            "switch_href": switch,
            "yuan": _yuan,
            "cst": CST,
            **context,
        },
        status_code=status,
    )


def _ledger(request: Request) -> Any:
    return request.app.state.open_ledger(request.app)


def _principal(request: Request) -> Principal | None:
    token = request.cookies.get(COOKIE)
    if not token:
        return None
    context = _ledger(request)
    return authenticate(context.engine, token, context.admin_token)


def _gate(request: Request, role: Role) -> Principal | Response:
    """The signed-in principal of `role`, or the sign-in page (401) / a refusal (403)."""
    principal = _principal(request)
    if principal is None:
        return _page(request, "login.html", 401, message=None)
    if principal.role is not role:
        key = "for_admin" if role is Role.ADMIN else "for_worker"
        return _page(request, "login.html", 403, message=TEXT[key][_lang(request)])
    return principal


def _home(principal: Principal, lang: Lang) -> str:
    suffix = "?lang=en" if lang == "en" else ""
    return f"{PATH}/{'me' if principal.role is Role.WORKER else 'claims'}{suffix}"


@router.get(PATH, response_class=HTMLResponse)
def console_home(request: Request) -> Response:
    principal = _principal(request)
    if principal is None or principal.role is Role.PLATFORM:
        return _page(request, "login.html", message=None)
    return RedirectResponse(_home(principal, _lang(request)), status_code=303)


@router.post(f"{PATH}/login", response_class=HTMLResponse)
async def console_login(request: Request) -> Response:
    form = await request.form()
    token = str(form.get("token") or "").strip()
    context = _ledger(request)
    principal = authenticate(context.engine, token, context.admin_token) if token else None
    if principal is None or principal.role is Role.PLATFORM:
        return _page(request, "login.html", 401, message=TEXT["bad_token"][_lang(request)])
    response = RedirectResponse(_home(principal, _lang(request)), status_code=303)
    secure = request.url.scheme == "https"
    response.set_cookie(COOKIE, token, httponly=True, samesite="strict", path=PATH, secure=secure)
    return response


@router.post(f"{PATH}/logout")
def console_logout(request: Request) -> Response:
    response = RedirectResponse(PATH + ("?lang=en" if _lang(request) == "en" else ""), status_code=303)
    response.delete_cookie(COOKIE, path=PATH)
    return response


@router.get(f"{PATH}/claims", response_class=HTMLResponse)
def console_claims(request: Request) -> Response:
    principal = _gate(request, Role.ADMIN)
    if isinstance(principal, Response):
        return principal
    raw = request.query_params.get("state")
    state = State(raw) if raw in {s.value for s in State} else None
    found = list_claims(_ledger(request).engine, principal, state)
    return _page(request, "claims.html", claims=found, state=state.value if state else None)


@router.get(f"{PATH}/claims/{{claim_id}}", response_class=HTMLResponse)
def console_claim(request: Request, claim_id: str) -> Response:
    principal = _gate(request, Role.ADMIN)
    if isinstance(principal, Response):
        return principal
    try:
        claim = get_claim(_ledger(request).engine, int(claim_id), principal)
    except (ValueError, ClaimNotFound):
        return _no_claim(request, claim_id)
    return _page(request, "claim.html", claim=claim, errors=[], typed={})


@router.get(f"{PATH}/levies", response_class=HTMLResponse)
def console_levies(request: Request) -> Response:
    principal = _gate(request, Role.ADMIN)
    if isinstance(principal, Response):
        return principal
    month = request.query_params.get("month") or f"{dt.datetime.now(CST):%Y-%m}"
    context = _ledger(request)
    try:
        statement = levy_statement(context.engine, month, context.compute)
    except MonthInvalid as error:
        return _page(request, "levies.html", 422, statement=None, month=month, error=str(error))
    return _page(request, "levies.html", statement=statement, month=statement.month, error=None)


@router.get(f"{PATH}/me", response_class=HTMLResponse)
def console_me(request: Request) -> Response:
    principal = _gate(request, Role.WORKER)
    if isinstance(principal, Response):
        return principal
    assert principal.worker_id is not None
    engine = _ledger(request).engine
    tomorrow = dt.datetime.now(CST).date() + dt.timedelta(days=1)
    days = covered_days_of(engine, principal.worker_id, FIRST_DAY, tomorrow)[-MAX_DAYS_SHOWN:]
    months = contributions_of(engine, principal.worker_id)
    return _page(request, "me.html", days=list(reversed(days)), months=months)


@router.post(f"{PATH}/claims/{{claim_id}}/{{action}}", response_class=HTMLResponse)
async def console_claim_action(request: Request, claim_id: str, action: str) -> Response:
    """An action on a claim (admin), from the claim page's forms: done, then back to the claim; refused, the claim
    again with why (nothing written)."""
    principal = _gate(request, Role.ADMIN)
    if isinstance(principal, Response):
        return principal
    context = _ledger(request)
    try:
        number, chosen = int(claim_id), Action(action)
    except ValueError:
        return _no_claim(request, claim_id)
    form = await request.form()
    try:
        await run_in_threadpool(_act, context, number, chosen, form, principal.actor)
    except ClaimNotFound:
        return _no_claim(request, claim_id)
    except TransitionRefused as error:
        return _claim_again(request, context, number, 409, [_refusal(error, _lang(request))], form)
    except ClaimInvalid as error:
        lang = _lang(request)
        messages = [f"{FIELD_TEXT.get(e.field, {}).get(lang, e.field)}: {e.message}" for e in error.errors]
        return _claim_again(request, context, number, 422, messages, form)
    suffix = "?lang=en" if _lang(request) == "en" else ""
    return RedirectResponse(f"{PATH}/claims/{number}{suffix}", status_code=303)


def _act(context: Any, claim_id: int, action: Action, form: FormData, actor: str) -> None:
    """Run the action as the API does (`gigcover.ledger.claims`)."""
    if action is Action.CONFIRM:
        service.confirm(context.engine, claim_id, actor)
    elif action is Action.REJECT:
        service.reject(context.engine, claim_id, str(form.get("reason") or ""), actor)
    elif action is Action.OUTCOME:
        service.record_outcome(context.engine, claim_id, outcome_of(form), context.calculator(), actor)
    else:
        service.pay(context.engine, claim_id, actor)


def outcome_of(form: FormData) -> Outcome:
    """The outcome form's fields: medical costs in yuan (to the fen, exactly: no floats), whole numbers, a grade
    1–10 or none, check boxes. `ClaimInvalid` names every field that is not a number of its kind; the ranges are
    `claims.validate_outcome`'s, checked when it is recorded."""
    errors: list[FieldError] = []

    def whole(name: str) -> int:
        text = str(form.get(name) or "0").strip()
        if not (text.isascii() and text.isdigit()) or len(text) > 9:
            errors.append(FieldError(name, "a whole number (整数)"))
            return 0
        return int(text)

    grade_text = str(form.get("disability_grade") or "").strip()
    grade = None if grade_text in {"", "none"} else whole("disability_grade")
    outcome = Outcome(
        medical_fen=_fen_of(str(form.get("medical_yuan") or "0"), errors),
        days_off=whole("days_off"),
        disability_grade=grade,
        death=form.get("death") == "on",
        dependant_spouse=form.get("dependant_spouse") == "on",
        dependants_other=whole("dependants_other"),
        dependants_lone=whole("dependants_lone"),
    )
    if errors:
        raise ClaimInvalid(errors)
    return outcome


def _fen_of(text: str, errors: list[FieldError]) -> int:
    """Yuan as typed (`1234.5`, `1,234.50`) to fen, exactly; at most two decimals, not negative (how large:
    `claims.validate_outcome`)."""
    try:
        fen = Decimal(text.strip().replace(",", "") or "0") * 100
    except InvalidOperation:
        fen = Decimal(-1)
    if not fen.is_finite() or fen < 0 or fen != fen.to_integral_value():
        errors.append(FieldError("medical_fen", "yuan, not negative, at most two decimals (元，最多两位小数)"))
        return 0
    return int(fen)


def _refusal(error: TransitionRefused, lang: Lang) -> str:
    state = STATE_TEXT[error.state.value][lang]
    allowed = ", ".join(TEXT[f"act_{a}"][lang] for a in error.allowed) or TEXT["none"][lang]
    if lang == "en":
        return f"The claim is {state}: this action is not allowed. Allowed: {allowed}."
    return f"该申请{state}，不能执行此操作。可执行：{allowed}。"


def _claim_again(
    request: Request, context: Any, claim_id: int, status: int, errors: list[str], form: FormData
) -> HTMLResponse:
    """The claim page again, with what was refused and the values the user typed (a claim that does not exist: 404)."""
    try:
        claim = get_claim(context.engine, claim_id, Principal(Role.ADMIN))
    except ClaimNotFound:
        return _no_claim(request, str(claim_id))
    return _page(request, "claim.html", status, claim=claim, errors=errors, typed=dict(form))
