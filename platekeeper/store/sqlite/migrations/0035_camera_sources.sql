-- How a camera that speaks a vendor's format is heard: the time zone of its local clock strings,
-- how it may prove itself (the bearer key by default; a key in the URL or HTTP Basic only when
-- a custodian opted in, being weaker), and whether per-frame events are kept or only the final.
CREATE TABLE camera_sources (
    camera_id    TEXT PRIMARY KEY REFERENCES cameras (id) ON DELETE CASCADE,
    time_zone    TEXT NOT NULL,
    device_auth  TEXT NOT NULL CHECK (device_auth IN ('bearer', 'url-key', 'basic')),
    frames       TEXT NOT NULL CHECK (frames IN ('final', 'every'))
) STRICT;
