-- Images a device sent only as a URL (Verkada's image_url, Axis's imagesURI, Frigate's
-- snapshot): fetched after the read is stored, so ingest never waits on a camera's server.
-- One row per read while pending; a failure is kept (state 'failed', with its reason but no
-- longer the URL, which may be a signed link). No foreign key to reads: PostgreSQL's reads are
-- partitioned by capture day; a fetch for a read purged meanwhile finds no read and is dropped.
-- next_attempt_at: when the next try is due; for a failed fetch, when it was given up.
CREATE TABLE image_fetches (
    read_id          text PRIMARY KEY,
    camera_id        text NOT NULL REFERENCES cameras (id) ON DELETE CASCADE,
    url              text,
    state            text NOT NULL CHECK (state IN ('pending', 'failed')),
    attempts         integer NOT NULL CHECK (attempts >= 0),
    next_attempt_at  timestamptz NOT NULL,
    failure          text
);
CREATE INDEX image_fetches_due ON image_fetches (state, next_attempt_at);

-- Where a camera's images are fetched from: the base its relative image paths are read against
-- (Axis sends "/local/..."), and HTTP Basic credentials a custodian set, the password sealed
-- (AES-GCM, key outside the database) so that a copied database does not give it.
CREATE TABLE camera_image_sources (
    camera_id        text PRIMARY KEY REFERENCES cameras (id) ON DELETE CASCADE,
    base_url         text,
    username         text,
    sealed_password  text,
    CHECK ((username IS NULL) = (sealed_password IS NULL))
);
