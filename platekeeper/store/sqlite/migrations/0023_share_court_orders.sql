-- The court order a share request is made under, where the jurisdiction serves a recipient's
-- role only under one (Virginia: the defence and courts, Va. Code 2.2-5517). All three are
-- set together or not at all. issued_on is an ISO date.
ALTER TABLE share_requests ADD COLUMN court_order_reference TEXT;
ALTER TABLE share_requests ADD COLUMN court_order_court TEXT;
ALTER TABLE share_requests ADD COLUMN court_order_issued_on TEXT;
