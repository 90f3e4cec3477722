"""gigcover's population evaluation against peers: openfisca-core and a hand-written numpy floor.

The same 14 outputs (Shanghai 310000, 2025-09-01) for the same seeded population at 1, 1,000, 100,000 and 1,000,000
workers, and the `table2_severity` chain alone:

* gigcover: `gigcover.compute(inputs, outputs, date="2025-09-01", region="310000", decode=False)`, imported from
  the source tree the interpreter's editable install points at (the live source under development);
* openfisca-core 46.0.1: `benchmarks/peers/openfisca/model.py`; a run is what its user would write:
  `SimulationBuilder().build_default_simulation(tbs, count=n)`, `set_input` for each input, `calculate` for each
  output (the tax-benefit system is built once, as a user would, outside the timing);
* numpy floor: `benchmarks/peers/numpy_floor.py`, the rules hand-written on int codes (what a perfect engine costs).

What each is given (built once per size, outside the timing): the four booleans as numpy bool arrays and industry
and platform as int8 codes (gigcover's member order; openfisca's enums are declared in the same order), the
population "kept as dictionary columns". Outputs come back as codes: gigcover int8 codes and int64 bit sets
(decode=False), openfisca EnumArrays (int16 codes), the floor int8 codes. A second line per size times the edge a
user with names pays: gigcover given numpy str arrays and decoding to names (decode=True), openfisca given str
arrays (set_input encodes them) and decoding its enum outputs with `decode_to_str()`.

Before any timing the three must give equal answers on a 1,000-worker sample, every output (names and codes;
money to the fen); each size's first timed round is compared in full as well. Any difference aborts the run.

Timing alternates gigcover, openfisca, numpy, gigcover, … for several rounds (gc.collect() before each run, not
timed) and reports min / median / max and the ratios gigcover ÷ peer. openfisca-core runs twice: as written with
its vectorial parameter lookups by enum (`node[enum_array]`, which openfisca-core 46 evaluates with a Python loop
over the rows), and with those five lookups as numpy gathers (`ARRAY_LOOKUPS`), what its user switches to after a
profile. gigcover keeps no result across calls. Peak memory at 1,000,000: each engine once in a fresh subprocess, the peak
resident set of the run (/proc/self/status VmHWM, its mark reset just before the run; Linux only), above what the
process held before it (imports, the population). Last, cProfile of gigcover.compute at 1,000,000: the top 10 functions by own time.

openfisca-core 46.0.1 and gigcover share one interpreter (numpy 2.4.6 satisfies both): the peer venv
`<gigcover root>/.venv-peer` gets `-r benchmarks/requirements-peer.txt` and `-e <gigcover root>`; the script creates
it when missing and re-runs itself there (or give --peer-python).

Run: .venv/bin/python benchmarks/bench_peers.py [--rounds-scale 1.0] [--no-profile] [--no-names]
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import importlib.util
import io
import json
import os
import pstats
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

HERE = Path(__file__).resolve().parent
PEERS = HERE / "peers"
DATE, REGION, PERIOD = "2025-09-01", "310000", "2025-09"
OUTPUTS = (
    "legal_relation", "employment_form", "new_form_category", "table2_cell", "table2_severity", "table2_options",
    "employee_pension_access", "employee_medical_access", "resident_pension_access", "occupational_injury_access",
    "pension_base_monthly", "employee_pension_worker_contribution_monthly", "employee_medical_flexible_monthly",
    "occupational_injury_levy_per_order",
)  # fmt: skip
MONEY = {
    "pension_base_monthly",
    "employee_pension_worker_contribution_monthly",
    "employee_medical_flexible_monthly",
    "occupational_injury_levy_per_order",
}
SEVERITY_INPUTS = ("has_labor_contract", "hukou_local", "hukou_rural")
SIZES = (1, 1_000, 100_000, 1_000_000)
ROUNDS = {1: 300, 1_000: 100, 100_000: 15, 1_000_000: 7}
INDUSTRIES = ("food_delivery", "ride_hailing", "courier", "livestreaming", "intra_city_freight")
PLATFORMS = ("meituan", "eleme", "didi", "other")
SEED = 20250901
Row = tuple[str, int, str, list[float], list[float] | None]


# -- the peer interpreter ----------------------------------------------------------------------------------------
def gigcover_root() -> Path:
    spec = importlib.util.find_spec("gigcover")
    if spec is None or spec.origin is None:
        sys.exit("gigcover is not importable from this interpreter: run with gigcover's venv (e.g. .venv/bin/python)")
    return Path(spec.origin).resolve().parents[2]  # <root>/src/gigcover/__init__.py


def ensure_peer_interpreter(peer_python: str | None) -> None:
    """Re-run under an interpreter that has both openfisca-core and gigcover (the same source), creating the venv
    when missing."""
    if importlib.util.find_spec("openfisca_core") is not None:
        return
    root = gigcover_root()
    python = Path(peer_python) if peer_python else root / ".venv-peer" / "bin" / "python"
    if not python.exists():
        print(f"creating the peer venv {python.parent.parent} …", flush=True)
        subprocess.run([sys.executable, "-m", "venv", str(python.parent.parent)], check=True)
    probe = "import openfisca_core, gigcover; print(gigcover.__file__)"
    done = subprocess.run([str(python), "-c", probe], capture_output=True, text=True, check=False)
    if done.returncode != 0 or Path(done.stdout.strip()).resolve().parents[2] != root:
        print(f"installing openfisca-core and gigcover ({root}) into {python.parent.parent} …", flush=True)
        requirements = HERE / "requirements-peer.txt"
        subprocess.run(
            [str(python), "-m", "pip", "install", "--quiet", "-r", str(requirements), "-e", str(root)], check=True
        )
    os.execv(str(python), [str(python), str(Path(__file__).resolve()), *sys.argv[1:]])


# -- the population ------------------------------------------------------------------------------------------------
def population(n: int, seed: int = SEED) -> dict[str, np.ndarray]:
    """Names and booleans, as a survey file would give them."""
    rng = np.random.default_rng(seed)
    return {
        "has_labor_contract": rng.random(n) < 0.2,
        "hukou_local": rng.random(n) < 0.35,
        "hukou_rural": rng.random(n) < 0.6,
        "platform_manages_work": rng.random(n) < 0.8,
        "industry": np.asarray(INDUSTRIES)[rng.integers(0, len(INDUSTRIES), n)],
        "platform": np.asarray(PLATFORMS)[rng.integers(0, len(PLATFORMS), n)],
    }


def as_codes(names: np.ndarray, members: tuple[str, ...]) -> np.ndarray:
    order = np.argsort(members)
    codes = order[np.searchsorted(np.asarray(members)[order], names)].astype(np.int8)
    assert (np.asarray(members)[codes] == names).all()
    return codes


def coded(pop: dict[str, np.ndarray], floor: Any) -> dict[str, np.ndarray]:
    out = dict(pop)
    out["industry"] = as_codes(pop["industry"], floor.INDUSTRY)
    out["platform"] = as_codes(pop["platform"], floor.PLATFORM)
    return out


# -- the engines ------------------------------------------------------------------------------------------------
class Engines:
    def __init__(self) -> None:
        from openfisca_core.simulations import SimulationBuilder

        import gigcover

        sys.path[:0] = [str(PEERS), str(PEERS / "openfisca")]
        import model as of_model  # benchmarks/peers/openfisca/model.py
        import numpy_floor

        self.gigcover, self.builder, self.of, self.floor = gigcover, SimulationBuilder, of_model, numpy_floor
        self.tbs, self.severity_tbs = of_model.system(), of_model.severity_system()

    def gig(self, inputs: dict[str, np.ndarray], outputs: tuple[str, ...], decode: bool = False) -> dict[str, Any]:
        return dict(self.gigcover.compute(inputs, list(outputs), date=DATE, region=REGION, decode=decode))

    def openfisca(
        self,
        inputs: dict[str, np.ndarray],
        outputs: tuple[str, ...],
        tbs: Any = None,
        decode: bool = False,
        array_lookups: bool = False,
    ) -> dict[str, Any]:
        n = len(next(iter(inputs.values())))
        self.of.ARRAY_LOOKUPS["on"] = array_lookups
        simulation = self.builder().build_default_simulation(tbs or self.tbs, count=n)
        for name, value in inputs.items():
            simulation.set_input(name, PERIOD, value)
        out = {name: simulation.calculate(name, PERIOD) for name in outputs}
        self.of.ARRAY_LOOKUPS["on"] = False
        if decode:
            out = {name: v.decode_to_str() if hasattr(v, "decode_to_str") else v for name, v in out.items()}
        return out

    def numpy(self, inputs: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        return self.floor.compute(**inputs)

    def numpy_severity(self, inputs: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        return {"table2_severity": self.floor.table2_severity(*(inputs[k] for k in SEVERITY_INPUTS))}


# -- equal answers ----------------------------------------------------------------------------------------------
def as_plain(name: str, values: Any, floor: Any, names: bool) -> np.ndarray:
    """A comparable array: money in fen (int64), categoricals as names (names=True) or int64 codes, sets as bit sets
    or tuples of names, ints as int64."""
    array = np.asarray(values)
    if name in MONEY:
        return np.floor(array.astype(float) * 100 + 0.5).astype(np.int64)
    if names and name in floor.CODES and array.dtype.kind in "iu":
        return np.asarray(floor.CODES[name], dtype=object)[array]
    if names and name in floor.SETS and array.dtype.kind in "iu":
        members = floor.SETS[name]
        return np.asarray(
            [None, *(tuple(m for i, m in enumerate(members) if int(b) >> i & 1) for b in array)], dtype=object
        )[1:]
    if array.dtype.kind in "iub":
        return array.astype(np.int64)
    return array.astype(object) if array.dtype.kind == "U" else array


def compare(label: str, answers: dict[str, dict[str, Any]], outputs: tuple[str, ...], floor: Any, names: bool) -> None:
    engines = list(answers)
    for name in outputs:
        plain = {e: as_plain(name, answers[e][name], floor, names) for e in engines}
        first = engines[0]
        for other in engines[1:]:
            a, b = plain[first], plain[other]
            if a.shape != b.shape or not (a == b).all():
                bad = np.flatnonzero(a != b)[:5] if a.shape == b.shape else []
                rows = "; ".join(f"row {i}: {first}={a[i]!r} {other}={b[i]!r}" for i in bad)
                sys.exit(f"ABORT — {label}: {name} differs between {first} and {other} ({rows or 'shapes'})")


def check_equal(engines: Engines) -> None:
    """Names and codes, every output, on 1,000 workers; aborts on any difference."""
    floor = engines.floor
    for enum, members in (
        (engines.of.Industry, floor.INDUSTRY),
        (engines.of.Platform, floor.PLATFORM),
        (engines.of.Table2Cell, floor.TABLE2_CELL),
        (engines.of.Access, floor.ACCESS),
    ):
        assert tuple(enum.names) == members, f"openfisca {enum.__name__} not in gigcover's order"
    from gigcover.rules.coverage import Platform
    from gigcover.rules.employment import Industry

    assert Industry.ids() == floor.INDUSTRY and Platform.ids() == floor.PLATFORM, "gigcover's codes moved"
    pop = population(1_000, seed=SEED + 1)
    codes = coded(pop, floor)
    by_code = {
        "gigcover": engines.gig(codes, OUTPUTS),
        "openfisca": engines.openfisca(codes, OUTPUTS),
        "openfisca (array lookups)": engines.openfisca(codes, OUTPUTS, array_lookups=True),
        "numpy": engines.numpy(codes),
    }
    compare("1,000-worker sample, codes", by_code, OUTPUTS, floor, names=False)
    by_name = {
        "gigcover": engines.gig(pop, OUTPUTS, decode=True),
        "openfisca": engines.openfisca(pop, OUTPUTS, decode=True),
        "numpy": engines.numpy(codes),
    }
    for name in floor.SETS:  # gigcover decodes a set to a tuple of names; openfisca's bit set decodes like the floor's
        by_name["gigcover"][name] = np.asarray([None, *by_name["gigcover"][name]], dtype=object)[1:]
    compare("1,000-worker sample, names", by_name, OUTPUTS, floor, names=True)
    severity = {
        "gigcover": engines.gig({k: pop[k] for k in SEVERITY_INPUTS}, ("table2_severity",)),
        "openfisca": engines.openfisca(
            {k: pop[k] for k in SEVERITY_INPUTS}, ("table2_severity",), engines.severity_tbs
        ),
        "numpy": engines.numpy_severity(pop),
    }
    compare("1,000-worker sample, severity chain", severity, ("table2_severity",), floor, names=False)
    print("check: gigcover, openfisca-core and numpy agree on 1,000 workers, all 14 outputs (codes, names, fen)")


# -- timing ---------------------------------------------------------------------------------------------------------
def alternate(runs: dict[str, Callable[[], Any]], rounds: int) -> tuple[dict[str, list[float]], dict[str, Any]]:
    times: dict[str, list[float]] = {name: [] for name in runs}
    first: dict[str, Any] = {}
    for r in range(rounds):
        for name, run in runs.items():
            gc.collect()
            t0 = time.perf_counter()
            out = run()
            times[name].append(time.perf_counter() - t0)
            if r == 0:
                first[name] = out
            del out
    return times, first


def fmt(seconds: float) -> str:
    if seconds < 1e-3:
        return f"{seconds * 1e6:7.0f} µs"
    if seconds < 1:
        return f"{seconds * 1e3:7.1f} ms"
    return f"{seconds:7.2f} s "


def table(rows: list[Row]) -> str:
    head = f"{'task':<22}{'workers':>10}  {'engine':<24}{'min':>11}{'median':>11}{'max':>11}  {'gigcover ÷ it':>22}"
    lines = [head, "-" * len(head)]
    for task, n, engine, times, gig in rows:
        ratio = ""
        if gig is not None and engine.split()[0] != "gigcover":
            ratio = f"min {min(gig) / min(times):6.2f}×  med {statistics.median(gig) / statistics.median(times):6.2f}×"
        lines.append(
            f"{task:<22}{n:>10,}  {engine:<24}{fmt(min(times)):>11}{fmt(statistics.median(times)):>11}"
            f"{fmt(max(times)):>11}  {ratio:>22}"
        )
    return "\n".join(lines)


def bench_size(engines: Engines, n: int, rounds: int, names: bool) -> list[Row]:
    floor = engines.floor
    pop = population(n)
    codes = coded(pop, floor)
    sev = {k: pop[k] for k in SEVERITY_INPUTS}
    runs: dict[str, Callable[[], Any]] = {
        "gigcover": lambda: engines.gig(codes, OUTPUTS),
        "openfisca-core": lambda: engines.openfisca(codes, OUTPUTS),
        "openfisca-core (array lookups)": lambda: engines.openfisca(codes, OUTPUTS, array_lookups=True),
        "numpy floor": lambda: engines.numpy(codes),
    }
    if names:
        runs["gigcover (names)"] = lambda: engines.gig(pop, OUTPUTS, decode=True)
        runs["openfisca-core (names)"] = lambda: engines.openfisca(pop, OUTPUTS, decode=True)
    times, first = alternate(runs, rounds)
    peers = ("gigcover", "openfisca-core", "openfisca-core (array lookups)", "numpy floor")
    compare(f"{n:,} workers", {k: first[k] for k in peers}, OUTPUTS, floor, names=False)
    del first
    rows: list[Row] = []
    for engine in runs:
        base = times["gigcover (names)"] if engine.endswith("(names)") else times["gigcover"]
        rows.append(("14 outputs", n, engine, times[engine], base))
    sev_runs: dict[str, Callable[[], Any]] = {
        "gigcover": lambda: engines.gig(sev, ("table2_severity",)),
        "openfisca-core": lambda: engines.openfisca(sev, ("table2_severity",), engines.severity_tbs),
        "openfisca-core (array lookups)": lambda: engines.openfisca(
            sev, ("table2_severity",), engines.severity_tbs, array_lookups=True
        ),
        "numpy floor": lambda: engines.numpy_severity(sev),
    }
    times, first = alternate(sev_runs, rounds)
    compare(f"{n:,} workers, severity", first, ("table2_severity",), floor, names=False)
    rows += [("table2_severity alone", n, engine, times[engine], times["gigcover"]) for engine in sev_runs]
    return rows


def bench(engines: Engines, scale: float, names: bool) -> list[Row]:
    rows: list[Row] = []
    for n in SIZES:
        rounds = max(3, round(ROUNDS[n] * scale))
        rows += bench_size(engines, n, rounds, names)
        print(f"  {n:>9,} workers: {rounds} rounds done", flush=True)
    return rows


# -- memory and profile ---------------------------------------------------------------------------------------------
def _status_kb(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise RuntimeError(f"{field} not in /proc/self/status")


def memory_child(engine: str, n: int) -> None:
    """One run in this fresh process; the peak resident set of the run (VmHWM after resetting the mark)."""
    engines = Engines()
    pop = population(n)
    codes = coded(pop, engines.floor)
    run = {
        "gigcover": lambda: engines.gig(codes, OUTPUTS),
        "openfisca-core": lambda: engines.openfisca(codes, OUTPUTS),
        "openfisca-core (array lookups)": lambda: engines.openfisca(codes, OUTPUTS, array_lookups=True),
        "numpy floor": lambda: engines.numpy(codes),
    }[engine]
    if engine == "gigcover":
        engines.gig(population(1, seed=SEED + 2), OUTPUTS)  # the model loaded (YAML, regions): set-up, not the run
    gc.collect()
    Path("/proc/self/clear_refs").write_text("5")  # reset the peak-RSS mark to the current RSS
    before = _status_kb("VmRSS")
    out = run()
    peak = _status_kb("VmHWM")
    assert len(out) == len(OUTPUTS)
    print(json.dumps({"before_kb": before, "peak_kb": peak}))


def memory(n: int) -> list[str]:
    """ru_maxrss is no use here: Linux carries the parent's peak into a child across fork and exec. /proc's VmHWM
    belongs to the new process's own memory, and writing 5 to /proc/self/clear_refs resets it just before the run."""
    lines = [
        f"peak memory, 14 outputs at {n:,} workers (fresh process each; /proc/self/status VmHWM, the peak resident "
        "set, its mark reset just before the run):"
    ]
    for engine in ("gigcover", "openfisca-core", "openfisca-core (array lookups)", "numpy floor"):
        done = subprocess.run(
            [sys.executable, str(Path(__file__).resolve()), "--memory-child", engine, "--size", str(n)],
            capture_output=True,
            text=True,
            check=True,
        )
        kb = json.loads(done.stdout.strip().splitlines()[-1])
        lines.append(
            f"  {engine:<31} peak {kb['peak_kb'] / 1024:6.0f} MB = resident before the run "
            f"{kb['before_kb'] / 1024:4.0f} MB (imports, population) + {(kb['peak_kb'] - kb['before_kb']) / 1024:5.0f}"
            " MB for the run"
        )
    return lines


def profile(engines: Engines, n: int) -> str:
    codes = coded(population(n), engines.floor)
    profiler = cProfile.Profile()
    profiler.enable()
    engines.gig(codes, OUTPUTS)
    profiler.disable()
    stream = io.StringIO()
    pstats.Stats(profiler, stream=stream).sort_stats("tottime").print_stats(10)
    text = stream.getvalue().replace(str(gigcover_root()) + "/", "")  # paths relative to the repository
    return text[text.index("   ncalls") :].rstrip() if "   ncalls" in text else text


def provenance() -> str:
    import numpy
    import openfisca_core  # noqa: F401

    root = gigcover_root()
    head = subprocess.run(["git", "-C", str(root), "rev-parse", "--short", "HEAD"], capture_output=True, text=True)
    dirty = subprocess.run(["git", "-C", str(root), "status", "--porcelain", "src"], capture_output=True, text=True)
    from importlib.metadata import version

    return (
        f"gigcover from src/ (HEAD {head.stdout.strip() or '?'}"
        f"{', with uncommitted changes in src/' if dirty.stdout.strip() else ''}); "
        f"openfisca-core {version('openfisca-core')}; numpy {numpy.__version__}; Python {sys.version.split()[0]}; "
        f"{os.cpu_count()} CPUs; one process for all three engines"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--peer-python", help="an interpreter with openfisca-core==46.0.1 and gigcover installed")
    parser.add_argument("--rounds-scale", type=float, default=1.0, help="multiply the rounds per size")
    parser.add_argument("--no-names", action="store_true", help="skip the names-in/names-out lines")
    parser.add_argument("--no-profile", action="store_true")
    parser.add_argument("--no-memory", action="store_true")
    parser.add_argument("--only-memory", action="store_true", help="only the peak-memory measurement")
    parser.add_argument("--memory-child", help=argparse.SUPPRESS)
    parser.add_argument("--size", type=int, default=1_000_000, help=argparse.SUPPRESS)
    args = parser.parse_args()
    ensure_peer_interpreter(args.peer_python)
    if args.memory_child:
        memory_child(args.memory_child, args.size)
        return
    print(provenance(), flush=True)
    if args.only_memory:
        print("\n".join(memory(1_000_000)))
        return
    engines = Engines()
    check_equal(engines)
    rows = bench(engines, args.rounds_scale, not args.no_names)
    print()
    print(f"Shanghai (310000), {DATE}; times are whole runs (see the docstring); ratio > 1: gigcover slower")
    print(table(rows))
    if not args.no_memory:
        print()
        print("\n".join(memory(1_000_000)))
    if not args.no_profile:
        print()
        print("cProfile, gigcover.compute, 14 outputs, 1,000,000 workers, top 10 by tottime:")
        print(profile(engines, 1_000_000))


if __name__ == "__main__":
    main()
