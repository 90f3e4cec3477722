"""`gigcover params …` and `gigcover variables …`: a parameter's value, date, source and verification level; the
provincial figures held; the variables with their inputs and legal references."""

from __future__ import annotations

from typing import Annotated, Any

import typer
from rich.table import Table

from gigcover.engine.errors import GigcoverError, InputValueError, closest, shown

from .common import (
    DateOption,
    JsonOption,
    Lang,
    LangOption,
    RegionOption,
    console,
    default_model,
    evaluate,
    fail,
    lang_of,
    print_json,
    print_warnings,
    queries,
    today,
)

params_app = typer.Typer(help="Parameters: value, date, source, verification.", no_args_is_help=True)
variables_app = typer.Typer(help="Variables: label, inputs, legal reference.", no_args_is_help=True)


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
        info = queries.parameter_info(model, name, evaluate.parse_date(date or today()), region)
    except GigcoverError as exc:
        fail(exc)
    if json_out:
        print_json(info)
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
        print_warnings([f"no value for {asked}; {used} used"], "en")
    if info["stale"]:
        year = info["effective_from"][:4]
        print_warnings(
            [f"沿用 {year} 年公布值（有效期至 {info['valid_until']}） / carried forward past its period"], "zh"
        )


@params_app.command("unverified")
def params_unverified(
    level: Annotated[str, typer.Option("--level", help="UNVERIFIED (default), V3, V2 or V1")] = "UNVERIFIED",
    json_out: JsonOption = False,
) -> None:
    """Every parameter value at a verification level: what to confirm against an official source."""
    if level not in ("V1", "V2", "V3", "UNVERIFIED"):
        fail(
            InputValueError(f"--level: {shown(level)} is not allowed; expected V1, V2, V3 or UNVERIFIED", field="level")
        )
    model = default_model()
    rows = model.store.values_at_level(level)
    if json_out:
        print_json(rows)
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

    language = lang_of(lang)
    if year and any(not 1990 <= y <= 2100 for y in year):
        fail(InputValueError(f"--year: {year} has a year outside 1990–2100", field="year"))
    try:
        data = coverage_report.report(default_model(), family or None, year or None)
    except GigcoverError as exc:
        fail(exc)
    if json_out:
        print_json(data)
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
        fail(
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
        print_json(queries.variable_info(default_model(), name))
    except GigcoverError as exc:
        fail(exc)


@variables_app.command("list")
def variables_list() -> None:
    """All variable names with their Chinese labels."""
    for name, var in sorted(default_model().variables.items()):
        typer.echo(f"{name}\t{var.label_zh}\t{'input' if var.is_input else 'formula'}")
