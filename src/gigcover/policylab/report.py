"""The policy lab's report (政策实验室报告): `DIR/report.html`, one self-contained file an analyst can send on.

Charts are static SVG drawn by matplotlib and written into the page (no script, no network, no font download: text
stays text, so the reader's own fonts draw it). Each chart carries a Chinese and English title and a one-line
reading computed from the numbers it shows. The page ends with what the results rest on: the behaviour assumptions
(figures marked ASSUMPTION), the scenarios' own assumptions, the injury fund's prior, and the UNVERIFIED parameter
values the rules read for the run's places and dates.
"""

from __future__ import annotations

import datetime as dt
import html
import io
import json
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from gigcover.engine import Model
from gigcover.engine.errors import GigcoverError
from gigcover.policylab import fund
from gigcover.policylab.behaviour import load_behaviour
from gigcover.policylab.measures import PASS1, PASS2
from gigcover.policylab.scenarios import BASELINE, LabScenario
from gigcover.policylab.simulate import Summary

RISKS = {  # item → (measure, 中文, English)
    "injury": ("coverage_occupational_injury", "工伤/职业伤害", "injury"),
    "medical": ("coverage_medical", "医疗", "medical"),
    "pension": ("coverage_pension", "养老", "old age"),
    "unemployment": ("coverage_unemployment", "失业", "unemployment"),
}
PAYERS = (
    ("worker", "劳动者", "workers"),
    ("platform", "平台/用人单位", "platforms"),
    ("government", "政府", "government"),
)
YI = 1e8  # 亿元


@dataclass(frozen=True)
class Chart:
    """One chart: its id (the page's element id), titles, the SVG and the reading."""

    key: str
    title_zh: str
    title_en: str
    svg: str
    reading_zh: str
    reading_en: str


@dataclass
class ReportContext:
    """What the report says besides the summary: the scenarios run, the rows and places of the population."""

    scenarios: Sequence[LabScenario]
    rows: int
    regions: Sequence[str] = ()
    model: Model | None = None
    extra_notes: list[str] = field(default_factory=list)


class _Values:
    def __init__(self, summary: Summary) -> None:
        self.table = {(s, g, m): v for s, g, m, v in summary.records}
        self.scenarios = summary.scenarios
        self.groups = list(dict.fromkeys(g for _, g, _, _ in summary.records))

    def get(self, scenario: str, group: str, measure: str) -> float:
        value = self.table.get((scenario, group, measure), math.nan)
        return float(value)

    def has(self, measure: str) -> bool:
        return any(
            not math.isnan(self.get(s, "all", measure)) for s in self.scenarios if (s, "all", measure) in self.table
        )

    def dimension(self, name: str) -> list[str]:
        return [g for g in self.groups if g.startswith(f"{name}=")]


def chart_keys(summary: Summary) -> list[str]:
    """The charts a summary's report holds (adequacy only when the projection gave replacement rates)."""
    values = _Values(summary)
    keys = ["coverage-by-risk", "coverage-by-cell", "cost-by-payer", "worker-cost-share"]
    if values.has("replacement_rate_median"):
        keys.append("adequacy")
    keys.append("injury-fund")
    return keys


def charts(summary: Summary) -> list[Chart]:
    """The report's charts for a summary, in `chart_keys` order (the lab's web page shows these same charts)."""
    values = _Values(summary)
    builders: dict[str, Callable[[_Values], Chart]] = {
        "coverage-by-risk": _coverage_by_risk,
        "coverage-by-cell": _coverage_by_cell,
        "cost-by-payer": _cost_by_payer,
        "worker-cost-share": _worker_cost_share,
        "adequacy": _adequacy,
        "injury-fund": _injury_fund,
    }
    return [builders[key](values) for key in chart_keys(summary)]


def adequacy_missing(summary: Summary) -> str:
    """Why the adequacy chart is absent ("" when it is drawn)."""
    return "" if _Values(summary).has("replacement_rate_median") else _adequacy_missing(summary)


def render(summary: Summary, context: ReportContext) -> str:
    """The report as one HTML page."""
    values = _Values(summary)
    return _page(values, context, charts(summary), adequacy_missing(summary), summary.notes + context.extra_notes)


# -- charts --------------------------------------------------------------------------------------------------------
def _svg(figure: Any) -> str:
    out = io.StringIO()
    figure.savefig(out, format="svg", bbox_inches="tight", metadata={"Date": None})
    import matplotlib.pyplot as plt

    plt.close(figure)
    text = out.getvalue()
    return text[text.index("<svg") :]


def _figure(width: float = 8.0, height: float = 3.6, columns: int = 1) -> tuple[Any, Any]:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    plt.rcParams["svg.fonttype"] = "none"  # text as text: the browser's fonts draw it
    plt.rcParams["svg.hashsalt"] = "gigcover"  # stable element ids
    return plt.subplots(1, columns, figsize=(width, height), squeeze=False)


def _pct(value: float) -> str:
    return "—" if math.isnan(value) else f"{value:.1%}"


def _bars(ax: Any, labels: Sequence[str], series: Mapping[str, Sequence[float]], percent: bool = True) -> None:
    x = np.arange(len(labels))
    width = 0.8 / max(len(series), 1)
    for i, (name, heights) in enumerate(series.items()):
        ax.bar(x + (i - (len(series) - 1) / 2) * width, np.nan_to_num(heights), width, label=name)
    ax.set_xticks(x, labels, fontsize=8)
    if percent:
        ax.yaxis.set_major_formatter(lambda v, _: f"{v:.0%}")
    ax.grid(axis="y", alpha=0.3)


def _coverage_by_risk(values: _Values) -> Chart:
    figure, axes = _figure()
    ax = axes[0][0]
    series = {s: [values.get(s, "all", RISKS[r][0]) for r in RISKS] for s in values.scenarios}
    _bars(ax, [RISKS[r][2] for r in RISKS], series)
    ax.set_ylim(0, 1)
    ax.legend(fontsize=7, ncol=3)
    parts_en, parts_zh = [], []
    for measure, zh, en in RISKS.values():
        ranked = sorted(values.scenarios, key=lambda s: np.nan_to_num(values.get(s, "all", measure), nan=-1))
        low, high = ranked[0], ranked[-1]
        lo, hi = values.get(low, "all", measure), values.get(high, "all", measure)
        parts_en.append(f"{en} {_pct(lo)} ({low}) to {_pct(hi)} ({high})")
        parts_zh.append(f"{zh} {_pct(lo)}（{low}）至 {_pct(hi)}（{high}）")
    return Chart(
        "coverage-by-risk",
        "各情景分险种覆盖率",
        "Coverage by risk and scenario",
        _svg(figure),
        "覆盖率范围：" + "；".join(parts_zh) + "。",
        "Coverage ranges: " + "; ".join(parts_en) + ".",
    )


def _coverage_by_cell(values: _Values) -> Chart:
    cells = values.dimension("table2_cell")
    figure, axes = _figure(9.0, 0.9 + 0.35 * max(len(cells), 1), columns=len(RISKS))
    for ax, (measure, _, en) in zip(axes[0], RISKS.values(), strict=True):
        grid = np.array([[values.get(s, c, measure) for s in values.scenarios] for c in cells]).reshape(
            len(cells), len(values.scenarios)
        )
        ax.pcolormesh(np.nan_to_num(grid), vmin=0, vmax=1, cmap="Blues")  # vector cells, no embedded image
        ax.invert_yaxis()
        ax.set_title(en, fontsize=9)
        ax.set_xticks(np.arange(len(values.scenarios)) + 0.5, values.scenarios, rotation=60, ha="right", fontsize=7)
        names = [c.split("=", 1)[1] for c in cells] if ax is axes[0][0] else []
        ax.set_yticks(np.arange(len(cells)) + 0.5, names, fontsize=7)
        for (i, j), v in np.ndenumerate(grid):
            ax.text(j + 0.5, i + 0.5, "—" if math.isnan(v) else f"{v:.0%}", ha="center", va="center", fontsize=6,
                    color="white" if v > 0.6 else "black")  # fmt: skip
    best = _largest_gain(values, cells, "coverage_occupational_injury")
    if best is None:  # no baseline to compare against: the least covered cell instead
        lowest = min(
            ((values.get(s, c, "coverage_occupational_injury"), s, c) for s in values.scenarios for c in cells),
            key=lambda t: np.nan_to_num(t[0], nan=math.inf),
            default=None,
        )
        if lowest is None or math.isnan(lowest[0]):
            zh, en_text = "无表 2 分类可比。", "No Table 2 cell to compare."
        else:
            value, scenario, cell = lowest
            name = cell.split("=", 1)[1]
            zh = f"工伤/职业伤害覆盖最低的是 {name}（{scenario}）：{_pct(value)}。"
            en_text = f"The lowest injury coverage is for {name} under {scenario}: {_pct(value)}."
    else:
        scenario, cell, before, after = best
        name = cell.split("=", 1)[1]
        zh = f"工伤/职业伤害覆盖提升最大的是 {name}（{scenario}）：{_pct(before)} → {_pct(after)}（对比 {BASELINE}）。"
        en_text = (
            f"The largest injury-coverage gain is for {name} under {scenario}: {_pct(before)} → {_pct(after)} "
            f"(against {BASELINE})."
        )
    return Chart("coverage-by-cell", "按表 2 分类的覆盖率", "Coverage by Table 2 cell", _svg(figure), zh, en_text)


def _largest_gain(values: _Values, cells: Sequence[str], measure: str) -> tuple[str, str, float, float] | None:
    found: tuple[str, str, float, float] | None = None
    gain = -math.inf
    others = [s for s in values.scenarios if s != BASELINE] or values.scenarios
    for scenario in others:
        for cell in cells:
            before, after = values.get(BASELINE, cell, measure), values.get(scenario, cell, measure)
            if not math.isnan(after - before) and after - before > gain:
                gain, found = after - before, (scenario, cell, before, after)
    return found


def _cost_by_payer(values: _Values) -> Chart:
    figure, axes = _figure()
    ax = axes[0][0]
    bottom = np.zeros(len(values.scenarios))
    for payer, _, en in PAYERS:
        heights = np.array([values.get(s, "all", f"contributions_{payer}") for s in values.scenarios]) / YI
        ax.bar(values.scenarios, np.nan_to_num(heights), bottom=bottom, label=en)
        bottom += np.nan_to_num(heights)
    ax.set_ylabel("100 million yuan a year", fontsize=8)
    ax.tick_params(axis="x", labelsize=8)
    ax.legend(fontsize=7)
    ax.grid(axis="y", alpha=0.3)
    shares = {}
    for s in values.scenarios:
        total = sum(np.nan_to_num(values.get(s, "all", f"contributions_{p}")) for p, _, _ in PAYERS)
        shares[s] = (total, np.nan_to_num(values.get(s, "all", "contributions_platform")) / total if total else 0.0)
    top = max(values.scenarios, key=lambda s: shares[s][0])
    platform = max(values.scenarios, key=lambda s: shares[s][1])
    return Chart(
        "cost-by-payer",
        "按缴费方的年度缴费",
        "Contributions a year by payer",
        _svg(figure),
        f"总缴费最高为 {top}（{shares[top][0] / YI:,.2f} 亿元/年）；平台/用人单位负担占比最高为 {platform}"
        f"（{shares[platform][1]:.0%}）。",
        f"Total contributions are highest under {top} ({shares[top][0] / YI:,.2f} × 100 M yuan a year); the "
        f"platforms' (or employers') share is highest under {platform} ({shares[platform][1]:.0%}).",
    )


def _worker_cost_share(values: _Values) -> Chart:
    deciles = values.dimension("income_decile")
    figure, axes = _figure(9.0, 3.4, columns=2)
    left, right = axes[0]
    shares = [values.get(s, "all", "worker_cost_share_of_income") for s in values.scenarios]
    _bars(left, values.scenarios, {"all": shares})
    left.tick_params(axis="x", rotation=30)
    left.set_title("all workers", fontsize=9)
    for s in values.scenarios:
        right.plot(range(1, len(deciles) + 1), [values.get(s, d, "worker_cost_share_of_income") for d in deciles],
                   marker="o", markersize=3, label=s)  # fmt: skip
    right.set_xlabel("income decile", fontsize=8)
    right.yaxis.set_major_formatter(lambda v, _: f"{v:.1%}")
    right.legend(fontsize=7)
    right.grid(alpha=0.3)
    top = max(values.scenarios, key=lambda s: np.nan_to_num(values.get(s, "all", "worker_cost_share_of_income")))
    first = values.get(top, deciles[0], "worker_cost_share_of_income") if deciles else math.nan
    last = values.get(top, deciles[-1], "worker_cost_share_of_income") if deciles else math.nan
    share = values.get(top, "all", "worker_cost_share_of_income")
    return Chart(
        "worker-cost-share",
        "劳动者缴费占收入比例",
        "Worker cost as a share of income",
        _svg(figure),
        f"劳动者负担最重为 {top}：占收入 {_pct(share)}；最低收入十分位 {_pct(first)}，最高十分位 {_pct(last)}。",
        f"Workers pay most under {top}: {_pct(share)} of income; {_pct(first)} in the lowest income decile, "
        f"{_pct(last)} in the highest.",
    )


def _adequacy(values: _Values) -> Chart:
    figure, axes = _figure()
    ax = axes[0][0]
    rates = [values.get(s, "all", "replacement_rate_median") for s in values.scenarios]
    _bars(ax, values.scenarios, {"median replacement rate": rates})
    ax.legend(fontsize=7)
    known = [(r, s) for r, s in zip(rates, values.scenarios, strict=True) if not math.isnan(r)]
    low, high = min(known), max(known)
    loss = {s: values.get(s, "all", "portability_loss_monthly_mean") for s in values.scenarios}
    shown_loss = "; ".join(f"{s} {v:,.0f}" for s, v in loss.items() if not math.isnan(v))
    return Chart(
        "adequacy",
        "养老金替代率（中位数；养老金 ÷ 领取地计发基数）",
        "Adequacy: median replacement rate at retirement (pension ÷ the average wage it is paid on)",
        _svg(figure),
        f"替代率中位数从 {_pct(low[0])}（{low[1]}）到 {_pct(high[0])}（{high[1]}）；"
        f"流动造成的养老金损失（元/月，平均）：{shown_loss or '—'}。",
        f"The median replacement rate runs from {_pct(low[0])} ({low[1]}) to {_pct(high[0])} ({high[1]}); pension "
        f"lost to mobility (yuan a month, mean): {shown_loss or '—'}.",
    )


def _adequacy_missing(summary: Summary) -> str:
    reasons = [n for n in summary.notes if n.startswith("replacement_rate_median")]
    return reasons[0] if reasons else "replacement_rate_median: not computed for this run"


def _injury_fund(values: _Values) -> Chart:
    figure, axes = _figure(9.0, 3.2, columns=2)
    left, right = axes[0]
    even = [values.get(s, "all", "injury_fund_break_even_per_order") for s in values.scenarios]
    deficit = [values.get(s, "all", "injury_fund_deficit_probability") for s in values.scenarios]
    _bars(left, values.scenarios, {"yuan per order": even}, percent=False)
    left.set_title("break-even premium per order (yuan)", fontsize=9)
    _bars(right, values.scenarios, {"P(deficit)": deficit})
    right.set_ylim(0, 1)
    right.set_title("probability of a deficit", fontsize=9)
    for ax in (left, right):
        ax.tick_params(axis="x", rotation=30)
    parts_zh, parts_en = [], []
    for s, e, d in zip(values.scenarios, even, deficit, strict=True):
        if math.isnan(e) and math.isnan(d):
            parts_zh.append(f"{s} 无职业伤害基金参保")
            parts_en.append(f"{s}: no one in the fund")
            continue
        parts_zh.append(f"{s} 每单 {e:.3f} 元、赤字概率 {_pct(d)}")
        parts_en.append(f"{s}: {e:.3f} yuan per order, deficit probability {_pct(d)}")
    return Chart(
        "injury-fund",
        "职业伤害保障基金：盈亏平衡单价与赤字概率",
        "Occupational-injury fund: break-even per-order premium and probability of a deficit",
        _svg(figure),
        "；".join(parts_zh) + "。",
        "; ".join(parts_en) + ".",
    )


# -- assumptions ---------------------------------------------------------------------------------------------------
def unverified_parameters(
    model: Model, scenarios: Sequence[LabScenario], regions: Iterable[str]
) -> list[dict[str, str]]:
    """The UNVERIFIED parameter values the rules read for the run: every parameter behind the lab's outputs, looked
    up at each scenario's date in each place of work of the population (a scenario's own overrides are listed with
    the scenario instead)."""
    outputs = [name for name in (*PASS1, *PASS2) if name in model.variables]
    variables = {name for output in outputs for name in (output, *model.ancestors(output))}
    names = sorted({p for v in variables for p in model.variables[v].parameters})
    places = sorted(set(regions))
    found: dict[tuple[str, str, str], dict[str, str]] = {}
    for scenario in scenarios:
        if scenario.date is None:
            continue
        overridden = set(scenario.parameter_overrides())
        for name in names:
            if name in overridden:
                continue
            for place in places:
                try:
                    hit = model.store.lookup(name, scenario.date, place)
                except GigcoverError:
                    continue
                if hit.verified != "UNVERIFIED":
                    continue
                key = (name, hit.region, hit.effective_from.isoformat())
                found.setdefault(key, {
                    "parameter": name, "region": hit.region, "effective_from": hit.effective_from.isoformat(),
                    "value": _short(hit.value), "source": hit.reference.document,
                })  # fmt: skip
    return list(found.values())


def _short(value: Any, limit: int = 90) -> str:
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _assumptions(context: ReportContext) -> str:
    _, documented = load_behaviour()
    rows = [
        (name, entry.verified, _short(entry.value), entry.source.strip())
        for name, entry in documented.parameters.items()
    ]
    behaviour = "".join(
        f'<tr class="{"assumption" if level == "ASSUMPTION" else ""}"><td>{_e(n)}</td><td><b>{_e(level)}</b></td>'
        f"<td><code>{_e(v)}</code></td><td>{_e(src)}</td></tr>"
        for n, level, v, src in rows
    )
    scenario_rows = "".join(
        f'<tr class="assumption"><td>{_e(s.name)}</td><td><b>ASSUMPTION</b></td>'
        f"<td><code>{_e(_short(s.behaviour, 400))}</code></td><td>{_e(s.source)}</td></tr>"
        for s in context.scenarios
        if s.behaviour
    )
    prior = fund.FundPrior()
    fund_rows = "".join(
        f'<tr class="assumption"><td>{_e(n)}</td><td><b>ASSUMPTION</b></td><td><code>{v}</code></td>'
        f"<td>{_e(src)}</td></tr>"
        for n, v, src in (
            (
                "claims_per_fte_year",
                prior.claims_per_fte_year,
                "platform-workers.md §2.6 (derived, order of magnitude)",
            ),
            ("claim_rate_log_sd", prior.claim_rate_log_sd, "the lab's choice"),
            ("cost_per_claim", prior.cost_per_claim, "platform-workers.md §1.8: 490 M ÷ 32,000 (a lower bound)"),
            ("cost_log_sd", prior.cost_log_sd, "the lab's choice"),
        )
    )
    unverified = (
        unverified_parameters(context.model, context.scenarios, context.regions) if context.model is not None else []
    )
    unverified_rows = "".join(
        f'<tr class="unverified"><td>{_e(u["parameter"])}</td><td>{_e(u["region"])}</td>'
        f"<td>{_e(u['effective_from'])}</td><td><code>{_e(u['value'])}</code></td><td>{_e(u['source'])}</td></tr>"
        for u in unverified
    )
    unverified_table = (
        "<table><tr><th>parameter</th><th>region</th><th>from</th><th>value</th><th>source</th></tr>"
        f"{unverified_rows}</table>"
        if unverified
        else "<p>None: every parameter value read for these places and dates is verified (V1–V3).</p>"
        if context.model is not None
        else "<p>Not checked for this report.</p>"
    )
    return (
        '<section id="assumptions"><h2>假设与未核实参数 · Assumptions and UNVERIFIED parameters</h2>'
        "<p>Not law: the take-up behaviour is the lab's model. Rows marked <b>ASSUMPTION</b> are the lab's own "
        "choices where no figure is published; V1–V3 say how the figure was checked.</p>"
        '<h3>参保行为 · Behaviour (behaviour.yaml)</h3><table id="behaviour-assumptions"><tr><th>name</th>'
        f"<th>level</th><th>value</th><th>source</th></tr>{behaviour}{scenario_rows}</table>"
        '<h3>职业伤害基金先验 · The injury fund\'s prior (fund.py)</h3><table id="fund-assumptions"><tr><th>name</th>'
        f"<th>level</th><th>value</th><th>source</th></tr>{fund_rows}</table>"
        f'<h3>未核实参数 · UNVERIFIED parameters the results rest on</h3><div id="unverified">{unverified_table}</div>'
        "</section>"
    )


# -- page ----------------------------------------------------------------------------------------------------------
def _e(text: Any) -> str:
    return html.escape(str(text), quote=True)


STYLE = """
body{font-family:"Noto Sans CJK SC","WenQuanYi Micro Hei","PingFang SC","Microsoft YaHei",sans-serif;max-width:1000px;
margin:2em auto;padding:0 1em;color:#222;line-height:1.45}
h1{font-size:1.5em}h2{border-bottom:1px solid #ccc;padding-bottom:.2em;margin-top:1.6em}
table{border-collapse:collapse;font-size:.85em;margin:.6em 0}td,th{border:1px solid #ddd;padding:.25em .5em;
vertical-align:top;text-align:left}th{background:#f4f4f4}td.num{text-align:right}
figure.chart{margin:1.2em 0;padding:.8em;border:1px solid #e3e3e3;border-radius:4px}figure.chart svg{max-width:100%;
height:auto}figcaption{font-weight:bold}.reading{margin:.3em 0;color:#234}.reading span{display:block}
tr.assumption td:nth-child(2),tr.unverified td:first-child{color:#a40}code{font-size:.9em;word-break:break-all}
.note{color:#555;font-size:.9em}
"""


HEADLINE = (
    *(RISKS[r][0] for r in RISKS),
    *(f"contributions_{p}" for p, _, _ in PAYERS),
    "worker_cost_share_of_income",
    "unpriced_employee_medical_share",
    "replacement_rate_median",
    "injury_fund_break_even_per_order",
    "injury_fund_deficit_probability",
)
"""The measures of the headline table (group `all`), in its order (with the share the rules could not price in
employee medical, so a reader sees how much the figures rest on a missing local rule)."""


def _headline(values: _Values) -> str:
    head = "".join(f"<th>{_e(s)}</th>" for s in values.scenarios)
    body = ""
    for m in HEADLINE:
        cells = "".join(f'<td class="num">{_e(shown(values.get(s, "all", m), m))}</td>' for s in values.scenarios)
        body += f"<tr><td>{_e(m)}</td>{cells}</tr>"
    return f'<table id="headline"><tr><th>measure (group all)</th>{head}</tr>{body}</table>'


def shown(value: float, measure: str) -> str:
    """A measure's value as the report shows it (亿 for contributions, 4 decimals per order, else a percentage)."""
    if math.isnan(value):
        return "—"
    if measure.startswith("contributions_"):
        return f"{value / YI:,.2f} 亿"
    if measure.endswith("_per_order"):
        return f"{value:.4f}"
    return f"{value:.1%}"


def _page(
    values: _Values, context: ReportContext, charts: Sequence[Chart], adequacy_note: str, notes: list[str]
) -> str:
    scenarios = "".join(
        f"<li><b>{_e(s.name)}</b> — {_e(s.title_zh)} · {_e(s.title_en)}"
        f"{f' ({s.date.isoformat()})' if s.date else ''}</li>"
        for s in context.scenarios
    )
    figures = "".join(
        f'<figure class="chart" id="chart-{c.key}"><figcaption>{_e(c.title_zh)} · {_e(c.title_en)}</figcaption>'
        f'{c.svg}<p class="reading"><span lang="zh">{_e(c.reading_zh)}</span><span lang="en">{_e(c.reading_en)}</span>'
        "</p></figure>"
        for c in charts
    )
    adequacy = (
        f'<p class="note" id="adequacy-missing">养老金替代率未计算 · Adequacy not computed: {_e(adequacy_note)}.</p>'
        if adequacy_note
        else ""
    )
    shown_notes = "".join(f"<li>{_e(n)}</li>" for n in notes)
    workers = values.get(values.scenarios[0], "all", "workers") if values.scenarios else math.nan
    return (
        '<!DOCTYPE html><html lang="zh-Hans"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        "<title>政策实验室报告 · Policy lab report</title>"
        f"<style>{STYLE}</style></head><body>"
        "<h1>平台从业者社会保障政策实验室报告<br>Policy lab report: social protection for platform workers</h1>"
        f'<p class="note">{context.rows:,} rows standing for {workers:,.0f} workers; generated '
        f"{dt.date.today().isoformat()} by gigcover simulate. Every amount and route comes from the rules "
        "(gigcover.compute); take-up from the behaviour assumptions listed at the end.</p>"
        f"<h2>情景 · Scenarios</h2><ul>{scenarios}</ul>"
        f"<h2>要点 · Headline figures</h2>{_headline(values)}"
        f"<h2>图表 · Charts</h2>{adequacy}{figures}"
        f"{'<h2>说明 · Notes</h2><ul>' + shown_notes + '</ul>' if shown_notes else ''}"
        f"{_assumptions(context)}"
        "</body></html>"
    )
