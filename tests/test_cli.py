"""The command line: JSON contracts, human tables in Chinese and English, and clear errors with exit codes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from gigcover.cli import app

runner = CliRunner()

TABLE2_REQUEST = {
    "date": "2021-06-01",
    "region": "310000",
    "inputs": {"has_labor_contract": False, "hukou_local": False, "hukou_rural": True, "industry": "food_delivery"},
    "outputs": ["table2_cell", "table2_severity", "table2_options"],
    "trace": True,
}


def _json(text: str) -> dict:
    return json.loads(text)


def test_calc_reads_stdin_and_answers_table2_with_trace() -> None:
    result = runner.invoke(app, ["calc"], input=json.dumps(TABLE2_REQUEST))
    assert result.exit_code == 0, result.output
    answer = _json(result.stdout)
    assert answer["outputs"] == {
        "table2_cell": "nonlocal_rural_no_labor",
        "table2_severity": 4,
        "table2_options": ["hukou_place_resident"],
    }
    severity = next(e for e in answer["trace"] if e["variable"] == "table2_severity")
    assert severity["parameters"][0]["name"] == "coverage.table2.severity"
    assert severity["parameters"][0]["reference"]["article"] == "表2"


def test_calc_reads_a_file(tmp_path: Path) -> None:
    request = tmp_path / "situation.json"
    request.write_text(json.dumps({**TABLE2_REQUEST, "trace": False}), encoding="utf-8")
    result = runner.invoke(app, ["calc", "--file", str(request)])
    assert result.exit_code == 0, result.output
    assert "trace" not in _json(result.stdout)


@pytest.mark.parametrize(
    ("request_body", "kind", "needle"),
    [
        ({**TABLE2_REQUEST, "outputs": ["table2_cel"]}, "unknown_name", "table2_cell"),
        ({**TABLE2_REQUEST, "inputs": {"hukou_local": False}}, "missing_input", "hukou_rural"),
        (
            {**TABLE2_REQUEST, "inputs": {**TABLE2_REQUEST["inputs"], "hukou_rural": "yes"}},
            "invalid_value",
            "inputs.hukou_rural",
        ),
        ({**TABLE2_REQUEST, "region": "999999"}, "invalid_region", "999999"),
        ({**TABLE2_REQUEST, "overrides": {"coverage.table2.severty": {}}}, "unknown_name", "coverage.table2.severity"),
        ({**TABLE2_REQUEST, "date": "2021-13-01"}, "invalid_value", "date"),
    ],
)
def test_calc_errors_are_json_on_stderr_with_exit_code_2(request_body: dict, kind: str, needle: str) -> None:
    result = runner.invoke(app, ["calc"], input=json.dumps(request_body))
    assert result.exit_code == 2
    assert result.stdout == ""
    error = _json(result.stderr)
    assert error["error"] == kind
    assert needle in json.dumps(error, ensure_ascii=False)


def test_calc_rejects_text_that_is_not_json() -> None:
    result = runner.invoke(app, ["calc"], input="{not json")
    assert result.exit_code == 2
    assert "not valid JSON" in _json(result.stderr)["message"]


def test_classify_prints_chinese_by_default_and_english_on_request() -> None:
    zh = runner.invoke(app, ["classify", "--no-labor-contract", "--managed"])
    assert zh.exit_code == 0, zh.output
    assert "不完全符合确立劳动关系情形" in zh.stdout
    en = runner.invoke(app, ["classify", "--no-labor-contract", "--managed", "--lang", "en"])
    assert "incomplete labour relation" in en.stdout


def test_classify_json_part_time_boundary() -> None:
    args = [
        "classify",
        "--labor-contract",
        "--counterparty",
        "contractor",
        "--paid-hourly",
        "--daily-hours",
        "4",
        "--managed",
        "--json",
    ]
    at_limit = _json(runner.invoke(app, [*args, "--weekly-hours", "24"]).stdout)
    over = _json(runner.invoke(app, [*args, "--weekly-hours", "24.5"]).stdout)
    assert at_limit["outputs"]["employment_form"] == "part_time"
    assert over["outputs"]["employment_form"] == "full_time"


def test_classify_bad_flag_value_names_the_field() -> None:
    result = runner.invoke(app, ["classify", "--no-labor-contract", "--managed", "--counterparty", "boss"])
    assert result.exit_code == 2
    assert _json(result.stderr)["field"] == "inputs.contract_counterparty"


def test_coverage_table_and_json_agree() -> None:
    args = ["coverage", "--region", "上海", "--hukou-region", "510100", "--rural-hukou", "--industry", "food_delivery",
            "--platform", "meituan", "--no-labor-contract", "--managed", "--date", "2025-09-01"]  # fmt: skip
    human = runner.invoke(app, args)
    assert human.exit_code == 0, human.output
    assert "职业伤害保障" in human.stdout and "平台" in human.stdout
    answer = _json(runner.invoke(app, [*args, "--json"]).stdout)
    out = answer["outputs"]
    assert out["table2_cell"] == "nonlocal_rural_no_labor"
    assert out["occupational_injury_access"] == "platform"
    assert out["occupational_injury_payers"] == ["platform"]
    assert out["resident_pension_place"] == "hukou_place"


def test_coverage_rejects_unknown_language() -> None:
    result = runner.invoke(
        app, ["coverage", "--region", "310000", "--rural-hukou", "--industry", "courier", "--lang", "fr"]
    )
    assert result.exit_code == 2
    assert _json(result.stderr)["field"] == "lang"


def test_params_show_gives_value_date_source_and_verification() -> None:
    result = runner.invoke(
        app,
        ["params", "show", "pension.employee.flexible.rate", "--date", "2024-01-15", "--region", "shanghai", "--json"],
    )
    assert result.exit_code == 0, result.output
    info = _json(result.stdout)
    assert info["value"] == 0.24
    assert info["effective_from"] == "2023-12-01"
    assert info["region"] == "310000"
    assert info["verified"] == "V2"
    assert info["reference"]["document"] == "沪人社规〔2023〕5号"


def test_params_show_unknown_name_suggests() -> None:
    result = runner.invoke(app, ["params", "show", "pension.employee.flexible.rat"])
    assert result.exit_code == 2
    assert "pension.employee.flexible.rate" in _json(result.stderr)["suggestions"]


def test_params_show_before_first_value_is_an_error() -> None:
    result = runner.invoke(app, ["params", "show", "unemployment.flexible.may_join", "--date", "1998-01-01"])
    assert result.exit_code == 2
    assert "1999-01-22" in _json(result.stderr)["message"]


def test_variables_show_lists_inputs_and_references() -> None:
    info = _json(runner.invoke(app, ["variables", "show", "employment_form"]).stdout)
    assert "part_time_hours_test" in info["inputs"]
    assert info["references"][0]["key"] == "seed_paper.table1"


def test_demo_prints_table2_at_two_dates() -> None:
    result = runner.invoke(app, ["demo", "--lang", "en"])
    assert result.exit_code == 0, result.output
    assert "2021-06-01" in result.stdout and "2025-09-01" in result.stdout
    assert "★★★★" in result.stdout


def test_installed_entry_point_runs() -> None:
    """The console script works outside the test runner (as `make run` uses it)."""
    completed = subprocess.run(
        [sys.executable, "-m", "gigcover.cli", "calc"],
        input=json.dumps(TABLE2_REQUEST),
        capture_output=True,
        text=True,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    assert json.loads(completed.stdout)["outputs"]["table2_severity"] == 4


def test_pension_command_computes_what_the_inputs_allow() -> None:
    args = ["pension", "--region", "110000", "--date", "2025-09-01", "--years", "30", "--index", "1.0",
            "--balance", "200000", "--age-months", "723", "--json"]  # fmt: skip
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    answer = _json(result.stdout)
    assert answer["outputs"]["employee_pension_monthly"] == 5071.89
    assert answer["outputs"]["employee_pension_worker_contribution_monthly"] == 1432.4  # 20 % of the 7,162 floor
    assert "resident_account_balance" in answer["not_computed"]["resident_pension_monthly"]


def test_injury_command_puts_both_schemes_side_by_side() -> None:
    args = ["injury", "--region", "310000", "--date", "2025-09-01", "--grade", "7", "--own-wage", "6000"]
    human = runner.invoke(app, [*args, "--lang", "en"])
    assert human.exit_code == 0, human.output
    assert "96,985.20" in human.stdout and "72,375.55" in human.stdout  # 工伤; 职业伤害 13 × 0.6 × 111,347 ÷ 12
    answer = _json(runner.invoke(app, [*args, "--json"]).stdout)
    assert answer["outputs"]["work_injury_death_lump_sum"] == 1083760.0


def test_project_command_writes_a_plot(tmp_path: Path) -> None:
    history = {"start_year": 2020, "hukou_region": "511500",
               "segments": [{"years": 10, "scheme": "employee", "region": "310000", "base_index": 0.6},
                            {"years": 20, "scheme": "employee", "region": "511500", "base_index": 0.6}]}  # fmt: skip
    file = tmp_path / "history.json"
    file.write_text(json.dumps(history), encoding="utf-8")
    plot = tmp_path / "projection.png"
    args = ["project", "--file", str(file), "--birth-date", "1995-03", "--original-age", "60", "--region", "310000",
            "--date", "2025-09-01", "--plot", str(plot)]  # fmt: skip
    result = runner.invoke(app, [*args, "--json"])
    assert result.exit_code == 0, result.output
    projection = _json(result.stdout)["outputs"]["pension_projection"]
    assert projection["employee_years"] == 30
    assert projection["pension_place"] == "511500"  # the relationship ends in the hukou province
    assert plot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_project_command_rejects_a_bad_history(tmp_path: Path) -> None:
    file = tmp_path / "history.json"
    file.write_text(json.dumps({"start_year": 2020, "hukou_region": "atlantis", "segments": []}), encoding="utf-8")
    result = runner.invoke(app, ["project", "--file", str(file), "--birth-date", "1995-03", "--original-age", "60"])
    assert result.exit_code == 2
    assert "contribution_history" in _json(result.stderr)["field"]


def test_params_unverified_lists_the_values_to_confirm() -> None:
    rows = _json(runner.invoke(app, ["params", "unverified", "--json"]).stdout)
    names = {row["name"] for row in rows}
    assert "projection.wage_growth" in names
    assert "pension.employee.flexible.rate" not in names  # V2/V3 only
    megacity = [r for r in rows if r["name"] == "coverage.hukou.pension_work_place_requires_local_hukou"]
    assert {r["region"] for r in megacity} == {
        "110000"
    }  # Guangdong: 粤人社规〔2021〕5号 (V2); Shanghai: 2013 rule (V3)
    assert runner.invoke(app, ["params", "unverified", "--level", "V9"]).exit_code == 2


def test_advise_command_prints_the_plan_and_json(tmp_path: Path) -> None:
    request = {"date": "2025-09-01", "profile": {
        "monthly_income": 7000, "work_region": "上海", "hukou_region": "周口", "hukou_rural": True,
        "industry": "food_delivery", "platform": "meituan", "has_labor_contract": False, "birth_date": "1995-03",
        "sex": "male"}}  # fmt: skip
    file = tmp_path / "profile.json"
    file.write_text(json.dumps(request, ensure_ascii=False), encoding="utf-8")
    human = runner.invoke(app, ["advise", "--file", str(file)])
    assert human.exit_code == 0, human.output
    assert "拆包式参保建议" in human.stdout and "职业伤害保障" in human.stdout
    english = runner.invoke(app, ["advise", "--file", str(file), "--lang", "en"])
    assert "Unbundled plan" in english.stdout
    answer = _json(runner.invoke(app, ["advise", "--file", str(file), "--json"]).stdout)
    assert next(i["item"] for i in answer["plan"]) == "occupational_injury"
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({**request, "profile": {**request["profile"], "industry": "pilot"}}), encoding="utf-8")
    result = runner.invoke(app, ["advise", "--file", str(bad)])
    assert result.exit_code == 2 and _json(result.stderr)["field"] == "profile.industry"


@pytest.mark.parametrize(
    "args",
    [
        ["calc", "--file"],
        ["advise", "--file"],
        ["project", "--birth-date", "1990-01", "--original-age", "60", "--file"],
        ["classify", "--no-labor-contract", "--managed", "--file"],
    ],
)
def test_a_missing_file_is_a_clear_error(args: list[str], tmp_path: Path) -> None:
    result = runner.invoke(app, [*args, str(tmp_path / "absent.json")])
    assert result.exit_code == 2
    error = _json(result.stderr)
    assert error["field"] == "file" and "absent.json" in error["message"]


def test_serve_with_bad_rules_or_settings_says_why_and_starts_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    import gigcover.cli
    from gigcover.engine.errors import ModelDefinitionError

    def broken() -> None:
        raise ModelDefinitionError("variable 'x' declares unknown input 'y'")

    monkeypatch.setattr(gigcover.cli, "default_model", broken)
    result = runner.invoke(app, ["serve", "--port", "8799"])
    assert result.exit_code == 2
    assert "cannot start: variable 'x' declares unknown input 'y'" in result.output
    assert "Traceback" not in result.output
