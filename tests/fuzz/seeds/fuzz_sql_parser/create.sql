CREATE OR REPLACE STREAM IF NOT EXISTS orders (id INT KEY, `Price` DECIMAL(10, 2), tags ARRAY<STRING>,
  addr STRUCT<street STRING, zip INT>, h ARRAY<STRUCT<key STRING, value BYTES>> HEADERS, t BYTES HEADER('trace'))
  WITH (kafka_topic='orders', value_format='JSON', partitions=2);
CREATE SOURCE TABLE users (id STRING PRIMARY KEY, m MAP<STRING, INT>) WITH (kafka_topic='users', format='AVRO');
CREATE TYPE addr AS STRUCT<street STRING, zip INT>;
DROP TYPE IF EXISTS addr;
