-- examples/email-events/setup.sql: the email service's intake: drop expired envelopes, read their
-- JSON payload, reject blocked sources, count each email once per sender and hour.
-- Run with: sluice -f examples/email-events/setup.sql
SET 'auto.offset.reset' = 'earliest';

-- The envelopes as the applications send them, keyed by event id. payload is a JSON document in a
-- string; created_at is in ms since the epoch; expiration_ms is NULL for envelopes that never expire.
CREATE STREAM email_events (event_id STRING KEY, name STRING, type STRING, object STRING, payload STRING,
                            created_at BIGINT, expiration_ms BIGINT, country STRING, source_ip STRING,
                            `user` STRING)
  WITH (kafka_topic='email_events', value_format='JSON', partitions=1);

-- Source addresses that may not send email, keyed by IP.
CREATE TABLE blocked_ips (ip STRING PRIMARY KEY, reason STRING)
  WITH (kafka_topic='blocked_ips', value_format='JSON', partitions=1);

-- 1. Envelopes that were still valid when they arrived (ROWTIME: the record's time), with the
--    payload's fields as columns.
CREATE STREAM fresh_emails AS
  SELECT event_id, name, type, country, source_ip, `user`,
         EXTRACTJSONFIELD(payload, '$.from') AS sender,
         EXTRACTJSONFIELD(payload, '$.to') AS recipient,
         EXTRACTJSONFIELD(payload, '$.subject') AS subject
  FROM email_events
  WHERE expiration_ms IS NULL OR created_at + expiration_ms >= ROWTIME
  EMIT CHANGES;

-- 2. Envelopes from blocked sources are rejected (and kept apart for the security team)...
CREATE STREAM rejected_emails AS
  SELECT f.source_ip AS source_ip, f.event_id AS event_id, f.sender AS sender, b.reason AS reason
  FROM fresh_emails f
  JOIN blocked_ips b ON f.source_ip = b.ip
  EMIT CHANGES;

-- ...the others go on.
CREATE STREAM accepted_emails AS
  SELECT f.source_ip AS source_ip, f.event_id AS event_id, f.sender AS sender, f.recipient AS recipient,
         f.subject AS subject, f.type AS type
  FROM fresh_emails f
  LEFT JOIN blocked_ips b ON f.source_ip = b.ip
  WHERE b.ip IS NULL
  EMIT CHANGES;

-- 3. Retries carry the same event id: how many copies of each email came in...
CREATE TABLE email_copies AS
  SELECT event_id, COUNT(*) AS copies, LATEST_BY_OFFSET(sender) AS sender
  FROM accepted_emails
  GROUP BY event_id
  EMIT CHANGES;

-- ...and emails per sender per hour, each event id counted once.
CREATE TABLE emails_per_sender_hourly AS
  SELECT sender, COUNT_DISTINCT(event_id) AS emails
  FROM accepted_emails
  WINDOW TUMBLING (SIZE 1 HOUR)
  GROUP BY sender
  EMIT CHANGES;
