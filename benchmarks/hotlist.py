"""Hot-list matching: reads/s against lists of 1k, 100k and 1M entries, and ingest-to-alert latency.

    .venv/bin/python benchmarks/hotlist.py            # add --check to fail below target
    .venv/bin/python benchmarks/hotlist.py --sizes 1000,100000 --latency-seconds 5   # quick

Throughput: one thread (one core) matches random reads, a few of them listed plates, exact and
misread, against an ``EntryIndex`` of the size given, misread-aware matching on. The baseline,
measured in the same run on the same reads, is an exact ``dict`` look-up of the plate key: what
matching without misreads would cost at least. Each figure is the median of ``--repeat`` passes.
Index build time and the memory it holds (resident set before and after) come with each size.

Latency: the real app (``build_services`` and ``create_app``, served by uvicorn on a local port,
SQLite) with a hot list of ``--latency-entries`` entries; one read a request is posted at
``--rate`` reads/s for ``--latency-seconds``, a tenth of them listed plates, and the time from
the request's start to the alert reaching the alert sink is taken for each. The sink is the real
dispatcher wrapped by a recorder (the test hook: the matcher is rebuilt around it).
"""

from __future__ import annotations

import argparse
import os
import random
import socket
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import uvicorn

from platekeeper.app import create_app
from platekeeper.config import load_settings
from platekeeper.demo.policy import DEMO_POLICY
from platekeeper.domain import Agency, Camera, CameraKind, CameraStatus, GeoPoint
from platekeeper.domain.cameras import issue_camera_key
from platekeeper.domain.hotlists import (
    Alert,
    AlertLevel,
    AlertSink,
    Hotlist,
    HotlistEntry,
    ListSource,
)
from platekeeper.hotlists.entry_index import EntryIndex
from platekeeper.hotlists.matcher import HotlistMatcher
from platekeeper.ingest import IngestService
from platekeeper.services import Services, build_services
from platekeeper.store.protocols import ActiveEntry

TARGET_READS_PER_S_AT_1M = 50_000
TARGET_P99_MS = 200.0
_PLATE_CHARS = "ABCDEFGHJKLMNPRSTUVWXYZ0123456789"
_MISREAD = str.maketrans("0O1I8B5S2Z6G", "O0I1B8S5Z2G6")


def plates(count: int, rng: random.Random) -> list[str]:
    return ["".join(rng.choices(_PLATE_CHARS, k=7)) for _ in range(count)]


def probe_reads(listed: Sequence[str], count: int, rng: random.Random) -> list[str]:
    """Random plates, 1% of them listed ones read right and 1% read with a confusable."""
    reads = plates(count, rng)
    for i in range(0, count, 50):
        plate = rng.choice(listed)
        reads[i] = plate if i % 100 else plate.translate(_MISREAD)
    return reads


def rss_bytes() -> int:
    with open("/proc/self/statm", encoding="ascii") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


@dataclass(frozen=True)
class Throughput:
    entries: int
    reads_per_s: float
    baseline_reads_per_s: float
    build_s: float
    index_bytes: int
    probe_keys: int
    matches_per_1k_reads: float

    @property
    def ratio(self) -> float:
        return self.reads_per_s / self.baseline_reads_per_s


def throughput(size: int, args: argparse.Namespace) -> Throughput:
    rng = random.Random(args.seed)
    keys = plates(size, rng)
    entries = [ActiveEntry(f"e{i}", "bench", key, "us-ca", None) for i, key in enumerate(keys)]
    before = rss_bytes()
    started = time.perf_counter()
    index = EntryIndex(entries)
    build_s = time.perf_counter() - started
    index_bytes = rss_bytes() - before
    reads = probe_reads(keys, args.reads, rng)
    exact = {entry.plate_key: entry for entry in entries}

    def fuzzy() -> int:
        return sum(len(index.match(read)) for read in reads)

    def baseline() -> int:
        return sum(exact.get(read) is not None for read in reads)

    rates, baselines, matched = [], [], 0
    for _ in range(args.repeat):
        rates.append(len(reads) / _timed(fuzzy))
        baselines.append(len(reads) / _timed(baseline))
    matched = fuzzy()
    return Throughput(
        size,
        statistics.median(rates),
        statistics.median(baselines),
        build_s,
        index_bytes,
        index.probe_keys,
        1000 * matched / len(reads),
    )


def _timed(action: object) -> float:
    assert callable(action)
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


class ArrivalRecorder:
    """The test hook: an ``AlertSink`` noting when each read's alert arrived, then passing the
    alerts on to the real sink."""

    def __init__(self, inner: AlertSink) -> None:
        self._inner = inner
        self.arrived: dict[str, float] = {}

    def publish(self, alerts: Sequence[Alert]) -> None:
        self._inner.publish(alerts)
        now = time.perf_counter()
        for alert in alerts:
            self.arrived.setdefault(alert.read.client_read_id, now)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@contextmanager
def served(services: Services) -> Iterator[str]:
    port = _free_port()
    config = uvicorn.Config(create_app(services), port=port, log_level="warning")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline:
            raise SystemExit("the server did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=30)


def with_recorder(services: Services) -> tuple[Services, ArrivalRecorder]:
    recorder = ArrivalRecorder(services.alerts)
    matcher = HotlistMatcher(
        services.store, recorder, services.clock, services.access_log, services.settings.access
    )
    ingest = IngestService(
        services.store,
        services.images,
        services.clock,
        services.ingest.limits,
        listeners=[matcher],
        policy=services.ingest.policy,  # the same standing: the benchmark serves a real policy
    )
    return replace(services, ingest=ingest, hotlist_matcher=matcher), recorder


def seed(services: Services, entries: int, rng: random.Random) -> tuple[str, list[str]]:
    """A camera (its key returned) and a hot list of ``entries`` plates (returned)."""
    store, now = services.store, datetime.now(UTC)
    key, key_hash = issue_camera_key()
    store.agencies.add(Agency("bench-pd", "Benchmark PD", "CA", now))
    location = GeoPoint(38.58, -121.49)
    camera = Camera(
        "bench-cam",
        "bench-pd",
        "Bench",
        CameraKind.FIXED,
        CameraStatus.ACTIVE,
        key_hash,
        now,
        location,
        90.0,
    )
    store.cameras.add(camera)
    store.hotlists.add(
        Hotlist("bench", "bench-pd", "Bench", ListSource.MANUAL, 1, AlertLevel.CRITICAL, False, now)
    )
    listed = plates(entries, rng)
    entered = now - timedelta(hours=1)
    store.hotlist_entries.add(
        [
            HotlistEntry(f"e{i}", "bench", key, "us-ca", "stolen", "bench", entered, None)
            for i, key in enumerate(listed)
        ]
    )
    return key, listed


@dataclass(frozen=True)
class Latency:
    sent: int
    expected_alerts: int
    alerts: int
    p50_ms: float
    p95_ms: float
    p99_ms: float


def latency(root: Path, args: argparse.Namespace) -> Latency:
    rng = random.Random(args.seed)
    settings = load_settings(data_dir=root / "latency")
    # The app stores nothing without a complete usage policy: the demo's, as in production.
    settings.data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    (settings.data_dir / "policy.toml").write_text(DEMO_POLICY, encoding="utf-8")
    services = build_services(settings)
    try:
        services.store.upgrade()
        key, listed = seed(services, args.latency_entries, rng)
        services, recorder = with_recorder(services)
        services.hotlist_matcher.reload()
        with served(services) as base_url:
            started, expected = post_at_rate(base_url, key, listed, args, rng)
        time.sleep(1)  # stragglers: an alert later than this counts as missing
    finally:
        services.close()
    waits = [
        (recorder.arrived[read_id] - started[read_id]) * 1000
        for read_id in expected
        if read_id in recorder.arrived
    ]
    cuts = statistics.quantiles(waits, n=100) if len(waits) > 1 else [0.0] * 99
    return Latency(len(started), len(expected), len(waits), cuts[49], cuts[94], cuts[98])


def post_at_rate(
    base_url: str,
    key: str,
    listed: Sequence[str],
    args: argparse.Namespace,
    rng: random.Random,
) -> tuple[dict[str, float], list[str]]:
    """Post one read every 1/rate s; return each read's start time and the reads to alert."""
    count = int(args.rate * args.latency_seconds)
    started: dict[str, float] = {}
    expected = []
    failures: list[str] = []
    headers = {"Authorization": f"Bearer {key}"}
    client = httpx.Client(base_url=base_url, headers=headers, timeout=30)

    def post(read_id: str, plate: str) -> None:
        body = {
            "client_read_id": read_id,
            "plate_text": plate,
            "confidence": 0.9,
            "captured_at": datetime.now(UTC).isoformat(),
            "region": "us-ca",
        }
        started[read_id] = time.perf_counter()
        response = client.post("/api/v1/reads", json=body)
        if response.status_code != 201:
            failures.append(response.text[:200])

    begin = time.perf_counter()
    with client, ThreadPoolExecutor(max_workers=8) as pool:
        for i in range(count):
            listed_plate = i % 10 == 0
            plate = rng.choice(listed) if listed_plate else plates(1, rng)[0]
            read_id = f"lat-{i:06d}"
            if listed_plate:
                expected.append(read_id)
            delay = begin + i / args.rate - time.perf_counter()
            if delay > 0:
                time.sleep(delay)
            pool.submit(post, read_id, plate)
    if failures:
        raise SystemExit(f"the API refused {len(failures)} reads, e.g. {failures[0]}")
    return started, expected


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", default="1000,100000,1000000", help="entries, comma-separated")
    parser.add_argument("--reads", type=int, default=200_000, help="reads matched per pass")
    parser.add_argument("--repeat", type=int, default=3, help="passes per figure; median counts")
    parser.add_argument("--latency-entries", type=int, default=100_000)
    parser.add_argument("--rate", type=float, default=100.0, help="reads/s posted")
    parser.add_argument("--latency-seconds", type=float, default=20.0)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--check", action="store_true", help="exit 1 when a target is missed")
    args = parser.parse_args()

    figures = [throughput(int(size), args) for size in args.sizes.split(",")]
    report_throughput(figures, args)
    with tempfile.TemporaryDirectory(prefix="pk-bench-hotlist-") as folder:
        measured = latency(Path(folder), args)
    report_latency(measured, args)
    met = all(f.reads_per_s >= TARGET_READS_PER_S_AT_1M for f in figures if f.entries >= 1_000_000)
    met = met and measured.p99_ms <= TARGET_P99_MS and measured.alerts == measured.expected_alerts
    return 1 if args.check and not met else 0


def report_throughput(figures: Sequence[Throughput], args: argparse.Namespace) -> None:
    print(
        f"\nmatching {args.reads:,} reads a pass, one thread, median of {args.repeat} passes, "
        f"{os.cpu_count()} CPUs; baseline: exact dict look-up of the same reads"
    )
    print(
        f"{'entries':>10}{'reads/s':>12}{'baseline':>12}{'ratio':>8}{'build s':>9}"
        f"{'index MiB':>11}{'keys':>12}{'hits/1k':>9}  target"
    )
    for f in figures:
        target = ""
        if f.entries >= 1_000_000:
            met = f.reads_per_s >= TARGET_READS_PER_S_AT_1M
            target = f"{'met' if met else 'MISSED'} (>= {TARGET_READS_PER_S_AT_1M:,})"
        print(
            f"{f.entries:>10,}{f.reads_per_s:>12,.0f}{f.baseline_reads_per_s:>12,.0f}"
            f"{f.ratio:>8.3f}{f.build_s:>9.2f}{f.index_bytes / 2**20:>11.0f}{f.probe_keys:>12,}"
            f"{f.matches_per_1k_reads:>9.1f}  {target}"
        )


def report_latency(measured: Latency, args: argparse.Namespace) -> None:
    met = measured.p99_ms <= TARGET_P99_MS and measured.alerts == measured.expected_alerts
    print(
        f"\ningest-to-alert: {measured.sent:,} reads at {args.rate:.0f}/s over "
        f"{args.latency_seconds:.0f} s, {args.latency_entries:,} entries, SQLite; "
        f"{measured.alerts}/{measured.expected_alerts} alerts arrived"
    )
    print(
        f"p50 {measured.p50_ms:.1f} ms  p95 {measured.p95_ms:.1f} ms  p99 {measured.p99_ms:.1f} ms"
        f"  target p99 <= {TARGET_P99_MS:.0f} ms: {'met' if met else 'MISSED'}"
    )


if __name__ == "__main__":
    sys.exit(main())
