-- A pattern's end (*C123, 7A*123) is the start of the folded key reversed: a range of this
-- B-tree (store/postgres/plate_index.py). The trigram index answered it by intersecting
-- trigrams each held by hundreds of thousands of plates at 20 M plates, and checking every
-- plate left. Byte order (COLLATE "C") keeps the range a range under any database collation.
CREATE INDEX plates_by_reversed_folded ON plates ((reverse(folded_key) COLLATE "C"));
-- The planner weighs this index by the expression's statistics, which only ANALYZE gathers:
-- without them it kept to the trigrams (11 ms against 0.04 ms for *C123 at 20 M plates).
ANALYZE plates;
