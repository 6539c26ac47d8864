-- The court order a share request is made under, where the jurisdiction serves a recipient's
-- role only under one (Virginia: the defence and courts, Va. Code 2.2-5517). All three are
-- set together or not at all.
ALTER TABLE share_requests ADD COLUMN court_order_reference text;
ALTER TABLE share_requests ADD COLUMN court_order_court text;
ALTER TABLE share_requests ADD COLUMN court_order_issued_on date;
