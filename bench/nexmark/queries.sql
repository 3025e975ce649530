-- queries.sql: the Nexmark queries of ../shared/reference/nexmark.md section 6.2 in our dialect,
-- one statement per ';'-terminated block. nexmark_engine (Mode C) and nexmark.py (Mode A) read this
-- file; a statement the engine refuses is reported as "unsupported: <message>". Changes from
-- nexmark.md: q4_win and q18 group by two columns, which the default KAFKA key format cannot hold
-- (ksqlDB refuses them the same way), so they write JSON keys; bid_rt, q0_rt and q2_rt are Mode B's.
CREATE STREAM person (id BIGINT KEY, name VARCHAR, email_address VARCHAR, credit_card VARCHAR,
  city VARCHAR, state VARCHAR, date_time BIGINT, extra VARCHAR)
  WITH (KAFKA_TOPIC='nexmark-person', VALUE_FORMAT='JSON', TIMESTAMP='date_time');
CREATE TABLE person_t (id BIGINT PRIMARY KEY, name VARCHAR, city VARCHAR, state VARCHAR, date_time BIGINT)
  WITH (KAFKA_TOPIC='nexmark-person', VALUE_FORMAT='JSON', TIMESTAMP='date_time');
CREATE STREAM auction (id BIGINT KEY, item_name VARCHAR, description VARCHAR, initial_bid BIGINT,
  reserve BIGINT, date_time BIGINT, expires BIGINT, seller BIGINT, category BIGINT, extra VARCHAR)
  WITH (KAFKA_TOPIC='nexmark-auction', VALUE_FORMAT='JSON', TIMESTAMP='date_time');
CREATE TABLE auction_t (id BIGINT PRIMARY KEY, item_name VARCHAR, seller BIGINT, category BIGINT,
  date_time BIGINT, expires BIGINT) WITH (KAFKA_TOPIC='nexmark-auction', VALUE_FORMAT='JSON');
CREATE STREAM bid (auction BIGINT KEY, bidder BIGINT, price BIGINT, channel VARCHAR, url VARCHAR,
  date_time BIGINT, extra VARCHAR)
  WITH (KAFKA_TOPIC='nexmark-bid', VALUE_FORMAT='JSON', TIMESTAMP='date_time');
-- q12 and Mode B: ROWTIME = produce time
CREATE STREAM bid_pt (auction BIGINT KEY, bidder BIGINT, price BIGINT)
  WITH (KAFKA_TOPIC='nexmark-bid', VALUE_FORMAT='JSON');
CREATE STREAM bid_rt (auction BIGINT KEY, bidder BIGINT, price BIGINT, channel VARCHAR, url VARCHAR,
  date_time BIGINT, extra VARCHAR)
  WITH (KAFKA_TOPIC='nexmark-bid', VALUE_FORMAT='JSON');
CREATE TABLE side_input (k BIGINT PRIMARY KEY, v VARCHAR) WITH (KAFKA_TOPIC='side-input', VALUE_FORMAT='JSON');

CREATE STREAM q0 AS SELECT auction, bidder, price, date_time, extra FROM bid EMIT CHANGES;
CREATE STREAM q1 AS SELECT auction, bidder, CAST(price AS DOUBLE) * 0.908 AS price_eur, date_time
  FROM bid EMIT CHANGES;
CREATE STREAM q2 AS SELECT auction, price FROM bid WHERE auction % 123 = 0 EMIT CHANGES;
CREATE STREAM q3 AS SELECT A.seller, P.name, P.city, P.state, A.id FROM auction A
  JOIN person_t P ON A.seller = P.id
  WHERE A.category = 10 AND P.state IN ('OR', 'ID', 'CA') EMIT CHANGES;
CREATE TABLE q4_win WITH (KEY_FORMAT='JSON') AS SELECT A.id AS auction_id, A.category AS category, MAX(B.price) AS final_price
  FROM auction A JOIN bid B WITHIN 10 MINUTES GRACE PERIOD 5 SECONDS ON A.id = B.auction
  WHERE B.date_time BETWEEN A.date_time AND A.expires GROUP BY A.id, A.category EMIT CHANGES;
CREATE TABLE q4 AS SELECT category, AVG(final_price) AS avg_final FROM q4_win GROUP BY category EMIT CHANGES;
CREATE TABLE q5 AS SELECT auction, COUNT(*) AS num FROM bid
  WINDOW HOPPING (SIZE 10 SECONDS, ADVANCE BY 2 SECONDS, GRACE PERIOD 3 SECONDS)
  GROUP BY auction EMIT CHANGES;
CREATE STREAM bid_one AS SELECT auction, 1 AS k, price FROM bid EMIT CHANGES;
CREATE TABLE q7 AS SELECT k, MAX(price) AS max_price FROM bid_one
  WINDOW TUMBLING (SIZE 10 SECONDS, GRACE PERIOD 3 SECONDS) GROUP BY k EMIT CHANGES;
CREATE STREAM q8 AS SELECT P.id, P.name, A.id AS auction_id FROM person P
  JOIN auction A WITHIN 10 SECONDS GRACE PERIOD 3 SECONDS ON P.id = A.seller EMIT CHANGES;
CREATE TABLE q11 AS SELECT bidder, COUNT(*) AS bid_count FROM bid
  WINDOW SESSION (10 SECONDS, GRACE PERIOD 3 SECONDS) GROUP BY bidder EMIT CHANGES;
CREATE TABLE q12 AS SELECT bidder, COUNT(*) AS bid_count FROM bid_pt
  WINDOW TUMBLING (SIZE 10 SECONDS) GROUP BY bidder EMIT CHANGES;
CREATE STREAM bid13 AS SELECT auction, auction % 10000 AS sk, bidder, price, date_time
  FROM bid EMIT CHANGES;
CREATE STREAM q13 AS SELECT B.sk, B.auction, B.bidder, B.price, B.date_time, S.v FROM bid13 B
  JOIN side_input S ON B.sk = S.k EMIT CHANGES;
CREATE STREAM q14 AS SELECT auction, bidder, CAST(price AS DOUBLE) * 0.908 AS price_eur,
  CASE WHEN CAST(TIMESTAMPTOSTRING(date_time, 'HH', 'UTC') AS INT) BETWEEN 8 AND 18 THEN 'dayTime'
       WHEN CAST(TIMESTAMPTOSTRING(date_time, 'HH', 'UTC') AS INT) <= 6
         OR CAST(TIMESTAMPTOSTRING(date_time, 'HH', 'UTC') AS INT) >= 20 THEN 'nightTime'
       ELSE 'otherTime' END AS bid_time_type,
  LEN(extra) - LEN(REPLACE(extra, 'c', '')) AS c_counts
  FROM bid WHERE price * 0.908 > 1000000 AND price * 0.908 < 50000000 EMIT CHANGES;
CREATE TABLE q16 AS SELECT channel, COUNT(*) AS total_bids,
  SUM(CASE WHEN price < 10000 THEN 1 ELSE 0 END) AS rank1_bids,
  SUM(CASE WHEN price >= 10000 AND price < 1000000 THEN 1 ELSE 0 END) AS rank2_bids,
  SUM(CASE WHEN price >= 1000000 THEN 1 ELSE 0 END) AS rank3_bids,
  COUNT_DISTINCT(bidder) AS total_bidders, COUNT_DISTINCT(auction) AS total_auctions
  FROM bid WINDOW TUMBLING (SIZE 1 DAY) GROUP BY channel EMIT CHANGES;
CREATE TABLE q17 AS SELECT auction, COUNT(*) AS total_bids,
  SUM(CASE WHEN price < 10000 THEN 1 ELSE 0 END) AS rank1_bids,
  MIN(price) AS min_price, MAX(price) AS max_price, AVG(price) AS avg_price, SUM(price) AS sum_price
  FROM bid WINDOW TUMBLING (SIZE 1 DAY) GROUP BY auction EMIT CHANGES;
CREATE TABLE q18 WITH (KEY_FORMAT='JSON') AS SELECT bidder, auction, LATEST_BY_OFFSET(price) AS price,
  LATEST_BY_OFFSET(channel) AS channel, LATEST_BY_OFFSET(date_time) AS date_time
  FROM bid GROUP BY bidder, auction EMIT CHANGES;
CREATE TABLE q19 AS SELECT auction, TOPK(price, 10) AS top_prices FROM bid GROUP BY auction EMIT CHANGES;
CREATE STREAM q20 AS SELECT B.auction, B.bidder, B.price, B.channel, B.url, B.date_time,
  A.item_name, A.seller, A.category FROM bid B JOIN auction_t A ON B.auction = A.id
  WHERE A.category = 10 EMIT CHANGES;
CREATE STREAM q21 AS SELECT auction, bidder, price, channel,
  CASE WHEN LCASE(channel) = 'apple' THEN '0' WHEN LCASE(channel) = 'google' THEN '1'
       WHEN LCASE(channel) = 'facebook' THEN '2' WHEN LCASE(channel) = 'baidu' THEN '3'
       ELSE REGEXP_EXTRACT('(&|^)channel_id=([^&]*)', url, 2) END AS channel_id
  FROM bid WHERE REGEXP_EXTRACT('(&|^)channel_id=([^&]*)', url, 2) IS NOT NULL
    OR LCASE(channel) IN ('apple', 'google', 'facebook', 'baidu') EMIT CHANGES;
CREATE STREAM q22 AS SELECT auction, bidder, price, channel,
  SPLIT(url, '/')[4] AS dir1, SPLIT(url, '/')[5] AS dir2, SPLIT(url, '/')[6] AS dir3
  FROM bid EMIT CHANGES;
-- pull-query workload table
CREATE TABLE bids_by_auction AS SELECT auction, COUNT(*) AS n, MAX(price) AS max_price
  FROM bid GROUP BY auction EMIT CHANGES;
-- Mode B (latency): the stateless q0 and q2 over bid_rt, whose record time is the produce time
CREATE STREAM q0_rt AS SELECT auction, bidder, price, date_time, extra FROM bid_rt EMIT CHANGES;
CREATE STREAM q2_rt AS SELECT auction, price FROM bid_rt WHERE auction % 123 = 0 EMIT CHANGES;
