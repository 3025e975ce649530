#!/bin/bash
# 0501-engine-external-broker: the 0500 pipeline with bootstrap.servers naming a second sluiced
# started with --broker-only: the engine's sluiced runs no broker of its own (nothing listens on
# the broker.listeners it is given), creates its topics, commits and keeps its command log on the
# other process's broker, and after kill -9 and a restart resumes from there.
. "$(dirname "$0")/lib-engine.sh"
. "$(dirname "$0")/engine-pipeline.sh"

KAFKA=$(free_port); HTTP=$(free_port); UNUSED=$(free_port)
BS=127.0.0.1:$KAFKA
URL=http://127.0.0.1:$HTTP
start_sluiced broker --broker-only --data.dir="$DIR/broker" --broker.listeners=PLAINTEXT://$BS --num.partitions=2
wait_kafka "$BS"
ARGS=(--data.dir="$DIR/engine" --bootstrap.servers=$BS --broker.listeners=PLAINTEXT://127.0.0.1:$UNUSED
      --listeners=$URL --ksql.streams.session.timeout.ms=6000 --ksql.streams.heartbeat.interval.ms=1000)
start_sluiced engine "${ARGS[@]}"
PID1=$LAST_PID
wait_http "$URL"
# the engine's process has no broker: its broker.listeners port stays closed
if kcat -L -b 127.0.0.1:$UNUSED -m 2 >/dev/null 2>&1; then fail "the engine started a broker of its own"; fi
[ -d "$DIR/engine/broker" ] && fail "the engine opened a broker data dir"

# topics are created with the broker's default partition count (2 here): the sink copies the source
NPART=2
pipeline_first "$URL" "$BS"
kcat -L -b "$BS" -t _sluice_commands | grep -q "_sluice_commands" || fail "no command log on the external broker"

wait_committed "$BS" _sluice_query_CSAS_OUT_1 input
restart_sluiced -9 engine 2
pipeline_second "$URL" "$BS"
echo "PASS"
