"""`gigcover pension`, `injury` and `project`: contributions and benefits, and a contribution history projected to
retirement (with the portability loss and an optional plot)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from gigcover.engine.errors import GigcoverError, MissingInputError

from .common import (
    DateOption,
    FileOption,
    JsonOption,
    Lang,
    LangOption,
    console,
    default_model,
    errors,
    fail,
    inputs_from,
    labels,
    lang_of,
    print_json,
    print_warnings,
    queries,
    read_json,
    today,
)


def _answer(
    outputs: Sequence[str], inputs: dict[str, Any], region: str | None, date: str, trace: bool = False
) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """Ask what the inputs can answer; report the rest with the inputs they need."""
    model = default_model()
    possible, blocked = queries.answerable(model, outputs, inputs, region)
    if not possible:
        first = next(iter(blocked.items()))
        raise MissingInputError(f"nothing to compute: {first[0]} needs {', '.join(first[1])}", missing=first[1])
    return queries.ask(model, date or today(), region, inputs, possible, trace), blocked


def _amount_table(title: str, answer: dict[str, Any], lang: Lang) -> Table:
    model, zh = default_model(), lang == "zh"
    table = Table(title=title)
    table.add_column("项目" if zh else "Item")
    table.add_column("金额/结果" if zh else "Value", justify="right")
    for name, value in answer["outputs"].items():
        var = model.variable(name)
        label = var.label_zh if zh else var.label_en
        shown = f"{value:,.2f}" if isinstance(value, float) else labels.value_label(model, name, value, lang)
        table.add_row(f"{label}" + (f" ({var.unit})" if var.unit else ""), shown)
    return table


def _print_blocked(blocked: dict[str, list[str]], lang: Lang) -> None:
    for output, needs in blocked.items():
        head = "未计算" if lang == "zh" else "not computed"
        errors.print(f"[dim]{head}: {output} ← {', '.join(needs)}[/dim]")


def pension(
    region: Annotated[str, typer.Option("--region", help="place of work / of payment (code or name)")],
    file: FileOption = None,
    base_index: Annotated[float | None, typer.Option("--base-index", help="chosen base ÷ average wage")] = None,
    years: Annotated[float | None, typer.Option("--years", help="contribution years")] = None,
    index: Annotated[float | None, typer.Option("--index", help="average contribution index")] = None,
    balance: Annotated[float | None, typer.Option("--balance", help="personal account balance")] = None,
    age_months: Annotated[int | None, typer.Option("--age-months", help="age at retirement in months")] = None,
    birth_date: Annotated[str | None, typer.Option("--birth-date", help="YYYY-MM")] = None,
    original_age: Annotated[int | None, typer.Option("--original-age", help="60, 55 or 50")] = None,
    resident_balance: Annotated[float | None, typer.Option("--resident-balance")] = None,
    date: DateOption = "",
    lang: LangOption = "zh",
    json_out: JsonOption = False,
) -> None:
    """Employee and resident pension: contributions for a chosen base, the benefit, eligibility."""
    language = lang_of(lang)
    try:
        inputs = inputs_from(
            file,
            pension_base_index_chosen=base_index,
            contribution_years=years,
            average_contribution_index=index,
            personal_account_balance=balance,
            retirement_age_months=age_months,
            birth_date=birth_date,
            original_retirement_age=original_age,
            resident_account_balance=resident_balance,
        )
        inputs.setdefault("employee_pension_access", "individual")
        answer, blocked = _answer((*queries.CONTRIBUTION_OUTPUTS[:4], *queries.PENSION_OUTPUTS), inputs, region, date)
    except GigcoverError as exc:
        fail(exc)
    if json_out:
        print_json({**answer, "not_computed": blocked})
        return
    console.print(_amount_table("养老保险" if language == "zh" else "Pension", answer, language))
    _print_blocked(blocked, language)
    print_warnings(answer["warnings"], language)


def injury(
    region: Annotated[str, typer.Option("--region", help="place of work (code or name)")],
    grade: Annotated[int | None, typer.Option("--grade", help="disability grade 1–10")] = None,
    own_wage: Annotated[
        float | None, typer.Option("--own-wage", help="own average monthly wage (工伤 本人工资)")
    ] = None,
    regional_wage: Annotated[
        float | None, typer.Option("--regional-wage", help="regional average monthly wage")
    ] = None,
    spouse: Annotated[bool, typer.Option("--spouse", help="a dependent spouse")] = False,
    other: Annotated[int, typer.Option("--other", help="other dependants")] = 0,
    lone: Annotated[int, typer.Option("--lone", help="dependants who are lone elders or orphans")] = 0,
    file: FileOption = None,
    date: DateOption = "",
    lang: LangOption = "zh",
    json_out: JsonOption = False,
) -> None:
    """Work-injury (工伤保险) and occupational-injury (职业伤害保障) benefits side by side."""
    language, zh = lang_of(lang), lang == "zh"
    wanted = [name for pair in queries.INJURY_OUTPUTS for name in pair if name]
    try:
        inputs = inputs_from(
            file,
            disability_grade=grade,
            own_average_monthly_wage=own_wage,
            regional_average_monthly_wage=regional_wage,
            dependant_spouse=spouse,
            dependants_other=other,
            dependants_lone=lone,
        )
        answer, blocked = _answer(wanted, inputs, region, date)
    except GigcoverError as exc:
        fail(exc)
    if json_out:
        print_json({**answer, "not_computed": blocked})
        return
    out = answer["outputs"]
    table = Table(
        title=f"{'工伤保险与职业伤害保障待遇' if zh else 'Work injury vs occupational injury'} — {answer['date']}"
    )
    table.add_column("项目" if zh else "Item")
    table.add_column("工伤保险" if zh else "Work injury", justify="right")
    table.add_column("职业伤害保障" if zh else "Occupational injury", justify="right")
    for (row_zh, row_en), (work, occupational) in zip(queries.INJURY_ROW_LABELS, queries.INJURY_OUTPUTS, strict=True):
        cells = [f"{out[n]:,.2f}" if n and n in out else "—" for n in (work, occupational)]
        table.add_row(row_zh if zh else row_en, *cells)
    console.print(table)
    _print_blocked(blocked, language)
    print_warnings(answer["warnings"], language)


def project(
    file: Annotated[Path, typer.Option("--file", "-f", help="contribution history JSON (see README)")],
    birth_date: Annotated[str, typer.Option("--birth-date", help="YYYY-MM")],
    original_age: Annotated[int, typer.Option("--original-age", help="60, 55 or 50")],
    region: Annotated[str | None, typer.Option("--region", help="place of the question (counterfactual place)")] = None,
    plot: Annotated[Path | None, typer.Option("--plot", help="save the account balance paths as a PNG")] = None,
    date: DateOption = "",
    lang: LangOption = "zh",
    json_out: JsonOption = False,
) -> None:
    """Project a contribution history to retirement: years, index, account, pension, and the portability loss."""
    language, zh = lang_of(lang), lang == "zh"
    try:
        history = read_json(file)
        inputs = {"contribution_history": history, "birth_date": birth_date, "original_retirement_age": original_age}
        answer = queries.ask(
            default_model(),
            date or today(),
            region or _history_place(history),
            inputs,
            ["pension_projection", "statutory_retirement_date"],
        )
    except GigcoverError as exc:
        fail(exc)
    result = answer["outputs"]["pension_projection"]
    if plot is not None:
        _plot_projection(result, plot, language)
    if json_out:
        print_json(answer)
        return
    table = Table(
        title=("养老金测算" if zh else "Pension projection") + f" — {answer['outputs']['statutory_retirement_date']}"
    )
    table.add_column("项目" if zh else "Item")
    table.add_column("预计" if zh else "Projected", justify="right")
    table.add_column("不流动、不转换" if zh else "No moves or switches", justify="right")
    rows = [
        ("养老金（月）", "Pension per month", "pension_monthly", "counterfactual_pension_monthly"),
        ("转移接续损失（月）", "Portability loss per month", "portability_loss_monthly", None),
        ("其中：跨地区流动", "  of which: moves", "portability_loss_moves_monthly", None),
        ("其中：转入居民保险", "  of which: switches to resident", "portability_loss_switches_monthly", None),
        ("领取地", "Paid in", "pension_place", None),
        ("养老金类别", "Scheme", "pension_scheme", None),
        ("职工缴费年限", "Employee years", "employee_years", None),
        ("平均缴费指数", "Average index", "average_index", None),
        ("个人账户", "Personal account", "account_balance", None),
        ("个人累计缴费", "Worker's own contributions", "worker_contributions", None),
        ("对照情形多缴", "Extra contributions in the comparison", None, "counterfactual_extra_contributions"),
        ("跨省转移统筹基金", "Pooled fund transferred", "pooled_transfer", None),
    ]
    for row_zh, row_en, key, other_key in rows:
        cells = [_show(result.get(k), language) if k else "" for k in (key, other_key)]
        table.add_row(row_zh if zh else row_en, *cells)
    console.print(table)
    if plot is not None:
        console.print(f"{'图已保存' if zh else 'plot saved'}: {plot}")
    print_warnings(answer["warnings"], language)


def _history_place(history: Any) -> str | None:
    """Where to ask a projection when --region is not given: the history's reference region or last place worked."""
    if not isinstance(history, dict):
        return None
    segments = history.get("segments")
    places = [s.get("region") for s in segments if isinstance(s, dict)] if isinstance(segments, list) else []
    for candidate in [history.get("reference_region"), *reversed(places)]:
        if not isinstance(candidate, str):
            continue
        try:
            return default_model().regions.resolve(candidate).code
        except GigcoverError:
            continue
    return None


def _show(value: Any, lang: Lang) -> str:
    if isinstance(value, float):
        return f"{value:,.2f}"
    if isinstance(value, str) and value.isdigit():
        return default_model().regions.label(value)
    return str(value)


def _plot_projection(result: dict[str, Any], path: Path, lang: Lang) -> None:
    """Account balances year by year, projected and without moves or switches."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    years = result["calendar"]
    figure, axes = plt.subplots(figsize=(8, 4.5))
    axes.plot(years, result["balance_path"], label="projected")  # English labels: no CJK font is assumed
    axes.plot(years, result["counterfactual_balance_path"], linestyle="--", label="no moves or switches")
    axes.set_xlabel("year")
    axes.set_ylabel("account balance (yuan)")
    axes.set_title(
        f"pension {result['pension_monthly']:,.0f} vs {result['counterfactual_pension_monthly']:,.0f} "
        f"yuan/month; loss {result['portability_loss_monthly']:,.0f}"
    )
    axes.legend()
    figure.tight_layout()
    figure.savefig(path, dpi=120)
    plt.close(figure)
