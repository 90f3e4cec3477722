"""Plain-language sentences of the advice, in Chinese and English (the paper's fifth reform: awareness)."""

from __future__ import annotations

from typing import Any

from gigcover.labels import stars
from gigcover.rules.coverage import Place, Table2Cell
from gigcover.rules.employment import EmploymentForm, NewFormCategory

ITEM_TITLES = {
    "occupational_injury": ("工伤/职业伤害保障", "Injury cover"),
    "medical": ("医疗保险", "Medical insurance"),
    "pension": ("养老保险", "Pension"),
    "unemployment": ("失业保险", "Unemployment insurance"),
}
SCHEME_NAMES = {
    "work_injury": ("工伤保险（单位缴费）", "work-injury insurance (employer pays)"),
    "occupational_injury": ("职业伤害保障（平台按单缴费）", "occupational-injury protection (platform pays per order)"),
    "commercial_accident": (
        "商业意外伤害保险（无社会保险途径）",
        "commercial accident insurance (no social-insurance route)",
    ),
    "employee_medical": ("职工基本医疗保险", "employee medical insurance"),
    "resident_medical": ("城乡居民基本医疗保险", "resident medical insurance"),
    "employee_pension": ("职工基本养老保险", "employee pension"),
    "resident_pension": ("城乡居民基本养老保险", "resident pension"),
    "unemployment": ("失业保险", "unemployment insurance"),
    "none": ("暂无参保途径", "no route open"),
}


def yuan(amount: float | None) -> str:
    return "—" if amount is None else f"{amount:,.2f}"


def summary(diagnosis: dict[str, Any]) -> tuple[str, str]:
    cell, severity = diagnosis["table2_cell"], diagnosis["table2_severity"]
    gaps_zh = "、".join(ITEM_TITLES[g][0] for g in diagnosis["gaps"]) or "无"
    gaps_en = ", ".join(ITEM_TITLES[g][1].lower() for g in diagnosis["gaps"]) or "none"
    zh = (
        f"您属于{EmploymentForm.of(diagnosis['employment_form']).zh}（{NewFormCategory.of(diagnosis['new_form_category']).zh}），"
        f"论文表2中的“{Table2Cell.of(cell).zh}”{stars(severity) if severity else '（有劳动关系）'}。"
        f"目前尚未覆盖的保障：{gaps_zh}。"
    )
    en = (
        f"You are in {EmploymentForm.of(diagnosis['employment_form']).en} ({NewFormCategory.of(diagnosis['new_form_category']).en}); "
        f'the paper\'s Table 2 cell is "{Table2Cell.of(cell).en}" {stars(severity) if severity else "(labour relation)"}. '
        f"Not yet covered: {gaps_en}."
    )
    return zh, en


def injury_reason(scheme: str, industry_zh: str, accident: str) -> tuple[str, str, str, str]:
    """reason_zh, reason_en, loss_zh, loss_en for the injury item."""
    risk_zh = {"high": "高", "medium": "中等", "low": "较低"}[accident]
    if scheme == "work_injury":
        return (
            f"您有劳动关系，工伤保险由单位缴费，您不用交钱。您所在行业意外伤害风险{risk_zh}，受伤后请及时申请工伤认定。",
            f"You have a labour relation: your employer must pay work-injury insurance; you pay nothing. Accident "
            f"risk in your industry is {accident}; report any injury promptly.",
            "若单位未参保，受伤后由单位按工伤标准赔付（社会保险法第四十一条）。",
            "If the employer has not enrolled you, it must pay the work-injury benefits itself (Social Insurance "
            "Law art. 41).",
        )
    if scheme == "occupational_injury":
        return (
            f"您在试点平台接单，平台按单为您缴纳职业伤害保障费，您不用交钱；您所在行业意外伤害风险{risk_zh}，这是最优先的保障。"
            "接单期间受伤，请在平台一键报案并保留票据。",
            f"You take orders on a pilot platform: the platform pays occupational-injury protection for every order; "
            f"you pay nothing. Accident risk in your industry is {accident}, so this comes first. Report an "
            "injury in the app at once and keep receipts.",
            "没有这项保障，接单时受伤的医疗费和伤残、死亡待遇都要自己承担或与平台协商。",
            "Without it, medical costs and disability or death benefits of an injury at work are yours to bear or "
            "to negotiate with the platform.",
        )
    return (
        f"您的行业或平台尚未纳入职业伤害保障试点，也没有劳动关系，没有工伤保险途径。您所在行业意外伤害风险{risk_zh}，"
        "建议确认平台是否购买了商业意外险，必要时自行购买，并关注试点扩围（2026年起三个行业全面纳入）。",
        f"Your industry or platform is not in the occupational-injury pilot and you have no labour relation, so no "
        f"social injury cover is open. Accident risk in your industry is {accident}: check whether the platform "
        "buys commercial accident insurance for you, buy one if needed, and watch the pilot's expansion.",
        "受伤后的医疗费和收入损失完全由自己承担。",
        "All medical costs and lost income after an injury fall on you.",
    )


def medical_reason(scheme: str, place: str, employer: bool) -> tuple[str, str, str, str]:
    place_zh, place_en = Place.of(place).zh, Place.of(place).en
    if employer:
        return (
            "有劳动关系，单位为您缴纳职工医保，个人缴纳工资的约2%。",
            "With a labour relation your employer enrols "
            "you in employee medical insurance; you pay about 2 % of your wage.",
            "单位未参保属于违法，可向社保经办机构投诉。",
            "An employer that does not enrol you breaks the law; you can complain to the social-insurance agency.",
        )
    if scheme == "employee_medical":
        return (
            f"医疗保险应优先保障。您的收入达到职工保险缴费基数下限，建议以灵活就业人员身份在{place_zh}参加职工医保："
            "报销比例更高，在就业地看病更方便。",
            f"Medical cover comes first. Your income reaches the contribution floor, so employee medical insurance "
            f"as a flexible worker at the {place_en} is advised: higher reimbursement, care where you live.",
            "没有医保，住院费用全部自付，大病可能导致灾难性支出。",
            "Without medical insurance you pay every hospital bill yourself; a serious illness can be ruinous.",
        )
    return (
        f"医疗保险应优先保障。按您的缴费能力，建议在{place_zh}参加城乡居民医保：每年一次性缴费，政府补贴大头。",
        f"Medical cover comes first. For what you can afford, resident medical insurance at the {place_en} is "
        "advised: one payment a year, most of the cost subsidised by the government.",
        "没有医保，住院费用全部自付，大病可能导致灾难性支出。",
        "Without medical insurance you pay every hospital bill yourself; a serious illness can be ruinous.",
    )


def pension_reason(scheme: str, place: str, employer: bool) -> tuple[str, str, str, str]:
    place_zh, place_en = Place.of(place).zh, Place.of(place).en
    if employer:
        return (
            "有劳动关系，单位缴纳16%、个人缴纳8%的职工养老保险。",
            "With a labour relation your employer pays 16 % and you 8 % of your wage into employee pension.",
            "缴费年限不足最低年限将无法按月领取职工养老金。",
            "Without the minimum years you get no monthly employee pension.",
        )
    if scheme == "employee_pension":
        return (
            f"您的收入属中等以上，建议以灵活就业人员身份在{place_zh}参加职工养老保险（按基数下限缴费20%，其中8%进个人账户）："
            "待遇与缴费挂钩，远高于居民养老金。流动时关系可以转移，缴费年限累计计算。",
            f"Your income is middle or higher: join employee pension as a flexible worker at the {place_en} (20 % of "
            "the floor base, 8 % into your own account). Benefits follow contributions and are far above the "
            "resident pension; the record moves with you and years add up.",
            "只有居民养老金（每月数百元）或没有养老金。",
            "Only a resident pension (a few hundred yuan a month) or none.",
        )
    return (
        f"按您的收入，职工养老保险的缴费负担较重，建议先在{place_zh}参加城乡居民养老保险（每年选择一档缴费，政府补贴），"
        "收入提高后再转入职工养老保险。",
        f"At your income employee pension contributions would weigh heavily: start with the resident pension at the "
        f"{place_en} (a yearly tier, government-subsidised) and move to employee pension when your income rises.",
        "年老后没有养老金收入。",
        "No pension income in old age.",
    )


def unemployment_reason(open_: bool) -> tuple[str, str, str, str]:
    if open_:
        return (
            "您所在城市允许灵活就业人员参加失业保险，缴费低，失业后可按缴费年限领取失业保险金。",
            "Your city lets flexible workers join unemployment insurance: a small contribution buys benefit months "
            "if you lose your work.",
            "没有失业保险，收入中断时只能依靠社会救助。",
            "Without it, an income gap leaves only social assistance.",
        )
    return (
        "灵活就业人员一般不能参加失业保险（社会保险法第四十四条）。收入中断时可申请就业培训和社会救助。",
        "Flexible workers generally cannot join unemployment insurance (Social Insurance Law art. 44). If your income "
        "stops, ask for training support and social assistance.",
        "—",
        "—",
    )
