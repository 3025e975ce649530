#!/bin/bash
# 1001-example-orders-cqrs: examples/orders-cqrs as its README runs it: setup.sql through the
# shell, the 285 order events with kcat. Then the three read models must hold what generate.py
# --expected computes itself (cancelled orders taken back out of the aggregates over the orders
# table, exact DECIMAL sums): every row in each table's topic, and the README's pull queries.
. "$(dirname "$0")/lib-engine.sh"
. "$(dirname "$0")/lib/example.sh"

example_start orders-cqrs
example_sql "$EX/setup.sql"
example_feed order_events
expect ORDERS | grep -q '|ORDER_CANCELLED|' || fail "no cancelled order in the data"

orders() { topic_table ORDERS | fields KEY STATUS CUSTOMER_ID STATE AMOUNT; }
per_state() { topic_table ORDERS_PER_STATE | fields KEY ORDERS SHIPPED AMOUNT; }
per_customer() { topic_table ORDERS_PER_CUSTOMER | fields KEY ORDERS AMOUNT; }
wait_equal "ORDERS topic" "$(expect ORDERS)" orders
wait_equal "ORDERS_PER_STATE topic" "$(expect STATE)" per_state
wait_equal "ORDERS_PER_CUSTOMER topic" "$(expect CUSTOMER)" per_customer

# the README's pull queries
pull_is "SELECT * FROM orders WHERE order_id = 'o-0007';" "$(expect ORDERS | grep '^o-0007|')" "pull o-0007"
pull_is "SELECT * FROM orders_per_state WHERE state = 'CA';" "$(expect STATE | grep '^CA|')" "pull CA"
pull_is "SELECT * FROM orders_per_customer WHERE customer_id = 'c-07';" "$(expect CUSTOMER | grep '^c-07|')" "pull c-07"
pull_is "SELECT * FROM orders_per_state;" "$(expect STATE)" "pull over orders_per_state"
echo PASS
