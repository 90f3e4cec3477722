"""`gigcover advise`: one worker's diagnosis and unbundled plan (拆包式参保建议)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from gigcover.engine.errors import GigcoverError, InputValueError

from .common import (
    JsonOption,
    Lang,
    advisor,
    console,
    coverage_rules,
    default_model,
    fail,
    lang_of,
    print_json,
    print_warnings,
    read_json,
)


def advise(
    file: Annotated[
        Path, typer.Option("--file", "-f", help="advice request JSON: {date, profile, budget_monthly, lang}")
    ],
    lang: Annotated[str | None, typer.Option("--lang", help="zh or en (default: the request's lang, else zh)")] = None,
    json_out: JsonOption = False,
) -> None:
    """One worker's diagnosis and unbundled plan: what to join first, what it costs, what it protects, and why."""
    try:
        request = read_json(file)
        if not isinstance(request, dict):
            raise InputValueError("--file: expected a JSON object {date, profile, ...}", field="file")
        if lang is not None:
            request = {**request, "lang": lang_of(lang)}
        answer = advisor.advise(default_model(), request)
    except GigcoverError as exc:
        fail(exc)
    if json_out:
        print_json(answer)
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
    print_warnings(answer["warnings"], lang)
