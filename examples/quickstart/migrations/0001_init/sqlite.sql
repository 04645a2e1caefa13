-- storegen migration 0001_init for SQLite, of blueprint `shop`.
-- Written by `storegen migration new`: review it, edit it if you must (add a
-- backfill UPDATE, say), and commit it.
-- `migrate` runs it in one transaction, with foreign keys off until it has checked
-- them (PRAGMA foreign_key_check) just before COMMIT.

CREATE TABLE IF NOT EXISTS "customers" (
    "id" INTEGER PRIMARY KEY,
    "email" TEXT NOT NULL UNIQUE CHECK (length("email") <= 255),
    "name" TEXT NOT NULL CHECK (length("name") <= 100),
    "balance" INTEGER NOT NULL DEFAULT 0,
    "vip" BOOLEAN NOT NULL DEFAULT 0
);

CREATE TABLE IF NOT EXISTS "orders" (
    "id" INTEGER PRIMARY KEY,
    "customer_id" INTEGER NOT NULL REFERENCES "customers" ("id") ON DELETE CASCADE,
    "total_cents" INTEGER NOT NULL,
    "paid" BOOLEAN NOT NULL DEFAULT 0
);

CREATE TABLE IF NOT EXISTS "OrderItem" (
    "OrderId" INTEGER NOT NULL REFERENCES "orders" ("id") ON DELETE CASCADE,
    "Line" INTEGER NOT NULL,
    "Product" TEXT NOT NULL,
    "Quantity" INTEGER NOT NULL DEFAULT 1,
    "WeightKg" REAL,
    PRIMARY KEY ("OrderId", "Line")
);

CREATE INDEX IF NOT EXISTS "customers_name_idx" ON "customers" ("name");

CREATE INDEX IF NOT EXISTS "orders_customer_id_idx" ON "orders" ("customer_id");
