-- The public transparency reports as published on the schedule the law sets (R37): each the
-- report's JSON feed as it was, with the period it covers and when it was published.
-- Aggregates only, never plate data. Append-only: a published report is a public record.
CREATE TABLE transparency_reports (
    seq           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    published_at  timestamptz NOT NULL,
    period_from   timestamptz NOT NULL,
    period_to     timestamptz NOT NULL,
    report        text NOT NULL
);

CREATE INDEX transparency_reports_by_time ON transparency_reports (published_at);
