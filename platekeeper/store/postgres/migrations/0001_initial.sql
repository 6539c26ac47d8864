CREATE TABLE agencies (
    id          text PRIMARY KEY,
    name        text NOT NULL,
    state       text NOT NULL,
    created_at  timestamptz NOT NULL
);

CREATE TABLE cameras (
    id               text PRIMARY KEY,
    agency_id        text NOT NULL REFERENCES agencies (id),
    name             text NOT NULL,
    kind             text NOT NULL CHECK (kind IN ('fixed', 'mobile')),
    status           text NOT NULL CHECK (status IN ('active', 'maintenance', 'retired')),
    latitude         double precision,
    longitude        double precision,
    heading_deg      double precision,
    api_key_hash     text NOT NULL UNIQUE,
    created_at       timestamptz NOT NULL,
    last_contact_at  timestamptz
);

-- One partition per capture day (created on demand by the store), so that deleting old reads
-- drops whole partitions. The id is made from the capture time and the camera's key for the read
-- (platekeeper.domain.ids), so a retried read collides on the primary key.
CREATE TABLE reads (
    id                 uuid NOT NULL,
    client_read_id     text NOT NULL,
    camera_id          text NOT NULL REFERENCES cameras (id),
    plate_text         text NOT NULL,
    plate_key          text NOT NULL,
    confidence         double precision NOT NULL,
    region             text,
    region_confidence  double precision,
    candidates         jsonb NOT NULL,
    captured_at        timestamptz NOT NULL,
    received_at        timestamptz NOT NULL,
    latitude           double precision,
    longitude          double precision,
    box                jsonb,
    crop_ref           text,
    image_ref          text,
    fingerprint        text NOT NULL,
    PRIMARY KEY (id, captured_at)
) PARTITION BY RANGE (captured_at);

CREATE INDEX reads_by_plate ON reads (plate_key, captured_at);
