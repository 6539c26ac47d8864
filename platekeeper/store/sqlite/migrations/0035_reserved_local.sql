-- placeholder for the lead's numbering; not committed
SELECT 1;
