-- The custodian's attestations that a purpose flagged by 'policy check' as misfiled (its words
-- point at a matter a jurisdiction forbids, under another category) is what its category says.
-- Pinned to the purpose's code, label and category: the check honours one only while all three
-- still match. Append-only; each is also an event in the access log.
CREATE TABLE purpose_attestations (
    seq           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    purpose_code  text NOT NULL,
    label         text NOT NULL,
    category      text NOT NULL,
    reason        text NOT NULL,
    attested_by   text NOT NULL,
    attested_at   timestamptz NOT NULL
);
