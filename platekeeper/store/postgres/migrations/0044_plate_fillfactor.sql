-- After a whole day is purged, the settle (store/postgres/day_purge.py) subtracts the day's
-- reads from hundreds of thousands of plates' counts. plates.reads is in no index: with room
-- left on each page the new row versions stay on it (heap-only tuples), and neither the trigram
-- index nor the others are written at all.
ALTER TABLE plates SET (fillfactor = 80);
