"""Start-up: the parsed model is cached on disk by content, and `gigcover calc` answers without the full CLI."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from gigcover.engine import build_model
from gigcover.entry import _calc_options
from gigcover.rules import registry
from gigcover.rules.model import PARAMETERS, SOURCES, cache_dir


def _rate(model_parameters: Path) -> float:
    model = build_model(registry.variables, model_parameters, SOURCES, cache_dir=model_parameters.parent / "cache")
    return float(
        model.store.lookup("pension.employee.flexible.rate", __import__("datetime").date(2024, 6, 1), "000000").value
    )


def test_the_model_cache_follows_the_files(tmp_path: Path) -> None:
    parameters = tmp_path / "parameters"
    shutil.copytree(PARAMETERS, parameters)
    assert _rate(parameters) == 0.20
    assert len(list((tmp_path / "cache").glob("model-*.pickle"))) == 1
    assert _rate(parameters) == 0.20  # from the cache
    rate_file = parameters / "pension" / "employee" / "flexible" / "rate.yaml"
    rate_file.write_text(
        rate_file.read_text(encoding="utf-8").replace("value: 0.20", "value: 0.19", 1), encoding="utf-8"
    )
    assert _rate(parameters) == 0.19, "a changed file is parsed again, not served from the old cache"
    assert len(list((tmp_path / "cache").glob("model-*.pickle"))) == 2


def test_a_broken_cache_file_is_parsed_again(tmp_path: Path) -> None:
    parameters = tmp_path / "parameters"
    shutil.copytree(PARAMETERS, parameters)
    _rate(parameters)
    for cached in (tmp_path / "cache").glob("model-*.pickle"):
        cached.write_bytes(b"not a pickle")
    assert _rate(parameters) == 0.20


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["calc"], (None, None)),
        (["calc", "--file", "q.json"], (Path("q.json"), None)),
        (["calc", "-f", "q.json", "--scenario=paper"], (Path("q.json"), "paper")),
        (["calc", "--help"], None),
        (["calc", "--file"], None),
        (["calc", "--file", "a", "--file", "b"], None),
        (["coverage", "--region", "310000"], None),
    ],
)
def test_only_plain_calc_calls_take_the_short_way(args: list[str], expected: object) -> None:
    assert _calc_options(args) == expected


def test_gigcover_calc_as_a_process_answers_and_fails_like_the_cli(tmp_path: Path) -> None:
    exe = Path(sys.executable).with_name("gigcover")
    request = {"date": "2021-06-01", "region": "310000", "outputs": ["table2_severity"],
               "inputs": {"has_labor_contract": False, "hukou_local": False, "hukou_rural": True}}  # fmt: skip
    done = subprocess.run([str(exe), "calc"], input=json.dumps(request), capture_output=True, text=True, check=False)
    assert done.returncode == 0 and json.loads(done.stdout)["outputs"] == {"table2_severity": 4}
    bad = subprocess.run([str(exe), "calc"], input="{", capture_output=True, text=True, check=False)
    assert bad.returncode == 2 and json.loads(bad.stderr)["field"] == "request"


def test_cache_folder_follows_the_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    # $GIGCOVER_CACHE_DIR first ("off": no cache), else $XDG_CACHE_HOME/gigcover, else ~/.cache/gigcover
    monkeypatch.setenv("GIGCOVER_CACHE_DIR", "off")
    assert cache_dir() is None
    monkeypatch.setenv("GIGCOVER_CACHE_DIR", str(tmp_path / "mine"))
    assert cache_dir() == tmp_path / "mine"
    monkeypatch.delenv("GIGCOVER_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert cache_dir() == tmp_path / "xdg" / "gigcover"
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert cache_dir() == tmp_path / "home" / ".cache" / "gigcover"
