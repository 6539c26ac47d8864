"""The agent's queue on its own: one transaction per capture, no read twice, capture order, and
offline hits that do not outstay their use."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from platekeeper.edge.queue import EdgeQueue, LocalHit, QueuedRead

BASE = datetime.now(UTC)


def read(index: int) -> QueuedRead:
    captured_at = BASE - timedelta(minutes=10 - index)
    return QueuedRead(f"r-{index}", captured_at, "{}", b"image", None)


def test_a_capture_is_kept_whole_once_and_forwarded_in_order(tmp_path: Path) -> None:
    queue = EdgeQueue(tmp_path / "queue.db")
    hit = LocalHit("h-1", "r-1", "{}", b"crop")
    assert queue.capture([read(0), read(1)], [hit], "image:a") == 2
    assert queue.capture([read(1)], [hit], "image:a") == 0  # the same image again
    assert queue.capture([read(2)], (), "image:b") == 1
    queue.close()

    reopened = EdgeQueue(tmp_path / "queue.db")  # as after a restart
    assert reopened.captured("image:a")
    assert not reopened.captured("image:c")
    assert [s.read.client_read_id for s in reopened.oldest(10)] == ["r-0", "r-1", "r-2"]
    assert [h.id for h in reopened.hits()] == ["h-1"]
    first = reopened.oldest(1)
    reopened.remove([s.seq for s in first], datetime.now(UTC))
    assert [s.read.client_read_id for s in reopened.oldest(10)] == ["r-1", "r-2"]
    assert reopened.oldest_captured_at() == read(1).captured_at
    reopened.close()


def test_offline_hits_and_lapsed_sign_ins_are_forgotten(tmp_path: Path) -> None:
    queue = EdgeQueue(tmp_path / "queue.db")
    now = datetime.now(UTC)
    queue.capture([read(0)], [LocalHit("h-1", "r-0", "{}", b"crop")])
    queue.remember_sign_in("hash", "{}", now + timedelta(hours=1))
    assert queue.forget_before(now - timedelta(hours=1)) == 0
    assert queue.sign_in("hash", now) == "{}"
    assert queue.forget_before(now + timedelta(hours=2)) == 1
    assert queue.hits() == []
    assert queue.sign_in("hash", now) is None
    assert queue.depth() == 1  # the read itself waits for the server regardless
    queue.close()
