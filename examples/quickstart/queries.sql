-- name: paid_orders :many
-- Paid (or unpaid) orders with their customer's name and email, largest first.
SELECT o.id, c.name AS customer, c.email, o.total_cents
FROM orders o
JOIN customers c ON c.id = o.customer_id
WHERE o.paid = :paid
ORDER BY o.total_cents DESC, o.id
LIMIT :limit;
