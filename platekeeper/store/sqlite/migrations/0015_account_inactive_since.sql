-- When an account stopped being active (suspended or deactivated): reactivating it needs
-- training completed on or after that day. Unset while active; unset for accounts suspended
-- before this column existed, whose last activity stands in for it.
ALTER TABLE accounts ADD COLUMN inactive_since INTEGER;
