-- examples/orders-cqrs/setup.sql: order events as the write side, tables as the read side.
-- Run with: sluice -f examples/orders-cqrs/setup.sql
SET 'auto.offset.reset' = 'earliest';

-- The write side: what happened to an order, keyed by order id. ORDER_PLACED carries the
-- customer, the state shipped to and the amount; ORDER_SHIPPED and ORDER_CANCELLED only the type.
CREATE STREAM order_events (order_id STRING KEY, event_type STRING, customer_id STRING, state STRING,
                            amount DECIMAL(10, 2))
  WITH (kafka_topic='order_events', value_format='JSON', partitions=2);

-- Every order's current state, folded from its events: the latest status, and the latest
-- non-null customer, state and amount (LATEST_BY_OFFSET skips NULLs).
CREATE TABLE orders AS
  SELECT order_id,
         LATEST_BY_OFFSET(event_type) AS status,
         LATEST_BY_OFFSET(customer_id) AS customer_id,
         LATEST_BY_OFFSET(state) AS state,
         LATEST_BY_OFFSET(amount) AS amount
  FROM order_events
  GROUP BY order_id
  EMIT CHANGES;

-- Read models over the current orders: a cancelled order leaves them again.
CREATE TABLE orders_per_state AS
  SELECT state,
         COUNT(*) AS orders,
         SUM(CASE WHEN status = 'ORDER_SHIPPED' THEN 1 ELSE 0 END) AS shipped,
         SUM(amount) AS amount
  FROM orders
  WHERE status <> 'ORDER_CANCELLED'
  GROUP BY state
  EMIT CHANGES;

CREATE TABLE orders_per_customer AS
  SELECT customer_id, COUNT(*) AS orders, SUM(amount) AS amount
  FROM orders
  WHERE status <> 'ORDER_CANCELLED'
  GROUP BY customer_id
  EMIT CHANGES;
