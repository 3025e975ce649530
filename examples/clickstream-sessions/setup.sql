-- examples/clickstream-sessions/setup.sql: page views, and per user: sessions, tumbling and hopping counts.
-- Run with: sluice -f examples/clickstream-sessions/setup.sql
SET 'auto.offset.reset' = 'earliest';

-- One record per page view, keyed by user. The time of a view is view_time (event time), not the
-- time the record reached the topic: views that arrive late still fall in the right windows.
CREATE STREAM pageviews (user_id STRING KEY, page STRING, view_time STRING)
  WITH (kafka_topic='pageviews', value_format='JSON', partitions=1,
        timestamp='view_time', timestamp_format='yyyy-MM-dd HH:mm:ss');

-- A session ends after 5 minutes without a view; a late view may join two sessions into one.
CREATE TABLE user_sessions AS
  SELECT user_id, COUNT(*) AS views
  FROM pageviews
  WINDOW SESSION (5 MINUTES, RETENTION 1 DAY, GRACE PERIOD 2 MINUTES)
  GROUP BY user_id
  EMIT CHANGES;

-- Views per user in fixed 10-minute windows...
CREATE TABLE views_per_10min AS
  SELECT user_id, COUNT(*) AS views
  FROM pageviews
  WINDOW TUMBLING (SIZE 10 MINUTES, RETENTION 1 DAY, GRACE PERIOD 2 MINUTES)
  GROUP BY user_id
  EMIT CHANGES;

-- ...and in 10-minute windows every 5 minutes (each view counts in two of them).
CREATE TABLE views_hopping AS
  SELECT user_id, COUNT(*) AS views
  FROM pageviews
  WINDOW HOPPING (SIZE 10 MINUTES, ADVANCE BY 5 MINUTES, RETENTION 1 DAY, GRACE PERIOD 2 MINUTES)
  GROUP BY user_id
  EMIT CHANGES;
