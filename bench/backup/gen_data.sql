-- A ~1M-row database for bench/backup/run.sh (about 140 MB on disk with indexes): customers,
-- products, orders and order lines with text, numeric, timestamps, jsonb and foreign keys, filled
-- with generate_series. Deterministic (no random()): the same database every run.
CREATE TABLE customers (
  id bigint PRIMARY KEY,
  email text NOT NULL UNIQUE,
  full_name text NOT NULL,
  country text NOT NULL,
  created_at timestamptz NOT NULL
);
CREATE TABLE products (
  id bigint PRIMARY KEY,
  name text NOT NULL,
  price_cents integer NOT NULL,
  attributes jsonb NOT NULL
);
CREATE TABLE orders (
  id bigint PRIMARY KEY,
  customer_id bigint NOT NULL REFERENCES customers (id),
  placed_at timestamptz NOT NULL,
  status text NOT NULL,
  note text
);
CREATE TABLE order_items (
  order_id bigint NOT NULL REFERENCES orders (id),
  line_no integer NOT NULL,
  product_id bigint NOT NULL REFERENCES products (id),
  quantity integer NOT NULL,
  unit_price_cents integer NOT NULL,
  PRIMARY KEY (order_id, line_no)
);

INSERT INTO customers
SELECT g, 'customer' || g || '@example.com', 'Customer ' || substr(md5(g::text), 1, 12), (ARRAY['DE', 'FR', 'US', 'JP', 'BR'])[g % 5 + 1],
       timestamptz '2024-01-01' + g * interval '37 seconds'
FROM generate_series(1, 100000) g;
INSERT INTO products
SELECT g, 'Product ' || g || ' ' || md5(g::text), 100 + (g * 7919) % 100000,
       jsonb_build_object('colour', (ARRAY['red', 'green', 'blue'])[g % 3 + 1], 'weight_g', g % 5000, 'sku', md5(g::text))
FROM generate_series(1, 10000) g;
INSERT INTO orders
SELECT g, 1 + (g::bigint * 7919) % 100000, timestamptz '2025-01-01' + g * interval '11 seconds',
       (ARRAY['new', 'paid', 'shipped', 'delivered'])[g % 4 + 1],
       CASE WHEN g % 3 <> 0 THEN 'deliver to the back door ' || md5(g::text) || md5((g + 1)::text) END
FROM generate_series(1, 290000) g;
INSERT INTO order_items
SELECT o, l, 1 + (o * 31 + l * 7) % 10000, 1 + (o + l) % 5, 100 + (o * l) % 20000
FROM generate_series(1, 290000) o, generate_series(1, 2) l;
CREATE INDEX orders_customer_id_idx ON orders (customer_id);
CREATE INDEX order_items_product_id_idx ON order_items (product_id);
VACUUM ANALYZE;
