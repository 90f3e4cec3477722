"""Population generation benchmark: `write_population` for 1 million and 10 million workers (time, peak memory, file
sizes), then reading the file back (`read_population`, the engine's inputs) and `describe` (every margin).

Each run is a fresh process (peak RSS is its own, ru_maxrss). The peer is the same population drawn in one chunk
(`chunk_rows` = the size, the whole population in memory at once) — the chunked writer must give the same rows with
memory bounded by the chunk; the two files' tables are checked equal before the figures are printed.

Run: .venv/bin/python benchmarks/bench_population_generate.py [--sizes 1000000 10000000] [--peer-max 1000000]
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pyarrow.parquet as pq

from gigcover.policylab.population import DEFAULT_CHUNK_ROWS, describe, read_population, write_population
from gigcover.policylab.population.storage import segments_path


def one_run(size: int, chunk_rows: int, out: Path, stage: str) -> dict[str, float]:
    """In a fresh process: generate and write (stage 'write'), or read back and describe (stage 'read')."""
    started = time.perf_counter()
    if stage == "write":
        write_population(out, size, seed=2026, chunk_rows=chunk_rows)
        seconds = {"write_s": time.perf_counter() - started}
    else:
        read_population(out)
        middle = time.perf_counter()
        results = describe(out)
        assert not [r for r in results if r.ok is False], "a margin is outside its tolerance"
        seconds = {"read_s": middle - started, "describe_s": time.perf_counter() - middle}
    usage = resource.getrusage(resource.RUSAGE_SELF)
    # CPU seconds too: on a machine shared with other work, wall time grows with the load, CPU time much less
    return {**seconds, "peak_mb": usage.ru_maxrss / 1024, "cpu_s": usage.ru_utime + usage.ru_stime}


def _in_process(*args: str) -> dict[str, float]:
    done = subprocess.run([sys.executable, __file__, "--one", *args], capture_output=True, text=True, check=True)
    result: dict[str, float] = json.loads(done.stdout)
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000_000, 10_000_000])
    parser.add_argument("--chunk-rows", type=int, default=DEFAULT_CHUNK_ROWS)
    parser.add_argument("--peer-max", type=int, default=1_000_000, help="largest size also drawn in one chunk")
    parser.add_argument("--one", nargs=4, metavar=("SIZE", "CHUNK", "OUT", "STAGE"))
    args = parser.parse_args()
    if args.one:
        size, chunk, out, stage = args.one
        print(json.dumps(one_run(int(size), int(chunk), Path(out), stage)))
        return
    with tempfile.TemporaryDirectory() as folder:
        for size in args.sizes:
            chunked = Path(folder) / f"chunked-{size}.parquet"
            write = _in_process(str(size), str(args.chunk_rows), str(chunked), "write")
            read = _in_process(str(size), str(args.chunk_rows), str(chunked), "read")
            megabytes = (chunked.stat().st_size + segments_path(chunked).stat().st_size) / 1e6
            segments = pq.ParquetFile(segments_path(chunked)).metadata.num_rows
            print(
                f"{size:>11,} workers ({segments:,} segments), chunks of {args.chunk_rows:,}: write "
                f"{write['write_s']:.1f} s ({size / write['write_s']:,.0f} workers/s; process CPU {write['cpu_s']:.1f} s), "
                f"peak RSS {write['peak_mb']:,.0f} MB; files {megabytes:,.0f} MB; read_population {read['read_s']:.1f} s, "
                f"describe {read['describe_s']:.1f} s (CPU of both {read['cpu_s']:.1f} s), peak RSS {read['peak_mb']:,.0f} MB"
            )
            if size <= args.peer_max:
                whole = Path(folder) / f"whole-{size}.parquet"
                peer = _in_process(str(size), str(size), str(whole), "write")
                same = pq.read_table(whole).equals(pq.read_table(chunked)) and pq.read_table(
                    segments_path(whole)
                ).equals(pq.read_table(segments_path(chunked)))
                if not same:
                    raise SystemExit("the one-chunk peer wrote another population")
                print(
                    f"{'':>11} peer, one chunk of {size:,}: write {peer['write_s']:.1f} s (CPU {peer['cpu_s']:.1f} s), peak RSS "
                    f"{peer['peak_mb']:,.0f} MB (same tables: {same}); ratios chunked / one chunk: time "
                    f"{write['write_s'] / peer['write_s']:.2f}, peak memory {write['peak_mb'] / peer['peak_mb']:.2f}"
                )


if __name__ == "__main__":
    main()
