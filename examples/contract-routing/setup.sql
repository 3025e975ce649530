-- examples/contract-routing/setup.sql: events from producer systems routed to the consumers that
-- hold an active contract for them, one action command per contract, on the `actions` topic.
-- Run with: sluice -f examples/contract-routing/setup.sql
SET 'auto.offset.reset' = 'earliest';

-- The contracts: "when <event_type> happens, <consumer> must <action>". Updating a contract with
-- active=false, or deleting it (a tombstone), stops its actions.
CREATE TABLE contracts (contract_id STRING PRIMARY KEY, event_type STRING, consumer STRING,
                        action STRING, active BOOLEAN)
  WITH (kafka_topic='contracts', value_format='JSON', partitions=1);

-- What the producer systems publish to the hub.
CREATE STREAM hub_events (event_id STRING KEY, event_type STRING, producer STRING, subject STRING,
                          occurred_at STRING)
  WITH (kafka_topic='hub_events', value_format='JSON', partitions=1);

-- For each event type, the active contracts that want it (kept up to date as contracts change).
CREATE TABLE routes AS
  SELECT event_type, COLLECT_LIST(contract_id) AS contract_ids
  FROM contracts
  WHERE active
  GROUP BY event_type
  EMIT CHANGES;

-- Each event with the contracts that want it; events nobody wants go no further.
CREATE STREAM routed_events AS
  SELECT e.event_type AS event_type, e.event_id AS event_id, e.subject AS subject, r.contract_ids AS contract_ids
  FROM hub_events e
  JOIN routes r ON e.event_type = r.event_type
  EMIT CHANGES;

-- One row per (event, contract).
CREATE STREAM contract_hits AS
  SELECT EXPLODE(contract_ids) AS contract_id, event_id, event_type, subject
  FROM routed_events
  EMIT CHANGES;

-- The action commands, with what the contract says to do.
CREATE STREAM actions WITH (kafka_topic='actions', value_format='JSON') AS
  SELECT h.contract_id AS contract_id, h.event_id AS event_id, c.consumer AS consumer, c.action AS action,
         h.subject AS subject
  FROM contract_hits h
  JOIN contracts c ON h.contract_id = c.contract_id
  EMIT CHANGES;
