-- storegen migration 0002_add_note for PostgreSQL, of blueprint `shop`.
-- Written by `storegen migration new`: review it, edit it if you must (add a
-- backfill UPDATE, say), and commit it.
-- `migrate` runs it in one transaction: all of it or none.

ALTER TABLE "customers" ADD COLUMN "note" TEXT;
