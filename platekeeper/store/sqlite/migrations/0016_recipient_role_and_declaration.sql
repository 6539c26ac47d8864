-- A recipient's role (Virginia names recipients by what they do) and its signed declaration
-- (Illinois asks one of out-of-state law enforcement before anything is shared), kept with the
-- recipient: who signed it, their title, when, its text, who recorded it, and when it runs out
-- or was withdrawn.
ALTER TABLE recipients ADD COLUMN role TEXT NOT NULL DEFAULT 'law-enforcement'
    CHECK (role IN ('law-enforcement', 'prosecutor', 'defense', 'vendor', 'court', 'other'));
ALTER TABLE recipients ADD COLUMN declaration_signed_by TEXT;
ALTER TABLE recipients ADD COLUMN declaration_signer_title TEXT;
ALTER TABLE recipients ADD COLUMN declaration_signed_on TEXT;
ALTER TABLE recipients ADD COLUMN declaration_text TEXT;
ALTER TABLE recipients ADD COLUMN declaration_recorded_by TEXT;
ALTER TABLE recipients ADD COLUMN declaration_recorded_at INTEGER;
ALTER TABLE recipients ADD COLUMN declaration_expires_on TEXT;
ALTER TABLE recipients ADD COLUMN declaration_withdrawn_on TEXT;
-- A private recipient of an earlier schema is no law-enforcement agency.
UPDATE recipients SET role = 'other' WHERE entity_type = 'private';
