-- What a feed's record says beside the plate, by its NCIC field (LIT, LIY, VIN, VMA, VMO,
-- VYR, VCO, NIC, ORI, OCA, MKE), and the file it came from: shown to whoever verifies a hit.
ALTER TABLE hotlist_entries ADD COLUMN plate_type TEXT;
ALTER TABLE hotlist_entries ADD COLUMN plate_year TEXT;
ALTER TABLE hotlist_entries ADD COLUMN vin TEXT;
ALTER TABLE hotlist_entries ADD COLUMN vehicle_make TEXT;
ALTER TABLE hotlist_entries ADD COLUMN vehicle_model TEXT;
ALTER TABLE hotlist_entries ADD COLUMN vehicle_year INTEGER;
ALTER TABLE hotlist_entries ADD COLUMN vehicle_colour TEXT;
ALTER TABLE hotlist_entries ADD COLUMN ncic_number TEXT;
ALTER TABLE hotlist_entries ADD COLUMN ori TEXT;
ALTER TABLE hotlist_entries ADD COLUMN oca TEXT;
ALTER TABLE hotlist_entries ADD COLUMN message_key TEXT;
ALTER TABLE hotlist_entries ADD COLUMN source_file TEXT;

-- Entries a file held that the policy kept out of the list (a California agency's Immigration
-- Violator File): one row per import or refresh and per source file, message key and rule,
-- with the policy file's hash in force. Counts only: no plate of an excluded entry is kept.
CREATE TABLE hotlist_exclusions (
    id             TEXT PRIMARY KEY,
    list_id        TEXT NOT NULL REFERENCES hotlists (id),
    agency_id      TEXT NOT NULL,
    excluded_at    INTEGER NOT NULL,
    source_file    TEXT,
    message_key    TEXT,
    rule           TEXT NOT NULL,
    entries        INTEGER NOT NULL,
    policy_sha256  TEXT,
    excluded_by    TEXT NOT NULL
) STRICT;

CREATE INDEX hotlist_exclusions_by_agency ON hotlist_exclusions (agency_id, excluded_at);
