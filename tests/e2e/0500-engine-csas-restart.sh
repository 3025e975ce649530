#!/bin/bash
# 0500-engine-csas-restart: the issue 5 pipeline end to end on the bundled broker. JSON records go
# in with kcat; CREATE STREAM over them and a CSAS with WHERE, projection, functions and PARTITION
# BY go through REST; the output topic read back with kcat must equal the expected records exactly.
# Then sluiced is killed with -9 once the query committed, restarted on the same data dir: the
# query comes back from the command log with its id (SHOW QUERIES), resumes from its committed
# offsets, and the records produced afterwards appear exactly once, nothing lost.
. "$(dirname "$0")/lib-engine.sh"
# shellcheck source=tests/e2e/engine-pipeline.sh
. "$(dirname "$0")/engine-pipeline.sh"

start_engine --num.partitions=3 "${FAST_GROUP[@]}"

pipeline_first "$URL" "$BS"

# kill -9 once everything read is committed: the restart must neither lose nor repeat a record
wait_committed "$BS" _sluice_query_CSAS_OUT_1 input
restart_sluiced -9 sluiced 2

pipeline_second "$URL" "$BS"
echo "PASS"
