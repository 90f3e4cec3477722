"""Plain-language sentences of the advice, in Chinese and English (the paper's fifth reform: awareness)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from gigcover.rules.coverage import Place

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


def percent(share: float) -> str:
    """A share as the page and the messages both show it (one figure for one quantity): 0.2498 → 25%, 0.0735 → 7.3%."""
    return f"{share:.1%}".replace(".0%", "%")


def share_of(rate: float | None, zh: str, en: str) -> tuple[str, str]:
    """A rate as a sentence quotes it (0.02 → "2%"), or words without a figure when the rules have none."""
    if rate is None:
        return zh, en
    return percent(rate), percent(rate)


def yuan(amount: float | None) -> str:
    return "—" if amount is None else f"{amount:,.2f}"


TRADES: dict[str, tuple[str, str]] = {  # the worker's own trade, named in every sentence that names one
    "food_delivery": ("骑手", "rider"),
    "instant_delivery": ("骑手", "rider"),
    "ride_hailing": ("司机", "driver"),
    "intra_city_freight": ("货运司机", "freight driver"),
    "courier": ("快递员", "courier"),
    "livestreaming": ("主播", "livestreamer"),
    "ecommerce": ("电商从业者", "online seller"),
    "domestic_service": ("家政服务员", "domestic worker"),
    "other": ("灵活就业人员", "flexible worker"),
}
DIFFICULTY = {  # the paper's Table 2 stars in a worker's words
    4: (
        "按现在的制度，像您这样的情况参保最难",
        "under today's rules, people in your situation find it hardest to get covered",
    ),
    3: (
        "按现在的制度，像您这样的情况参保比较难",
        "under today's rules, people in your situation find it fairly hard to get covered",
    ),
    2: (
        "按现在的制度，像您这样的情况参保有一些困难",
        "under today's rules, people in your situation face some obstacles",
    ),
    1: (
        "按现在的制度，像您这样的情况参保相对容易",
        "under today's rules, people in your situation can get covered fairly easily",
    ),
}


def trade(industry: str) -> tuple[str, str]:
    return TRADES.get(industry, TRADES["other"])


def summary(diagnosis: dict[str, Any], industry: str, own_business: bool) -> tuple[str, str]:
    """The diagnosis in a worker's words: what they are, why no one enrols them, how hard it is, what is missing."""
    zh_trade, en_trade = trade(industry)
    gaps_zh = "、".join(GAP_WORDS[g][0] for g in diagnosis["gaps"])
    gaps_en = ", ".join(GAP_WORDS[g][1] for g in diagnosis["gaps"])
    if diagnosis["legal_relation"] == "labor":
        zh = f"您是{zh_trade}，和单位签了劳动合同，单位应当为您缴纳社保。"
        en = f"You are a {en_trade} with a labour contract: your employer must pay your social insurance."
    elif own_business:
        zh = f"您是{zh_trade}，自己经营，没有单位替您缴社保，要靠自己参保。"
        en = f"You are a {en_trade} running your own business: no employer pays your social insurance, so you enrol yourself."
    else:
        zh = f"您是{zh_trade}，没有和平台签劳动合同，法律上不算平台的员工，所以没有单位替您缴社保，大部分要靠自己参保。"
        en = (
            f"You are a {en_trade} without a labour contract: in law you are not the platform's employee, so no employer "
            "pays your social insurance and most of it is yours to arrange."
        )
    severity = int(diagnosis.get("table2_severity") or 0)
    if severity in DIFFICULTY:
        zh += DIFFICULTY[severity][0] + "。"
        en += " " + DIFFICULTY[severity][1][0].upper() + DIFFICULTY[severity][1][1:] + "."
    zh += f"您现在还缺：{gaps_zh}。" if gaps_zh else "您需要的基本保障都有了。"
    en += f" Still missing: {gaps_en}." if gaps_en else " You have the basic cover you need."
    return zh, en


GAP_WORDS = {
    "occupational_injury": ("受伤保障", "injury cover"),
    "medical": ("看病的医保", "medical insurance"),
    "pension": ("养老保险", "a pension"),
    "unemployment": ("失业保险", "unemployment insurance"),
}


def injury_reason(scheme: str, industry: str, accident: str, in_pilot_industry: bool) -> tuple[str, str, str, str]:
    """reason_zh, reason_en, loss_zh, loss_en for the injury item."""
    risk_zh = {"high": "高", "medium": "中等", "low": "较低"}[accident]
    zh_trade, en_trade = trade(industry)
    if scheme == "work_injury":
        return (
            f"您有劳动合同，工伤保险由单位缴费，您不用交钱。{zh_trade}受伤的风险{risk_zh}，受伤后请马上告诉单位申请工伤认定。",
            f"You have a labour contract: your employer must pay work-injury insurance; you pay nothing. The accident "
            f"risk for a {en_trade} is {accident}; report any injury to your employer at once.",
            "单位没有给您参保的，受伤后由单位按工伤标准赔付（社会保险法第四十一条）。",
            "If the employer has not enrolled you, it must pay the work-injury benefits itself (Social Insurance "
            "Law art. 41).",
        )
    if scheme == "occupational_injury":
        return (
            f"您接单的平台已纳入职业伤害保障，平台每接一单替您缴一笔钱，您不用交钱。{zh_trade}受伤的风险{risk_zh}，"
            "这是最要紧的一项。",
            f"Your platform is in the occupational-injury scheme: it pays for every order you take; you pay nothing. "
            f"The accident risk for a {en_trade} is {accident}, so this comes first.",
            "没有这项保障，接单时受伤的医疗费和伤残、死亡待遇都要自己承担或与平台协商。",
            "Without it, medical costs and disability or death benefits of an injury at work are yours to bear or "
            "to negotiate with the platform.",
        )
    if in_pilot_industry:
        why_zh = (
            "您的平台或所在地区还没有纳入职业伤害保障（试点正在扩大，可以问平台或拨打12333），"
            "在此之前没有社会保险途径。"
        )
        why_en = (
            "Your platform or region is not yet in the occupational-injury scheme (it is being extended: ask the "
            "platform or call 12333); until then no social insurance route is open."
        )
    else:
        why_zh = f"{zh_trade}目前不在职业伤害保障的范围内，又没有劳动合同，没有工伤保险途径。"
        why_en = (
            f"A {en_trade} is not covered by the occupational-injury scheme, and without a labour contract there is no "
            "work-injury insurance."
        )
    return (
        f"{why_zh}{zh_trade}受伤的风险{risk_zh}：请先查看平台有没有替您买意外险，没有的话可以自己买一份。",
        f"{why_en} The accident risk for a {en_trade} is {accident}: check whether the platform buys accident "
        "insurance for you, and buy one yourself if not.",
        "受伤后的医疗费和收入损失完全由自己承担。",
        "All medical costs and lost income after an injury fall on you.",
    )


def pooling_only_sentence(cost: float, saving: float, credit: float | None) -> tuple[str, str]:
    """The cheaper way into employee medical where the city offers it: the same inpatient cover, no personal account
    (`credit`: what the account would have received each month, where the city states the split)."""
    lost_zh = f"（其中{yuan(credit)}元本来会划进您的个人账户）" if credit else ""
    lost_en = f" ({yuan(credit)} of it would have gone into your own account)" if credit else ""
    return (
        f"这里也可以选择不建个人账户（单建统筹），每月{yuan(cost)}元，少缴{yuan(saving)}元{lost_zh}：住院报销一样，"
        "只是没有个人账户的钱用于门诊和买药。预算紧时可以先选这一档。",
        f"You may also join without a personal account (pooling only) for {yuan(cost)} yuan a month, "
        f"{yuan(saving)} less{lost_en}: hospital cover is the same, but nothing is credited to an account for "
        "outpatient care and medicines. On a tight budget, start with this.",
    )


def estimate_sentence(low: float, high: float, rate_low: float, rate_high: float, places: int) -> tuple[str, str]:
    """A cost the place of work does not publish in the parameters, as a range worked at the rates other places set."""
    return (
        f"当地的缴费标准暂缺：按已知的{places}个地方的费率（{percent(rate_low)}–{percent(rate_high)}）估算，"
        f"每月约{yuan(low)}–{yuan(high)}元，实际以当地医保经办机构公布的为准。",
        f"The local contribution is not on file: at the rates {places} other places set ({percent(rate_low)}–"
        f"{percent(rate_high)}), about {yuan(low)}–{yuan(high)} yuan a month; the local medical insurance office's "
        "figure decides.",
    )


def medical_reason(
    scheme: str, place: str, basis: str, floor: float | None, rates: Mapping[str, float | None]
) -> tuple[str, str, str, str]:
    """`basis`: employer (a labour contract), income (above or below the floor), closed (the employee scheme is not
    open to the worker there), no_figure (the floor cannot be worked out), enrolled (already held). `rates`: the
    worker's share of employee medical insurance (`worker`), from the parameters."""
    place_zh, place_en = Place.of(place).zh, Place.of(place).en
    worker_zh, worker_en = share_of(rates.get("worker"), "一小部分", "a small share")
    loss = (
        "没有医保，住院费用全部自付，大病可能导致灾难性支出。",
        "Without medical insurance you pay every hospital bill yourself; a serious illness can be ruinous.",
    )
    if basis == "employer":
        return (
            f"您有劳动合同，单位为您缴纳职工医保，个人缴工资的{worker_zh}。",
            f"With a labour contract your employer enrols you in employee medical insurance; you pay {worker_en} of "
            "your wage.",
            "单位不给参保是违法的，可以向社保经办机构投诉。",
            "An employer that does not enrol you breaks the law; you can complain to the social-insurance agency.",
        )
    if basis == "enrolled":
        return (
            f"您已经在{place_zh}参加了这项医保，继续按时缴费就行，不要断缴。",
            f"You already hold this insurance at the {place_en}: keep paying on time without a break.",
            *loss,
        )
    if scheme == "employee_medical":
        return (
            f"看病的保障要优先。您的收入达到{place_zh}职工保险缴费基数下限"
            + (f"（{yuan(floor)} 元/月）" if floor else "")
            + "，建议以灵活就业人员身份参加职工医保：报销比例更高。",
            f"Medical cover comes first. Your income reaches the {place_en}'s contribution floor"
            + (f" ({yuan(floor)} yuan a month)" if floor else "")
            + ", so employee medical insurance as a flexible worker is advised: it reimburses more.",
            *loss,
        )
    why = {
        "income": (
            "您的收入低于职工保险缴费基数下限" + (f"（{yuan(floor)} 元/月）" if floor else ""),
            "your income is below the employee-scheme contribution floor"
            + (f" ({yuan(floor)} yuan a month)" if floor else ""),
        ),
        "closed": ("职工医保在就业地对您还没有开放", "employee medical insurance is not open to you where you work"),
        "no_figure": (
            "当地职工医保的缴费标准暂缺，无法计算",
            "the local employee-medical contribution is not on file and cannot be worked out",
        ),
    }[basis]
    return (
        f"看病的保障要优先。{why[0]}，建议在{place_zh}参加城乡居民医保：每年缴一次，政府补贴大头。",
        f"Medical cover comes first. As {why[1]}, resident medical insurance at the {place_en} is advised: one "
        "payment a year, most of the cost paid by the government.",
        *loss,
    )


def pension_reason(
    scheme: str, place: str, basis: str, floor: float | None, rates: Mapping[str, float | None]
) -> tuple[str, str, str, str]:
    """As medical_reason, for the pension; `rates`: the employee's and employer's shares (`worker`, `employer`), a
    flexible worker's rate and its personal-account part (`flexible`, `flexible_account`), from the parameters."""
    place_zh, place_en = Place.of(place).zh, Place.of(place).en
    worker_zh, worker_en = share_of(rates.get("worker"), "一部分", "a share")
    employer_zh, employer_en = share_of(rates.get("employer"), "大头", "the larger share")
    flexible_zh, flexible_en = share_of(rates.get("flexible"), "规定比例", "the set rate")
    account_zh, account_en = share_of(rates.get("flexible_account"), "一部分", "part")
    if basis == "employer":
        return (
            f"您有劳动合同，职工养老保险由单位缴{employer_zh}、个人缴{worker_zh}。",
            f"With a labour contract your employer pays {employer_en} and you {worker_en} of your wage into employee "
            "pension.",
            "缴费年限不足最低年限将无法按月领取职工养老金。",
            "Without the minimum years you get no monthly employee pension.",
        )
    if basis == "enrolled":
        return (
            f"您已经在{place_zh}参加了这项养老保险，继续缴费，缴费年限会累计。",
            f"You already hold this pension at the {place_en}: keep paying and the years add up.",
            "断缴会减少缴费年限，影响退休后领多少。",
            "Gaps cut your years of contributions and so your pension.",
        )
    if scheme == "employee_pension":
        return (
            f"您的收入达到{place_zh}职工养老保险缴费基数下限"
            + (f"（{yuan(floor)} 元/月）" if floor else "")
            + f"，建议以灵活就业人员身份参加职工养老保险（按基数下限缴{flexible_zh}，其中{account_zh}进个人账户）："
            "领的钱和缴的钱挂钩，比居民养老金高得多；换城市时关系可以转移，缴费年限累计计算。",
            f"Your income reaches the {place_en}'s contribution floor"
            + (f" ({yuan(floor)} yuan a month)" if floor else "")
            + f": join employee pension as a flexible worker ({flexible_en} of the floor base, {account_en} into your "
            "own account). "
            "Benefits follow contributions and are far above the resident pension; the record moves with you "
            "and years add up.",
            "只有居民养老金（每月数百元）或没有养老金。",
            "Only a resident pension (a few hundred yuan a month) or none.",
        )
    why = {
        "income": (
            "您的收入低于职工养老保险缴费基数下限" + (f"（{yuan(floor)} 元/月）" if floor else ""),
            "your income is below the employee-pension contribution floor"
            + (f" ({yuan(floor)} yuan a month)" if floor else ""),
        ),
        "closed": (
            "职工养老保险在就业地对您还没有开放",
            "employee pension is not open to you where you work",
        ),
        "no_figure": (
            "当地职工养老保险的缴费基数暂缺，无法计算",
            "the local employee-pension contribution band is not on file and cannot be worked out",
        ),
    }[basis]
    return (
        f"{why[0]}，建议先在{place_zh}参加城乡居民养老保险（每年选一档缴费，政府补贴），收入提高后再转入职工养老保险。",
        f"As {why[1]}, start with the resident pension at the {place_en} (a yearly tier, government-subsidised) "
        "and move to employee pension when your income rises.",
        "年老后没有养老金收入。",
        "No pension income in old age.",
    )


def unemployment_reason(open_: bool) -> tuple[str, str, str, str]:
    if open_:
        return (
            "您工作的城市允许灵活就业人员参加失业保险，缴费低，失业后可按缴费年限领取失业保险金。",
            "Your city lets flexible workers join unemployment insurance: a small contribution buys benefit months "
            "if you lose your work.",
            "没有失业保险，收入中断时只能依靠社会救助。",
            "Without it, an income gap leaves only social assistance.",
        )
    return (
        "灵活就业人员一般不能参加失业保险（社会保险法第四十四条）。收入中断时可以申请就业服务、技能培训和社会救助。",
        "Flexible workers generally cannot join unemployment insurance (Social Insurance Law art. 44). If your income "
        "stops, ask for employment services, training and social assistance.",
        "—",
        "—",
    )
