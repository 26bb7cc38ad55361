"""Benchmark of the registry around the index: name search, a write while serving, and exports, with baselines.

Usage (from the repository root):
    python tests/benchmarks/bench_registry.py [--centres 100000] [--store-centres 20000] [--json out.json]

- Name search ("is this centre filed?") over --centres synthetic names: the bigram index (geodata.names) against
  scoring every name with rapidfuzz, as the search did before (issue 16 target: < 5 ms at 100,000).
- A write while serving, on a SQLite store of --store-centres centres: the time until one changed centre is
  answered, applied as a layer (what the registry does) against a full rebuild from the store (what it did).
- Exports: the GeoJSON and HSDS documents made from the snapshot, against the same request served from the
  per-version cache.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
from rapidfuzz import fuzz, process
from sqlalchemy import update

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from bench_nearest import synthetic_centres, synthetic_columns  # noqa: E402

from api.db import open_store  # noqa: E402
from api.web import json_bytes  # noqa: E402
from geodata.export import to_geojson, to_hsds  # noqa: E402
from geodata.index import StraightLineWalker  # noqa: E402
from geodata.names import NameIndex, normalise  # noqa: E402
from geodata.registry import Registry  # noqa: E402
from geodata.store import centres, upsert_centres  # noqa: E402
from geodata.table import CentreTable  # noqa: E402
from geodata.walk import WalkModel  # noqa: E402

WORDS_A = ["阳光", "小星星", "彩虹", "萌宝", "金色", "童年", "快乐", "宝贝", "天使", "蓝天", "爱心", "启航", "贝贝",
           "七彩", "未来", "雏鹰", "春苗", "小天鹅", "育才", "智慧"]
WORDS_B = ["托育园", "托育中心", "早教中心", "家庭托育点", "幼儿园托班", "驿站", "托管中心"]
PLACES = ["伊金霍洛旗", "东胜区", "运城市盐湖区", "杭州市西湖区", "北京市朝阳区", "成都市武侯区", "阿勒腾席热镇"]


def named_columns(n: int, rng: np.random.Generator) -> dict[str, Any]:
    """Synthetic centres with realistic names: place, two words and a kind of centre."""
    columns = synthetic_columns(n, rng)
    pick = rng.integers
    columns["name"] = [f"{PLACES[a]}{WORDS_A[b]}{WORDS_A[c]}{WORDS_B[d]}{i % 97}号" for i, (a, b, c, d) in
                       enumerate(zip(pick(0, len(PLACES), n), pick(0, len(WORDS_A), n), pick(0, len(WORDS_A), n),
                                     pick(0, len(WORDS_B), n), strict=True))]
    columns["address"] = [f"{PLACES[a]}某路{i}号" for i, a in enumerate(pick(0, len(PLACES), n))]
    return columns


def ms(values: list[float]) -> dict[str, float]:
    ordered = sorted(values)
    return {"median_ms": round(statistics.median(ordered) * 1000, 3),
            "p99_ms": round(ordered[min(len(ordered) - 1, int(0.99 * len(ordered)))] * 1000, 3)}


def clock(fn: Any, *args: Any) -> float:
    start = time.perf_counter()
    fn(*args)
    return time.perf_counter() - start


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--centres", type=int, default=100_000)
    parser.add_argument("--store-centres", type=int, default=20_000)
    parser.add_argument("--queries", type=int, default=100)
    parser.add_argument("--seed", type=int, default=16)
    parser.add_argument("--json", dest="json_path")
    args = parser.parse_args(argv)
    rng = np.random.default_rng(args.seed)
    results: dict[str, Any] = {"centres": args.centres, "store_centres": args.store_centres}

    # --- name search ------------------------------------------------------------------------------------------
    table = CentreTable.from_columns(named_columns(args.centres, rng))
    start = time.perf_counter()
    names = NameIndex(table)
    results["name_index_build_s"] = round(time.perf_counter() - start, 3)
    picks = rng.integers(0, len(table), args.queries).tolist()
    queries = [table.names.text(i)[3:12] for i in picks] + ["小猩猩托育园", "阳光宝贝", "萌宝驿站天骄", "蓝天白云早教"]
    everything = [normalise(n or "") for n in table.names]
    indexed = [clock(names.search, q) for q in queries]
    linear = [clock(lambda q: process.extract(normalise(q), everything, scorer=fuzz.WRatio, limit=20), q)
              for q in queries[:20]]
    results["name_search"] = {"bigram index": ms(indexed), "rapidfuzz over every name": ms(linear)}

    # --- a write while serving --------------------------------------------------------------------------------
    with tempfile.TemporaryDirectory() as tmp:
        engine = open_store(f"sqlite:///{tmp}/registry.db")
        upsert_centres(engine, synthetic_centres(args.store_centres, rng))
        results["write_until_answered"] = {}
        for case, age in (("registry loaded minutes ago", timedelta(minutes=5)),
                          ("registry loaded just now (worst)", timedelta(0))):
            with engine.begin() as conn:  # when the registry's rows were written
                conn.execute(update(centres).values(updated_at=datetime.now(UTC) - age))
            registry = Registry(engine, StraightLineWalker(WalkModel()), freeze_gc=False)
            results["full_build_s"] = round(clock(registry.snapshot), 3)
            centre = registry.get("B0000001")
            assert centre is not None
            layered, rebuilt, written = [], [], []
            for k in range(5):  # the store write itself is timed apart: it is the same either way
                written.append(clock(upsert_centres, engine, [replace(centre, vacancies=2 * k)]))
                layered.append(clock(registry.refresh))
                upsert_centres(engine, [replace(centre, vacancies=2 * k + 1)])
                rebuilt.append(clock(lambda r=registry: r.refresh(full=True)))
            results["write_until_answered"][case] = {"applied as a layer": ms(layered),
                                                     "full rebuild (before)": ms(rebuilt),
                                                     "(the store write itself)": ms(written)}

        # --- exports ------------------------------------------------------------------------------------------
        exports: dict[str, Any] = {}
        for name, make in (("geojson", to_geojson), ("hsds", to_hsds)):
            first = clock(registry.memo, f"bench.{name}", lambda s, m=make: json_bytes(m(s.all())))
            cached = [clock(registry.memo, f"bench.{name}", lambda s, m=make: json_bytes(m(s.all())))
                      for _ in range(20)]
            exports[name] = {"made_ms": round(first * 1000, 1), "cached": ms(cached)}
        results["exports"] = exports
        engine.dispose()

    search_ms = results["name_search"]["bigram index"]["median_ms"]
    results["targets"] = {"name_search_under_5ms": search_ms < 5}
    print(f"name search over {args.centres:,} names (index built in {results['name_index_build_s']} s):")
    for name, row in results["name_search"].items():
        print(f"  {name:<28} median {row['median_ms']:>9} ms   p99 {row['p99_ms']:>9} ms")
    print(f"a write on a store of {args.store_centres:,} centres (full build {results['full_build_s']} s), "
          "from the store's commit until this replica answers with it:")
    for case, rows in results["write_until_answered"].items():
        print(f"  {case}:")
        for name, row in rows.items():
            print(f"    {name:<26} median {row['median_ms']:>9} ms   p99 {row['p99_ms']:>9} ms")
    for name, row in results["exports"].items():
        print(f"export {name}: made in {row['made_ms']} ms; cached median {row['cached']['median_ms']} ms")
    print(f"targets: {json.dumps(results['targets'])}; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} "
          "cores")
    if args.json_path:
        Path(args.json_path).write_text(json.dumps(results, indent=2, ensure_ascii=False), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
