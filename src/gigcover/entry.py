"""The `gigcover` command. `gigcover calc` (the one way to ask the rules anything, often run once per question by
scripts) is answered without loading the interactive command line (Typer, Rich, the advisor); every other command,
and `calc --help`, goes to `gigcover.cli`."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from gigcover.engine.errors import GigcoverError, InputValueError


def main() -> None:
    options = _calc_options(sys.argv[1:])
    if options is None:
        from gigcover.cli import main as full_cli

        full_cli()
        return
    sys.exit(run_calc(*options))


def _calc_options(args: list[str]) -> tuple[Path | None, str | None] | None:
    """(--file, --scenario) of a plain `calc` call; None for anything else (help, another command, an unknown flag)."""
    if args[:1] != ["calc"]:
        return None
    found: dict[str, str] = {}
    rest = args[1:]
    while rest:
        flag, *rest = rest
        name, _, value = flag.partition("=")
        key = {"--file": "file", "-f": "file", "--scenario": "scenario"}.get(name)
        if key is None or key in found:
            return None
        if not value:
            if not rest:
                return None
            value, *rest = rest
        found[key] = value
    return (Path(found["file"]) if "file" in found else None), found.get("scenario")


def run_calc(file: Path | None, scenario: str | None) -> int:
    """`gigcover calc`: the request from --file (or stdin), a scenario's overrides under the request's own; the answer
    as JSON on stdout (0), or the error as one JSON line on stderr (2)."""
    from gigcover.advisor.model import default_model
    from gigcover.engine.evaluate import calculate, to_jsonable

    try:
        request = read_json(file)
        if scenario is not None and isinstance(request, dict):
            from gigcover import scenarios

            overrides = {**scenarios.scenario(scenario).overrides, **(request.get("overrides") or {})}
            request = {**request, "overrides": overrides}
        answer = calculate(default_model(), request)
    except GigcoverError as exc:
        sys.stderr.write(json.dumps(exc.to_dict(), ensure_ascii=False, default=str) + "\n")
        return 2
    sys.stdout.write(json.dumps(to_jsonable(answer), ensure_ascii=False, indent=2) + "\n")
    return 0


def read_json(file: Path | None) -> Any:
    """JSON from --file (or stdin); an unreadable file or bad JSON is an InputValueError naming it."""
    try:
        text = sys.stdin.read() if file is None or str(file) == "-" else file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise InputValueError(f"--file: cannot read {file}: {reason}", field="file") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputValueError(
            f"request: not valid JSON ({exc.msg} at line {exc.lineno} column {exc.colno})", field="request"
        ) from None
