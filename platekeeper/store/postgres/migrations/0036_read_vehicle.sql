-- What a camera's own recogniser says of the vehicle (colour, make, model, body type,
-- direction), as one JSON object; NULL for reads that carry none.
ALTER TABLE reads ADD COLUMN vehicle jsonb;
