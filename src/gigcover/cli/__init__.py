"""The command line, by command group: `gigcover calc | scenarios | classify | coverage | demo | params | variables |
pension | injury | project | advise | serve | simulate | population | ledger`. This module is the Typer app and its
wiring only; each group lives in its own module (common.py: what they share).

`gigcover calc` alone is answered by `gigcover.entry` without loading this package."""

from __future__ import annotations

import typer

from . import advise, benefits, calc, classify, serve
from .common import default_model
from .ledger import ledger_app
from .params import params_app, variables_app
from .population import population_app
from .simulate import simulate_command

__all__ = ["app", "default_model", "main"]

app = typer.Typer(
    help="gigcover — 互联网平台灵活就业人员社会保障规则引擎 (rules, advisor, ledger, policy lab).",
    no_args_is_help=True,
    add_completion=False,
)
app.add_typer(params_app, name="params")
app.add_typer(variables_app, name="variables")
app.command("simulate")(simulate_command)
app.add_typer(ledger_app, name="ledger")
app.add_typer(population_app, name="population")
app.command()(calc.calc)
app.command("scenarios")(calc.scenarios_command)
app.command()(classify.classify)
app.command()(classify.coverage)
app.command()(benefits.pension)
app.command()(benefits.injury)
app.command()(benefits.project)
app.command()(advise.advise)
app.command()(classify.demo)
app.command()(serve.serve)


def main() -> None:
    app()
