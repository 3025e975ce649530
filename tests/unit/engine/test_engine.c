/* test_engine.c: the engine facade: scripts run statement by statement into typed entities, the
 * first failure stops a script and keeps what ran before, a syntax error runs nothing, variables
 * and properties live per request, and statements that need the query manager are refused. */
#include <criterion/criterion.h>
#include <string.h>

#include "engine/engine.h"

static sl_engine *engine;
static sl_config *cfg;

static void setup(void)
{
        sl_err_detail err;
        /* no Kafka here: topics are neither checked nor created (e2e 0300 covers them) */
        cfg = sl_config_new();
        sl_config_set(cfg, "sluice.engine.kafka", "false");
        cr_assert_eq(sl_engine_new(cfg, &engine, &err), SL_OK);
}

static void teardown(void)
{
        sl_engine_free(engine);
        sl_config_free(cfg);
}

TestSuite(engine_engine, .init = setup, .fini = teardown);

static void run(const char *sql, sl_engine_result *res)
{
        sl_engine_request req = {.sql = sql, .command_seq = -1};
        sl_engine_execute(engine, &req, res);
}

static sl_engine_entity *ent(sl_engine_result *res, size_t i)
{
        cr_assert_lt(i, res->entities.len);
        return sl_vec_at(&res->entities, i);
}

Test(engine_engine, create_stream_then_show_and_describe)
{
        sl_engine_result res;
        run("CREATE STREAM s (id BIGINT KEY, v STRING, a ARRAY<INT>) WITH (kafka_topic='t', value_format='json');"
            "SHOW STREAMS; DESCRIBE s;", &res);
        cr_assert_not(res.failed, "%s", res.error_message);
        cr_assert_eq(res.entities.len, 3);
        sl_engine_entity *e = ent(&res, 0);
        cr_assert_eq(e->kind, SL_ENGINE_CURRENT_STATUS);
        cr_assert_str_eq(e->command_id, "stream/`S`/create");
        cr_assert_str_eq(e->status, "SUCCESS");
        cr_assert_str_eq(e->message, "Stream created");
        cr_assert_eq(e->command_seq, 1);
        cr_assert(strstr(e->statement_text, "CREATE STREAM s") == e->statement_text);
        e = ent(&res, 1);
        cr_assert_eq(e->kind, SL_ENGINE_STREAMS);
        cr_assert_eq(e->nsources, 1);
        cr_assert_str_eq(e->sources[0].name, "S");
        cr_assert_str_eq(e->sources[0].topic, "t");
        cr_assert_str_eq(e->sources[0].key_format, "KAFKA");
        cr_assert_str_eq(e->sources[0].value_format, "JSON");
        e = ent(&res, 2);
        cr_assert_eq(e->kind, SL_ENGINE_SOURCE_DESCRIPTION);
        cr_assert_eq(e->descs[0].nfields, 3);
        cr_assert_str_eq(e->descs[0].fields[0].field_type, "KEY");
        cr_assert_str_eq(e->descs[0].fields[2].schema->type, "ARRAY");
        cr_assert_str_eq(e->descs[0].fields[2].schema->member->type, "INTEGER");
        sl_engine_result_deinit(&res);
}

Test(engine_engine, failure_stops_script_and_keeps_earlier_entities)
{
        sl_engine_result res;
        run("SHOW STREAMS; DESCRIBE nope; CREATE STREAM x (id INT KEY) WITH (kafka_topic='x', value_format='json');",
            &res);
        cr_assert(res.failed);
        cr_assert_eq(res.error_code, 40001);
        cr_assert(res.statement_error);
        cr_assert_str_eq(res.error_message, "Could not find STREAM/TABLE 'NOPE' in the Metastore");
        cr_assert_str_eq(res.error_statement, "DESCRIBE nope;");
        cr_assert_eq(res.entities.len, 1);
        sl_engine_result_deinit(&res);
        run("SHOW STREAMS;", &res);
        cr_assert_eq(ent(&res, 0)->nsources, 0, "the statement after the failure must not run");
        sl_engine_result_deinit(&res);
}

Test(engine_engine, syntax_error_runs_nothing)
{
        sl_engine_result res;
        run("CREATE STREAM x (id INT KEY) WITH (kafka_topic='x', value_format='json'); SELEC 1;", &res);
        cr_assert(res.failed);
        cr_assert_eq(res.error_code, 40001);
        cr_assert(strncmp(res.error_message, "line 1:", 7) == 0, "%s", res.error_message);
        cr_assert_str_eq(res.error_statement, "SELEC 1;");
        cr_assert_eq(res.entities.len, 0);
        sl_engine_result_deinit(&res);
        run("SHOW STREAMS;", &res);
        cr_assert_eq(ent(&res, 0)->nsources, 0);
        sl_engine_result_deinit(&res);
}

Test(engine_engine, ddl_checks)
{
        static const struct {
                const char *sql;
                const char *message_part;
        } cases[] = {
                {"CREATE TABLE t (k INT) WITH (kafka_topic='t', value_format='json');", "PRIMARY KEY"},
                {"CREATE STREAM s (k INT KEY) WITH (value_format='json');", "KAFKA_TOPIC"},
                {"CREATE STREAM s (k INT KEY) WITH (kafka_topic='t');", "VALUE_FORMAT"},
                {"CREATE STREAM s (k INT KEY) WITH (kafka_topic='t', value_format='xml');", "Unknown format"},
                {"CREATE STREAM s (k INT KEY, k STRING) WITH (kafka_topic='t', value_format='json');", "Duplicate"},
                {"CREATE STREAM s (k INT KEY, a NOTYPE) WITH (kafka_topic='t', value_format='json');", "NOTYPE"},
                {"CREATE STREAM s (k INT KEY) WITH (kafka_topic='t', value_format='json', timestamp='nope');",
                 "TIMESTAMP"},
                {"DROP STREAM nope;", "does not exist"},
                {"DROP TYPE nope;", "does not exist"},
                {"CREATE STREAM s AS SELECT * FROM x;", "`X` does not exist"},
                {"INSERT INTO s VALUES (1);", "unknown stream/table"},
                {"SELECT * FROM s EMIT CHANGES;", "'/query'"},
                {"SET 'no.such.thing' = '1';", "Not recognizable"},
                {"SET 'auto.offset.reset' = 'sometimes';", "auto.offset.reset"},
        };
        for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
                sl_engine_result res;
                run(cases[i].sql, &res);
                cr_assert(res.failed, "%s must fail", cases[i].sql);
                cr_assert(strstr(res.error_message, cases[i].message_part) != NULL, "%s: %s", cases[i].sql,
                          res.error_message);
                sl_engine_result_deinit(&res);
        }
}

Test(engine_engine, replace_drop_and_kinds)
{
        sl_engine_result res;
        run("CREATE STREAM s (k INT KEY) WITH (kafka_topic='t', value_format='json');"
            "CREATE OR REPLACE STREAM s (k INT KEY, v STRING) WITH (kafka_topic='t', value_format='json');"
            "CREATE STREAM IF NOT EXISTS s (k INT KEY) WITH (kafka_topic='t', value_format='json');"
            "DESCRIBE s;", &res);
        cr_assert_not(res.failed, "%s", res.error_message);
        cr_assert_eq(ent(&res, 2)->kind, SL_ENGINE_WARNING);
        cr_assert_eq(ent(&res, 3)->descs[0].nfields, 2);
        sl_engine_result_deinit(&res);
        run("DROP TABLE s;", &res);
        cr_assert(res.failed);
        cr_assert(strstr(res.error_message, "Incompatible data source type is STREAM") != NULL);
        sl_engine_result_deinit(&res);
        run("DROP STREAM s; DROP STREAM IF EXISTS s; SHOW STREAMS;", &res);
        cr_assert_not(res.failed, "%s", res.error_message);
        cr_assert_str_eq(ent(&res, 0)->message, "Source `S` (topic: t) was dropped.");
        cr_assert_eq(ent(&res, 2)->nsources, 0);
        sl_engine_result_deinit(&res);
}

Test(engine_engine, custom_types)
{
        sl_engine_result res;
        run("CREATE TYPE addr AS STRUCT<street STRING, zip INT>;"
            "CREATE TABLE t (k STRING PRIMARY KEY, a ADDR, l ARRAY<ADDR>) WITH (kafka_topic='t', format='json');"
            "SHOW TYPES; DESCRIBE t;", &res);
        cr_assert_not(res.failed, "%s", res.error_message);
        sl_engine_entity *types = ent(&res, 2);
        cr_assert_eq(types->kind, SL_ENGINE_TYPE_LIST);
        cr_assert_eq(types->ntypes, 1);
        cr_assert_str_eq(types->types[0].name, "ADDR");
        cr_assert_eq(types->types[0].schema->nfields, 2);
        sl_engine_source_desc *d = ent(&res, 3)->descs;
        cr_assert_str_eq(d->fields[1].schema->type, "STRUCT");
        cr_assert_str_eq(d->fields[2].schema->member->fields[1].name, "ZIP");
        cr_assert_str_eq(d->info.key_format, "JSON");
        sl_engine_result_deinit(&res);
        run("CREATE TYPE addr AS INT;", &res);
        cr_assert(res.failed);
        sl_engine_result_deinit(&res);
        run("DROP TYPE addr; SHOW TYPES;", &res);
        cr_assert_not(res.failed);
        cr_assert_eq(ent(&res, 1)->ntypes, 0);
        sl_engine_result_deinit(&res);
}

Test(engine_engine, variables_per_request)
{
        sl_engine_kv vars[] = {{"src", "s"}};
        sl_engine_request req = {.sql = "CREATE STREAM ${src} (k INT KEY) WITH (kafka_topic='t', value_format='json');"
                                        "DEFINE other = 'S'; DESCRIBE ${other}; SHOW VARIABLES; UNDEFINE other;"
                                        "UNDEFINE never; SHOW VARIABLES;",
                                 .vars = vars, .nvars = 1, .command_seq = -1};
        sl_engine_result res;
        sl_engine_execute(engine, &req, &res);
        cr_assert_not(res.failed, "%s", res.error_message);
        cr_assert_eq(res.entities.len, 5);
        cr_assert_str_eq(ent(&res, 1)->descs[0].info.name, "S");
        sl_engine_entity *v = ent(&res, 2);
        cr_assert_eq(v->kind, SL_ENGINE_VARIABLES);
        cr_assert_eq(v->nvars, 2);
        cr_assert_str_eq(v->vars[1].name, "other");
        cr_assert_str_eq(v->vars[1].value, "S");
        cr_assert_eq(ent(&res, 3)->kind, SL_ENGINE_WARNING);
        cr_assert_eq(ent(&res, 4)->nvars, 1);
        sl_engine_result_deinit(&res);
        /* the next request starts without them */
        run("SHOW VARIABLES;", &res);
        cr_assert_eq(ent(&res, 0)->nvars, 0);
        sl_engine_result_deinit(&res);
}

Test(engine_engine, properties_overrides)
{
        sl_engine_kv props[] = {{"ksql.streams.auto.offset.reset", "earliest"}};
        sl_engine_request req = {.sql = "SHOW PROPERTIES; SET 'commit.interval.ms' = '100'; SHOW PROPERTIES;",
                                 .props = props, .nprops = 1, .command_seq = -1};
        sl_engine_result res;
        sl_engine_execute(engine, &req, &res);
        cr_assert_not(res.failed, "%s", res.error_message);
        cr_assert_eq(res.entities.len, 2);
        bool found = false;
        sl_engine_entity *p = ent(&res, 1);
        for (size_t i = 0; i < p->nprops; i++) {
                if (strcmp(p->props[i].name, "ksql.streams.commit.interval.ms") == 0) {
                        cr_assert_str_eq(p->props[i].value, "100");
                        cr_assert(p->props[i].overwritten);
                        found = true;
                }
                if (strcmp(p->props[i].name, "ksql.streams.auto.offset.reset") == 0)
                        cr_assert_str_eq(p->props[i].value, "earliest");
        }
        cr_assert(found);
        sl_engine_result_deinit(&res);
        sl_engine_kv bad[] = {{"not.a.property", "1"}};
        req.props = bad;
        sl_engine_execute(engine, &req, &res);
        cr_assert(res.failed);
        cr_assert_eq(res.error_code, 40000);
        cr_assert_not(res.statement_error);
        sl_engine_result_deinit(&res);
}

Test(engine_engine, functions_from_the_registry)
{
        sl_engine_result res;
        run("SHOW FUNCTIONS; DESCRIBE FUNCTION substring;", &res);
        cr_assert_not(res.failed, "%s", res.error_message);
        sl_engine_entity *f = ent(&res, 0);
        cr_assert_eq(f->kind, SL_ENGINE_FUNCTION_NAMES);
        cr_assert_gt(f->nfuncs, 50);
        for (size_t i = 1; i < f->nfuncs; i++)
                cr_assert_lt(strcmp(f->funcs[i - 1].name, f->funcs[i].name), 0, "sorted and unique");
        sl_engine_func_desc *d = ent(&res, 1)->func;
        cr_assert_str_eq(d->name, "SUBSTRING");
        cr_assert_str_eq(d->type, "SCALAR");
        cr_assert_geq(d->nvariants, 2);
        bool two = false;
        for (size_t i = 0; i < d->nvariants; i++)
                if (d->variants[i].nargs == 2 && strcmp(d->variants[i].args[0].type, "STRING") == 0 &&
                    strcmp(d->variants[i].args[1].type, "INTEGER") == 0)
                        two = strcmp(d->variants[i].return_type, "STRING") == 0;
        cr_assert(two, "SUBSTRING(STRING, INTEGER) returns STRING");
        sl_engine_result_deinit(&res);
}

Test(engine_engine, queries_and_inserts_are_refused_clearly)
{
        sl_engine_result res;
        sl_engine_query_header hdr;
        sl_engine_query *q = (sl_engine_query *)1;
        sl_arena arena;
        sl_arena_init(&arena, 0);
        run("CREATE STREAM s (k INT KEY) WITH (kafka_topic='t', value_format='json');", &res);
        sl_engine_result_deinit(&res);
        sl_engine_request req = {.sql = "SELECT * FROM s EMIT CHANGES;", .command_seq = -1};
        cr_assert_neq(sl_engine_query_start(engine, &req, NULL, &arena, &hdr, &q, &res), SL_OK);
        cr_assert_null(q);
        cr_assert_eq(res.error_code, 40001);
        cr_assert(strstr(res.error_message, "need Kafka") != NULL, "%s", res.error_message);
        sl_engine_result_deinit(&res);
        req.sql = "SELECT * FROM s;"; /* a pull query on a stream reads its topic */
        cr_assert_neq(sl_engine_query_start(engine, &req, NULL, &arena, &hdr, &q, &res), SL_OK);
        cr_assert_eq(res.error_code, 40001);
        cr_assert(strstr(res.error_message, "Pull queries on streams need Kafka") != NULL, "%s", res.error_message);
        sl_engine_result_deinit(&res);
        req.sql = "SELECT * FROM nope;";
        cr_assert_neq(sl_engine_query_start(engine, &req, NULL, &arena, &hdr, &q, &res), SL_OK);
        cr_assert_str_eq(res.error_message, "Source `NOPE` does not exist.");
        sl_engine_result_deinit(&res);
        req.sql = "SHOW STREAMS;";
        cr_assert_neq(sl_engine_query_start(engine, &req, NULL, &arena, &hdr, &q, &res), SL_OK);
        cr_assert_eq(res.error_code, 40000);
        sl_engine_result_deinit(&res);
        sl_engine_insert *ins = NULL;
        cr_assert_neq(sl_engine_insert_open(engine, "nope", &ins, &res), SL_OK);
        sl_engine_result_deinit(&res);
        cr_assert_eq(sl_engine_insert_open(engine, "s", &ins, &res), SL_OK);
        sl_engine_result_deinit(&res);
        int code = 0;
        sl_err_detail err;
        cr_assert_neq(sl_engine_insert_row(ins, "{\"K\":1}", 7, &code, &err), SL_OK);
        cr_assert_eq(code, 50000);
        sl_engine_insert_close(ins);
        sl_arena_deinit(&arena);
}

/* Without Kafka (sluice.engine.kafka=false) a valid persistent query cannot run; a wrong one gets
 * the analyzer's error. The e2e tests 05xx run them. */
Test(engine_engine, valid_persistent_queries_need_kafka)
{
        sl_engine_result res;
        run("CREATE STREAM s (k INT KEY, v STRING) WITH (kafka_topic='t', value_format='json');"
            "CREATE STREAM s2 AS SELECT k, UCASE(v) AS u FROM s;", &res);
        cr_assert(res.failed);
        cr_assert_str_eq(res.error_message, "Persistent queries need Kafka (sluice.engine.kafka is false)");
        cr_assert_eq(res.entities.len, 1);
        sl_engine_result_deinit(&res);
        run("CREATE STREAM s3 AS SELECT nope FROM s;", &res);
        cr_assert(res.failed);
        cr_assert(strstr(res.error_message, "NOPE") != NULL, "the analyzer's error: %s", res.error_message);
        sl_engine_result_deinit(&res);
        run("ALTER STREAM s ADD COLUMN w INT; DESCRIBE s;", &res);
        cr_assert_not(res.failed, "%s", res.error_message);
        cr_assert_str_eq(ent(&res, 0)->message, "Stream altered");
        cr_assert_eq(ent(&res, 1)->descs[0].nfields, 3);
        sl_engine_result_deinit(&res);
}

Test(engine_engine, command_statuses)
{
        sl_engine_result res;
        run("CREATE STREAM s (k INT KEY) WITH (kafka_topic='t', value_format='json'); DROP STREAM s;", &res);
        sl_engine_result_deinit(&res);
        sl_arena arena;
        sl_arena_init(&arena, 0);
        const char **ids, **st, **msg;
        cr_assert_eq(sl_engine_command_statuses(engine, &arena, &ids, &st, &msg), 2);
        cr_assert_str_eq(ids[1], "stream/`S`/drop");
        cr_assert_str_eq(st[1], "SUCCESS");
        cr_assert_eq(sl_engine_command_seq(engine), 2);
        sl_arena_deinit(&arena);
}

Test(engine_engine, query_start_substitutes_variables_and_checks_properties)
{
        sl_engine_result res;
        sl_engine_query_header hdr;
        sl_engine_query *q = NULL;
        sl_arena arena;
        sl_arena_init(&arena, 0);
        sl_engine_kv vars[] = {{"src", "nope"}};
        sl_engine_request req = {.sql = "SELECT * FROM ${src} EMIT CHANGES;", .vars = vars, .nvars = 1,
                                 .command_seq = -1};
        cr_assert_neq(sl_engine_query_start(engine, &req, NULL, &arena, &hdr, &q, &res), SL_OK);
        cr_assert_str_eq(res.error_message, "Source `NOPE` does not exist.");
        sl_engine_result_deinit(&res);
        sl_engine_kv props[] = {{"bogus.property", "1"}};
        req.vars = NULL;
        req.nvars = 0;
        req.props = props;
        req.nprops = 1;
        cr_assert_neq(sl_engine_query_start(engine, &req, NULL, &arena, &hdr, &q, &res), SL_OK);
        cr_assert_eq(res.error_code, 40000);
        sl_engine_result_deinit(&res);
        sl_arena_deinit(&arena);
}
