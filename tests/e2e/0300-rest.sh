#!/bin/bash
# 0300-rest: sluiced's REST API with curl, field by field against ksqlDB's documented names:
# /info, /healthcheck, /status, /clusterStatus, /ksql (DDL, SHOW, DESCRIBE, topics, functions, properties,
# variables, errors with their codes and entities), /query and /query-stream error shapes (rows:
# 0305, PRINT: 0306), /close-query, /inserts-stream, and the request errors: invalid JSON,
# wrong content type, a body over the limit, an unknown path and a wrong method.
set -u
. "$(dirname "$0")/lib/server.sh"
fail() { echo "FAIL: $*"; [ -f "$DIR/log" ] && tail -20 "$DIR/log"; exit 1; }

sluiced_up --server.request.max.bytes=4096

# req METHOD PATH [BODY] [extra curl args...]: sets STATUS and BODY
req() {
        local method=$1 path=$2 data=${3-}
        shift 3 2>/dev/null || shift $#
        if [ "$method" = GET ]; then
                BODY=$(curl -s -w '\n%{http_code}' "$@" "$URL$path")
        else
                BODY=$(curl -s -w '\n%{http_code}' -X "$method" -H "Content-Type: ${CT:-application/vnd.ksql.v1+json}" \
                        --data-binary "$data" "$@" "$URL$path")
        fi
        STATUS=${BODY##*$'\n'}
        BODY=${BODY%$'\n'*}
}
# ksql STATEMENTS [json-extra]: POST /ksql
ksql() {
        local payload
        payload=$(python3 -c 'import json,sys; d={"ksql": sys.argv[1]}; d.update(json.loads(sys.argv[2])); print(json.dumps(d))' \
                "$1" "${2:-{\}}")
        req POST /ksql "$payload"
}
# check WHAT PYTHON-EXPR: evaluates EXPR with j = the parsed BODY
check() {
        printf '%s' "$BODY" | python3 -c '
import json, sys
j = json.loads(sys.stdin.read())
ok = eval(sys.argv[1])
sys.exit(0 if ok else 1)' "$2" || fail "$1: $2 on HTTP $STATUS $BODY"
}
status() { [ "$STATUS" = "$1" ] || fail "$2: HTTP $STATUS, expected $1: $BODY"; }
# error CODE HTTP TYPE WHAT: the ksqlDB error shape
error() {
        status "$2" "$4"
        check "$4" "j['@type'] == '$3' and j['error_code'] == $1 and isinstance(j['message'], str) and j['message']"
        if [ "$3" = statement_error ]; then check "$4" "'statementText' in j and isinstance(j['entities'], list)"; fi
}

# --- small endpoints
req GET /info; status 200 info
check info "set(j['KsqlServerInfo']) >= {'version','kafkaClusterId','ksqlServiceId','serverStatus'}"
check info "j['KsqlServerInfo']['ksqlServiceId'] == 'default_' and j['KsqlServerInfo']['serverStatus'] == 'RUNNING'"
req GET /healthcheck; status 200 healthcheck
check healthcheck "j['isHealthy'] is True and all(j['details'][k]['isHealthy'] is True for k in ('metastore','kafka','commandRunner'))"
check healthcheck "isinstance(j['serverState'], str)"
req GET /clusterStatus; status 200 clusterStatus
check clusterStatus "len(j['clusterStatus']) == 1 and list(j['clusterStatus'].values())[0]['hostAlive'] is True"
check clusterStatus "set(list(j['clusterStatus'].values())[0]) >= {'lastStatusUpdateMs','activeStandbyPerQuery','hostStoreLags'}"

req GET /is_valid_property/ksql.streams.auto.offset.reset; status 200 "valid property"
check "valid property" "j is True"
req GET /is_valid_property/no.such.thing
error 40000 400 generic_error "invalid property"
req GET /v1/metadata; status 200 metadata
check metadata "j['version'] and set(j['clusterId']['scope']['clusters']) == {'kafka-cluster','ksql-cluster'} and j['clusterId']['scope']['path'] == []"

# --- DDL
ksql "CREATE STREAM s1 (id BIGINT KEY, name STRING, tags ARRAY<STRING>, price DECIMAL(10,2)) WITH (kafka_topic='t1', value_format='JSON', partitions=3);"
status 200 "create stream"
check "create stream" "len(j) == 1 and j[0]['@type'] == 'currentStatus'"
check "create stream" "j[0]['statementText'].startswith('CREATE STREAM s1') and j[0]['commandId'] == 'stream/\`S1\`/create'"
check "create stream" "j[0]['commandStatus']['status'] == 'SUCCESS' and j[0]['commandStatus']['message'] == 'Stream created'"
check "create stream" "isinstance(j[0]['commandSequenceNumber'], int) and j[0]['warnings'] == []"
SEQ=$(printf '%s' "$BODY" | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["commandSequenceNumber"])')
ksql "CREATE TYPE addr AS STRUCT<street STRING, zip INT>; CREATE TABLE t2 (k STRING PRIMARY KEY, a ADDR) WITH (kafka_topic='t2', format='JSON', partitions=1);" "{\"commandSequenceNumber\": $SEQ}"
status 200 "create type + table"
check "create table" "[e['@type'] for e in j] == ['currentStatus', 'currentStatus'] and j[1]['commandStatus']['message'] == 'Table created'"
check "create table" "j[1]['commandSequenceNumber'] > $SEQ and j[0]['commandId'] == 'type/ADDR/create'"

# --- SHOW / DESCRIBE
ksql "SHOW STREAMS; LIST TABLES; SHOW TYPES; SHOW QUERIES;"
status 200 show
check "show streams" "j[0]['@type'] == 'streams' and j[0]['streams'] == [{'type':'STREAM','name':'S1','topic':'t1','keyFormat':'KAFKA','valueFormat':'JSON','format':'JSON','isWindowed':False}]"
check "show tables" "j[1]['@type'] == 'tables' and [t['name'] for t in j[1]['tables']] == ['T2'] and j[1]['tables'][0]['type'] == 'TABLE'"
check "show types" "j[2]['@type'] == 'type_list' and j[2]['types']['ADDR']['type'] == 'STRUCT' and [f['name'] for f in j[2]['types']['ADDR']['fields']] == ['STREET','ZIP']"
check "show queries" "j[3]['@type'] == 'queries' and j[3]['queries'] == []"
ksql "DESCRIBE s1;"
status 200 describe
check describe "j[0]['@type'] == 'sourceDescription'"
check describe "set(j[0]['sourceDescription']) >= {'name','windowType','readQueries','writeQueries','fields','type','timestamp','statistics','errorStats','extended','keyFormat','valueFormat','topic','partitions','replication','statement','queryOffsetSummaries','sourceConstraints','clusterStatistics','clusterErrorStats'}"
check describe "j[0]['sourceDescription']['name'] == 'S1' and j[0]['sourceDescription']['type'] == 'STREAM' and j[0]['sourceDescription']['topic'] == 't1' and j[0]['sourceDescription']['partitions'] == 3"
check describe "[(f['name'], f['schema']['type'], f.get('type')) for f in j[0]['sourceDescription']['fields']] == [('ID','BIGINT','KEY'),('NAME','STRING',None),('TAGS','ARRAY',None),('PRICE','DECIMAL',None)]"
check describe "j[0]['sourceDescription']['fields'][2]['schema']['memberSchema']['type'] == 'STRING' and j[0]['sourceDescription']['fields'][3]['schema']['parameters'] == {'precision':10,'scale':2}"
check describe "j[0]['sourceDescription']['extended'] is False and j[0]['sourceDescription']['windowType'] is None"
ksql "DESCRIBE t2 EXTENDED; DESCRIBE STREAMS;"
check "describe extended" "j[0]['sourceDescription']['extended'] is True and j[0]['sourceDescription']['fields'][1]['schema']['fields'][1]['name'] == 'ZIP'"
check "describe streams" "j[1]['@type'] == 'source_descriptions' and [d['name'] for d in j[1]['sourceDescriptions']] == ['S1']"

# --- functions
ksql "SHOW FUNCTIONS; DESCRIBE FUNCTION substring;"
status 200 functions
check "show functions" "j[0]['@type'] == 'function_names' and {'name':'SUBSTRING','type':'SCALAR','category':'STRING'} in j[0]['functions']"
check "show functions" "len(j[0]['functions']) > 50 and all(set(f) == {'name','type','category'} for f in j[0]['functions'])"
check "describe function" "j[1]['@type'] == 'describe_function' and j[1]['name'] == 'SUBSTRING' and j[1]['type'] == 'SCALAR' and j[1]['path'] == 'internal'"
check "describe function" "all(k in j[1] for k in ('description','author','version')) and len(j[1]['functions']) >= 2"
check "describe function" "all(set(a) == {'name','type','description','isVariadic'} for v in j[1]['functions'] for a in v['arguments']) and all('returnType' in v for v in j[1]['functions'])"
check "describe function" "any([a['type'] for a in v['arguments']] == ['STRING','INTEGER'] and v['returnType'] == 'STRING' for v in j[1]['functions'])"

# --- topics (through the Kafka admin client; kcat creates one)
printf 'k1:v1\n' | kcat -P -b 127.0.0.1:$KAFKA -t raw_topic -K: || fail "kcat could not produce"
ksql "SHOW TOPICS;"
status 200 "show topics"
check "show topics" "j[0]['@type'] == 'kafka_topics' and [t for t in j[0]['topics'] if t['name'] == 'raw_topic'][0]['replicaInfo'] == [1] * len([t for t in j[0]['topics'] if t['name'] == 'raw_topic'][0]['replicaInfo'])"
check "show topics" "all(set(t) == {'name','replicaInfo'} and not t['name'].startswith('_') for t in j[0]['topics'])"

# --- properties and variables
ksql "SHOW PROPERTIES;" '{"streamsProperties": {"ksql.streams.auto.offset.reset": "earliest"}}'
status 200 properties
check properties "j[0]['@type'] == 'properties' and {'name':'ksql.streams.auto.offset.reset','scope':'KAFKA_STREAMS','value':'earliest','level':'SESSION','editable':True} in j[0]['properties']"
check properties "'ksql.streams.auto.offset.reset' in j[0]['overwrittenProperties'] and 'ksql.service.id' in j[0]['defaultProperties']"
ksql "SET 'auto.offset.reset'='latest'; SHOW PROPERTIES;"
check "set property" "len(j) == 1 and {'name':'ksql.streams.auto.offset.reset','scope':'KAFKA_STREAMS','value':'latest','level':'SESSION','editable':True} in j[0]['properties']"
ksql "SHOW VARIABLES; DEFINE src = 's1'; DESCRIBE \${src}; SHOW VARIABLES; UNDEFINE nothing;" '{"sessionVariables": {"who": "me"}}'
status 200 variables
check variables "j[0]['@type'] == 'variables' and j[0]['variables'] == [{'name':'who','value':'me'}]"
check variables "j[1]['@type'] == 'sourceDescription' and j[1]['sourceDescription']['name'] == 'S1'"
check variables "j[2]['variables'] == [{'name':'who','value':'me'},{'name':'src','value':'s1'}]"
check variables "j[3]['@type'] == 'warning_entity' and 'nothing' in j[3]['message']"

# --- statement errors
ksql "SHOW STREAMS; CREATE STREAM s1 (id INT KEY) WITH (kafka_topic='x', value_format='JSON'); SHOW TABLES;"
error 40001 400 statement_error "duplicate stream"
check "duplicate stream" "'already exists' in j['message'] and j['statementText'].startswith('CREATE STREAM s1') and [e['@type'] for e in j['entities']] == ['streams']"
ksql "SHOW STREAMS; SELEC * FROM s1;"
error 40001 400 statement_error "syntax error"
check "syntax error" "j['message'].startswith('line 1:15: Syntax error') and j['statementText'] == 'SELEC * FROM s1;' and j['entities'] == []"
ksql "SELECT * FROM s1 EMIT CHANGES;"
error 40002 400 statement_error "select on /ksql"
ksql "CREATE TABLE t3 AS SELECT id, COUNT(*) AS n FROM s1 GROUP BY id;"
check csas "j[0]['commandStatus']['status'] == 'SUCCESS' and j[0]['commandStatus']['queryId'] == 'CTAS_T3_0'"
ksql "TERMINATE CTAS_T3_0;"
check "terminate csas" "j[0]['commandStatus']['status'] == 'SUCCESS'"
ksql "DESCRIBE nope;"
error 40001 400 statement_error "describe unknown"
check "describe unknown" "j['message'] == \"Could not find STREAM/TABLE 'NOPE' in the Metastore\""
ksql "DESCRIBE FUNCTION nope;"
error 40001 400 statement_error "describe unknown function"
ksql "CREATE TABLE t9 (k INT) WITH (kafka_topic='t9', value_format='JSON');"
error 40001 400 statement_error "table without key"
ksql "CREATE STREAM s9 (k INT) WITH (value_format='JSON');"
error 40001 400 statement_error "no topic"
ksql "SHOW STREAMS;" '{"streamsProperties": {"no.such.property": "1"}}'
error 40000 400 generic_error "bad property"
ksql "SHOW STREAMS;" '{"commandSequenceNumber": 999999}'
error 50301 503 generic_error "future command"
# ksqlDB's topic rules: a missing topic needs PARTITIONS, an existing one must match them
ksql "CREATE STREAM s8 (k INT KEY) WITH (kafka_topic='missing_topic', value_format='JSON');"
error 40001 400 statement_error "missing topic"
check "missing topic" "j['message'].startswith(\"Topic 'missing_topic' does not exist.\") and 'PARTITIONS' in j['message']"
ksql "CREATE STREAM s8 (k INT KEY) WITH (kafka_topic='t1', value_format='JSON', partitions=5);"
error 40001 400 statement_error "partition mismatch"
check "partition mismatch" "'KSQL expects 5 partitions (topic has 3)' in j['message']"
ksql "CREATE STREAM s8 (k INT KEY) WITH (kafka_topic='raw_topic', value_format='JSON'); DROP STREAM s8 DELETE TOPIC; SHOW TOPICS;"
status 200 "delete topic"
check "delete topic" "'raw_topic' not in [t['name'] for t in j[2]['topics']] and 't1' in [t['name'] for t in j[2]['topics']]"
ksql "DROP STREAM s1; DESCRIBE s1;"
error 40001 400 statement_error "drop"
check drop "j['entities'][0]['@type'] == 'currentStatus' and j['entities'][0]['commandStatus']['message'] == 'Source \`S1\` (topic: t1) was dropped.'"
ksql "CREATE STREAM s1 (id BIGINT KEY, v STRING) WITH (kafka_topic='t1', value_format='JSON');"
status 200 recreate

# --- status
req GET /status; status 200 status
check status "j['commandStatuses']['stream/\`S1\`/create'] == 'SUCCESS' and j['commandStatuses']['table/\`T2\`/create'] == 'SUCCESS'"
req GET /status/stream/S1/drop; status 200 "one status"
check "one status" "j['status'] == 'SUCCESS' and 'dropped' in j['message']"
req GET /status/stream/NOPE/create
error 40400 404 generic_error "unknown status"

# --- query errors (push queries streaming: 0305-push-query; pull queries: 065x)
req POST /query '{"ksql": "SELECT * FROM s1 WHERE id = 1;", "streamsProperties": {}}'
check "pull query on a stream" "j[0]['header']['schema'] == '\`ID\` BIGINT, \`V\` STRING'"
req POST /query '{"ksql": "SELECT * FROM nope EMIT CHANGES;"}'
error 40001 400 statement_error "query unknown source"
check "query unknown source" "j['message'] == 'Source \`NOPE\` does not exist.'"
req POST /query '{"ksql": "SHOW STREAMS;"}'
error 40000 400 generic_error "non-query on /query"
req POST /query-stream '{"ksql": "SELECT * FROM s1;"}'
error 40000 400 generic_error "query-stream without sql"
req POST /close-query '{"queryId": "transient_NOPE_1"}'
error 40000 400 generic_error "close unknown query"

# --- inserts
req POST /inserts-stream $'{"target": "nope"}\n{"ID": 1}\n'
error 40001 400 generic_error "inserts unknown target"
check "inserts unknown target" "j['message'] == 'Cannot insert values into an unknown stream/table: NOPE'"
req POST /inserts-stream $'{"target": "s1"}\n{"ID": 1, "V": "a"}\nnot json\n{"ID": 2}\n'
status 200 "inserts acks"
ACKS=$(printf '%s' "$BODY" | python3 -c 'import json,sys; print(json.dumps([json.loads(l) for l in sys.stdin.read().splitlines() if l]))')
BODY=$ACKS check "inserts acks" "j == [{'status':'ok','seq':0}, {'@type':'generic_error','error_code':40000,'message':'Invalid JSON in inserts stream','status':'error','seq':1}]"

# --- request errors
req POST /ksql '{"ksql": "SHOW STREAMS;"'
error 40000 400 generic_error "invalid json"
req POST /ksql '{"nothing": 1}'
error 40000 400 generic_error "missing ksql"
CT=text/plain req POST /ksql '{"ksql": "SHOW STREAMS;"}'
error 41500 415 generic_error "wrong content type"
BIG=$(python3 -c 'print("{\"ksql\": \"" + "x" * 5000 + "\"}")')
req POST /ksql "$BIG"
error 41300 413 generic_error "body over the limit"
req GET /no/such/path
error 40400 404 generic_error "unknown path"
req GET /ksql
error 40500 405 generic_error "wrong method"

# the server is still fine after all that
req GET /info; status 200 "info at the end"
kill "$PID"; wait "$PID"; RC=$?; PID=
[ "$RC" = 0 ] || fail "sluiced exited with $RC on SIGTERM"
echo "0300-rest: ok"
