-- Customers who left in the last 30 days.
SELECT customer, plan, tenure
FROM customers
WHERE churned_at > CURRENT_DATE - INTERVAL '30 days';
