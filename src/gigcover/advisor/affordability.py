"""Can the worker pay for the plan? (可负担性) The total against income and the affordability line, items dropped to
fit a budget, and — over the line — the cheaper routes with what each gives up, ranked.

The line (`advisor.affordable_share_of_income`) and the order of the cheaper routes (`advisor.cheaper_route_order`)
are parameters; no threshold is written into a sentence.
"""

from __future__ import annotations

from typing import Any

from gigcover.engine.errors import NotInForceError
from gigcover.engine.regions import NATIONAL

from . import text
from .context import Context
from .items import INPATIENT_BILL, reimbursement, resident_medical_cost

DROP_ORDER = ("unemployment", "pension", "medical", "occupational_injury")
DEFAULT_ROUTE_ORDER = (
    "drop_unemployment",
    "medical_pooling_only",
    "resident_pension",
    "resident_medical",
    "both_resident",
    "drop_pension",
)


def _unknown_note(plan: list[dict[str, Any]]) -> tuple[str, str]:
    """What the total leaves out: items whose cost cannot be worked out, with the estimated range where an item gives
    one (the range is not added to the total)."""
    unknown = [i for i in plan if not i.get("cost_known", True) and i["place"] != "none"]
    ranges = [(i, i["cost_estimate"]) for i in unknown if i.get("cost_estimate")]
    if not ranges or len(ranges) < len(unknown):
        return "（不含无法计算的项目）", " (not counting items whose cost cannot be worked out)"
    zh = "；".join(f"{i['title_zh']}估算每月约 {text.yuan(e['low'])}–{text.yuan(e['high'])} 元" for i, e in ranges)
    en = "; ".join(
        f"{i['title_en'].lower()} estimated at {text.yuan(e['low'])}–{text.yuan(e['high'])} a month" for i, e in ranges
    )
    return f"（未计入：{zh}）", f" (not counted: {en})"


def _with_estimates_high(plan: list[dict[str, Any]], total: float) -> float | None:
    """The total with each unknown cost at the top of its estimated range (None: no item gives a range) — what the
    worker may have to pay at most, said beside the total of the known costs, never instead of it."""
    highs = [i["cost_estimate"]["high"] for i in plan if not i.get("cost_known", True) and i.get("cost_estimate")]
    return round(total + sum(highs), 2) if highs else None


def affordability(
    c: Context, plan: list[dict[str, Any]], budget: float | None, share: float
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Total worker cost against income and the budget; over budget, items go in DROP_ORDER (injury and medical last)."""
    total = round(sum(item["worker_monthly_cost"] for item in plan), 2)
    income = c.profile.monthly_income
    kept, dropped = list(plan), []
    if budget is not None:
        for name in DROP_ORDER:
            if sum(i["worker_monthly_cost"] for i in kept) <= budget + 1e-9:
                break
            dropped += [i["item"] for i in kept if i["item"] == name and i["worker_monthly_cost"] > 0]
            kept = [i for i in kept if not (i["item"] == name and i["worker_monthly_cost"] > 0)]
    kept_total = round(sum(item["worker_monthly_cost"] for item in kept), 2)
    ratio = total / income if income > 0 else None
    affordable = ratio is not None and ratio <= share + 1e-9
    unknown = [i["item"] for i in plan if not i.get("cost_known", True) and i["place"] != "none"]
    line = text.percent(share)  # the share as the page shows it too: one figure for one quantity
    shown = None if ratio is None else text.percent(round(ratio, 4))
    message_zh = f"全部建议项目个人每月约 {text.yuan(total)} 元" + (f"，占收入 {shown}" if shown else "")
    message_en = f"All advised items cost you about {text.yuan(total)} yuan a month" + (
        f", {shown} of income" if shown else ""
    )
    if unknown:
        zh, en = _unknown_note(plan)
        message_zh, message_en = message_zh + zh, message_en + en
    message_zh += (
        f"；在收入的 {line} 以内，一般负担得起。"
        if affordable
        else f"；超过收入的 {line}，负担偏重：下面列出了更便宜的办法和要放弃什么。"
    )
    message_en += (
        f"; within {line} of income, usually affordable."
        if affordable
        else f"; above {line} of income, a heavy load: cheaper routes and what each gives up are below."
    )
    with_estimates = _with_estimates_high(plan, total)
    if affordable and with_estimates is not None and with_estimates > income * share + 1e-9:
        message_zh += f"但加上估算的费用（最多每月约 {text.yuan(with_estimates)} 元），可能超过收入的 {line}。"
        message_en += (
            f" With the estimated costs (up to about {text.yuan(with_estimates)} yuan a month) it may go above {line}."
        )
    routes = [] if affordable or ratio is None else cheaper_routes(c, plan, income * share)
    return (
        {
            "worker_monthly_total": total,
            "share_of_income": None if ratio is None else round(ratio, 4),
            "threshold_share": share,
            "affordable": affordable,
            "budget_monthly": budget,
            "plan_monthly_total": kept_total,
            "dropped_for_budget": dropped,
            "drop_order": list(DROP_ORDER),
            "cost_unknown_items": unknown,
            "worker_monthly_total_with_estimates_high": with_estimates,
            "cheaper_routes": routes,
            "message_zh": message_zh,
            "message_en": message_en,
        },
        kept,
    )


def _route_order(c: Context) -> list[str]:
    try:
        hit = c.ask.model.store.lookup("advisor.cheaper_route_order", c.request.date, NATIONAL)
    except NotInForceError:
        return list(DEFAULT_ROUTE_ORDER)
    return [str(name) for name in hit.value]


def cheaper_routes(c: Context, plan: list[dict[str, Any]], line: float) -> list[dict[str, Any]]:
    """Each cheaper route: the new monthly total, the saving, what it gives up; those within `line` first, then in
    the order of `advisor.cheaper_route_order` (least given up first)."""
    items = {i["item"]: i for i in plan}
    total = sum(i["worker_monthly_cost"] for i in plan)
    changes: dict[str, dict[str, Any]] = {}
    medical, pension, unemployment = items.get("medical"), items.get("pension"), items.get("unemployment")
    if unemployment and unemployment["worker_monthly_cost"] > 0 and unemployment["choice_basis"] != "employer":
        changes["drop_unemployment"] = _drop(unemployment)
    if medical and medical["scheme"] == "employee_medical" and medical["choice_basis"] != "employer":
        changes["resident_medical"] = _resident_medical(c, medical)
        if medical.get("options"):
            changes["medical_pooling_only"] = _pooling_only(medical["options"][0])
    if pension and pension["scheme"] == "employee_pension" and pension["choice_basis"] != "employer":
        changes["resident_pension"] = _resident_pension(c, pension)
        changes["drop_pension"] = _drop(pension)
    if "resident_medical" in changes and "resident_pension" in changes:
        both = [changes["resident_medical"], changes["resident_pension"]]
        changes["both_resident"] = {
            "saving": sum(x["saving"] for x in both),
            "saving_known": all(x.get("saving_known", True) for x in both),
            "gives_up_zh": "；".join(x["gives_up_zh"] for x in both),
            "gives_up_en": "; ".join(x["gives_up_en"] for x in both),
            "benefit_changes": [b for x in both for b in x["benefit_changes"]],
        }
    order = _route_order(c)
    routes = []
    for name, change in changes.items():
        new_total = round(total - change["saving"], 2)
        routes.append(
            {
                "name": name,
                "title_zh": ROUTE_TITLES[name][0],
                "title_en": ROUTE_TITLES[name][1],
                "worker_monthly_total": new_total,
                "saving_monthly": round(change["saving"], 2) if change.get("saving_known", True) else None,
                "share_of_income": round(new_total / c.profile.monthly_income, 4),
                "within_line": new_total <= line + 1e-9,
                "gives_up_zh": change["gives_up_zh"],
                "gives_up_en": change["gives_up_en"],
                "benefit_changes": change["benefit_changes"],
            }
        )
    rank = {name: i for i, name in enumerate(order)}
    routes.sort(key=lambda r: (not r["within_line"], rank.get(r["name"], len(rank))))
    for i, route in enumerate(routes, 1):
        route["rank"] = i
    return routes


ROUTE_TITLES = {
    "drop_unemployment": ("先不参加失业保险", "Leave out unemployment insurance for now"),
    "medical_pooling_only": ("职工医保选不建个人账户（单建统筹）", "Employee medical without a personal account"),
    "resident_medical": ("职工医保换成城乡居民医保", "Resident instead of employee medical insurance"),
    "resident_pension": ("职工养老保险换成城乡居民养老保险", "Resident instead of employee pension"),
    "both_resident": ("医保和养老都走城乡居民保险", "Resident medical insurance and resident pension"),
    "drop_pension": ("先不参加养老保险", "Leave out the pension for now"),
}


DROP_LOSS = {
    "pension": ("年老后没有养老金收入，已缴的年限也不再增加", "no pension income in old age, and no more years added"),
    "unemployment": ("收入中断时没有失业保险金", "no unemployment benefit if your income stops"),
}


def _drop(item: dict[str, Any]) -> dict[str, Any]:
    zh, en = DROP_LOSS[item["item"]]
    return {"saving": item["worker_monthly_cost"], "gives_up_zh": zh, "gives_up_en": en, "benefit_changes": []}


def _resident_medical(c: Context, medical: dict[str, Any]) -> dict[str, Any]:
    place = c.place_of("resident_medical")
    cost, _ = resident_medical_cost(c, place)
    employee_refund = medical["protects"].get("expected_reimbursement")
    resident_refund = reimbursement(c, "resident_medical", place)
    loss = None if employee_refund is None or resident_refund is None else round(resident_refund - employee_refund, 2)
    bill = f"{INPATIENT_BILL:,.0f}"
    return {
        # an employee cost that cannot be worked out saves nothing known: the route then adds the resident premium
        "saving": medical["worker_monthly_cost"] - cost,
        "saving_known": bool(medical.get("cost_known", True)),
        "gives_up_zh": f"住院报销少一些：住院 {bill} 元，少报销约 {text.yuan(-loss)} 元"
        if loss is not None
        else "住院报销比例低一些",
        "gives_up_en": f"lower reimbursement: about {text.yuan(-loss)} yuan less on a {bill} yuan hospital stay"
        if loss is not None
        else "a lower reimbursement ratio",
        "benefit_changes": [{"what": "inpatient_reimbursement", "bill": INPATIENT_BILL, "change": loss}],
    }


def _pooling_only(option: dict[str, Any]) -> dict[str, Any]:
    """Employee medical without a personal account (单建统筹), where the city offers it: hospital cover unchanged,
    the account credit given up (where the city states it)."""
    credit = option.get("account_credit_given_up_monthly")
    return {
        "saving": option["saving_monthly"],
        "gives_up_zh": "没有个人账户：门诊和买药的钱要自己出，住院报销不变"
        + (f"（每月少划入个人账户 {text.yuan(credit)} 元）" if credit else ""),
        "gives_up_en": "no personal account: outpatient care and medicines are paid out of pocket; hospital cover is "
        "unchanged" + (f" ({text.yuan(credit)} yuan a month less into your own account)" if credit else ""),
        "benefit_changes": [{"what": "personal_account_monthly", "change": None if credit is None else -credit}],
    }


def _resident_pension(c: Context, pension: dict[str, Any]) -> dict[str, Any]:
    tier = float(c.facts["suggested_resident_pension_tier_annual"]) / 12
    variants = c.variants()
    change = None
    if "employee" in variants and "resident" in variants:
        change = round(
            float(variants["resident"]["pension_monthly_today"]) - float(variants["employee"]["pension_monthly_today"]),
            2,
        )
    return {
        "saving": pension["worker_monthly_cost"] - tier,
        "gives_up_zh": f"退休后养老金少很多：每月约少 {text.yuan(-change)} 元（按今天的钱算）"
        if change is not None
        else "退休后只有居民养老金，比职工养老金少很多",
        "gives_up_en": f"a much smaller pension: about {text.yuan(-change)} yuan a month less (in today's money)"
        if change is not None
        else "only a resident pension, far below the employee pension",
        "benefit_changes": [{"what": "pension_monthly_today", "change": change}],
    }
