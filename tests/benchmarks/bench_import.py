"""Benchmark of the registry import: a 100,000-row CSV, against a plain stdlib baseline measured in the same run.

Usage (from the repository root, with the package installed):
    python tests/benchmarks/bench_import.py [--rows 100000] [--pg URL | --no-pg] [--excel] [--json out.json]

Writes N synthetic rows (every contract column, Chinese names and addresses), then measures:
- baseline: `csv.reader` + `sqlite3.executemany` of the raw text cells into a bare table, one transaction;
- the import as `carecircle centres import` does it on SQLite: read and check every row, then upsert in
  batches with the dated history of each new centre, into a fresh migrated store;
- the same import again over the now-full store (every row an update, history diffed);
- the same on PostgreSQL, when reachable;
- with --excel, reading the same rows from .xlsx with python-calamine and with openpyxl (read-only mode).
Target (issue 13): the first SQLite import within 8× the baseline.
The file name does not start with `test_`, so pytest never collects it.
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import sqlite3
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, text

from api.db import open_store
from geodata.importer import read_registry_file
from geodata.index import StraightLineWalker
from geodata.registry import Registry
from geodata.upkeep import import_file
from geodata.walk import WalkModel

HEADER = ["id", "name", "address", "lat", "lon", "district_code", "kind", "inclusive", "status", "capacity",
          "vacancies", "min_age_months", "max_age_months", "modes", "phone", "hours", "fee_min", "fee_max",
          "filed_on", "inclusive_since", "demo_level", "operator", "credit_code", "health_eval_passed"]
PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
KINDS = ["centre", "kindergarten_class", "home", "community", "workplace"]
MODES = ["full_day", "half_day", "hourly", "temporary"]


def synthetic_rows(n: int, seed: int = 13) -> list[list[str]]:
    rng = random.Random(seed)
    rows = []
    for i in range(n):
        capacity = rng.randint(5, 150)
        low = rng.choice([0, 6, 12, 18, 24])
        rows.append([
            f"BENCH-{i:06d}", f"第{i}号阳光托育园", f"某省某市某区幸福路{i}号", f"{rng.uniform(22, 45):.6f}",
            f"{rng.uniform(100, 122):.6f}", f"{rng.randint(110000, 659999)}", rng.choice(KINDS),
            rng.choice(["true", "false"]), rng.choice(["active"] * 18 + ["suspended", "closed"]), str(capacity),
            str(rng.randint(0, capacity)), str(low), str(rng.randint(max(low, 24), 36)),
            ";".join(rng.sample(MODES, rng.randint(1, 3))), f"0477-{rng.randint(1000000, 9999999)}",
            "07:30-18:00", str(rng.randint(800, 1500)), str(rng.randint(1500, 4000)),
            f"20{rng.randint(19, 24)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}", "", "", f"运营主体{i}", "",
            rng.choice(["true", "false", ""]),
        ])
    return rows


def write_csv(path: Path, rows: list[list[str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        writer.writerows(rows)


def timed(work: Callable[[], Any]) -> tuple[float, Any]:
    start = time.perf_counter()
    result = work()
    return time.perf_counter() - start, result


def baseline(csv_path: Path, folder: Path) -> float:
    """The floor: parse with the stdlib and insert the raw text cells with executemany, nothing checked."""
    database = folder / "baseline.db"

    def run() -> None:
        conn = sqlite3.connect(database)
        conn.execute(f"CREATE TABLE centres ({', '.join(f'{c} TEXT' for c in HEADER)})")
        with csv_path.open(encoding="utf-8", newline="") as handle:
            reader = csv.reader(handle)
            next(reader)
            with conn:
                conn.executemany(f"INSERT INTO centres VALUES ({', '.join('?' * len(HEADER))})", reader)
        conn.close()

    seconds, _ = timed(run)
    return seconds


def import_into(url: str, csv_path: Path) -> tuple[float, float, float, int]:
    """(check seconds, save seconds, total, rows accepted) for one import, exactly as `centres import` runs it
    (geodata.upkeep.import_file: read, check, upsert with history, audit); the split comes from its progress."""
    engine = open_store(url)
    registry = Registry(engine, StraightLineWalker(WalkModel()))
    rows = [0]
    seen = [0]
    checked_at = [0.0]

    def progress(done: int) -> None:
        seen[0] += done
        if seen[0] == rows[0]:
            checked_at[0] = time.perf_counter()

    start = time.perf_counter()
    report = import_file(registry, csv_path, actor="bench", on_rows=lambda n: rows.__setitem__(0, n),
                         progress=progress)
    done = time.perf_counter()
    engine.dispose()
    return checked_at[0] - start, done - checked_at[0], done - start, len(report.accepted)


def pg_schema_url(admin_url: str) -> tuple[str, Callable[[], None]] | None:
    try:
        admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
        schema = f"bench_{uuid.uuid4().hex[:10]}"
        with admin.connect() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    except Exception as exc:
        print(f"PostgreSQL not reachable ({type(exc).__name__}); skipping it", file=sys.stderr)
        return None

    def drop() -> None:
        with admin.connect() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()

    sep = "&" if "?" in admin_url else "?"
    return f"{admin_url}{sep}options=-csearch_path%3D{schema}", drop


def excel_readers(rows: list[list[str]], folder: Path) -> dict[str, float]:
    import openpyxl
    from python_calamine import CalamineWorkbook

    path = folder / "registry.xlsx"
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append(HEADER)
    for row in rows:
        sheet.append(row)
    book.save(path)

    def calamine() -> int:
        return len(CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python(skip_empty_area=False))

    def openpyxl_read() -> int:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
        count = sum(1 for _ in workbook.worksheets[0].iter_rows(values_only=True))
        workbook.close()
        return count

    results = {"calamine_s": timed(calamine)[0], "openpyxl_s": timed(openpyxl_read)[0]}
    results["import_xlsx_s"] = timed(lambda: read_registry_file(path))[0]
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--pg", default=PG_URL, help="PostgreSQL admin URL (a throw-away schema is used)")
    parser.add_argument("--no-pg", action="store_true")
    parser.add_argument("--excel", action="store_true", help="also time .xlsx readers (calamine vs openpyxl)")
    parser.add_argument("--json", type=Path, help="write the figures here too")
    args = parser.parse_args()

    rows = synthetic_rows(args.rows)
    figures: dict[str, Any] = {"rows": args.rows}
    with tempfile.TemporaryDirectory(prefix="carecircle-bench-") as name:
        folder = Path(name)
        csv_path = folder / "registry.csv"
        write_csv(csv_path, rows)
        figures["baseline_s"] = baseline(csv_path, folder)
        check, save, total, accepted = import_into(f"sqlite:///{folder / 'store.db'}", csv_path)
        figures["sqlite"] = {"check_s": check, "save_s": save, "total_s": total, "accepted": accepted,
                             "ratio_to_baseline": total / figures["baseline_s"],
                             "rows_per_s": accepted / total}
        check, save, total, _ = import_into(f"sqlite:///{folder / 'store.db'}", csv_path)
        figures["sqlite_again"] = {"check_s": check, "save_s": save, "total_s": total}
        if not args.no_pg:
            pg = pg_schema_url(args.pg)
            if pg:
                url, drop = pg
                try:
                    check, save, total, _ = import_into(url, csv_path)
                    figures["postgresql"] = {"check_s": check, "save_s": save, "total_s": total,
                                             "ratio_to_baseline": total / figures["baseline_s"]}
                    check, save, total, _ = import_into(url, csv_path)
                    figures["postgresql_again"] = {"check_s": check, "save_s": save, "total_s": total}
                finally:
                    drop()
        if args.excel:
            figures["excel"] = excel_readers(rows, folder)
    print(json.dumps(figures, indent=2, ensure_ascii=False))
    verdict = "within" if figures["sqlite"]["ratio_to_baseline"] <= 8 else "OVER"
    print(f"SQLite import {figures['sqlite']['total_s']:.2f} s = {figures['sqlite']['ratio_to_baseline']:.1f}× "
          f"the baseline ({figures['baseline_s']:.2f} s): {verdict} the 8× target", file=sys.stderr)
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
