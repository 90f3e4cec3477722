"""Figures the rules lack, said plainly where they matter (数据缺口).

Decided from structured data only: the parameter values that decided an item's figures (the tracer's hits: which
fell back to the national value, which stood in for another), the parameters with no value in force (`Missing`),
and the advisor's own stand-ins (`Estimate`) — never from the text of a warning.
"""

from __future__ import annotations

from typing import Any

from gigcover.engine.evaluate import Model
from gigcover.engine.regions import NATIONAL

from .asker import Missing, Question, hits_of
from .context import Estimate

# Figures a province or city publishes: answered by the national value, the local one is missing. (zh, en)
LOCAL_FIGURES: dict[str, tuple[str, str]] = {
    "wages.provincial_average_monthly": ("平均工资", "average wage"),
    "pension.employee.base_floor_monthly": ("缴费基数下限", "contribution base floor"),
    "pension.employee.base_ceiling_monthly": ("缴费基数上限", "contribution base ceiling"),
    "pension.employee.benefit_base_monthly": ("养老金计发基数", "pension benefit base"),
    "medical.employee.flexible.rate": ("灵活就业人员职工医保缴费标准", "employee medical rate for flexible workers"),
    "medical.employee.flexible.base_ratio": (
        "灵活就业人员职工医保缴费基数",
        "employee medical base for flexible workers",
    ),
    "medical.employee.flexible.fixed_monthly": (
        "灵活就业人员职工医保缴费标准",
        "employee medical rate for flexible workers",
    ),
    "medical.employee.flexible.tier_annual": (
        "灵活就业人员职工医保缴费档次",
        "employee medical tiers for flexible workers",
    ),
    "medical.inpatient.employee.ratio": ("住院报销比例", "inpatient reimbursement ratio"),
    "medical.inpatient.resident.ratio": ("住院报销比例", "inpatient reimbursement ratio"),
    "unemployment.flexible.rate": ("灵活就业人员失业保险费率", "unemployment rate for flexible workers"),
    "unemployment.worker_rate": ("失业保险费率", "unemployment insurance rate"),
}
STAND_IN_WAGE = "wages.private_sector_average_annual"


def region_name(model: Model, code: str) -> tuple[str, str]:
    found = model.regions.by_code.get(code)
    if found is None:
        return code, code
    return found.name, (found.pinyin.title() if found.pinyin else found.name)


def _gap(
    model: Model, item: str, figure: str, region: str, kind: str, stand_in: str, zh: str, en: str
) -> dict[str, Any]:
    return {"item": item, "figure": figure, "region": region, "kind": kind, "stand_in": stand_in, "zh": zh, "en": en}


def _label(model: Model, parameter: str) -> tuple[str, str]:
    if parameter in LOCAL_FIGURES:
        return LOCAL_FIGURES[parameter]
    spec = model.store.parameters.get(parameter)
    if spec is None:
        return "所需数据", "a figure"
    zh = spec.spec.description.split("（")[0].split("，")[0]
    return zh, spec.spec.label_en.split(" (")[0].lower()


def estimate_gap(model: Model, item: str, estimate: Estimate) -> dict[str, Any]:
    """The advisor's own stand-in for the place of work's average wage."""
    zh_place, en_place = region_name(model, estimate.region)
    return _gap(
        model,
        item,
        "wages.provincial_average_monthly",
        estimate.region,
        "estimated",
        estimate.stand_in,
        f"{zh_place}的平均工资（缴费基数的依据）暂缺，以下按全国城镇私营单位平均工资估算，实际以当地公布为准。",
        f"{en_place}'s average wage (on which the contribution base is built) is not on file: estimated from the "
        "national private-sector average wage; the local office's figure decides.",
    )


def missing_gaps(model: Model, item: str, missing: list[Missing], estimated: str | None = None) -> list[dict[str, Any]]:
    """Figures that could not be computed at all; `estimated`: the parameter the item's range stands in for (worked at
    the rates other places set, see items.employee_medical_estimate) — only its gap says so."""
    out = []
    for miss in missing:
        zh_place, en_place = region_name(model, miss.region)
        zh, en = _label(model, miss.parameter)
        stood_in = miss.parameter == estimated
        if stood_in:
            said = (
                f"{zh_place}的{zh}暂缺，无法准确计算这一项的费用：这里按其他地方的费率估算了一个范围，请向当地经办机构咨询。",
                f"{en_place}'s {en} is not on file: the cost is a range worked at the rates other places set; ask the "
                "local office.",
            )
        else:
            said = (
                f"{zh_place}的{zh}暂缺，无法计算这一项的费用，请向当地经办机构咨询。",
                f"{en_place}'s {en} is not on file: this cost cannot be worked out; ask the local office.",
            )
        stand_in = "rates_set_elsewhere" if stood_in else ""
        out.append(_gap(model, item, miss.parameter, miss.region, "missing", stand_in, *said))
    return out


def traced_gaps(
    model: Model, item: str, questions: list[Question], projection: bool = False, paid_in: set[str] | None = None
) -> list[dict[str, Any]]:
    """`paid_in`: the places an employee pension in the projection is paid from (where its benefit base matters)."""
    """Local figures answered by the national value, and the projection's stand-ins, in what decided `questions`."""
    out: list[dict[str, Any]] = []
    hits = list(hits_of(questions))
    for hit in hits:
        if hit.name in LOCAL_FIGURES and hit.fallback and hit.region == NATIONAL and hit.requested_region != NATIONAL:
            zh_place, en_place = region_name(model, hit.requested_region)
            zh, en = LOCAL_FIGURES[hit.name]
            out.append(
                _gap(
                    model,
                    item,
                    hit.name,
                    hit.requested_region,
                    "estimated",
                    "national",
                    f"{zh_place}的{zh}暂缺，以下按全国数据估算。",
                    f"{en_place}'s {en} is not on file: the national figure is used.",
                )
            )
    if projection:
        out += _projection_stand_ins(model, item, hits, paid_in or set())
    return _unique(out)


def _projection_stand_ins(model: Model, item: str, hits: list[Any], paid_in: set[str]) -> list[dict[str, Any]]:
    """In a pension projection: a place with no average wage (the national private-sector wage stands in, a low
    proxy), and a place with no published benefit base (its average wage stands in)."""
    out = []
    for hit in hits:
        if hit.name == STAND_IN_WAGE and hit.requested_region != NATIONAL:
            zh_place, en_place = region_name(model, hit.requested_region)
            out.append(
                _gap(
                    model,
                    item,
                    "wages.provincial_average_monthly",
                    hit.requested_region,
                    "estimated",
                    "national_private_wage",
                    f"{zh_place}的平均工资暂缺，养老金按全国城镇私营单位平均工资估算（可能偏低）。",
                    f"{en_place}'s average wage is not on file: the pension is estimated from the national "
                    "private-sector average wage (likely too low).",
                )
            )
    for code in sorted(paid_in):
        if model.store.first_date("pension.employee.benefit_base_monthly", code) is None:
            read_wage = any(h.requested_region == code and h.name.startswith("wages.") for h in hits)
            if not read_wage:
                continue
            zh_place, en_place = region_name(model, code)
            out.append(
                _gap(
                    model,
                    item,
                    "pension.employee.benefit_base_monthly",
                    code,
                    "estimated",
                    "average_wage",
                    f"{zh_place}的养老金计发基数暂缺，按当地平均工资估算。",
                    f"{en_place}'s pension benefit base is not on file: its average wage stands in.",
                )
            )
    return out


def _unique(gaps: list[dict[str, Any]]) -> list[dict[str, Any]]:
    seen: dict[str, dict[str, Any]] = {}
    for gap in gaps:
        seen.setdefault(gap["zh"], gap)
    return list(seen.values())


def unverified_of(model: Model, questions: list[Question]) -> list[dict[str, str]]:
    """The UNVERIFIED parameter values behind `questions`, by their plain names (never the parameter path shown)."""
    out: dict[str, dict[str, str]] = {}
    for hit in hits_of(questions):
        if hit.verified == "UNVERIFIED" and not hit.name.startswith("money."):  # rounding moves at most a fen
            spec = model.store.parameters[hit.name].spec
            out.setdefault(hit.name, {"parameter": hit.name, "zh": spec.description, "en": spec.label_en})
    return list(out.values())
