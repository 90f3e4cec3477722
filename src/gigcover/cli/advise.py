"""`gigcover advise`: one worker's diagnosis and unbundled plan (拆包式参保建议)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape

from gigcover.engine.errors import GigcoverError, InputValueError

from .common import (
    JsonOption,
    Lang,
    advisor,
    console,
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
    """The advice as the web page words it (gigcover.presentation.View, the one formatter of both): the diagnosis,
    each plan item with its cost, who else pays, why, the figures the rules lack and the next steps; affordability
    with the cheaper routes over the line; the what-ifs against the plan advised; the sources."""
    from gigcover.presentation.view import View

    v = View(lang)
    say = _Printer(v)
    diagnosis = answer["diagnosis"]
    say.head(v.t("sec_diagnosis"))
    say.line(v.both(diagnosis, "summary"))
    risks = (" · " if lang == "zh" else "; ").join(
        f"{v.risk_name(name)} {v.value(level)}" for name, level in answer["risk"].items()
    )
    say.line(f"{v.t('risk_title')}{v.t('colon')}{risks}")

    say.head(v.t("plan_heading"))
    for n, item in enumerate(answer["plan"], 1):
        _print_item(say, v, n, item)

    a = answer["affordability"]
    say.head(v.t("sec_afford"))
    verdict = v.t("afford_ok") if a["affordable"] else v.t("afford_heavy")
    say.line(f"{v.t('afford_total')} {v.money(a['worker_monthly_total'])}{v.t('per_month')} · {verdict}")
    if a.get("share_of_income") is not None:
        say.line(
            f"{v.t('afford_share')} {v.pct(a['share_of_income'])}{'；' if lang == 'zh' else '; '}"
            f"{v.t('afford_threshold', pct=v.pct(a['threshold_share']))}"
        )
    if a.get("budget_monthly") is not None:
        say.line(f"{v.t('afford_budget')}{v.t('colon')}{v.money(a['budget_monthly'])}{v.t('per_month')}")
    if a.get("dropped_for_budget"):
        dropped = ("、" if lang == "zh" else ", ").join(v.item(i) for i in a["dropped_for_budget"])
        say.line(f"{v.t('dropped_for_budget')}{v.t('colon')}{dropped}")
        say.line(f"{v.t('plan_total_kept')}{v.t('colon')}{v.money(a['plan_monthly_total'])}")
    say.line(v.both(a, "message"))
    if a.get("cheaper_routes"):
        say.sub(v.t("cheaper_routes"))
        for n, raw in enumerate(a["cheaper_routes"], 1):
            route = v.route(raw)
            mark = f" [{v.t('within_line')}]" if route["within_line"] else ""
            say.line(f"{n}. {route['title']}{mark}", 2)
            say.line(f"{v.t('route_total')}{v.t('colon')}{route['total_and_share']}", 5)
            say.line(f"{v.t('gives_up')}{v.t('colon')}{route['gives_up']}", 5)

    if answer["what_ifs"]:
        say.head(v.t("sec_whatif"))
        for raw in answer["what_ifs"]:
            w = v.what_if(raw)
            say.sub(w["title"])
            say.line(f"{v.t('cost_change')}{v.t('colon')}{w['cost']}", 2)
            say.line(f"{v.t('benefit_change')}{v.t('colon')}{w['benefit']}", 2)
            if w["loss"]:
                say.line(f"{v.t('portability_loss')}{v.t('colon')}{w['loss']}", 2)
            say.line(w["detail"], 2)
            for gap in w["gaps"]:
                say.line(f"! {gap}", 2, style="yellow")

    sources = {
        c["document"] + (f" {c['article']}" if c.get("article") else ""): c["verified"]
        for item in answer["plan"]
        for c in item["citations"]
    }
    say.head(v.t("sources", n=len(sources)))
    say.line("; ".join(f"{doc} [{v.level(level)}]" for doc, level in sources.items()))
    say.line(v.t("ask_12333"))
    print_warnings(answer["warnings"], lang)


def _print_item(say: _Printer, v: Any, n: int, item: dict[str, Any]) -> None:
    held = f" [{v.t('already_enrolled')}]" if item.get("already_enrolled") else ""
    say.sub(f"{v.t('step', n=n)} {v.title(item)} — {v.where(item)}{held}")
    say.line(f"{v.t('you_pay')}{v.t('colon')}{v.cost(item)}", 2)
    for option in v.options(item):
        say.line(f"{v.t('cheaper_option')}{v.t('colon')}{option}", 2)
    others = v.others(item)
    if others:
        say.line(f"{v.t('others_pay')}{v.t('colon')}{('、' if v.lang == 'zh' else ', ').join(others)}", 2)
    for label, value in v.protects(item.get("protects") or {}):
        say.line(f"{label}{v.t('colon')}{value}", 2, style="dim")
    loss = v.both(item, "loss_if_skipped")
    if loss and loss != "—":
        say.line(f"{v.t('loss')}{v.t('colon')}{loss}", 2)
    say.line(f"{v.t('reason')}{v.t('colon')}{v.both(item, 'reason')}", 2)
    for gap in item.get("data_gaps") or []:
        say.line(f"! {v.gap(gap)}", 2, style="yellow")
    if item.get("next_steps"):
        say.line(f"{v.t('next_steps')}{v.t('colon')}", 2, style="bold")
        for i, raw in enumerate(item["next_steps"], 1):
            step = v.step(raw)
            say.line(f"{i}. {step['text']}", 4)
            channel = step["channel"] + (f" ({step['url']})" if step["url"] else "")
            say.line(f"{v.t('channel')}{v.t('colon')}{channel}", 7)
            if step["deadline"]:
                say.line(f"{v.t('deadline')}{v.t('colon')}{step['deadline']}", 7)
        if item.get("hotline"):
            say.line(v.t("call", number=item["hotline"]), 4)


class _Printer:
    """Lines on the console: the advice's own text is never read as Rich markup, and long lines are left to the
    terminal to wrap (so a figure is never split by the printer)."""

    def __init__(self, view: Any) -> None:
        self.view = view

    def head(self, text: str) -> None:
        console.print()
        console.print(escape(text), style="bold underline", soft_wrap=True)

    def sub(self, text: str) -> None:
        console.print(escape(text), style="bold", soft_wrap=True)

    def line(self, text: str, indent: int = 0, style: str | None = None) -> None:
        console.print(" " * indent + escape(text), style=style, soft_wrap=True, highlight=False)
