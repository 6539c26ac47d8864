-- Auditors read the access log of their own agency, newest first (domain/scope.py).
CREATE INDEX access_log_by_agency ON access_log (agency_id, at);
