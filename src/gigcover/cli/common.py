"""What every command group shares: the lazily loaded services, the rules model, the consoles, the common options,
errors as one JSON line (exit code 2) and the warnings on stderr."""

from __future__ import annotations

import datetime as dt
import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer
from rich.console import Console

from gigcover.engine.errors import GigcoverError, InputValueError, shown
from gigcover.entry import read_json

if TYPE_CHECKING:
    from gigcover import advisor, labels, queries, scenarios
    from gigcover.advisor import model as rules_model
    from gigcover.engine import evaluate
    from gigcover.labels import Lang
    from gigcover.rules import coverage as coverage_rules

__all__ = [
    "ContractOption",
    "CounterpartyOption",
    "DailyOption",
    "DateOption",
    "FileOption",
    "HourlyOption",
    "JsonOption",
    "Lang",
    "LangOption",
    "ManagedOption",
    "OwnOption",
    "RegionOption",
    "WeeklyOption",
    "advisor",
    "classification_flags",
    "console",
    "coverage_rules",
    "default_model",
    "errors",
    "evaluate",
    "fail",
    "inputs_from",
    "labels",
    "lang_of",
    "print_json",
    "print_warnings",
    "queries",
    "read_json",
    "scenarios",
    "today",
]


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


console = Console()
errors = Console(stderr=True)

LangOption = Annotated[str, typer.Option("--lang", help="zh (default) or en")]
JsonOption = Annotated[bool, typer.Option("--json", help="machine-readable JSON")]
DateOption = Annotated[str, typer.Option("--date", help="YYYY-MM-DD (default: today)")]
RegionOption = Annotated[str | None, typer.Option("--region", help="place of work: GB/T 2260 code or name")]
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


def fail(exc: GigcoverError) -> NoReturn:
    """Print the error as one JSON line on stderr (never wrapped) and exit with code 2."""
    sys.stderr.write(json.dumps(exc.to_dict(), ensure_ascii=False, default=str) + "\n")
    raise typer.Exit(code=2)


def lang_of(lang: str) -> Lang:
    if lang not in ("zh", "en"):
        fail(InputValueError(f"--lang: {shown(lang)} is not allowed; expected zh or en", field="lang"))
    return "zh" if lang == "zh" else "en"


def print_json(data: Any) -> None:
    typer.echo(json.dumps(evaluate.to_jsonable(data), ensure_ascii=False, indent=2))


def print_warnings(warnings: list[str], lang: Lang) -> None:
    for warning in warnings:
        errors.print(f"[yellow]{'提示' if lang == 'zh' else 'note'}:[/yellow] {warning}")


def today() -> str:
    return dt.date.today().isoformat()


def inputs_from(file: Path | None, **flags: Any) -> dict[str, Any]:
    """Inputs from --file (an object of input names) overlaid by the flags that were given (not None)."""
    inputs: dict[str, Any] = {}
    if file is not None:
        loaded = read_json(file)
        if not isinstance(loaded, dict):
            raise InputValueError("--file: expected a JSON object of input names to values", field="file")
        inputs.update(loaded)
    inputs.update({k: v for k, v in flags.items() if v is not None})
    return inputs


def classification_flags(
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
