"""Ingest throughput: reads/s through the batch API and straight into each store, and through
each vendor source's route (``ingest/sources``) beside the native JSON, one read a request.

    .venv/bin/python benchmarks/ingest.py                        # SQLite only
    scripts/with-postgres .venv/bin/python benchmarks/ingest.py  # SQLite and PostgreSQL

Each figure comes with a baseline measured in the same run, so a ratio survives a faster or a
busier machine: the store against plain ``executemany`` into an index-free table of the same
rows (what any store must pay at least), the API against the store it writes to (what HTTP,
JSON and validation add). Each figure is the median of ``--repeat`` runs, each into an empty
store. ``--check`` exits non-zero when a target is missed.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import random
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import orjson
import psycopg
import source_payloads
from psycopg.conninfo import make_conninfo
from source_payloads import Body

from platekeeper.demo.policy import DEMO_POLICY
from platekeeper.domain import (
    Agency,
    Camera,
    CameraKind,
    CameraStatus,
    GeoPoint,
    PlateBox,
    PlateCandidate,
    PlateRead,
    Point,
    ReadSubmission,
)
from platekeeper.domain.cameras import issue_camera_key
from platekeeper.store import Store
from platekeeper.store.postgres import PostgresStore
from platekeeper.store.sql.reads import READ_COLUMNS, read_row
from platekeeper.store.sqlite import SqliteStore
from platekeeper.store.sqlite.dialect import SQLITE

TARGET_API_READS_PER_S = 5_000
TARGET_SQLITE_READS_PER_S = 50_000
CAMERA_ID = "bench-cam"
_PLATE_CHARS = "ABCDEFGHJKLMNPRSTUVWXYZ0123456789"
_CONFUSABLE = str.maketrans("0O1I8B5S2Z6G", "O0I1B8S5Z2G6")


@dataclass(frozen=True)
class Figure:
    name: str
    reads_per_s: float
    baseline_name: str
    baseline_reads_per_s: float
    target: float | None = None

    @property
    def ratio(self) -> float:
        return self.reads_per_s / self.baseline_reads_per_s

    @property
    def met(self) -> bool:
        return self.target is None or self.reads_per_s >= self.target


def submissions(count: int, rng: random.Random, end: datetime) -> list[ReadSubmission]:
    """Reads of mostly distinct cars over the hour before ``end``, as a busy camera sends them."""
    result = []
    for index in range(count):
        plate = "".join(rng.choices(_PLATE_CHARS, k=7))
        captured_at = end - timedelta(seconds=3600 * (count - index) / count)
        result.append(
            ReadSubmission(
                client_read_id=f"r-{index:09d}",
                plate_text=plate,
                confidence=round(rng.uniform(0.6, 0.99), 3),
                captured_at=captured_at,
                region="us-ca",
                region_confidence=0.9,
                candidates=(PlateCandidate(plate.translate(_CONFUSABLE), 0.4),),
                box=PlateBox((Point(610, 400), Point(730, 400), Point(730, 440), Point(610, 440))),
            )
        )
    return result


def to_reads(items: Sequence[ReadSubmission], received_at: datetime) -> list[PlateRead]:
    return [
        PlateRead.from_submission(item, camera_id=CAMERA_ID, received_at=received_at)
        for item in items
    ]


def batch_bodies(items: Sequence[ReadSubmission], batch: int) -> list[bytes]:
    bodies = []
    for start in range(0, len(items), batch):
        reads = [
            {
                "client_read_id": s.client_read_id,
                "plate_text": s.plate_text,
                "confidence": s.confidence,
                "captured_at": s.captured_at.isoformat(),
                "region": s.region,
                "region_confidence": s.region_confidence,
                "candidates": [
                    {"plate_text": c.plate_text, "confidence": c.confidence} for c in s.candidates
                ],
                "box": [{"x": p.x, "y": p.y} for p in s.box.corners] if s.box else None,
            }
            for s in items[start : start + batch]
        ]
        bodies.append(orjson.dumps({"reads": reads}))
    return bodies


def prepare(store: Store, now: datetime) -> str:
    """Migrate ``store``, add the benchmark's agency and camera, and return the camera's key."""
    store.upgrade()
    key, key_hash = issue_camera_key()
    store.agencies.add(Agency("bench-pd", "Benchmark PD", "CA", now))
    store.cameras.add(
        Camera(
            CAMERA_ID,
            "bench-pd",
            "Bench",
            CameraKind.FIXED,
            CameraStatus.ACTIVE,
            key_hash,
            now,
            GeoPoint(38.58, -121.49),
            90.0,
        )
    )
    return key


def timed(action: Callable[[], None]) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def store_rate(store: Store, reads: Sequence[PlateRead], batch: int) -> float:
    def run() -> None:
        for start in range(0, len(reads), batch):
            store.reads.add(reads[start : start + batch])

    return len(reads) / timed(run)


def bare_sqlite_rate(path: Path, reads: Sequence[PlateRead], batch: int) -> float:
    """Baseline: the same rows, already encoded, into a table with no index and no checks."""
    connection = sqlite3.connect(path, isolation_level=None)
    connection.execute("PRAGMA journal_mode = WAL")
    connection.execute("PRAGMA synchronous = NORMAL")
    width = len(READ_COLUMNS.split(","))
    connection.execute("CREATE TABLE reads (" + ", ".join(f"c{i}" for i in range(width)) + ")")
    insert = "INSERT INTO reads VALUES (" + ", ".join("?" * width) + ")"

    def run() -> None:
        for start in range(0, len(reads), batch):
            rows = [read_row(read, SQLITE.time) for read in reads[start : start + batch]]
            connection.execute("BEGIN")
            connection.executemany(insert, rows)
            connection.execute("COMMIT")

    try:
        return len(reads) / timed(run)
    finally:
        connection.close()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@contextmanager
def served(env: dict[str, str]) -> Iterator[str]:
    """``platekeeper serve`` in its own process, as it runs in production (which needs a
    complete usage policy: the demo's is written to the run's data directory)."""
    data_dir = Path(env["PLATEKEEPER_DATA_DIR"])
    # PlateKeeper refuses a data directory others may read (0700, as the store makes its own).
    data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    (data_dir / "policy.toml").write_text(DEMO_POLICY, encoding="utf-8")
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "platekeeper", "serve", "--port", str(port)],
        env={**os.environ, **env, "PLATEKEEPER_LOG_LEVEL": "WARNING"},
        stdout=subprocess.DEVNULL,
    )
    base_url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if httpx.get(f"{base_url}/api/v1/health").status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline or process.poll() is not None:
                raise SystemExit("the server did not start")
            time.sleep(0.1)
        yield base_url
    finally:
        process.terminate()
        process.wait(timeout=30)


def api_rate(base_url: str, key: str, bodies: Sequence[bytes], reads: int, clients: int) -> float:
    """Post every body as a batch, ``clients`` connections at a time; fail loudly on any refusal."""
    requests = [("/api/v1/reads/batch", ("application/json", body)) for body in bodies]
    return reads / post_all(base_url, key, requests, clients)


def post_all(base_url: str, key: str, requests: Sequence[tuple[str, Body]], clients: int) -> float:
    """Seconds to post every (path, body), ``clients`` connections at a time; each must be
    answered 201, or the benchmark stops with the first refusal."""
    pending = list(requests)
    lock = threading.Lock()
    failures: list[str] = []

    def worker() -> None:
        with httpx.Client(
            base_url=base_url, headers={"Authorization": f"Bearer {key}"}, timeout=120
        ) as client:
            while True:
                with lock:
                    if not pending:
                        return
                    path, (content_type, body) = pending.pop()
                response = client.post(path, content=body, headers={"Content-Type": content_type})
                if response.status_code != 201:
                    failures.append(f"{path}: {response.text[:300]}")

    def run() -> None:
        threads = [threading.Thread(target=worker) for _ in range(clients)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

    elapsed = timed(run)
    if failures:
        raise SystemExit(f"the API refused {len(failures)} requests, e.g. {failures[0]}")
    return elapsed


def source_figures(place: Place, args: argparse.Namespace) -> list[Figure]:
    """Reads/s through each vendor source's route, one event a request as devices send them,
    beside the native JSON read posted one a request, all on one server in the same run."""
    now = datetime.now(UTC)
    items = submissions(args.source_reads, random.Random(args.seed), now)
    store = place.open_store()
    try:
        key = prepare(store, now)
    finally:
        store.close()

    def rate(path: str, shape: Callable[[int, ReadSubmission], Body], offset: int) -> float:
        # Each run its own plates' ids: a resend would measure the duplicate path instead.
        requests = [
            (
                path,
                shape(
                    offset + index, dataclasses.replace(item, client_read_id=f"{offset}-{index}")
                ),
            )
            for index, item in enumerate(items)
        ]
        return len(requests) / post_all(base_url, key, requests, args.clients)

    with served(place.env) as base_url:
        native = rate("/api/v1/reads", source_payloads.native, 0)
        baseline = ("native JSON, a read a request", native)
        figures = [Figure("native JSON, a read a request", native, *baseline)]
        for number, (name, shape) in enumerate(source_payloads.SOURCES.items(), start=1):
            measured = rate(f"/api/v1/ingest/{name}", shape, number * len(items))
            figures.append(Figure(f"source {name}", measured, *baseline))
    return figures


@dataclass(frozen=True)
class Place:
    """An empty store for one run, and what ``platekeeper serve`` needs to reach it."""

    open_store: Callable[[], Store]
    env: dict[str, str]


@dataclass(frozen=True)
class Backend:
    name: str
    fresh: Callable[[int], Place]
    """The place for run number N."""
    baseline: tuple[str, float]
    """The direct-write figure this backend is compared with."""
    target_direct: float | None = None


def bench_once(place: Place, args: argparse.Namespace) -> tuple[float, float]:
    """Reads/s straight into an empty store, then through the API into another."""
    rng = random.Random(args.seed)
    now = datetime.now(UTC)
    direct_reads = to_reads(submissions(args.reads, rng, now - timedelta(days=1)), now)
    api_items = submissions(args.api_reads, rng, now)
    store = place.open_store()
    try:
        key = prepare(store, now)
        direct = store_rate(store, direct_reads, args.batch)
    finally:
        store.close()
    bodies = batch_bodies(api_items, args.batch)
    with served(place.env) as base_url:
        api = api_rate(base_url, key, bodies, len(api_items), args.clients)
    return direct, api


def bench_backend(backend: Backend, args: argparse.Namespace) -> tuple[Figure, Figure]:
    # The median of a few runs: one run on a shared two-core machine swings by a fifth.
    runs = [bench_once(backend.fresh(run), args) for run in range(args.repeat)]
    direct = statistics.median(run[0] for run in runs)
    api = statistics.median(run[1] for run in runs)
    name = backend.name
    return (
        Figure(f"{name} store, direct", direct, *backend.baseline, backend.target_direct),
        Figure(f"{name} batch API", api, f"{name} store, direct", direct, TARGET_API_READS_PER_S),
    )


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--reads", type=int, default=200_000, help="reads written straight into each store"
    )
    parser.add_argument(
        "--api-reads", type=int, default=50_000, help="reads posted through the API"
    )
    parser.add_argument("--batch", type=int, default=1000, help="reads per batch")
    parser.add_argument(
        "--source-reads",
        type=int,
        default=2000,
        help="reads posted one a request through the native route and each vendor source's",
    )
    parser.add_argument("--clients", type=int, default=2, help="concurrent API connections")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=3, help="runs per figure; the median counts")
    parser.add_argument("--postgres-dsn", default=os.environ.get("PLATEKEEPER_TEST_POSTGRES_DSN"))
    parser.add_argument("--check", action="store_true", help="exit 1 when a target is missed")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="pk-bench-") as folder:
        figures = run_all(Path(folder), args)
    report(figures, args)
    return 1 if args.check and not all(f.met for f in figures) else 0


def run_all(root: Path, args: argparse.Namespace) -> list[Figure]:
    now = datetime.now(UTC)
    reads = to_reads(submissions(args.reads, random.Random(args.seed), now), now)
    bare = statistics.median(
        bare_sqlite_rate(root / f"bare-{run}.sqlite3", reads, args.batch)
        for run in range(args.repeat)
    )

    def sqlite_place(run: int) -> Place:
        data_dir = root / f"sqlite-{run}"
        return Place(
            lambda: SqliteStore(data_dir / "platekeeper.sqlite3"),
            {"PLATEKEEPER_DATA_DIR": str(data_dir)},
        )

    sqlite = Backend(
        "SQLite", sqlite_place, ("bare SQLite executemany", bare), TARGET_SQLITE_READS_PER_S
    )
    figures = list(bench_backend(sqlite, args))
    if args.source_reads:
        figures += source_figures(sqlite_place(args.repeat), args)
    if not args.postgres_dsn:
        print("PostgreSQL skipped: no --postgres-dsn or PLATEKEEPER_TEST_POSTGRES_DSN.")
        return figures
    with postgres_schemas(args.postgres_dsn) as schema_dsn:

        def postgres_place(run: int) -> Place:
            dsn = schema_dsn(run)
            env = {"PLATEKEEPER_STORE__TYPE": "postgres", "PLATEKEEPER_STORE__DSN": dsn}
            env["PLATEKEEPER_DATA_DIR"] = str(root / f"postgres-{run}")
            return Place(lambda: PostgresStore(dsn), env)

        baseline = (figures[0].name, figures[0].reads_per_s)
        figures += bench_backend(Backend("PostgreSQL", postgres_place, baseline), args)
    return figures


@contextmanager
def postgres_schemas(dsn: str) -> Iterator[Callable[[int], str]]:
    """DSNs of empty schemas, one a run, all dropped at the end."""
    prefix = f"pk_bench_{os.getpid()}"
    created: list[str] = []

    def schema_dsn(run: int) -> str:
        schema = f"{prefix}_{run}"
        with psycopg.connect(dsn, autocommit=True) as connection:
            connection.execute(f"CREATE SCHEMA {schema}")
        created.append(schema)
        return make_conninfo(dsn, options=f"-csearch_path={schema}")

    try:
        yield schema_dsn
    finally:
        with psycopg.connect(dsn, autocommit=True) as connection:
            for schema in created:
                connection.execute(f"DROP SCHEMA {schema} CASCADE")


def report(figures: Sequence[Figure], args: argparse.Namespace) -> None:
    print(
        f"\n{args.reads:,} reads direct, {args.api_reads:,} through the API, "
        f"batches of {args.batch}, {args.clients} API clients, {os.cpu_count()} CPUs, "
        f"median of {args.repeat} runs, each into an empty store"
    )
    print(f"{'measure':<28}{'reads/s':>12}  {'baseline':<26}{'reads/s':>12}{'ratio':>8}  target")
    for f in figures:
        target = "" if f.target is None else f"{'met' if f.met else 'MISSED'} (>= {f.target:,.0f})"
        measured = f"{f.name:<28}{f.reads_per_s:>12,.0f}"
        baseline = f"{f.baseline_name:<26}{f.baseline_reads_per_s:>12,.0f}"
        print(f"{measured}  {baseline}{f.ratio:>8.2f}  {target}")


if __name__ == "__main__":
    sys.exit(main())
