-- storegen migration 0001_init for MySQL, of blueprint `shop`.
-- Written by `storegen migration new`: review it, edit it if you must (add a
-- backfill UPDATE, say), and commit it.
-- MySQL commits each DDL statement itself: `migrate` runs it statement by
-- statement and records each one that succeeds. After a failure, fix the failing
-- statement (or the data it tripped on) and run `migrate` again: it resumes there.
-- Where a table says `COLLATE=utf8mb4_bin`, `migrate` uses the server's NO PAD binary
-- collation (utf8mb4_nopad_bin, utf8mb4_0900_bin): 'k' and 'k ' stay two values.

CREATE TABLE IF NOT EXISTS `customers` (
    `id` BIGINT NOT NULL AUTO_INCREMENT,
    `email` VARCHAR(255) NOT NULL UNIQUE,
    `name` VARCHAR(100) NOT NULL,
    `balance` BIGINT NOT NULL DEFAULT 0,
    `vip` BOOLEAN NOT NULL DEFAULT 0,
    PRIMARY KEY (`id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE IF NOT EXISTS `orders` (
    `id` BIGINT NOT NULL AUTO_INCREMENT,
    `customer_id` BIGINT NOT NULL,
    `total_cents` BIGINT NOT NULL,
    `paid` BOOLEAN NOT NULL DEFAULT 0,
    PRIMARY KEY (`id`),
    FOREIGN KEY (`customer_id`) REFERENCES `customers` (`id`) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE IF NOT EXISTS `OrderItem` (
    `OrderId` BIGINT NOT NULL,
    `Line` INT NOT NULL,
    `Product` LONGTEXT NOT NULL,
    `Quantity` INT NOT NULL DEFAULT 1,
    `WeightKg` DOUBLE,
    PRIMARY KEY (`OrderId`, `Line`),
    FOREIGN KEY (`OrderId`) REFERENCES `orders` (`id`) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE INDEX `customers_name_idx` ON `customers` (`name`);

CREATE INDEX `orders_customer_id_idx` ON `orders` (`customer_id`);
