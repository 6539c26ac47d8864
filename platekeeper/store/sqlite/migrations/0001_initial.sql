-- Times are integer microseconds since the Unix epoch, UTC.
CREATE TABLE agencies (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    state       TEXT NOT NULL,
    created_at  INTEGER NOT NULL
) STRICT;

CREATE TABLE cameras (
    id               TEXT PRIMARY KEY,
    agency_id        TEXT NOT NULL REFERENCES agencies (id),
    name             TEXT NOT NULL,
    kind             TEXT NOT NULL CHECK (kind IN ('fixed', 'mobile')),
    status           TEXT NOT NULL CHECK (status IN ('active', 'maintenance', 'retired')),
    latitude         REAL,
    longitude        REAL,
    heading_deg      REAL,
    api_key_hash     TEXT NOT NULL UNIQUE,
    created_at       INTEGER NOT NULL,
    last_contact_at  INTEGER
) STRICT;

-- The id is a UUIDv7 made from the capture time and the camera's key for the read
-- (platekeeper.domain.ids), so a retried read collides on the primary key. Rows are appended in
-- arrival order, which is capture order give or take a camera's backlog: deleting a time range
-- walks the id index from its start and frees neighbouring pages.
CREATE TABLE reads (
    id                 TEXT PRIMARY KEY,
    client_read_id     TEXT NOT NULL,
    camera_id          TEXT NOT NULL REFERENCES cameras (id),
    plate_text         TEXT NOT NULL,
    plate_key          TEXT NOT NULL,
    confidence         REAL NOT NULL,
    region             TEXT,
    region_confidence  REAL,
    candidates         TEXT NOT NULL,
    captured_at        INTEGER NOT NULL,
    received_at        INTEGER NOT NULL,
    latitude           REAL,
    longitude          REAL,
    box                TEXT,
    crop_ref           TEXT,
    image_ref          TEXT,
    fingerprint        TEXT NOT NULL
) STRICT;

CREATE INDEX reads_by_plate ON reads (plate_key, captured_at);
