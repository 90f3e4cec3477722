"""Turning the advice (a dict of codes and numbers) into words and figures in one language: the one formatter of the
web page (its templates call `View`) and of `gigcover advise` (gigcover.cli.advise), so both say the same thing with
the same figures. Decisions are taken on the advice's codes and numbers, never on the text of a message."""

from __future__ import annotations

import numbers
import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from gigcover.advisor.text import percent
from gigcover.engine.enums import Categorical
from gigcover.engine.regions import region_table
from gigcover.labels import Lang, stars
from gigcover.rules.coverage import SCHEME_LABELS, Access, Payer, Place, Table2Cell, Table2Option
from gigcover.rules.employment import EmploymentForm, LegalRelation, NewFormCategory

from .text import (
    AMOUNT_LABELS,
    OTHER_VALUE_LABELS,
    PLAN_ITEMS,
    PROTECT_LABELS,
    RISK_NAMES,
    VERIFICATION_LEVELS,
    pick,
    t,
)


def number(value: object) -> float | None:
    """A real number (Python or numpy) as a float; None for anything else, booleans included."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        return None
    return float(value)


CATEGORICALS: dict[str, type[Categorical]] = {
    "legal_relation": LegalRelation,
    "employment_form": EmploymentForm,
    "new_form_category": NewFormCategory,
    "table2_option": Table2Option,
    "access": Access,
    "place": Place,
}


class View:
    """Formatting helpers bound to one language; templates call these."""

    def __init__(self, lang: Lang) -> None:
        self.lang: Lang = lang

    # words -------------------------------------------------------------------------------------------------
    def t(self, key: str, **values: object) -> str:
        return t(key, self.lang, **values)

    def official(self, href: object) -> bool:
        return official(href)

    def both(self, data: Mapping[str, Any], base: str) -> str:
        """The `<base>_zh` or `<base>_en` text of an advice entry."""
        return str(data.get(f"{base}_{self.lang}") or data.get(f"{base}_zh") or "")

    def value(self, code: object) -> str:
        """A name the advisor produces (risk level, pension kind, commercial cover) in plain words."""
        text = str(code)
        return pick(OTHER_VALUE_LABELS, text, self.lang) if text in OTHER_VALUE_LABELS else text

    def label(self, kind: str, name: object) -> str:
        """A categorical value of the rules (`kind` names its enum: access, place, employment_form, …) in words."""
        enum = CATEGORICALS[kind]
        return enum.of(str(name)).label(self.lang)

    def scheme(self, code: str) -> str:
        names = SCHEME_LABELS.get(code)
        if names is not None:
            return names[0] if self.lang == "zh" else names[1]
        return str(code)

    def item(self, code: str) -> str:
        return pick(PLAN_ITEMS, code, self.lang)

    def payers(self, payers: object) -> str:
        items = payers if isinstance(payers, list | tuple) else [payers] if payers else []
        sep = "、" if self.lang == "zh" else ", "
        return sep.join(Payer.of(str(p)).label(self.lang) for p in items) or "—"

    def payer(self, code: str) -> str:
        return pick(AMOUNT_LABELS, code, self.lang)

    def cell(self, code: str) -> str:
        return Table2Cell.of(code).label(self.lang)

    def stars(self, severity: object) -> str:
        level = int(number(severity) or 0)
        return stars(level) + "☆" * max(0, 4 - level) if level else ""

    def region(self, code: object) -> str:
        """A region's name; in English its pinyin first (Shanghai (上海市))."""
        found = region_table().by_code.get(str(code))
        if found is None:
            return str(code)
        if self.lang == "en" and found.pinyin:
            return f"{found.pinyin.title()} ({found.name})"
        return found.name

    def risk_name(self, code: str) -> str:
        return pick(RISK_NAMES, code, self.lang)

    def level(self, verified: object) -> str:
        return pick(VERIFICATION_LEVELS, str(verified), self.lang)

    # numbers -----------------------------------------------------------------------------------------------
    def money(self, amount: object, signed: bool = False, whole: bool = False) -> str:
        """1,234.56 元 or ¥1,234.56; `signed` adds + or -, `whole` drops the fen."""
        value = number(amount)
        if value is None:
            return "—"
        sign = ("+" if value >= 0 else "-") if signed else ("-" if value < 0 else "")
        body = f"{abs(value):,.0f}" if whole else f"{abs(value):,.2f}"
        return f"{sign}{body} 元" if self.lang == "zh" else f"{sign}¥{body}"

    def pct(self, share: object) -> str:
        value = number(share)
        if value is None:
            return "—"
        return percent(value)

    def width(self, share: object, threshold: object) -> int:
        """Bar width (0–100) of the share of income, the scale being twice the acceptable share."""
        part, limit = number(share), number(threshold)
        if part is None or limit is None or limit <= 0:
            return 0
        return max(2, min(100, round(part / (2 * limit) * 100)))

    # composite rows ----------------------------------------------------------------------------------------
    def protects(self, protects: Mapping[str, Any]) -> list[tuple[str, str]]:
        """(label, value) rows of what a plan item pays, in a stable order; empty values left out."""
        rows: list[tuple[str, str]] = []
        ordered = [k for k in PROTECT_LABELS if k in protects] + [k for k in protects if k not in PROTECT_LABELS]
        for key in ordered:
            value = protects[key]
            if value is None or value == "":
                continue
            zh, en, kind = PROTECT_LABELS.get(key, (key.replace("_", " "), key.replace("_", " "), "text"))
            rows.append((zh if self.lang == "zh" else en, self._show(value, kind)))
        return rows

    def _show(self, value: Any, kind: str) -> str:
        if kind == "money":
            return self.money(value)
        amount = number(value)
        if kind == "per_order" and amount is not None:
            return (f"{amount:,.2f}" if self.lang == "zh" else f"¥{amount:,.2f}") + self.t("per_order_unit")
        if kind == "years" and amount is not None:
            return f"{amount:g}{self.t('years_unit')}"
        if kind == "months" and amount is not None:
            return f"{amount:g}{self.t('months_unit')}"
        if kind == "label":
            return self.value(value)
        if kind == "region":
            return self.region(value)
        if amount is not None and not isinstance(value, int):
            return f"{amount:,.2f}"
        return str(value)

    def benefit_change(self, what_if: Mapping[str, Any]) -> str:
        """The benefit change of a what-if with its unit in words: per hospital stay for a what-if about the medical
        item (the stay's bill is the what-if's `inpatient_bill`), a month of pension for one about the pension."""
        amount = number(what_if.get("benefit_change_monthly", what_if.get("benefit_change")))
        if amount is None:
            return "—"
        if abs(amount) < 0.005:
            return self.t("no_change")
        signed = self.money(amount, signed=True)
        about = str((what_if.get("compared_with") or {}).get("item") or "")
        bill = number(what_if.get("inpatient_bill"))
        if about == "medical" and bill is not None:
            return self.t("benefit_stay", amount=signed, bill=self.money(bill, whole=True))
        if about == "pension":
            return self.t("benefit_pension", amount=signed)
        return signed + self.t("per_month")

    def cost_change(self, amount: object) -> str:
        value = number(amount)
        if value is None:
            return "—"
        if abs(value) < 0.005:
            return self.t("no_change")
        return self.money(value, signed=True) + self.t("per_month")

    # one plan item, one cheaper route, one what-if: the words both surfaces show -------------------------------
    def title(self, item: Mapping[str, Any]) -> str:
        return self.both(item, "title") or self.item(str(item.get("item", "")))

    def where(self, item: Mapping[str, Any]) -> str:
        """The scheme and, where there is one, the place: 城乡居民基本医疗保险 · 就业地."""
        scheme = self.both(item, "scheme") or self.scheme(str(item.get("scheme", "")))
        place = item.get("place")
        return f"{scheme} · {self.label('place', place)}" if place and place != "none" else scheme

    def cost(self, item: Mapping[str, Any]) -> str:
        """What the worker pays a month for a plan item, or why that cannot be said (no local figure, an insurer's
        quote), or that the worker pays nothing."""
        if item.get("scheme") == "none":
            return self.t("no_route")
        if item.get("cost_known") is False:
            estimate = item.get("cost_estimate")
            if estimate:  # a range worked at the rates other places set, never a figure of the place's own
                low, high = (f"{float(estimate[end]):,.2f}" for end in ("low", "high"))
                return self.t("cost_estimated_range", low=low, high=high)
            reason = item.get("cost_unknown_reason")
            return self.t(
                "cost_unknown_no_regional_figure" if reason == "no_regional_figure" else "cost_unknown_insurer_quote"
            )
        amount = number(item.get("worker_monthly_cost"))
        if not amount:
            return f"0 {self.t('free_for_you')}"
        return self.money(amount) + self.t("per_month")

    def others(self, item: Mapping[str, Any]) -> list[str]:
        """Who else pays for a plan item and how much a month: 政府补贴 58.33 元/月."""
        payers = item.get("other_payers") or {}
        return [
            f"{self.payer(who)} {self.money(amount)}{self.t('per_month')}" for who, amount in payers.items() if amount
        ]

    def options(self, item: Mapping[str, Any]) -> list[str]:
        """A plan item's cheaper ways in, each with its cost and saving a month: 单建统筹（不建立个人账户）220.80 元/月（少缴
        176.64 元）."""
        out = []
        for option in item.get("options") or []:
            label = option.get("label_en" if self.lang == "en" else "label_zh") or option.get("label_zh") or ""
            saving = self.t("option_saving", saving=self.money(option.get("saving_monthly")))
            cost = self.money(option.get("worker_monthly_cost")) + self.t("per_month")
            out.append(f"{label} {cost} ({saving})" if self.lang == "en" else f"{label} {cost}（{saving}）")
        return out

    def step(self, step: Mapping[str, Any]) -> dict[str, Any]:
        """A next step in this language: what to do, the channel (linked only when official), the deadline."""
        en = self.lang == "en"
        url = step.get("url")
        return {
            "text": str((step.get("en") if en else None) or step.get("zh") or ""),
            "channel": str((step.get("channel_en") if en else None) or step.get("channel") or ""),
            "url": url if self.official(url) else None,
            "deadline": (step.get("deadline_en") if en else None) or step.get("deadline") or None,
        }

    def gap(self, gap: Mapping[str, Any]) -> str:
        """A figure the rules lack, said as the advisor words it for the worker (a stand-in, or cannot be worked out)."""
        return str(gap.get(self.lang) or gap.get("zh") or "")

    def route(self, route: Mapping[str, Any]) -> dict[str, Any]:
        """A cheaper route: its title, the new monthly total with its share of income, what it gives up."""
        return {
            "title": self.both(route, "title"),
            "total": self.money(route.get("worker_monthly_total")) + self.t("per_month"),
            "share": self.pct(route.get("share_of_income")),
            "total_and_share": self.money(route.get("worker_monthly_total"))
            + self.t("per_month")
            + self.t("of_income", pct=self.pct(route.get("share_of_income"))),
            "within_line": bool(route.get("within_line")),
            "gives_up": self.both(route, "gives_up"),
        }

    def what_if(self, what_if: Mapping[str, Any]) -> dict[str, Any]:
        """A what-if against the advised plan: title, change in cost, change in benefit, the move's loss, detail, and
        the stand-ins or missing figures behind it."""
        loss = number(what_if.get("portability_loss_monthly"))
        return {
            "title": self.both(what_if, "title"),
            "cost": self.cost_change(what_if.get("cost_change_monthly")),
            "benefit": self.benefit_change(what_if),
            "loss": self.money(loss) if loss else None,
            "detail": self.both(what_if, "detail"),
            "gaps": [self.gap(g) for g in what_if.get("data_gaps") or []],
        }


OFFICIAL_SUFFIXES = (".gov.cn",)


def official(href: object) -> bool:
    """An http(s) link to a government site (gov.cn: the State Council, ministries, 12333, the NHSA, provinces)."""
    if not isinstance(href, str) or not href.startswith(("http://", "https://")):
        return False
    host = urlsplit(href).hostname or ""
    return host.endswith(OFFICIAL_SUFFIXES)


def citation_view(citation: Mapping[str, Any]) -> dict[str, Any]:
    """A citation as a worker sees it: a link only to an official page (never a reprint site or a repository path)."""
    href = citation.get("href")
    shown = href if official(href) else None
    host = (urlsplit(str(shown)).hostname or "") if shown else ""
    rest = {k: v for k, v in citation.items() if k not in ("file", "key")}
    for field in ("note", "quote", "title"):
        if isinstance(rest.get(field), str):
            rest[field] = plain(rest[field])
    return {**rest, "href": shown, "host": host, "official": bool(shown)}


_INTERNAL_ASIDE = re.compile(r"[（(][^（()）]*(?:[a-z_]+\.[a-z_.]+|(?:reference|seed|src)/)[^（()）]*[)）]")
_INTERNAL_NAME = re.compile(
    r"(?:见\s*(?:参数\s*)?)?(?:(?:reference|seed|src)/\S+?(?:\s*§\s*[\d.\-–]+)?|[a-z_]+(?:\.[a-z_]+){2,})"
)


def plain(text: str) -> str:
    """A source's note without the project's internals: file paths and parameter names are for maintainers."""
    text = _INTERNAL_ASIDE.sub("", text)
    text = _INTERNAL_NAME.sub("", text)
    return re.sub(r"[（(]\s*[)）]|[，,；;]\s*(?=[)）])", "", text).strip(" ，,；;")


def is_unverified(citation: Mapping[str, Any]) -> bool:
    return str(citation.get("verified", "")).upper() == "UNVERIFIED"


def item_unverified(item: Mapping[str, Any], lang: Lang) -> list[str]:
    """The UNVERIFIED figures behind this card's own figures, by their plain names (never a parameter path)."""
    return list(dict.fromkeys(str(u.get(lang) or u.get("zh") or "") for u in item.get("unverified_figures") or [] if u))


ENGINE_ERRORS: dict[str, tuple[str, str]] = {
    "not_in_force": (
        "所选日期还没有（或已没有）这方面的规定数据，请换一个日期或稍后再试。",
        "The rules have no figures in force on that date for these answers; try another date.",
    ),
    "region": ("找不到这个地方，请检查城市名或代码。", "That place cannot be found; check the city name or code."),
}


def engine_error(exc: Any, lang: Lang) -> str:
    """An error from the advisor in the page's language, without internal names."""
    kind = str(getattr(exc, "kind", ""))
    zh, en = ENGINE_ERRORS.get(
        kind,
        (
            "无法按这些回答计算，请检查填写的内容。",
            "Advice cannot be worked out from these answers; please check them.",
        ),
    )
    prefix = t("err_engine", lang)
    return prefix + (zh if lang == "zh" else en)
