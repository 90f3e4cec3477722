"""Runs every rule case in tests/rules/*.yaml through `calculate` (format: see the top of each YAML file)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from gigcover.engine.evaluate import calculate

RULES_DIR = Path(__file__).parent / "rules"
CASE_KEYS = {"name", "date", "region", "inputs", "overrides", "expected", "warnings_contain", "xfail"}
REQUIRED_KEYS = {"name", "date", "inputs", "expected"}


def load_cases() -> list[tuple[str, dict[str, Any]]]:
    cases: list[tuple[str, dict[str, Any]]] = []
    for path in sorted(RULES_DIR.glob("*.yaml")):
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        assert isinstance(raw, list), f"{path.name}: expected a list of cases"
        for case in raw:
            cases.append((path.name, case))
    return cases


CASES = load_cases()


def _params() -> list[Any]:
    params = []
    for file_name, case in CASES:
        marks = []
        if case.get("xfail"):
            marks.append(pytest.mark.xfail(reason=str(case["xfail"]), strict=True))
        params.append(pytest.param(file_name, case, id=str(case.get("name")), marks=marks))
    return params


def test_case_files_exist_and_are_well_formed() -> None:
    files = {path.name for path in RULES_DIR.glob("*.yaml")}
    assert {"table2_2021.yaml", "table2_2025.yaml", "employment.yaml", "schemes.yaml"} <= files
    names = [case.get("name") for _, case in CASES]
    assert len(names) == len(set(names)), "case names must be unique (they are the test ids)"
    for file_name, case in CASES:
        where = f"{file_name}: {case.get('name')}"
        assert isinstance(case, dict), where
        assert set(case) >= REQUIRED_KEYS, f"{where}: missing {REQUIRED_KEYS - set(case)}"
        assert set(case) <= CASE_KEYS, f"{where}: unknown keys {set(case) - CASE_KEYS}"
        assert isinstance(case["expected"], dict) and case["expected"], f"{where}: empty expected"


def _same(actual: Any, expected: Any) -> bool:
    if isinstance(expected, float) and not isinstance(expected, bool):
        return isinstance(actual, int | float) and not isinstance(actual, bool) and actual == pytest.approx(expected)
    if isinstance(expected, list):
        return isinstance(actual, list) and len(actual) == len(expected) and all(map(_same, actual, expected))
    return type(actual) is type(expected) and actual == expected


@pytest.mark.parametrize(("file_name", "case"), _params())
def test_rule_case(model: Any, file_name: str, case: dict[str, Any]) -> None:
    request: dict[str, Any] = {
        "date": str(case["date"]),
        "inputs": case["inputs"],
        "outputs": list(case["expected"]),
    }
    if "region" in case:
        request["region"] = str(case["region"])
    if "overrides" in case:
        request["overrides"] = case["overrides"]
    answer = calculate(model, request)

    wrong = {
        name: {"expected": want, "got": answer["outputs"].get(name)}
        for name, want in case["expected"].items()
        if not _same(answer["outputs"].get(name), want)
    }
    assert not wrong, f"{file_name}: {case['name']}: {wrong}"
    for fragment in case.get("warnings_contain") or []:
        assert any(fragment in w for w in answer["warnings"]), (
            f"{case['name']}: no warning contains {fragment!r}; warnings: {answer['warnings']}"
        )
