-- Every hot list declares the kind of matter it serves, a purpose category, so that a
-- jurisdiction that forbids a category (California and Illinois: immigration enforcement)
-- refuses the list and its matches. Existing lists: fed lists (state feeds, NCIC) carry stolen
-- vehicles and plates above all, so 'stolen-vehicle'; an agency's own or manual list serves its
-- cases, so 'criminal-investigation'. A list whose name points at a forbidden matter is caught by
-- its name whatever its category.
ALTER TABLE hotlists ADD COLUMN category TEXT NOT NULL DEFAULT 'criminal-investigation';
UPDATE hotlists SET category = 'stolen-vehicle' WHERE source IN ('state-feed', 'ncic');
