-- examples/ride-promotions/setup.sql: the rides' location updates and the promotion table.
-- Run with: sluice -f examples/ride-promotions/setup.sql
SET 'auto.offset.reset' = 'earliest';

-- One record per location update of a ride, keyed by ride id; distance_to_dst is the remaining
-- distance to the destination in km.
CREATE STREAM locations (ride_id STRING KEY, lat DOUBLE, lon DOUBLE, distance_to_dst DOUBLE)
  WITH (kafka_topic='locations', value_format='JSON', partitions=1);

-- The promotion each ride qualifies for, kept up to date as the updates arrive.
-- QUALIFY_PROMOTION is the aggregate UDF of udf/qualify_promotion.c.
CREATE TABLE active_promotions AS
  SELECT ride_id, qualify_promotion(distance_to_dst) AS promotion
  FROM locations
  GROUP BY ride_id
  EMIT CHANGES;
