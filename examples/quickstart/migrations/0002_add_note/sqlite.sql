-- storegen migration 0002_add_note for SQLite, of blueprint `shop`.
-- Written by `storegen migration new`: review it, edit it if you must (add a
-- backfill UPDATE, say), and commit it.
-- `migrate` runs it in one transaction, with foreign keys off until it has checked
-- them (PRAGMA foreign_key_check) just before COMMIT.

ALTER TABLE "customers" ADD COLUMN "note" TEXT;
