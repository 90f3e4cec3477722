"""Runs every rule case in tests/rules/**/*.yaml through `calculate` (format: see the top of each YAML file). The
folders mirror src/gigcover/rules/ and src/gigcover/parameters/: the cases of rules/<path>.py are in tests/rules/<path>.yaml.

How values are compared (`_same`):

- ints, bools and strings exactly, and with the same type (an expected ``2000`` does not match ``2000.0``);
- lists element by element, with the same length;
- floats written with at most 2 decimals (``2165.3``, ``4518.38``, ``0.07``, ``139.0``) are money, compared TO THE
  FEN: the answer must be the same number of fen, i.e. ``abs(actual - expected) <= 1e-6`` (float noise only). A bare
  ``abs(actual - expected) <= 0.005`` would not do: an amount that was never rounded is at most half a fen away
  from its rounded value, so a missing round-to-the-fen would still pass (``4518.375`` vs ``4518.38``);
- every other float (a ratio, a divisor such as ``138.41666666666666``) to ``1e-9`` relative
  (``math.isclose(actual, expected, rel_tol=1e-9)``): write it with enough digits.
"""

from __future__ import annotations

import math
from decimal import Decimal
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
    for path in sorted(RULES_DIR.rglob("*.yaml")):
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        where = path.relative_to(RULES_DIR).as_posix()
        assert isinstance(raw, list), f"{where}: expected a list of cases"
        for case in raw:
            cases.append((where, case))
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
    files = {path.relative_to(RULES_DIR).as_posix() for path in RULES_DIR.rglob("*.yaml")}
    assert {"coverage/table2_2021.yaml", "coverage/table2_2025.yaml", "employment/classification.yaml"} <= files


def test_case_files_mirror_the_rules() -> None:
    """tests/rules/<path>.yaml holds the cases of src/gigcover/rules/<path>.py (a table of Table 2 at two dates for
    coverage/table2.py): a reader finds a rule's cases from its path."""
    rules = Path(__file__).resolve().parent.parent / "src" / "gigcover" / "rules"
    for path in RULES_DIR.rglob("*.yaml"):
        folder = rules / path.parent.relative_to(RULES_DIR)
        module = folder / (path.stem.split("_20")[0] + ".py")
        assert module.exists() or ((folder / "__init__.py").exists() and path.stem == folder.name), path
    names = [case.get("name") for _, case in CASES]
    assert len(names) == len(set(names)), "case names must be unique (they are the test ids)"
    for file_name, case in CASES:
        where = f"{file_name}: {case.get('name')}"
        assert isinstance(case, dict), where
        assert set(case) >= REQUIRED_KEYS, f"{where}: missing {REQUIRED_KEYS - set(case)}"
        assert set(case) <= CASE_KEYS, f"{where}: unknown keys {set(case) - CASE_KEYS}"
        assert isinstance(case["expected"], dict) and case["expected"], f"{where}: empty expected"


FEN_NOISE = 1e-6  # yuan: float noise allowed on an amount that must be exact to the fen
RATIO_REL_TOL = 1e-9


def is_money(expected: float) -> bool:
    """True when the expected float is written with at most 2 decimals (a whole number of fen)."""
    if not math.isfinite(expected):
        return False
    exponent = Decimal(repr(expected)).as_tuple().exponent
    return isinstance(exponent, int) and exponent >= -2


def same_float(actual: float, expected: float) -> bool:
    """Money to the fen (no unrounded amount passes); anything else to 1e-9 relative."""
    if is_money(expected):
        return abs(actual - expected) <= FEN_NOISE
    return math.isclose(actual, expected, rel_tol=RATIO_REL_TOL, abs_tol=0.0)


def _same(actual: Any, expected: Any) -> bool:
    if isinstance(expected, float) and not isinstance(expected, bool):
        return isinstance(actual, int | float) and not isinstance(actual, bool) and same_float(float(actual), expected)
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


@pytest.mark.parametrize(
    ("actual", "expected", "same"),
    [
        (4518.38, 4518.38, True),
        (4518.379999999999, 4518.38, True),  # float noise
        (4518.375, 4518.38, False),  # never rounded to the fen: half a fen off
        (4518.3749, 4518.37, False),  # never rounded: 0.49 fen off
        (4518.37, 4518.38, False),  # one fen off
        (722.4561, 722.46, False),
        (2000, 2000.0, True),  # an int answer for a money float
        (0.30000000000000004, 0.3, True),
        (138.41666666666666, 138.4167, False),  # not money (4 decimals): 1e-9 relative
        (138.4167, 138.4167, True),
        (1.0000000001, 1.000000000123, True),
        (1.00001, 1.000001, False),
    ],
)
def test_float_comparison_rule(actual: float, expected: float, same: bool) -> None:
    assert _same(actual, expected) is same
