-- Deterministic data (no random()): 10,000 customers, 2,000 products, 40,000 orders and
-- 100,000 order_items (1 to 4 lines per order). Loads in a few seconds.

INSERT INTO customers (email, full_name, country, created_at)
SELECT format('customer%s@example.com', g),
       format('Customer %s', g),
       (ARRAY['US', 'DE', 'FR', 'GB', 'JP', 'BR'])[1 + g % 6],
       timestamptz '2023-01-01' + g * interval '37 minutes'
FROM generate_series(1, 10000) AS g;

INSERT INTO products (sku, name, price_cents, stock, active)
SELECT format('SKU-%s', lpad(g::text, 5, '0')),
       format('%s %s', (ARRAY['Red', 'Blue', 'Green', 'Black', 'White'])[1 + g % 5],
              (ARRAY['Mug', 'Shirt', 'Lamp', 'Chair', 'Notebook', 'Pen', 'Bag'])[1 + g % 7]),
       199 + (g * 7919) % 20000,
       (g * 31) % 500,
       g % 50 <> 0
FROM generate_series(1, 2000) AS g;

INSERT INTO orders (customer_id, status, placed_at)
SELECT 1 + (g * 7907) % 10000,
       (ARRAY['pending', 'paid', 'shipped', 'delivered', 'delivered', 'delivered', 'cancelled']::order_status[])[1 + g % 7],
       timestamptz '2024-01-01' + g * interval '13 minutes'
FROM generate_series(1, 40000) AS g;

-- Order o gets lines 1..n with n cycling 1,2,3,4 (average 2.5: 100,000 lines).
INSERT INTO order_items (order_id, line_no, product_id, quantity, unit_price_cents)
SELECT o.id, l, p.id, 1 + (o.id + l) % 3, p.price_cents
FROM orders o
CROSS JOIN LATERAL generate_series(1, 1 + (o.id::int - 1) % 4) AS l
JOIN products p ON p.id = 1 + (o.id * 31 + l * 977) % 2000;

ANALYZE;
