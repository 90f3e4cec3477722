"""`gigcover calc` (the Typer face of `gigcover.entry.run_calc`) and `gigcover scenarios`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from gigcover.entry import run_calc

from .common import JsonOption, LangOption, console, lang_of, print_json, scenarios


def calc(
    file: Annotated[Path | None, typer.Option("--file", "-f", help="situation JSON (default: stdin)")] = None,
    scenario: Annotated[
        str | None, typer.Option("--scenario", help="apply a reform scenario (see `scenarios`)")
    ] = None,
) -> None:
    """Ask the rules anything: {date, region, inputs, overrides, stand_ins, outputs, trace} → JSON."""
    code = run_calc(file, scenario)
    if code:
        raise typer.Exit(code=code)


def scenarios_command(json_out: JsonOption = False, lang: LangOption = "zh") -> None:
    """The reform scenarios shipped with gigcover (named parameter overlays)."""
    language = lang_of(lang)
    shipped = scenarios.scenarios()
    if json_out:
        print_json({name: s.model_dump() for name, s in shipped.items()})
        return
    table = Table(title="改革情景" if language == "zh" else "Reform scenarios")
    for head in (("名称", "Name"), ("标题", "Title"), ("参数", "Parameters")):
        table.add_column(head[0] if language == "zh" else head[1])
    for name, item in sorted(shipped.items()):
        table.add_row(name, item.title_zh if language == "zh" else item.title_en, "\n".join(item.overrides))
    console.print(table)
