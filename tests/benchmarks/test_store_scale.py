"""benchmarks/store_scale.py at a tiny size, so that it cannot rot: every figure is printed, and
a run that continues an earlier one adds no read twice."""

from __future__ import annotations

import os
import re
import sqlite3
import subprocess
import sys
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest
from psycopg import sql

from tests.conftest import postgres_dsn

ROOT = Path(__file__).parents[2]
SCRIPT = ROOT / "benchmarks" / "store_scale.py"
TINY = ["--days", "3", "--chunk", "500", "--commuters", "300", "--quiet"]
KINDS = ("exact", "prefix", "suffix", "pattern", "misread", "camera+time", "area")

pytestmark = pytest.mark.slow


@dataclass(frozen=True)
class Bench:
    args: list[str]
    count_reads: str
    """SQL: reads, distinct ids, distinct (camera, client read id)."""
    connect: object
    schema: str = ""
    """Where the store's tables are: ``schema.`` or nothing."""

    def run(self, *extra: str) -> str:
        done = subprocess.run(
            [sys.executable, str(SCRIPT), *self.args, *TINY, *extra],
            # This checkout's package, whichever one the virtual environment names.
            env={**os.environ, "PYTHONPATH": str(ROOT)},
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        assert done.returncode == 0, done.stderr[-3000:]
        return done.stdout

    def counts(self) -> tuple[int, int, int]:
        assert callable(self.connect)
        with self.connect() as connection:
            row = connection.execute(self.count_reads).fetchone()
        return int(row[0]), int(row[1]), int(row[2])

    def summed(self) -> tuple[int, int, int]:
        """The reads stored, and as the plate index and the daily counts sum them."""
        assert callable(self.connect)
        with self.connect() as connection:
            row = connection.execute(
                f"SELECT (SELECT count(*) FROM {self.schema}reads),"
                f" (SELECT sum(reads) FROM {self.schema}plates),"
                f" (SELECT sum(reads) FROM {self.schema}read_counts)"
            ).fetchone()
        return int(row[0]), int(row[1]), int(row[2])


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def bench(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Bench]:
    data_dir = tmp_path / "bench"
    if request.param == "sqlite":
        path = data_dir / "sqlite" / "platekeeper.sqlite3"
        yield Bench(
            ["--database", "sqlite", "--data-dir", str(data_dir)],
            "SELECT count(*), count(DISTINCT id),"
            " count(DISTINCT camera_id || ' ' || client_read_id) FROM reads",
            lambda: sqlite3.connect(path),
        )
        return
    dsn = postgres_dsn()
    schema = f"bench_{uuid.uuid4().hex[:12]}"
    try:
        yield Bench(
            [
                "--database",
                "postgres",
                "--postgres-dsn",
                dsn,
                "--schema",
                schema,
                "--data-dir",
                str(data_dir),
            ],
            f"SELECT count(*), count(DISTINCT id), count(DISTINCT (camera_id, client_read_id))"
            f" FROM {schema}.reads",
            lambda: psycopg.connect(dsn),
            f"{schema}.",
        )
    finally:
        with psycopg.connect(dsn, autocommit=True) as connection:
            connection.execute(
                sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(sql.Identifier(schema))
            )


def test_a_run_prints_every_figure(bench: Bench) -> None:
    out = bench.run("--reads", "3000", "--samples", "3", "--ingest-reads", "200")

    for kind in KINDS:
        row = next((line for line in out.splitlines() if line.startswith(kind + " ")), None)
        assert row is not None, f"no {kind} search in:\n{out}"
        numbers = row.split()[1:]
        # n, p50, p95, p99, plain SQL's n, p50, ratio, then the 320 M column
        assert len(numbers) == 8, row
        assert int(numbers[0]) == 3, row
        assert int(numbers[4]) == 3, row
    for figure in (
        "load: 3,000 reads this run",
        "disk: ",
        "at 320 M reads (linear)",
        "reads/s into the loaded store",
        "purge of the oldest day: ",
        "ms during",
        "compliance report: ",
        "transparency page: ",
        "targets",
    ):
        assert figure in out, f"{figure!r} missing from:\n{out}"
    assert "purge of the oldest day: 0 reads" not in out
    # The searches measured were logged, and the report verified their entries.
    verified = re.search(r"verifying the access log's ([\d,]+) entries", out)
    assert verified is not None, out
    assert int(verified.group(1).replace(",", "")) >= len(KINDS) * 3


def test_a_run_continues_where_the_last_stopped_and_stores_no_read_twice(bench: Bench) -> None:
    bench.run("--reads", "1500", "--load-only")
    assert bench.counts() == (1500, 1500, 1500)

    out = bench.run("--reads", "3000", "--load-only")

    assert "load: 1,500 reads this run" in out
    assert bench.counts() == (3000, 3000, 3000)
    assert "load: 0 reads this run" in bench.run("--reads", "3000", "--load-only")
    assert bench.counts() == (3000, 3000, 3000)


def test_a_day_the_purge_took_is_loaded_again_through_the_store_and_counted(bench: Bench) -> None:
    bench.run("--reads", "3000", "--samples", "2", "--ingest-reads", "100")
    reads, indexed, counted = bench.summed()
    assert indexed == counted == reads

    out = bench.run("--reads", "3000", "--load-only")

    # The purged day, 1,000 reads under new ids, told to the summaries as ingest tells them.
    assert "load: 1,000 reads this run" in out
    assert "summaries rebuilt in 0.0 s" in out
    assert bench.summed() == (reads + 1000, indexed + 1000, counted + 1000)
