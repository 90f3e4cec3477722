"""`gigcover classify`, `coverage` and `demo`: the employment form (Table 1, 人社部发〔2021〕56号) and who can join
which social insurance where (the paper's Table 2, by date)."""

from __future__ import annotations

from typing import Annotated, Any

import typer
from rich.table import Table

from gigcover.engine.errors import GigcoverError

from .common import (
    ContractOption,
    CounterpartyOption,
    DailyOption,
    DateOption,
    FileOption,
    HourlyOption,
    JsonOption,
    Lang,
    LangOption,
    ManagedOption,
    OwnOption,
    WeeklyOption,
    classification_flags,
    console,
    coverage_rules,
    default_model,
    fail,
    inputs_from,
    labels,
    lang_of,
    print_json,
    print_warnings,
    queries,
    today,
)


def classify(
    file: FileOption = None,
    labor_contract: ContractOption = None,
    counterparty: CounterpartyOption = None,
    daily_hours: DailyOption = None,
    weekly_hours: WeeklyOption = None,
    paid_hourly: HourlyOption = None,
    managed: ManagedOption = None,
    own_business: OwnOption = None,
    date: DateOption = "",
    lang: LangOption = "zh",
    json_out: JsonOption = False,
    trace: Annotated[bool, typer.Option("--trace", help="include the trace (with --json)")] = False,
) -> None:
    """Table 1 employment form, legal relation and 人社部发〔2021〕56号 category."""
    language = lang_of(lang)
    try:
        flags = classification_flags(
            labor_contract, counterparty, daily_hours, weekly_hours, paid_hourly, managed, own_business
        )
        inputs = inputs_from(file, **flags)
        answer = queries.classify(default_model(), date or today(), None, inputs, trace=trace)
    except GigcoverError as exc:
        fail(exc)
    if json_out:
        print_json(answer)
        return
    table = Table(title="用工形式分类" if language == "zh" else "Employment classification")
    table.add_column("项目" if language == "zh" else "Item")
    table.add_column("结果" if language == "zh" else "Result")
    names = {
        "legal_relation": ("法律关系", "Legal relation"),
        "employment_form": ("用工形式（表1）", "Form (Table 1)"),
        "new_form_category": ("人社部发〔2021〕56号类别", "MOHRSS 2021 No. 56 category"),
    }
    for key, (zh, en) in names.items():
        table.add_row(
            zh if language == "zh" else en, labels.value_label(default_model(), key, answer["outputs"][key], language)
        )
    console.print(table)
    print_warnings(answer["warnings"], language)


def coverage(
    region: Annotated[str, typer.Option("--region", help="place of work: GB/T 2260 code or name")],
    hukou_rural: Annotated[bool, typer.Option("--rural-hukou/--urban-hukou", help="rural or urban hukou")],
    industry: Annotated[str, typer.Option("--industry", help="food_delivery, ride_hailing, courier, ...")],
    hukou_region: Annotated[str | None, typer.Option("--hukou-region", help="hukou place (code or name)")] = None,
    hukou_local: Annotated[bool | None, typer.Option("--local-hukou/--nonlocal-hukou")] = None,
    platform: Annotated[str, typer.Option("--platform", help="meituan, eleme, didi, ... or other")] = "other",
    file: FileOption = None,
    labor_contract: ContractOption = None,
    counterparty: CounterpartyOption = None,
    daily_hours: DailyOption = None,
    weekly_hours: WeeklyOption = None,
    paid_hourly: HourlyOption = None,
    managed: ManagedOption = None,
    own_business: OwnOption = None,
    date: DateOption = "",
    lang: LangOption = "zh",
    json_out: JsonOption = False,
    trace: Annotated[bool, typer.Option("--trace", help="include the trace (with --json)")] = False,
) -> None:
    """Which social insurance a worker can join, where, and who pays (the paper's Table 2, by date)."""
    language = lang_of(lang)
    try:
        flags = classification_flags(
            labor_contract, counterparty, daily_hours, weekly_hours, paid_hourly, managed, own_business
        )
        inputs = inputs_from(
            file,
            **flags,
            hukou_rural=hukou_rural,
            industry=industry,
            hukou_region=hukou_region,
            hukou_local=hukou_local,
            platform=platform,
        )
        answer = queries.coverage(default_model(), date or today(), region, inputs, trace=trace)
    except GigcoverError as exc:
        fail(exc)
    if json_out:
        print_json(answer)
        return
    _print_coverage(answer, language)


def _print_coverage(answer: dict[str, Any], lang: Lang) -> None:
    out, zh, model = answer["outputs"], lang == "zh", default_model()
    console.print(
        f"[bold]{'日期' if zh else 'Date'} {answer['date']} · {'就业地' if zh else 'Place of work'} "
        f"{default_model().regions.label(answer['region'])}[/bold]"
    )
    console.print(
        f"{labels.value_label(model, 'employment_form', out['employment_form'], lang)} · "
        f"{labels.value_label(model, 'new_form_category', out['new_form_category'], lang)}"
        f" · {'表2' if zh else 'Table 2'}: {labels.value_label(model, 'table2_cell', out['table2_cell'], lang)} "
        f"{labels.stars(out['table2_severity'])}"
    )
    console.print(
        ("可选路径：" if zh else "Routes open: ")
        + ("；" if zh else "; ").join(
            labels.value_label(model, "table2_options", [o], lang) for o in out["table2_options"]
        )
    )
    table = Table(title="各险种参保途径" if zh else "Access by scheme")
    for head in (("险种", "Scheme"), ("途径", "Route"), ("地点", "Where"), ("缴费方", "Who pays")):
        table.add_column(head[0] if zh else head[1])
    for row in queries.schemes(out):
        name = coverage_rules.SCHEME_LABELS[row["scheme"]][0 if zh else 1]
        style = "red" if row["access"] == "none" else None
        table.add_row(
            name,
            labels.value_label(model, f"{row['scheme']}_access", row["access"], lang),
            labels.value_label(model, f"{row['scheme']}_place", row["place"], lang),
            labels.value_label(model, f"{row['scheme']}_payers", row["payers"], lang) or "—",
            style=style,
        )
    console.print(table)
    print_warnings(answer["warnings"], lang)


DEMO_WORKERS: list[tuple[str, str, dict[str, Any]]] = [
    ("外卖众包骑手", "Crowd-sourced food-delivery rider", {"has_labor_contract": False, "platform_manages_work": True}),
    (
        "专送骑手（与配送商签劳动合同）",
        "Dedicated rider employed by a contractor",
        {"has_labor_contract": True, "contract_counterparty": "contractor", "platform_manages_work": True},
    ),
    (
        "派遣网约车司机",
        "Ride-hail driver hired through a dispatch agency",
        {"has_labor_contract": True, "contract_counterparty": "dispatch_agency", "platform_manages_work": True},
    ),
    (
        "小时工（日4小时、周20小时、按小时计酬）",
        "Hourly part-timer (4 h/day, 20 h/week)",
        {
            "has_labor_contract": True,
            "contract_counterparty": "contractor",
            "daily_hours_one_employer": 4,
            "weekly_hours_one_employer": 20,
            "paid_hourly": True,
            "platform_manages_work": True,
        },
    ),
    (
        "自主经营的带货主播",
        "Livestreamer selling on own account",
        {"has_labor_contract": False, "platform_manages_work": False, "own_business": True},
    ),
]


def demo(
    region: Annotated[str, typer.Option("--region", help="place of work for Table 2")] = "310000",
    dates: Annotated[list[str] | None, typer.Option("--date", help="dates for Table 2 (repeatable)")] = None,
    lang: LangOption = "zh",
) -> None:
    """Classify typical workers and print Table 2 as it stands at two dates."""
    language, model = lang_of(lang), default_model()
    table = Table(title="典型从业者分类（表1、56号）" if language == "zh" else "Typical workers (Table 1, No. 56)")
    for head in (("从业者", "Worker"), ("法律关系", "Relation"), ("用工形式", "Form"), ("56号类别", "No. 56")):
        table.add_column(head[0] if language == "zh" else head[1])
    try:
        for title_zh, title_en, inputs in DEMO_WORKERS:
            out = queries.classify(model, "2025-09-01", None, inputs)["outputs"]
            table.add_row(
                title_zh if language == "zh" else title_en,
                *(labels.value_label(model, k, out[k], language) for k in queries.CLASSIFICATION_OUTPUTS),
            )
        console.print(table)
        for when in dates or ["2021-06-01", "2025-09-01"]:
            _print_table2(when, region, language)
    except GigcoverError as exc:
        fail(exc)


def _print_table2(date: str, region: str, lang: Lang) -> None:
    model, zh = default_model(), lang == "zh"
    code = model.regions.resolve(region).code
    cells = {c["cell"]: c for c in queries.table2(model, date, code)}
    title = (
        f"表2 互联网平台灵活就业群体社会保障困境表现 — {date} · {model.regions.label(code)}"
        if zh
        else f"Table 2, coverage by labour relation and hukou — {date} · {model.regions.label(code)}"
    )
    caption = (
        "注：★ 为论文（2021）的困境程度；参保路径按该日期的法规计算。外地户籍有劳动关系者：在本地享受待遇的资格与缴费年限挂钩。"
        if zh
        else "Note: ★ = the paper's 2021 severity; routes follow the law in force on the date. Non-local "
        "workers with a labour relation: drawing benefits locally depends on years contributed there."
    )
    table = Table(title=title, caption=caption, show_lines=True)
    table.add_column("户籍" if zh else "Hukou")
    table.add_column("劳动关系：是" if zh else "Labour relation: yes")
    table.add_column("劳动关系：否" if zh else "Labour relation: no")
    sep = " 或 " if zh else " or "
    for hukou in ("local_urban", "local_rural", "nonlocal_urban", "nonlocal_rural"):
        row = [coverage_rules.Table2Cell.of(f"{hukou}_labor").label(lang).rsplit("·" if zh else ", ", 1)[0]]
        for labor in ("labor", "no_labor"):
            cell = cells[f"{hukou}_{labor}"]
            routes = sep.join(coverage_rules.Table2Option.of(o).label(lang) for o in cell["options"]) or "—"
            row.append(f"{routes} {labels.stars(cell['severity']) if cell['severity'] else ''}".strip())
        table.add_row(*row)
    console.print(table)
