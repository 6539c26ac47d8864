-- Alerting tiers (issue 17). A list says whether a one-character-off match alerts: 'alert',
-- 'record' (stored and searchable, no alert) or 'auto' (alert only while the list is small
-- enough that the chance of a random read matching one character off stays under the
-- configured threshold).
ALTER TABLE hotlists ADD COLUMN one_off TEXT NOT NULL DEFAULT 'auto'
    CHECK (one_off IN ('alert', 'record', 'auto'));

-- Each hit's tier ('alert': published and waiting for verification; 'lower': stored only) and
-- which reading of the read matched (0: the read's own text, 1: the reader's first
-- alternative...). Hits made before this migration all alerted, on the read's own text.
ALTER TABLE hits ADD COLUMN tier TEXT NOT NULL DEFAULT 'alert' CHECK (tier IN ('alert', 'lower'));
ALTER TABLE hits ADD COLUMN reading INTEGER NOT NULL DEFAULT 0 CHECK (reading >= 0);

CREATE INDEX hits_by_tier ON hits (tier, created_at);
