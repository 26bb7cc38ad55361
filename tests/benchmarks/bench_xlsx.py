"""Reading a 50,000-row population workbook: python-calamine against openpyxl, and the whole import.

Usage (from the repository root):
    python tests/benchmarks/bench_xlsx.py [--rows 50000] [--json out.json]

Writes a workbook with the population columns (Chinese headers) to a temporary folder, then measures, best of
three: python-calamine reading the first sheet (what geodata/tables.py uses), openpyxl's read-only mode reading
the same rows, and the whole `read_population_file` (reading and checking every row). Both readers must return
the same cells. The file name does not start with `test_`, so pytest never collects it.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

from openpyxl import Workbook, load_workbook
from python_calamine import CalamineWorkbook

from geodata.population import read_population_file
from geodata.tables import cell_text

HEADER = ["编号", "名称", "纬度", "经度", "常住人口", "3岁以下", "行政区划代码", "乡镇", "城乡", "新建小区"]


def write(path: Path, rows: int) -> None:
    rng = random.Random(50)
    book = Workbook(write_only=True)
    sheet = book.create_sheet("人口")
    sheet.append(HEADER)
    for i in range(rows):
        people = rng.randint(200, 12000)
        sheet.append([f"B{i:06d}", f"测试社区{i}", 39.5 + rng.random() * 0.3, 109.6 + rng.random() * 0.3, people,
                      round(people * 0.025), 150627, f"镇{i % 8}", rng.choice(["城市", "农村"]), rng.random() < 0.2])
    book.save(path)


def calamine_rows(path: Path) -> list[list[Any]]:
    return CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()


def openpyxl_rows(path: Path) -> list[list[Any]]:
    book = load_workbook(path, read_only=True, data_only=True)
    rows = [list(row) for row in book.worksheets[0].iter_rows(values_only=True)]
    book.close()
    return rows


def best_of(fn: Callable[[], Any], times: int = 3) -> tuple[float, Any, float]:
    """Best wall time, the answer, and the traced peak (MB) of one more run."""
    best, answer = float("inf"), None
    for _ in range(times):
        start = time.perf_counter()
        answer = fn()
        best = min(best, time.perf_counter() - start)
    tracemalloc.start()
    fn()
    peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    return best, answer, peak


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--rows", type=int, default=50_000)
    parser.add_argument("--json", dest="json_path")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "population.xlsx"
        write(path, args.rows)
        cal_s, cal, cal_mb = best_of(lambda: calamine_rows(path))
        opx_s, opx, opx_mb = best_of(lambda: openpyxl_rows(path))
        import_s, report, import_mb = best_of(lambda: read_population_file(path))
        same = [[cell_text(v) for v in row] for row in cal] == [[cell_text(v) for v in row] for row in opx]
        results = {
            "rows": args.rows, "file_mb": round(path.stat().st_size / 2**20, 2),
            "calamine_s": round(cal_s, 3), "calamine_traced_mb": round(cal_mb, 1),
            "openpyxl_read_only_s": round(opx_s, 3), "openpyxl_traced_mb": round(opx_mb, 1),
            "calamine_speedup": round(opx_s / cal_s, 1),
            "read_population_file_s": round(import_s, 3), "read_population_file_traced_mb": round(import_mb, 1),
            "accepted": len(report.accepted), "rejected": len(report.rejected), "same_cells": same,
        }
    print(json.dumps(results, indent=2, ensure_ascii=False))
    if args.json_path:
        Path(args.json_path).write_text(json.dumps(results, indent=2, ensure_ascii=False), encoding="utf-8")
    return 0 if same and not results["rejected"] else 1


if __name__ == "__main__":
    sys.exit(main())
