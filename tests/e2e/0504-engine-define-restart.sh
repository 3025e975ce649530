#!/bin/bash
# 0504-engine-define-restart: statements using ${var} go to the command log with the variables
# substituted (as ksqlDB logs them): after a restart without the session's DEFINEs, the stream and
# the CSAS made with variables come back as they were and the query keeps its filter. (A regression
# guard: the engine logs the statement parsed from the substituted text.)
. "$(dirname "$0")/lib-engine.sh"

start_engine --num.partitions=1

ksql "$URL" "DEFINE in_topic = 'dfin'; DEFINE low = '10';
CREATE STREAM dfin (id STRING KEY, v INT) WITH (kafka_topic='\${in_topic}', value_format='json', partitions=1);
CREATE STREAM dfout AS SELECT id, v FROM dfin WHERE v > \${low};"
printf '1|{"V":5}\n2|{"V":50}\n' | produce "$BS" dfin
out=$(consume "$BS" DFOUT 1)
[ "$out" = '2|{"V":50}' ] || fail "before restart DFOUT has: $out"
log=$(kcat -C -b "$BS" -t _sluice_commands -e -q -f '%s\n')
echo "$log" | grep -q '\${' && fail "the command log holds unsubstituted variables: $log"
echo "$log" | grep -q "WHERE v > 10" || fail "the command log lacks the substituted CSAS: $log"

restart_sluiced -TERM sluiced 2
ksql "$URL" "SHOW QUERIES;"
echo "$BODY" | grep -q "CSAS_DFOUT" || fail "the query did not come back: $BODY"
ksql "$URL" "DESCRIBE dfin;"
echo "$BODY" | grep -q '"topic":"dfin"' || fail "DFIN's topic after restart: $BODY"
printf '3|{"V":7}\n4|{"V":70}\n' | produce "$BS" dfin
out=$(consume "$BS" DFOUT 2)
[ "$out" = '2|{"V":50}
4|{"V":70}' ] || fail "after restart DFOUT has: $out"
echo "PASS"
