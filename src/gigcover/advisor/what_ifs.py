"""What if the worker acted differently? (假如……) Each what-if is measured against the plan actually advised — the
scheme and the place the plan names — with cost and benefit both moving, and appears only where it applies. A
stand-in figure (a wage from elsewhere) behind a what-if is named on the what-if itself."""

from __future__ import annotations

from typing import Any

from . import text
from .context import LATE_MONTHS, MOVE_AFTER_YEARS, RAISED_BASE_INDEX, Context
from .gaps import traced_gaps
from .items import INPATIENT_BILL, employee_pension_cost, reimbursement, resident_medical_cost


def what_ifs(c: Context, plan: list[dict[str, Any]]) -> list[dict[str, Any]]:
    items = {i["item"]: i for i in plan}
    found: list[dict[str, Any]] = []
    medical = items.get("medical")
    if medical is not None and medical["scheme"] == "resident_medical" and c.away_from_home:
        found += _medical_place(c, medical)
    pension = items.get("pension")
    if pension is not None and c.retirement is not None and pension["choice_basis"] != "employer":
        if pension["scheme"] == "resident_pension":
            found += _from_resident(c, pension)
        elif pension["scheme"] == "employee_pension":
            found += _from_employee(c, pension)
    return found


# -- medical: the other place --------------------------------------------------------------------------------
def _medical_place(c: Context, medical: dict[str, Any]) -> list[dict[str, Any]]:
    """Resident medical insurance at the other place than the plan's: at the hukou place, care where one works is
    cross-province care (registered, a lower ratio); at the place of work, in place."""
    here = medical["place"]
    other = "hukou_place" if here == "work_place" else "work_place"
    if other == "work_place" and c.facts["resident_medical_place"] != "work_place":
        return []  # the rules do not open resident medical insurance at the place of work to this worker
    now, then = medical["protects"].get("expected_reimbursement"), reimbursement(c, "resident_medical", other)
    if now is None or then is None:
        return []
    cost_here, _ = resident_medical_cost(c, here)
    cost_there, _ = resident_medical_cost(c, other)
    gain = round(then - now, 2)
    bill = f"{INPATIENT_BILL:,.0f}"
    if other == "work_place":
        name, title_zh, title_en = (
            "enrol_at_work_place",
            "把居民医保转到就业地参加",
            "Move your resident medical insurance to where you work",
        )
    else:
        name, title_zh, title_en = (
            "enrol_at_hukou_place",
            "改在户籍地参加居民医保",
            "Resident medical insurance at your hukou place instead",
        )
    return [
        {
            "name": name,
            "title_zh": title_zh,
            "title_en": title_en,
            "compared_with": {"item": "medical", "scheme": medical["scheme"], "place": here},
            "cost_change_monthly": round(cost_there - cost_here, 2),
            "benefit_change": gain,
            "benefit_unit": f"yuan per {bill} inpatient bill",
            "inpatient_bill": INPATIENT_BILL,
            "detail_zh": f"在就业地住院 {bill} 元：在{'户籍地' if here == 'hukou_place' else '就业地'}参保报销 "
            f"{text.yuan(now)} 元，改在{'就业地' if other == 'work_place' else '户籍地（异地就医需备案）'}参保报销 "
            f"{text.yuan(then)} 元。",
            "detail_en": f"A {bill} yuan stay where you work: {text.yuan(now)} reimbursed as planned, "
            f"{text.yuan(then)} if insured at the {'place of work' if other == 'work_place' else 'hukou place'}.",
            "data_gaps": [],
        }
    ]


# -- pension ---------------------------------------------------------------------------------------------------
def _from_resident(c: Context, pension: dict[str, Any]) -> list[dict[str, Any]]:
    """The plan advises the resident pension: what moving up to the employee pension (at the floor) costs and gives."""
    v = c.variants()
    if "employee" not in v or "resident" not in v:
        return []
    low = employee_pension_cost(c)
    if low is None:
        return []
    return [
        _change(
            c,
            "switch_scheme",
            "居民养老保险换成职工养老保险（按基数下限）",
            "Employee pension (at the floor base) instead of the resident pension",
            round(low - pension["worker_monthly_cost"], 2),
            _today_diff(v["employee"], v["resident"]),
            pension,
            ["resident", "employee"],
        )
    ]


def _from_employee(c: Context, pension: dict[str, Any]) -> list[dict[str, Any]]:
    """The plan advises the employee pension at the floor: switching down, a higher base, three more years and (for a
    worker from another province) moving home after five years."""
    v = c.variants()
    if "employee" not in v:
        return []
    cost = pension["worker_monthly_cost"]
    tier = float(c.facts["suggested_resident_pension_tier_annual"]) / 12
    base = v["employee"]
    found = [
        _change(
            c,
            "switch_scheme",
            "职工养老保险换成居民养老保险",
            "Resident instead of employee pension",
            round(tier - cost, 2),
            _today_diff(v["resident"], base),
            pension,
            ["employee", "resident"],
        )
    ]
    high = employee_pension_cost(c, RAISED_BASE_INDEX)
    floor = c.rate("pension.employee.base_floor_ratio", pension["place"])
    if high is not None:
        low_zh, low_en = (f"从{text.percent(floor)}", f" from {text.percent(floor)}") if floor else ("", "")
        raised = text.percent(RAISED_BASE_INDEX)
        found.append(
            _change(
                c,
                "raise_pension_base",
                f"养老缴费基数{low_zh}提高到{raised}",
                f"Pension base raised{low_en} to {raised}",
                round(high - cost, 2),
                _today_diff(v["employee_high"], base),
                pension,
                ["employee", "employee_high"],
            )
        )
    late = _change(
        c,
        "work_3_more_years",
        "弹性延迟退休3年并继续缴费",
        "Work and contribute 3 more years",
        0.0,
        _today_diff(v["employee_late"], base),
        pension,
        ["employee", "employee_late"],
    )
    late["extra_months_paid"] = LATE_MONTHS
    late["extra_contribution_total"] = round(cost * LATE_MONTHS, 2)
    late["detail_zh"] = (
        f"每月缴费不变（{text.yuan(cost)} 元），但要多缴 {LATE_MONTHS} 个月，共约 {text.yuan(cost * LATE_MONTHS)} 元；"
        f"退休后每月养老金 {late['benefit_change']:+,.2f} 元（按今天的钱算）。"
    )
    late["detail_en"] = (
        f"The same {text.yuan(cost)} yuan a month, for {LATE_MONTHS} more months (about "
        f"{text.yuan(cost * LATE_MONTHS)} yuan in all); pension {late['benefit_change']:+,.2f} yuan a month "
        "(in today's money)."
    )
    found.append(late)
    if c.away_from_home:
        moved = _change(
            c,
            "move_home_after_5_years",
            f"{MOVE_AFTER_YEARS}年后回户籍地继续缴费",
            f"Move back to the hukou province after {MOVE_AFTER_YEARS} years",
            0.0,
            _today_diff(v["employee_move"], base),
            pension,
            ["employee", "employee_move"],
        )
        moved["portability_loss_monthly"] = round(-moved["benefit_change"], 2)
        moved["paid_in"] = v["employee_move"]["pension_place"]
        moved["detail_zh"] += "差额来自转移接续规则和两地工资水平的不同。"
        moved["detail_en"] += " The difference comes from the transfer rules and the two places' wage levels."
        found.append(moved)
    return found


def _today_diff(variant: dict[str, Any], baseline: dict[str, Any]) -> float:
    """Pension difference in today's money (both discounted by the wage-growth assumption)."""
    return round(float(variant["pension_monthly_today"]) - float(baseline["pension_monthly_today"]), 2)


def _change(
    c: Context,
    name: str,
    title_zh: str,
    title_en: str,
    cost: float,
    pension: float,
    planned: dict[str, Any],
    rows: list[str],
) -> dict[str, Any]:
    questions = [c.variant_questions[r] for r in rows if r in c.variant_questions]
    variants = c.variants()
    paid_in = {
        str(variants[r]["pension_place"]) for r in rows if r in variants and variants[r]["pension_scheme"] == "employee"
    }
    return {
        "name": name,
        "title_zh": title_zh,
        "title_en": title_en,
        "compared_with": {"item": "pension", "scheme": planned["scheme"], "place": planned["place"]},
        "cost_change_monthly": cost,
        "benefit_change": pension,
        "benefit_unit": "yuan/month of pension",
        "detail_zh": f"每月缴费 {cost:+,.2f} 元，退休后每月养老金 {pension:+,.2f} 元（按今天的钱算）。",
        "detail_en": f"Contribution {cost:+,.2f} yuan a month; pension {pension:+,.2f} yuan a month (in today's money).",
        "data_gaps": traced_gaps(c.ask.model, "pension", questions, projection=True, paid_in=paid_in),
    }
