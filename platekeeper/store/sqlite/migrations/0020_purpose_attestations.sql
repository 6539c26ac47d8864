-- The custodian's attestations that a purpose flagged by 'policy check' as misfiled (its words
-- point at a matter a jurisdiction forbids, under another category) is what its category says.
-- Pinned to the purpose's code, label and category: the check honours one only while all three
-- still match. Append-only; each is also an event in the access log.
-- Times are integer microseconds since the Unix epoch, UTC.
CREATE TABLE purpose_attestations (
    seq           INTEGER PRIMARY KEY AUTOINCREMENT,
    purpose_code  TEXT NOT NULL,
    label         TEXT NOT NULL,
    category      TEXT NOT NULL,
    reason        TEXT NOT NULL,
    attested_by   TEXT NOT NULL,
    attested_at   INTEGER NOT NULL
) STRICT;
