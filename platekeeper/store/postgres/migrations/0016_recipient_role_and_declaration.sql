-- A recipient's role (Virginia names recipients by what they do) and its signed declaration
-- (Illinois asks one of out-of-state law enforcement before anything is shared), kept with the
-- recipient: who signed it, their title, when, its text, who recorded it, and when it runs out
-- or was withdrawn.
ALTER TABLE recipients ADD COLUMN role text NOT NULL DEFAULT 'law-enforcement'
    CHECK (role IN ('law-enforcement', 'prosecutor', 'defense', 'vendor', 'court', 'other'));
ALTER TABLE recipients ADD COLUMN declaration_signed_by text;
ALTER TABLE recipients ADD COLUMN declaration_signer_title text;
ALTER TABLE recipients ADD COLUMN declaration_signed_on date;
ALTER TABLE recipients ADD COLUMN declaration_text text;
ALTER TABLE recipients ADD COLUMN declaration_recorded_by text;
ALTER TABLE recipients ADD COLUMN declaration_recorded_at timestamptz;
ALTER TABLE recipients ADD COLUMN declaration_expires_on date;
ALTER TABLE recipients ADD COLUMN declaration_withdrawn_on date;
-- A private recipient of an earlier schema is no law-enforcement agency.
UPDATE recipients SET role = 'other' WHERE entity_type = 'private';
