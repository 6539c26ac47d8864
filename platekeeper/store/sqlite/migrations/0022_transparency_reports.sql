-- The public transparency reports as published on the schedule the law sets (R37): each the
-- report's JSON feed as it was, with the period it covers and when it was published.
-- Aggregates only, never plate data. Append-only: a published report is a public record.
-- Times are integer microseconds since the Unix epoch, UTC.
CREATE TABLE transparency_reports (
    seq           INTEGER PRIMARY KEY AUTOINCREMENT,
    published_at  INTEGER NOT NULL,
    period_from   INTEGER NOT NULL,
    period_to     INTEGER NOT NULL,
    report        TEXT NOT NULL
) STRICT;

CREATE INDEX transparency_reports_by_time ON transparency_reports (published_at);
