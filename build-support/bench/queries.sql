-- name: customer_orders :many
-- A customer's orders with the customer's email (a join), in key order.
SELECT o.id, o.total, c.email
FROM orders o
JOIN customers c ON c.id = o.customer_id
WHERE o.customer_id = :customer_id
ORDER BY o.id
LIMIT :limit;
