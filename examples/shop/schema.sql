-- A small shop: customers place orders of products. Used by ./scripts/demo and as a realistic
-- starting point for pgshift's plans (enum, FKs, secondary indexes, a check, a view, a trigger, comments).

CREATE TYPE order_status AS ENUM ('pending', 'paid', 'shipped', 'delivered', 'cancelled');
COMMENT ON TYPE order_status IS 'Lifecycle of an order';

-- Keeps updated_at current on every UPDATE.
CREATE FUNCTION set_updated_at() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  NEW.updated_at := now();
  RETURN NEW;
END;
$$;

CREATE TABLE customers (
  id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  email      text NOT NULL,
  full_name  text NOT NULL,
  country    char(2) NOT NULL DEFAULT 'US',
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT customers_email_key UNIQUE (email)
);
COMMENT ON TABLE customers IS 'People who can place orders';
COMMENT ON COLUMN customers.email IS 'Login and contact address; unique';

CREATE TABLE products (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  sku         text NOT NULL,
  name        text NOT NULL,
  price_cents integer NOT NULL,
  stock       integer NOT NULL DEFAULT 0,
  active      boolean NOT NULL DEFAULT true,
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT products_sku_key UNIQUE (sku),
  CONSTRAINT products_price_cents_check CHECK (price_cents >= 0)
);
COMMENT ON TABLE products IS 'The catalogue';
COMMENT ON COLUMN products.price_cents IS 'Current list price, in cents';
CREATE INDEX products_lower_name_idx ON products (lower(name));

CREATE TABLE orders (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  customer_id bigint NOT NULL REFERENCES customers (id),
  status      order_status NOT NULL DEFAULT 'pending',
  placed_at   timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now(),
  note        text
);
COMMENT ON TABLE orders IS 'One checkout by one customer';
CREATE INDEX orders_customer_id_idx ON orders (customer_id);
CREATE INDEX orders_status_placed_at_idx ON orders (status, placed_at) WHERE status <> 'delivered';

CREATE TABLE order_items (
  order_id         bigint NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
  line_no          smallint NOT NULL,
  product_id       bigint NOT NULL REFERENCES products (id),
  quantity         integer NOT NULL CHECK (quantity > 0),
  unit_price_cents integer NOT NULL,
  PRIMARY KEY (order_id, line_no)
);
COMMENT ON TABLE order_items IS 'Lines of an order, priced when the order was placed';
CREATE INDEX order_items_product_id_idx ON order_items (product_id);

CREATE TRIGGER customers_set_updated_at BEFORE UPDATE ON customers
  FOR EACH ROW EXECUTE FUNCTION set_updated_at();
CREATE TRIGGER products_set_updated_at BEFORE UPDATE ON products
  FOR EACH ROW EXECUTE FUNCTION set_updated_at();
CREATE TRIGGER orders_set_updated_at BEFORE UPDATE ON orders
  FOR EACH ROW EXECUTE FUNCTION set_updated_at();

CREATE VIEW order_totals AS
  SELECT o.id AS order_id, o.customer_id, o.status,
         count(*) AS lines,
         sum(i.quantity * i.unit_price_cents) AS total_cents
  FROM orders o
  JOIN order_items i ON i.order_id = o.id
  GROUP BY o.id, o.customer_id, o.status;
COMMENT ON VIEW order_totals IS 'Per-order line count and total, in cents';
