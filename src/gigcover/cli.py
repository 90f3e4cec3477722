"""The command line: `gigcover calc | classify | coverage | params | variables | demo | ledger | serve`."""

from __future__ import annotations

import datetime as dt
import importlib.util
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer
from rich.console import Console
from rich.table import Table

from gigcover.cli_ledger import ledger_app, prepare_for_serve
from gigcover.cli_population import population_app
from gigcover.cli_simulate import simulate_command
from gigcover.engine.errors import GigcoverError, InputValueError, MissingInputError, closest, shown
from gigcover.entry import read_json, run_calc

if TYPE_CHECKING:
    from gigcover import advisor, labels, queries, scenarios
    from gigcover.advisor import model as rules_model
    from gigcover.engine import evaluate
    from gigcover.labels import Lang
    from gigcover.rules import coverage as coverage_rules


def _lazy(name: str) -> ModuleType:
    """A module loaded on first use: `gigcover calc` should not pay for the advisor, the web or plotting."""
    found = sys.modules.get(name)
    if found is not None:
        return found
    spec = importlib.util.find_spec(name)
    assert spec is not None and spec.loader is not None, name
    loader = importlib.util.LazyLoader(spec.loader)
    spec.loader = loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    loader.exec_module(module)
    return module


if not TYPE_CHECKING:
    advisor, labels, queries = _lazy("gigcover.advisor"), _lazy("gigcover.labels"), _lazy("gigcover.queries")
    scenarios, evaluate = _lazy("gigcover.scenarios"), _lazy("gigcover.engine.evaluate")
    coverage_rules, rules_model = _lazy("gigcover.rules.coverage"), _lazy("gigcover.advisor.model")
    Lang = str


def default_model() -> evaluate.Model:
    return rules_model.default_model()


app = typer.Typer(
    help="gigcover — 互联网平台灵活就业人员社会保障规则引擎 (rules, advisor, ledger, policy lab).",
    no_args_is_help=True,
    add_completion=False,
)
params_app = typer.Typer(help="Parameters: value, date, source, verification.", no_args_is_help=True)
variables_app = typer.Typer(help="Variables: label, inputs, legal reference.", no_args_is_help=True)
app.add_typer(params_app, name="params")
app.add_typer(variables_app, name="variables")
app.command("simulate")(simulate_command)
app.add_typer(ledger_app, name="ledger")
app.add_typer(population_app, name="population")
console = Console()
errors = Console(stderr=True)

LangOption = Annotated[str, typer.Option("--lang", help="zh (default) or en")]
JsonOption = Annotated[bool, typer.Option("--json", help="machine-readable JSON")]
DateOption = Annotated[str, typer.Option("--date", help="YYYY-MM-DD (default: today)")]
RegionOption = Annotated[str | None, typer.Option("--region", help="place of work: GB/T 2260 code or name")]


def _fail(exc: GigcoverError) -> NoReturn:
    """Print the error as one JSON line on stderr (never wrapped) and exit with code 2."""
    sys.stderr.write(json.dumps(exc.to_dict(), ensure_ascii=False, default=str) + "\n")
    raise typer.Exit(code=2)


def _lang(lang: str) -> Lang:
    if lang not in ("zh", "en"):
        _fail(InputValueError(f"--lang: {shown(lang)} is not allowed; expected zh or en", field="lang"))
    return "zh" if lang == "zh" else "en"


def _print_json(data: Any) -> None:
    typer.echo(json.dumps(evaluate.to_jsonable(data), ensure_ascii=False, indent=2))


_read_json = read_json


@app.command()
def calc(
    file: Annotated[Path | None, typer.Option("--file", "-f", help="situation JSON (default: stdin)")] = None,
    scenario: Annotated[
        str | None, typer.Option("--scenario", help="apply a reform scenario (see `scenarios`)")
    ] = None,
) -> None:
    """Ask the rules anything: {date, region, inputs, overrides, outputs, trace} → JSON."""
    code = run_calc(file, scenario)
    if code:
        raise typer.Exit(code=code)


@app.command("scenarios")
def scenarios_command(json_out: JsonOption = False, lang: LangOption = "zh") -> None:
    """The reform scenarios shipped with gigcover (named parameter overlays)."""
    language = _lang(lang)
    shipped = scenarios.scenarios()
    if json_out:
        _print_json({name: s.model_dump() for name, s in shipped.items()})
        return
    table = Table(title="改革情景" if language == "zh" else "Reform scenarios")
    for head in (("名称", "Name"), ("标题", "Title"), ("参数", "Parameters")):
        table.add_column(head[0] if language == "zh" else head[1])
    for name, item in sorted(shipped.items()):
        table.add_row(name, item.title_zh if language == "zh" else item.title_en, "\n".join(item.overrides))
    console.print(table)


def _inputs_from(file: Path | None, **flags: Any) -> dict[str, Any]:
    """Inputs from --file (an object of input names) overlaid by the flags that were given (not None)."""
    inputs: dict[str, Any] = {}
    if file is not None:
        loaded = _read_json(file)
        if not isinstance(loaded, dict):
            raise InputValueError("--file: expected a JSON object of input names to values", field="file")
        inputs.update(loaded)
    inputs.update({k: v for k, v in flags.items() if v is not None})
    return inputs


def _classification_flags(
    labor_contract: bool | None,
    counterparty: str | None,
    daily_hours: float | None,
    weekly_hours: float | None,
    paid_hourly: bool | None,
    managed: bool | None,
    own_business: bool | None,
) -> dict[str, Any]:
    return {
        "has_labor_contract": labor_contract,
        "contract_counterparty": counterparty,
        "daily_hours_one_employer": daily_hours,
        "weekly_hours_one_employer": weekly_hours,
        "paid_hourly": paid_hourly,
        "platform_manages_work": managed,
        "own_business": own_business,
    }


FileOption = Annotated[Path | None, typer.Option("--file", "-f", help="JSON object of inputs")]
ContractOption = Annotated[
    bool | None,
    typer.Option("--labor-contract/--no-labor-contract", help="has a labour contract (oral part-time counts)"),
]
CounterpartyOption = Annotated[
    str | None, typer.Option("--counterparty", help="platform|contractor|dispatch_agency|none")
]
DailyOption = Annotated[float | None, typer.Option("--daily-hours", help="average hours a day with one employer")]
WeeklyOption = Annotated[float | None, typer.Option("--weekly-hours", help="hours a week with one employer")]
HourlyOption = Annotated[bool | None, typer.Option("--paid-hourly/--not-paid-hourly")]
ManagedOption = Annotated[
    bool | None,
    typer.Option("--managed/--not-managed", help="the platform manages the work (dispatch, rules, penalties)"),
]
OwnOption = Annotated[bool | None, typer.Option("--own-business/--no-own-business")]


def _today() -> str:
    return dt.date.today().isoformat()


@app.command()
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
    language = _lang(lang)
    try:
        flags = _classification_flags(
            labor_contract, counterparty, daily_hours, weekly_hours, paid_hourly, managed, own_business
        )
        inputs = _inputs_from(file, **flags)
        answer = queries.classify(default_model(), date or _today(), None, inputs, trace=trace)
    except GigcoverError as exc:
        _fail(exc)
    if json_out:
        _print_json(answer)
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
    _print_warnings(answer["warnings"], language)


@app.command()
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
    language = _lang(lang)
    try:
        flags = _classification_flags(
            labor_contract, counterparty, daily_hours, weekly_hours, paid_hourly, managed, own_business
        )
        inputs = _inputs_from(
            file,
            **flags,
            hukou_rural=hukou_rural,
            industry=industry,
            hukou_region=hukou_region,
            hukou_local=hukou_local,
            platform=platform,
        )
        answer = queries.coverage(default_model(), date or _today(), region, inputs, trace=trace)
    except GigcoverError as exc:
        _fail(exc)
    if json_out:
        _print_json(answer)
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
    _print_warnings(answer["warnings"], lang)


def _print_warnings(warnings: list[str], lang: Lang) -> None:
    for warning in warnings:
        errors.print(f"[yellow]{'提示' if lang == 'zh' else 'note'}:[/yellow] {warning}")


@params_app.command("show")
def params_show(
    name: str,
    date: DateOption = "",
    region: RegionOption = None,
    json_out: JsonOption = False,
) -> None:
    """A parameter's value on a date in a region, with its source and verification level."""
    model = default_model()
    try:
        info = queries.parameter_info(model, name, evaluate.parse_date(date or _today()), region)
    except GigcoverError as exc:
        _fail(exc)
    if json_out:
        _print_json(info)
        return
    table = Table(title=f"{name}", show_header=False)
    for key in (
        "description",
        "label_en",
        "value",
        "unit",
        "effective_from",
        "valid_until",
        "region",
        "verified",
        "file",
    ):
        table.add_row(key, str(info[key]) if key != "region" else model.regions.label(str(info[key])))
    for key, value in info["reference"].items():
        table.add_row(f"reference.{key}", str(value))
    console.print(table)
    if info["fallback"]:
        asked, used = (model.regions.label(info[k]) for k in ("requested_region", "region"))
        _print_warnings([f"no value for {asked}; {used} used"], "en")
    if info["stale"]:
        year = info["effective_from"][:4]
        _print_warnings(
            [f"沿用 {year} 年公布值（有效期至 {info['valid_until']}） / carried forward past its period"], "zh"
        )


@params_app.command("unverified")
def params_unverified(
    level: Annotated[str, typer.Option("--level", help="UNVERIFIED (default), V3, V2 or V1")] = "UNVERIFIED",
    json_out: JsonOption = False,
) -> None:
    """Every parameter value at a verification level: what to confirm against an official source."""
    if level not in ("V1", "V2", "V3", "UNVERIFIED"):
        _fail(
            InputValueError(f"--level: {shown(level)} is not allowed; expected V1, V2, V3 or UNVERIFIED", field="level")
        )
    model = default_model()
    rows = model.store.values_at_level(level)
    if json_out:
        _print_json(rows)
        return
    table = Table(title=f"{level}: {len(rows)}")
    for head in ("name", "region", "from", "value", "reference"):
        table.add_column(head)
    for row in rows:
        reference = row["reference"]
        cited = " ".join(str(reference.get(k, "")) for k in ("document", "article")).strip()
        table.add_row(row["name"], model.regions.label(row["region"]), row["effective_from"], str(row["value"]), cited)
    console.print(table)


@params_app.command("coverage")
def params_coverage(
    family: Annotated[
        list[str] | None, typer.Option("--family", help="benefit_base, band, average_wage, flexible_medical, …")
    ] = None,
    year: Annotated[
        list[int] | None, typer.Option("--year", help="a year to show (repeatable; default 2023–2026)")
    ] = None,
    json_out: JsonOption = False,
    lang: LangOption = "zh",
) -> None:
    """Which provincial figures the parameters hold, per province (at its capital), 计划单列市, family and year, at
    what verification level; with the data targets of issue 9 beside the counts."""
    from gigcover import coverage_report

    language = _lang(lang)
    if year and any(not 1990 <= y <= 2100 for y in year):
        _fail(InputValueError(f"--year: {year} has a year outside 1990–2100", field="year"))
    try:
        data = coverage_report.report(default_model(), family or None, year or None)
    except GigcoverError as exc:
        _fail(exc)
    if json_out:
        _print_json(data)
        return
    _print_data_coverage(data, language)


def _print_data_coverage(data: dict[str, Any], lang: Lang) -> None:
    zh = lang == "zh"
    years = [str(y) for y in data["years"]]
    for family in data["families"]:
        key = family["key"]
        table = Table(title=f"{family['zh'] if zh else family['en']}  ({', '.join(family['parameters'])})")
        table.add_column("地区" if zh else "place")
        for y in years:
            table.add_column(y, justify="center")
        for row in data["rows"]:
            name = row["name"] if zh else row["name_en"]
            if row["at"] != row["code"]:
                name += f"（{row['at_name']}）" if zh else f" ({row['at']})"
            table.add_row(name, *(_coverage_mark(row["cells"][key][y], zh) for y in years))
        counts = data["counts"][key]
        table.add_row(
            "合计（31 省）" if zh else "total (31 provinces)",
            *(f"{counts[y]['have']}/{counts[y]['of']}" for y in years),
        )
        console.print(table)
    console.print("—" * 3 + (" 目标（issue 9）" if zh else " targets (issue 9)"))
    for target in data["targets"]:
        have = f"{target['have']:.1%}" if target["key"] == "unverified_share" else f"{target['have']}/{target['of']}"
        mark = "[green]✓[/green]" if target["met"] else "[red]✗[/red]"
        console.print(f"{mark} {target['zh'] if zh else target['en']}: {have}")
    levels = data["levels"]
    console.print(" · ".join(f"{k} {levels[k]}" for k in ("V1", "V2", "V3", "UNVERIFIED", "total")))
    console.print(
        "V1–V3/UNVERIFIED：核实等级；↑：沿用上级（省）数值；已查：missing.yaml 记有检索未果；—：缺"
        if zh
        else "V1–V3/UNVERIFIED: verification; ↑: the province's value; searched: missing.yaml records a search; —: none"
    )


def _coverage_mark(cell: dict[str, Any], zh: bool) -> str:
    if cell["level"]:
        return str(cell["level"]) + ("" if cell["own"] else "↑")
    if cell["searched"]:
        return "已查" if zh else "searched"
    return "—" if cell["expected"] else ""


@params_app.command("list")
def params_list(prefix: Annotated[str, typer.Argument(help="name prefix")] = "") -> None:
    """All parameter names (optionally those starting with a prefix)."""
    model = default_model()
    names = [n for n in sorted(model.store.parameters) if n.startswith(prefix)]
    if not names:
        _fail(
            GigcoverError(
                f"no parameter starts with {shown(prefix)}", suggestions=closest(prefix, model.store.parameters)
            )
        )
    for name in names:
        typer.echo(f"{name}\t{model.store.parameters[name].spec.description}")


@variables_app.command("show")
def variables_show(name: str) -> None:
    """A variable's labels, type, inputs, parameters and legal references (JSON)."""
    try:
        _print_json(queries.variable_info(default_model(), name))
    except GigcoverError as exc:
        _fail(exc)


@variables_app.command("list")
def variables_list() -> None:
    """All variable names with their Chinese labels."""
    for name, var in sorted(default_model().variables.items()):
        typer.echo(f"{name}\t{var.label_zh}\t{'input' if var.is_input else 'formula'}")


def _answer(
    outputs: Sequence[str], inputs: dict[str, Any], region: str | None, date: str, trace: bool = False
) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """Ask what the inputs can answer; report the rest with the inputs they need."""
    model = default_model()
    possible, blocked = queries.answerable(model, outputs, inputs, region)
    if not possible:
        first = next(iter(blocked.items()))
        raise MissingInputError(f"nothing to compute: {first[0]} needs {', '.join(first[1])}", missing=first[1])
    return queries.ask(model, date or _today(), region, inputs, possible, trace), blocked


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


@app.command()
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
    language = _lang(lang)
    try:
        inputs = _inputs_from(
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
        _fail(exc)
    if json_out:
        _print_json({**answer, "not_computed": blocked})
        return
    console.print(_amount_table("养老保险" if language == "zh" else "Pension", answer, language))
    _print_blocked(blocked, language)
    _print_warnings(answer["warnings"], language)


@app.command()
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
    language, zh = _lang(lang), lang == "zh"
    wanted = [name for pair in queries.INJURY_OUTPUTS for name in pair if name]
    try:
        inputs = _inputs_from(
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
        _fail(exc)
    if json_out:
        _print_json({**answer, "not_computed": blocked})
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
    _print_warnings(answer["warnings"], language)


@app.command()
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
    language, zh = _lang(lang), lang == "zh"
    try:
        history = _read_json(file)
        inputs = {"contribution_history": history, "birth_date": birth_date, "original_retirement_age": original_age}
        answer = queries.ask(
            default_model(),
            date or _today(),
            region or _history_place(history),
            inputs,
            ["pension_projection", "statutory_retirement_date"],
        )
    except GigcoverError as exc:
        _fail(exc)
    result = answer["outputs"]["pension_projection"]
    if plot is not None:
        _plot_projection(result, plot, language)
    if json_out:
        _print_json(answer)
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
    _print_warnings(answer["warnings"], language)


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


@app.command()
def advise(
    file: Annotated[
        Path, typer.Option("--file", "-f", help="advice request JSON: {date, profile, budget_monthly, lang}")
    ],
    lang: Annotated[str | None, typer.Option("--lang", help="zh or en (default: the request's lang, else zh)")] = None,
    json_out: JsonOption = False,
) -> None:
    """One worker's diagnosis and unbundled plan: what to join first, what it costs, what it protects, and why."""
    try:
        request = _read_json(file)
        if not isinstance(request, dict):
            raise InputValueError("--file: expected a JSON object {date, profile, ...}", field="file")
        if lang is not None:
            request = {**request, "lang": _lang(lang)}
        answer = advisor.advise(default_model(), request)
    except GigcoverError as exc:
        _fail(exc)
    if json_out:
        _print_json(answer)
        return
    _print_advice(answer, "en" if answer["lang"] == "en" else "zh")


def _print_advice(answer: dict[str, Any], lang: Lang) -> None:
    zh, suffix = lang == "zh", "zh" if lang == "zh" else "en"
    diagnosis = answer["diagnosis"]
    console.print(f"[bold]{'诊断' if zh else 'Diagnosis'}[/bold] {diagnosis[f'summary_{suffix}']}")
    risks = ", ".join(f"{name}: {level}" for name, level in answer["risk"].items())
    console.print(f"{'风险' if zh else 'Risks'}: {risks}")
    table = Table(title="拆包式参保建议（按优先顺序）" if zh else "Unbundled plan (in priority order)", show_lines=True)
    for head in (
        ("项目", "Item"),
        ("险种与地点", "Scheme, where"),
        ("个人月缴费", "You pay / month"),
        ("其他缴费方", "Others pay"),
        ("理由", "Why"),
    ):
        table.add_column(head[0] if zh else head[1], overflow="fold")
    for item in answer["plan"]:
        scheme = f"{item[f'scheme_{suffix}']} · {coverage_rules.Place.of(item['place']).label(lang)}"
        others = (
            ", ".join(f"{coverage_rules.Payer.of(k).label(lang)} {v:,.2f}" for k, v in item["other_payers"].items())
            or "—"
        )
        cost = f"{item['worker_monthly_cost']:,.2f}" + (" ✓" if item["already_enrolled"] else "")
        table.add_row(item[f"title_{suffix}"], scheme, cost, others, item[f"reason_{suffix}"])
    console.print(table)
    console.print(answer["affordability"][f"message_{suffix}"])
    if answer["what_ifs"]:
        what_ifs = Table(title="如果……" if zh else "What if …")
        for head in (("情形", "Case"), ("月缴费变化", "Cost / month"), ("待遇变化", "Benefit"), ("说明", "Detail")):
            what_ifs.add_column(head[0] if zh else head[1])
        for w in answer["what_ifs"]:
            what_ifs.add_row(
                w[f"title_{suffix}"],
                f"{w['cost_change_monthly']:+,.2f}",
                f"{w['benefit_change']:+,.2f}",
                w[f"detail_{suffix}"],
            )
        console.print(what_ifs)
    sources = {
        c["document"] + (f" {c['article']}" if c.get("article") else ""): c["verified"]
        for item in answer["plan"]
        for c in item["citations"]
    }
    console.print(("依据：" if zh else "Sources: ") + "; ".join(f"{doc} [{level}]" for doc, level in sources.items()))
    _print_warnings(answer["warnings"], lang)


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


@app.command()
def demo(
    region: Annotated[str, typer.Option("--region", help="place of work for Table 2")] = "310000",
    dates: Annotated[list[str] | None, typer.Option("--date", help="dates for Table 2 (repeatable)")] = None,
    lang: LangOption = "zh",
) -> None:
    """Classify typical workers and print Table 2 as it stands at two dates."""
    language, model = _lang(lang), default_model()
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
        _fail(exc)


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


@app.command()
def serve(
    host: Annotated[str, typer.Option("--host", help="address to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="port to listen on", min=1, max=65535)] = 8000,
    db: Annotated[
        str | None,
        typer.Option("--db", help="ledger database URL (default $GIGCOVER_DATABASE_URL, else sqlite:///gigcover.db)"),
    ] = None,
    workers: Annotated[
        int, typer.Option("--workers", help="server processes (one per core serves most load)", min=1, max=64)
    ] = 1,
    max_body_bytes: Annotated[
        int | None,
        typer.Option("--max-body-bytes", help="largest request body (default 1 MiB; 64 KiB for /v1/advice)", min=1),
    ] = None,
    max_people: Annotated[
        int | None, typer.Option("--max-people", help="most people per HTTP calc (default 10,000)", min=1)
    ] = None,
    threads: Annotated[
        int | None, typer.Option("--threads", help="worker threads computing the rules per process (default 4)", min=1)
    ] = None,
) -> None:
    """Serve the web advisor at / and the JSON API under /v1 (OpenAPI at /openapi.json, docs at /docs).

    Limits also come from the environment: GIGCOVER_MAX_BODY_BYTES, GIGCOVER_ROUTE_BODY_BYTES,
    GIGCOVER_MAX_PEOPLE, GIGCOVER_MAX_TRACED_PEOPLE, GIGCOVER_THREADS (the options win)."""
    import dataclasses
    import os

    import uvicorn

    from gigcover.api import ServiceLimits, create_app

    try:  # bad rule data or settings: one clear line, before any server starts
        model = default_model()
    except GigcoverError as exc:
        typer.echo(f"gigcover: cannot start: {exc.message}", err=True)
        raise typer.Exit(2) from None
    try:
        base = ServiceLimits.from_env()
        limits = dataclasses.replace(
            base,
            max_body_bytes=max_body_bytes or base.max_body_bytes,
            max_people=max_people or base.max_people,
            threads=threads or base.threads,
        )
    except ValueError as exc:
        typer.echo(f"gigcover: cannot start: {exc}", err=True)
        raise typer.Exit(2) from None
    db = prepare_for_serve(db)  # the ledger: migrated, its ID-hashing key in place (generated and said so)
    shown = f"[{host}]" if ":" in host else host
    typer.echo(f"gigcover: http://{shown}:{port}/ (API docs http://{shown}:{port}/docs; Ctrl+C to stop)")
    if workers == 1:
        uvicorn.run(create_app(model, db_url=db, limits=limits), host=host, port=port)
        return
    os.environ.update(limits.as_env())  # each worker process builds its own app: limits and database by environment
    os.environ["GIGCOVER_DATABASE_URL"] = db
    uvicorn.run("gigcover.api:create_app", factory=True, host=host, port=port, workers=workers)


def main() -> None:
    app()


if __name__ == "__main__":
    main()
