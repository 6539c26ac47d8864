-- The agency's time zone (an IANA name): pages, exports and reports show times in it; UTC
-- stays what is stored and exchanged. An agency already registered takes its state's main zone
-- (the table of platekeeper/domain/zones.py as of this migration), UTC outside the US.
ALTER TABLE agencies ADD COLUMN time_zone TEXT NOT NULL DEFAULT 'UTC';
UPDATE agencies SET time_zone = CASE
    WHEN state IN ('AK') THEN 'America/Anchorage'
    WHEN state IN ('AL', 'AR', 'IA', 'IL', 'KS', 'LA', 'MN', 'MO', 'MS', 'ND', 'NE', 'OK', 'SD', 'TN', 'TX', 'WI') THEN 'America/Chicago'
    WHEN state IN ('AS') THEN 'Pacific/Pago_Pago'
    WHEN state IN ('AZ') THEN 'America/Phoenix'
    WHEN state IN ('CA', 'NV', 'OR', 'WA') THEN 'America/Los_Angeles'
    WHEN state IN ('CO', 'MT', 'NM', 'UT', 'WY') THEN 'America/Denver'
    WHEN state IN ('CT', 'DC', 'DE', 'FL', 'GA', 'MA', 'MD', 'ME', 'NC', 'NH', 'NJ', 'NY', 'OH', 'PA', 'RI', 'SC', 'VA', 'VT', 'WV') THEN 'America/New_York'
    WHEN state IN ('GU') THEN 'Pacific/Guam'
    WHEN state IN ('HI') THEN 'Pacific/Honolulu'
    WHEN state IN ('ID') THEN 'America/Boise'
    WHEN state IN ('IN') THEN 'America/Indiana/Indianapolis'
    WHEN state IN ('KY') THEN 'America/Kentucky/Louisville'
    WHEN state IN ('MI') THEN 'America/Detroit'
    WHEN state IN ('MP') THEN 'Pacific/Saipan'
    WHEN state IN ('PR') THEN 'America/Puerto_Rico'
    WHEN state IN ('VI') THEN 'America/St_Thomas'
    ELSE 'UTC'
END;
