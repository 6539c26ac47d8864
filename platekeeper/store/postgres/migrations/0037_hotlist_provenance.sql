-- What a feed's record says beside the plate, by its NCIC field (LIT, LIY, VIN, VMA, VMO,
-- VYR, VCO, NIC, ORI, OCA, MKE), and the file it came from: shown to whoever verifies a hit.
ALTER TABLE hotlist_entries ADD COLUMN plate_type text;
ALTER TABLE hotlist_entries ADD COLUMN plate_year text;
ALTER TABLE hotlist_entries ADD COLUMN vin text;
ALTER TABLE hotlist_entries ADD COLUMN vehicle_make text;
ALTER TABLE hotlist_entries ADD COLUMN vehicle_model text;
ALTER TABLE hotlist_entries ADD COLUMN vehicle_year integer;
ALTER TABLE hotlist_entries ADD COLUMN vehicle_colour text;
ALTER TABLE hotlist_entries ADD COLUMN ncic_number text;
ALTER TABLE hotlist_entries ADD COLUMN ori text;
ALTER TABLE hotlist_entries ADD COLUMN oca text;
ALTER TABLE hotlist_entries ADD COLUMN message_key text;
ALTER TABLE hotlist_entries ADD COLUMN source_file text;

-- Entries a file held that the policy kept out of the list (a California agency's Immigration
-- Violator File): one row per import or refresh and per source file, message key and rule,
-- with the policy file's hash in force. Counts only: no plate of an excluded entry is kept.
CREATE TABLE hotlist_exclusions (
    id             text PRIMARY KEY,
    list_id        text NOT NULL REFERENCES hotlists (id),
    agency_id      text NOT NULL,
    excluded_at    timestamptz NOT NULL,
    source_file    text,
    message_key    text,
    rule           text NOT NULL,
    entries        integer NOT NULL,
    policy_sha256  text,
    excluded_by    text NOT NULL
);

CREATE INDEX hotlist_exclusions_by_agency ON hotlist_exclusions (agency_id, excluded_at);
