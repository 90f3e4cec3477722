"""Mutation benchmark: how many small, deliberate bugs in the rules and the engine does the test suite catch?

A mutant is one edit of one source span — a comparison, an arithmetic or boolean operator, a negation, a numeric
constant, np.maximum/np.minimum, a round_money call, a formula's return value — found with `ast` over
src/gigcover/rules/**/*.py and src/gigcover/engine/*.py. A seeded random sample is run against the test suite (browser
tests excluded), two at a time, each worker in its own copy of the tree so parallel runs never see each other's edit.
A mutant is killed when pytest fails (a timeout counts as killed and is reported separately), survives when it passes.

Not part of `make test`. Run (about 30–40 min on 2 cores for the default 150 + 50):
    GIGCOVER_CACHE_DIR=off .venv/bin/python benchmarks/mutation.py [--rules 150] [--engine 50] [--seed 2026]
Re-run chosen mutants (ids from benchmarks/mutation-results.json): --only ID [ID ...] [--out other.json]
List every mutation point without running anything: --list
"""

from __future__ import annotations

import argparse
import ast
import concurrent.futures
import dataclasses
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GROUPS = {"rules": "src/gigcover/rules/**/*.py", "engine": "src/gigcover/engine/*.py"}
# The whole suite but the browser; files that exercise the rules most directly first, so that -x stops early.
FIRST = [
    "tests/test_rule_cases.py",
    "tests/test_schemes.py",
    "tests/test_retirement.py",
    "tests/test_money.py",
    "tests/test_engine.py",
    "tests/test_engine_rows.py",
    "tests/test_rows.py",
    "tests/test_parameters.py",
    "tests/test_enums.py",
    "tests/test_projection.py",
    "tests/test_properties.py",
    "tests/test_scenarios.py",
]
EXCLUDE = ["tests/test_browser.py"]

CMP_SWAP = {ast.Lt: "<=", ast.LtE: "<", ast.Gt: ">=", ast.GtE: ">", ast.Eq: "!=", ast.NotEq: "=="}
CMP_TEXT = {ast.Lt: "<", ast.LtE: "<=", ast.Gt: ">", ast.GtE: ">=", ast.Eq: "==", ast.NotEq: "!="}
BIN_SWAP = {ast.Add: ("+", "-"), ast.Sub: ("-", "+"), ast.Mult: ("*", "/"), ast.Div: ("/", "*")}
BIT_SWAP = {ast.BitAnd: ("&", "|"), ast.BitOr: ("|", "&")}
# An operator token, not part of a longer one (`<` is not the start of `<=` or `<<`; `*` is not `**`).
TOKEN_RE = {
    "<": rb"(?<![<>=!])<(?![<=])",
    "<=": rb"<=",
    ">": rb"(?<![<>=!-])>(?![>=])",
    ">=": rb">=",
    "==": rb"==",
    "!=": rb"!=",
    "+": rb"\+(?!=)",
    "-": rb"-(?![=>])",
    "*": rb"(?<!\*)\*(?![*=])",
    "/": rb"(?<!/)/(?![/=])",
    "&": rb"&(?!=)",
    "|": rb"\|(?!=)",
    "and": rb"\band\b",
    "or": rb"\bor\b",
    "+=": rb"\+=",
    "-=": rb"-=",
    "*=": rb"\*=",
    "/=": rb"/=",
}


@dataclasses.dataclass(frozen=True)
class Mutant:
    id: str
    group: str
    file: str  # relative to the repository root
    line: int  # 1-based
    col: int  # 0-based, in characters
    kind: str
    original: str
    replacement: str
    start: int  # byte offsets of the replaced span in the file
    end: int


class Finder(ast.NodeVisitor):
    """Collects mutation points of one file; declarations (decorators, module-level registry calls), f-strings and
    docstrings and annotations are skipped: they hold labels, units, input bounds, citations and types, not formulas."""

    def __init__(self, source: bytes) -> None:
        self.source = source
        self.starts = [0]
        for i, byte in enumerate(source):
            if byte == 0x0A:
                self.starts.append(i + 1)
        self.points: list[tuple[str, int, int, bytes]] = []  # kind, start, end, replacement
        self.formula = False

    def offset(self, line: int, col: int) -> int:
        return self.starts[line - 1] + col

    def span(self, node: ast.AST) -> tuple[int, int]:
        return self.offset(node.lineno, node.col_offset), self.offset(node.end_lineno, node.end_col_offset)  # type: ignore[attr-defined, arg-type]

    def text(self, node: ast.AST) -> bytes:
        start, end = self.span(node)
        return self.source[start:end]

    def add(self, kind: str, start: int, end: int, replacement: bytes) -> None:
        self.points.append((kind, start, end, replacement))

    def token_between(self, left: ast.AST, right: ast.AST, token: str, kind: str, replacement: str) -> None:
        """The operator token between two operands (past closing parentheses and comments)."""
        gap_start, gap_end = self.span(left)[1], self.span(right)[0]
        gap = re.sub(rb"#[^\n]*", lambda m: b" " * len(m.group()), self.source[gap_start:gap_end])
        found = list(re.finditer(TOKEN_RE[token], gap))
        if len(found) == 1:
            self.add(kind, gap_start + found[0].start(), gap_start + found[0].end(), replacement.encode())

    # -- skipped subtrees -------------------------------------------------------------------------------------------
    def visit_JoinedStr(self, node: ast.JoinedStr) -> None:
        return None

    def visit_Module(self, node: ast.Module) -> None:
        for statement in node.body:
            declaration = (
                isinstance(statement, ast.Expr)
                and isinstance(statement.value, ast.Call)
                and isinstance(statement.value.func, ast.Attribute)
                and isinstance(statement.value.func.value, ast.Name)
                and statement.value.func.value.id == "registry"
            )
            if not declaration:
                self.visit(statement)

    def visit_FunctionDef(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        formula_type = None
        for decorator in node.decorator_list:
            if (
                isinstance(decorator, ast.Call)
                and isinstance(decorator.func, ast.Attribute)
                and decorator.func.attr == "formula"
                and len(decorator.args) >= 3
                and isinstance(decorator.args[2], ast.Constant)
            ):
                formula_type = decorator.args[2].value
        outer, self.formula = self.formula, formula_type == "float"
        for default in node.args.defaults + [d for d in node.args.kw_defaults if d is not None]:
            self.visit(default)
        for statement in node.body:
            self.visit(statement)
        self.formula = outer

    visit_AsyncFunctionDef = visit_FunctionDef  # type: ignore[assignment]

    def visit_AnnAssign(self, node: ast.AnnAssign) -> None:
        if node.value is not None:  # the annotation is not evaluated (from __future__ import annotations)
            self.visit(node.value)

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        for statement in node.body:
            self.visit(statement)

    def visit_Expr(self, node: ast.Expr) -> None:
        if isinstance(node.value, ast.Constant) and isinstance(node.value.value, str):
            return  # docstring or bare string
        self.generic_visit(node)

    # -- mutation points --------------------------------------------------------------------------------------------
    def visit_Compare(self, node: ast.Compare) -> None:
        operands = [node.left, *node.comparators]
        for i, op in enumerate(node.ops):
            if type(op) in CMP_SWAP:
                self.token_between(operands[i], operands[i + 1], CMP_TEXT[type(op)], "comparison", CMP_SWAP[type(op)])
        self.generic_visit(node)

    def visit_BinOp(self, node: ast.BinOp) -> None:
        stringy = any(
            isinstance(side, ast.JoinedStr) or (isinstance(side, ast.Constant) and isinstance(side.value, str | bytes))
            for side in (node.left, node.right)
        )
        if not stringy:
            if type(node.op) in BIN_SWAP:
                token, replacement = BIN_SWAP[type(node.op)]
                self.token_between(node.left, node.right, token, "arithmetic", replacement)
            elif type(node.op) in BIT_SWAP:
                token, replacement = BIT_SWAP[type(node.op)]
                self.token_between(node.left, node.right, token, "bitwise", replacement)
        self.generic_visit(node)

    def visit_AugAssign(self, node: ast.AugAssign) -> None:
        if type(node.op) in BIN_SWAP:
            token, replacement = BIN_SWAP[type(node.op)]
            self.token_between(node.target, node.value, token + "=", "arithmetic", replacement + "=")
        self.generic_visit(node)

    def visit_BoolOp(self, node: ast.BoolOp) -> None:
        token, replacement = ("and", "or") if isinstance(node.op, ast.And) else ("or", "and")
        for left, right in zip(node.values, node.values[1:], strict=False):
            self.token_between(left, right, token, "boolean", replacement)
        self.generic_visit(node)

    def visit_UnaryOp(self, node: ast.UnaryOp) -> None:
        if isinstance(node.op, ast.Not | ast.Invert):
            start, end = self.span(node)
            self.add("negation removed", start, end, b"(" + self.text(node.operand) + b")")
        self.generic_visit(node)

    def visit_Constant(self, node: ast.Constant) -> None:
        value = node.value
        if isinstance(value, bool) or not isinstance(value, int | float):
            return
        if value == 0:
            new: int | float = 1 if isinstance(value, int) else 1.0
        elif value == 1:
            new = 0 if isinstance(value, int) else 0.0
        elif value == 0.5:
            new = 0.6
        else:
            new = value + 1
        start, end = self.span(node)
        self.add("constant", start, end, repr(new).encode())

    def visit_Attribute(self, node: ast.Attribute) -> None:
        if isinstance(node.value, ast.Name) and node.value.id == "np" and node.attr in ("maximum", "minimum"):
            start, end = self.span(node)
            self.add("np.maximum/minimum", start, end, b"np.minimum" if node.attr == "maximum" else b"np.maximum")
        self.generic_visit(node)

    def visit_Call(self, node: ast.Call) -> None:
        if isinstance(node.func, ast.Name) and node.func.id == "round_money" and node.args:
            start, end = self.span(node)
            self.add("round_money removed", start, end, b"(" + self.text(node.args[0]) + b")")
        self.generic_visit(node)

    def visit_Return(self, node: ast.Return) -> None:
        if self.formula and node.value is not None and not isinstance(node.value, ast.Constant):
            start, end = self.span(node.value)
            self.add("formula result doubled", start, end, b"(" + self.text(node.value) + b") * 2")
        self.generic_visit(node)


def enumerate_mutants(root: Path = ROOT) -> list[Mutant]:
    mutants: list[Mutant] = []
    for group, pattern in GROUPS.items():
        for path in sorted(root.glob(pattern)):
            relative = path.relative_to(root).as_posix()
            source = path.read_bytes()
            finder = Finder(source)
            finder.visit(ast.parse(source, filename=relative))
            for kind, start, end, replacement in sorted(set(finder.points), key=lambda p: (p[1], p[2], p[0])):
                mutated = source[:start] + replacement + source[end:]
                try:
                    compile(mutated, relative, "exec")
                except SyntaxError:
                    continue
                line = source.count(b"\n", 0, start) + 1
                col = len(source[finder.starts[line - 1] : start].decode())
                mutants.append(
                    Mutant(
                        id=f"{relative.removeprefix('src/gigcover/')}:{line}:{col}:{kind.split()[0]}:{start}",
                        group=group,
                        file=relative,
                        line=line,
                        col=col,
                        kind=kind,
                        original=source[start:end].decode(),
                        replacement=replacement.decode(),
                        start=start,
                        end=end,
                    )
                )
    return mutants


def make_copy(name: str) -> Path:
    """A private copy of the tree (no .git, no caches) for one worker."""
    target = Path(tempfile.gettempdir()) / f"mut-{name}"
    if target.exists():
        shutil.rmtree(target)
    ignore = shutil.ignore_patterns(
        ".git", ".venv*", "__pycache__", ".hypothesis", "artifacts", "*.egg-info", ".*cache"
    )
    shutil.copytree(ROOT, target, ignore=ignore)
    return target


def run_tests(copy: Path, timeout: float) -> tuple[str, float, str]:
    """pytest in one copy: ("passed" | "failed" | "timeout", seconds, last line of output)."""
    tests = [t for t in FIRST if (copy / t).exists()]
    env = dict(os.environ, GIGCOVER_CACHE_DIR="off", PYTHONPATH=str(copy / "src"), PYTHONDONTWRITEBYTECODE="1")
    command = [sys.executable, "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider", *tests, "tests"]
    command += [f"--deselect={t}" for t in EXCLUDE] + ["--ignore=" + t for t in EXCLUDE]
    began = time.perf_counter()
    try:
        done = subprocess.run(command, cwd=copy, env=env, capture_output=True, text=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired:
        return "timeout", time.perf_counter() - began, ""
    tail = (done.stdout.strip().splitlines() or [""])[-1][:200]
    return ("passed" if done.returncode == 0 else "failed"), time.perf_counter() - began, tail


def run_mutant(mutant: Mutant, copy: Path, timeout: float) -> dict[str, object]:
    path = copy / mutant.file
    original = path.read_bytes()
    try:
        path.write_bytes(original[: mutant.start] + mutant.replacement.encode() + original[mutant.end :])
        outcome, seconds, tail = run_tests(copy, timeout)
    finally:
        path.write_bytes(original)
    source_line = original.decode().splitlines()[mutant.line - 1].strip()
    status = {"passed": "survived", "failed": "killed", "timeout": "timeout"}[outcome]
    return {
        **dataclasses.asdict(mutant),
        "status": status,
        "seconds": round(seconds, 1),
        "source": source_line,
        "tail": tail,
    }


def summarise(results: list[dict[str, object]]) -> dict[str, dict[str, object]]:
    summary: dict[str, dict[str, object]] = {}
    for group in GROUPS:
        rows = [r for r in results if r["group"] == group]
        killed = sum(r["status"] == "killed" for r in rows)
        timeouts = sum(r["status"] == "timeout" for r in rows)
        survived = sum(r["status"] == "survived" for r in rows)
        dead = killed + timeouts
        summary[group] = {
            "run": len(rows),
            "killed": dead,
            "killed_by_failure": killed,
            "timeouts": timeouts,
            "survived": survived,
            "score": round(dead / (dead + survived), 4) if rows else None,
        }
    return summary


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rules", type=int, default=150, help="mutants sampled from rules/ (default 150)")
    parser.add_argument("--engine", type=int, default=50, help="mutants sampled from engine/ (default 50)")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--timeout", type=float, default=120.0, help="seconds per mutant; a timeout counts as killed")
    parser.add_argument("--jobs", type=int, default=2, help="parallel workers, one tree copy each (default 2)")
    parser.add_argument("--only", nargs="+", metavar="ID", help="run just these mutant ids")
    parser.add_argument("--list", action="store_true", help="print every mutation point and exit")
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "mutation-results.json")
    args = parser.parse_args()

    mutants = enumerate_mutants()
    if args.list:
        for m in mutants:
            print(f"{m.id}\t{m.original!r} → {m.replacement!r}")
        print({g: sum(m.group == g for m in mutants) for g in GROUPS}, file=sys.stderr)
        return 0
    if args.only:
        wanted = set(args.only)
        sample = [m for m in mutants if m.id in wanted]
        missing = wanted - {m.id for m in sample}
        if missing:
            parser.error(f"unknown mutant ids (has the source changed?): {sorted(missing)}")
    else:
        rng = random.Random(args.seed)
        sample = []
        for group, size in (("rules", args.rules), ("engine", args.engine)):
            pool = [m for m in mutants if m.group == group]
            sample += rng.sample(pool, min(size, len(pool)))
    points = {g: sum(m.group == g for m in mutants) for g in GROUPS}
    print(f"{len(mutants)} mutation points {points}; running {len(sample)} with {args.jobs} workers", flush=True)

    copies = [make_copy(chr(ord("a") + i)) for i in range(args.jobs)]
    # The unmutated suite must pass in every copy, or every mutant would look killed.
    with concurrent.futures.ThreadPoolExecutor(max_workers=args.jobs) as pool:
        baselines = list(pool.map(lambda copy: run_tests(copy, args.timeout * 2), copies))
    for copy, (outcome, seconds, tail) in zip(copies, baselines, strict=True):
        if outcome != "passed":
            print(f"baseline {outcome} in {copy} ({tail}); aborting", file=sys.stderr)
            return 2
        print(f"baseline passed in {copy} in {seconds:.0f} s", flush=True)

    free = list(copies)
    results: list[dict[str, object]] = []
    began = time.perf_counter()
    with concurrent.futures.ThreadPoolExecutor(max_workers=args.jobs) as pool:
        pending: dict[concurrent.futures.Future[dict[str, object]], Path] = {}
        queue = list(sample)
        while queue or pending:
            while queue and free:
                copy = free.pop()
                pending[pool.submit(run_mutant, queue.pop(0), copy, args.timeout)] = copy
            done, _ = concurrent.futures.wait(pending, return_when=concurrent.futures.FIRST_COMPLETED)
            for future in done:
                free.append(pending.pop(future))
                result = future.result()
                results.append(result)
                print(
                    f"[{len(results):3}/{len(sample)}] {result['status']:8} {result['seconds']:5.1f}s  "
                    f"{result['file']}:{result['line']}  {result['original']!r} → {result['replacement']!r}",
                    flush=True,
                )

    # Every copy is back to the pristine source, and the repository itself was never touched.
    for copy in copies:
        for relative in {m.file for m in sample}:
            if (copy / relative).read_bytes() != (ROOT / relative).read_bytes():
                print(f"{copy / relative} not restored", file=sys.stderr)
                return 3
    clean = subprocess.run(["git", "diff", "--quiet", "--", "src"], cwd=ROOT, check=False).returncode == 0
    summary = summarise(results)
    order = {m.id: i for i, m in enumerate(mutants)}
    results.sort(key=lambda r: order[str(r["id"])])
    survivors = [r for r in results if r["status"] == "survived"]

    print(f"\n{'group':8} {'run':>5} {'killed':>7} {'timeout':>8} {'survived':>9} {'score':>7}")
    for group, s in summary.items():
        score = "" if s["score"] is None else f"{100 * float(s['score']):.1f} %"  # type: ignore[arg-type]
        print(f"{group:8} {s['run']:>5} {s['killed']:>7} {s['timeouts']:>8} {s['survived']:>9} {score:>7}")
    print(f"(killed includes timeouts; {time.perf_counter() - began:.0f} s; source tree clean: {clean})")
    if survivors:
        print("\nSurvivors:")
        for r in survivors:
            print(f"  {r['file']}:{r['line']}  {r['original']!r} → {r['replacement']!r}   | {r['source']}")

    record = {
        "seed": args.seed,
        "sample": {"rules": args.rules, "engine": args.engine} if not args.only else {"only": args.only},
        "mutation_points": points,
        "timeout_seconds": args.timeout,
        "wall_seconds": round(time.perf_counter() - began),
        "summary": summary,
        "survivors": [r["id"] for r in survivors],
        "results": [{k: v for k, v in r.items() if k not in ("start", "end")} for r in results],
    }
    args.out.write_text(json.dumps(record, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"written {args.out.relative_to(ROOT) if args.out.is_relative_to(ROOT) else args.out}")
    return 0 if clean else 3


if __name__ == "__main__":
    raise SystemExit(main())
