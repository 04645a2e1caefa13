-- storegen migration 0002_add_note for MySQL, of blueprint `shop`.
-- Written by `storegen migration new`: review it, edit it if you must (add a
-- backfill UPDATE, say), and commit it.
-- MySQL commits each DDL statement itself: `migrate` runs it statement by
-- statement and records each one that succeeds. After a failure, fix the failing
-- statement (or the data it tripped on) and run `migrate` again: it resumes there.
-- Where a table says `COLLATE=utf8mb4_bin`, `migrate` uses the server's NO PAD binary
-- collation (utf8mb4_nopad_bin, utf8mb4_0900_bin): 'k' and 'k ' stay two values.

ALTER TABLE `customers` ADD COLUMN `note` LONGTEXT;
