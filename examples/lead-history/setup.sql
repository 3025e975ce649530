-- examples/lead-history/setup.sql: a sales lead's events, its current state as a table, and its
-- state as of an earlier time replayed from the same events.
-- Run with: sluice -f examples/lead-history/setup.sql
SET 'auto.offset.reset' = 'earliest';

-- Everything that happens to a lead, keyed by lead id; each event fills in only the fields it is about.
CREATE STREAM lead_events (lead_id STRING KEY, event_time STRING, event_type STRING,
                           name STRING, email STRING, phone STRING, source STRING, agent STRING,
                           follow_up_on STRING, order_id STRING, amount DOUBLE)
  WITH (kafka_topic='lead_events', value_format='JSON', partitions=1,
        timestamp='event_time', timestamp_format='yyyy-MM-dd HH:mm:ss');

-- The current state of every lead, folded from its events. CONTACT_DETAILS_UPDATED gives no
-- status (NULL), and LATEST_BY_OFFSET skips NULLs: it keeps the status the lead had.
CREATE TABLE leads AS
  SELECT lead_id,
         LATEST_BY_OFFSET(CASE event_type
                            WHEN 'LEAD_INITIALIZED' THEN 'NEW'
                            WHEN 'LEAD_CONTACTED' THEN 'CONTACTED'
                            WHEN 'FOLLOW_UP_SET' THEN 'FOLLOW_UP'
                            WHEN 'ORDER_SUBMITTED' THEN 'ORDER_SUBMITTED'
                            WHEN 'PAYMENT_CONFIRMED' THEN 'CUSTOMER'
                          END) AS status,
         LATEST_BY_OFFSET(name) AS name,
         LATEST_BY_OFFSET(email) AS email,
         LATEST_BY_OFFSET(phone) AS phone,
         LATEST_BY_OFFSET(source) AS source,
         LATEST_BY_OFFSET(agent) AS agent,
         LATEST_BY_OFFSET(follow_up_on) AS follow_up_on,
         LATEST_BY_OFFSET(order_id) AS order_id,
         LATEST_BY_OFFSET(amount) AS amount,
         COUNT(*) AS events,
         LATEST_BY_OFFSET(event_time) AS updated_at
  FROM lead_events
  GROUP BY lead_id
  EMIT CHANGES;

-- The same fold over the events up to noon on 5 March: every lead as it stood then.
CREATE TABLE leads_as_of_mar5 AS
  SELECT lead_id,
         LATEST_BY_OFFSET(CASE event_type
                            WHEN 'LEAD_INITIALIZED' THEN 'NEW'
                            WHEN 'LEAD_CONTACTED' THEN 'CONTACTED'
                            WHEN 'FOLLOW_UP_SET' THEN 'FOLLOW_UP'
                            WHEN 'ORDER_SUBMITTED' THEN 'ORDER_SUBMITTED'
                            WHEN 'PAYMENT_CONFIRMED' THEN 'CUSTOMER'
                          END) AS status,
         LATEST_BY_OFFSET(name) AS name,
         LATEST_BY_OFFSET(email) AS email,
         LATEST_BY_OFFSET(phone) AS phone,
         LATEST_BY_OFFSET(source) AS source,
         LATEST_BY_OFFSET(agent) AS agent,
         LATEST_BY_OFFSET(follow_up_on) AS follow_up_on,
         LATEST_BY_OFFSET(order_id) AS order_id,
         LATEST_BY_OFFSET(amount) AS amount,
         COUNT(*) AS events,
         LATEST_BY_OFFSET(event_time) AS updated_at
  FROM lead_events
  WHERE event_time <= '2026-03-05 12:00:00'
  GROUP BY lead_id
  EMIT CHANGES;
