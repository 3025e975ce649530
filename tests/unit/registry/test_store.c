/* test_store.c: the schema registry's store in memory (no Kafka): idempotent registration and
 * shared ids, compatibility levels (global, subject, NONE), the registry's error codes, soft and
 * permanent deletes, lookups, pinned ids, the in-process sl_serde_registry, and the column
 * inference of CREATE statements. */
#include <criterion/criterion.h>
#include <string.h>

#include "common/mem.h"
#include "registry/registry.h"
#include "sql/analyze.h"
#include "sql/parse.h"

#define R1 "{\"type\":\"record\",\"name\":\"r\",\"fields\":[{\"name\":\"a\",\"type\":\"int\"}]}"
#define R2 "{\"type\":\"record\",\"name\":\"r\",\"fields\":[{\"name\":\"a\",\"type\":\"int\"},{\"name\":\"b\",\"type\":\"string\",\"default\":\"\"}]}"
#define R3 "{\"type\":\"record\",\"name\":\"r\",\"fields\":[{\"name\":\"a\",\"type\":\"int\"},{\"name\":\"c\",\"type\":\"long\"}]}"

static sl_registry_store *store;
static sl_str msg;

static void setup(void)
{
        cr_assert_eq(sl_registry_store_new(NULL, &store, NULL), SL_OK);
        sl_str_init(&msg);
}

static void teardown(void)
{
        sl_registry_store_free(store);
        sl_str_deinit(&msg);
}

TestSuite(registry_store, .init = setup, .fini = teardown);

static int32_t reg(const char *subject, const char *schema, int want_code)
{
        int32_t id = -1;
        int rc = sl_registry_store_register(store, subject, NULL, schema, &id, &msg);
        cr_assert_eq(rc, want_code, "register %s under %s: %d %s", schema, subject, rc, sl_str_cstr(&msg));
        return id;
}

Test(registry_store, registration_is_idempotent_and_ids_are_shared)
{
        cr_assert_eq(reg("t-value", R1, 0), 1);
        cr_assert_eq(reg("t-value", "  " R1 "\n", 0), 1, "whitespace does not matter");
        cr_assert_eq(reg("u-value", R1, 0), 1, "same schema, same id under another subject");
        cr_assert_eq(reg("t-value", R2, 0), 2);
        sl_str out;
        sl_str_init(&out);
        cr_assert_eq(sl_registry_store_versions(store, "t-value", false, &out, &msg), 0);
        cr_assert_str_eq(sl_str_cstr(&out), "[1,2]");
        sl_str_reset(&out);
        sl_registry_store_subjects(store, false, &out);
        cr_assert_str_eq(sl_str_cstr(&out), "[\"t-value\",\"u-value\"]");
        sl_str_deinit(&out);
        sl_registry_version v;
        cr_assert_eq(sl_registry_store_version(store, "t-value", -1, false, &v, &msg), 0);
        cr_assert_eq(v.version, 2);
        cr_assert_eq(v.id, 2);
        sl_registry_version_deinit(&v);
        cr_assert_eq(sl_registry_store_lookup(store, "t-value", NULL, R1, false, &v, &msg), 0);
        cr_assert_eq(v.version, 1);
        sl_registry_version_deinit(&v);
}

Test(registry_store, incompatible_and_invalid_schemas_are_refused)
{
        reg("t-value", R1, 0);
        reg("t-value", R3, SL_REGISTRY_INCOMPATIBLE);
        cr_assert(strstr(sl_str_cstr(&msg), "incompatible with an earlier schema for subject \"t-value\""));
        cr_assert(strstr(sl_str_cstr(&msg), "'c'"), "names the field: %s", sl_str_cstr(&msg));
        reg("t-value", "{\"type\":\"record\"}", SL_REGISTRY_INVALID_SCHEMA);
        reg("t-value", "{nope", SL_REGISTRY_INVALID_SCHEMA);
        cr_assert_eq(sl_registry_store_set_level(store, "t-value", "sideways", &msg), SL_REGISTRY_INVALID_LEVEL);
        cr_assert_eq(sl_registry_store_set_level(store, "t-value", "none", &msg), 0);
        cr_assert_eq(reg("t-value", R3, 0), 2);
        /* the subject's level does not change the global one */
        const char *level;
        cr_assert_eq(sl_registry_store_get_level(store, NULL, false, &level, &msg), 0);
        cr_assert_str_eq(level, "BACKWARD");
        cr_assert_eq(sl_registry_store_get_level(store, "u-value", false, &level, &msg),
                     SL_REGISTRY_SUBJECT_LEVEL_NOT_CONFIGURED);
        cr_assert_eq(sl_registry_store_get_level(store, "u-value", true, &level, &msg), 0);
        cr_assert_str_eq(level, "BACKWARD");
}

Test(registry_store, check_endpoint_semantics)
{
        bool ok;
        sl_str why;
        sl_str_init(&why);
        reg("t-value", R1, 0);
        cr_assert_eq(sl_registry_store_check(store, "t-value", -1, NULL, R3, &ok, &why, &msg), 0);
        cr_assert_not(ok);
        cr_assert_gt(sl_str_len(&why), 0);
        cr_assert_eq(sl_registry_store_check(store, "t-value", 1, NULL, R2, &ok, &why, &msg), 0);
        cr_assert(ok);
        cr_assert_eq(sl_registry_store_check(store, "t-value", 5, NULL, R2, &ok, &why, &msg), SL_REGISTRY_VERSION_NOT_FOUND);
        cr_assert_eq(sl_registry_store_check(store, "nope", -1, NULL, R2, &ok, &why, &msg), SL_REGISTRY_SUBJECT_NOT_FOUND);
        sl_str_deinit(&why);
}

Test(registry_store, deletes)
{
        sl_str out;
        int del;
        sl_str_init(&out);
        reg("t-value", R1, 0);
        reg("t-value", R2, 0);
        cr_assert_eq(sl_registry_store_delete_subject(store, "t-value", true, &out, &msg),
                     SL_REGISTRY_SUBJECT_NOT_SOFT_DELETED);
        cr_assert_eq(sl_registry_store_delete_version(store, "t-value", 2, false, &del, &msg), 0);
        cr_assert_eq(del, 2);
        sl_str_reset(&out);
        cr_assert_eq(sl_registry_store_versions(store, "t-value", false, &out, &msg), 0);
        cr_assert_str_eq(sl_str_cstr(&out), "[1]");
        sl_str_reset(&out);
        cr_assert_eq(sl_registry_store_delete_subject(store, "t-value", false, &out, &msg), 0);
        cr_assert_str_eq(sl_str_cstr(&out), "[1]");
        sl_registry_version v;
        cr_assert_eq(sl_registry_store_version(store, "t-value", -1, false, &v, &msg), SL_REGISTRY_SUBJECT_NOT_FOUND);
        /* schemas stay readable by id after a soft delete */
        cr_assert_eq(sl_registry_store_schema(store, 2, &v, &msg), 0);
        sl_registry_version_deinit(&v);
        sl_str_reset(&out);
        cr_assert_eq(sl_registry_store_delete_subject(store, "t-value", true, &out, &msg), 0);
        cr_assert_str_eq(sl_str_cstr(&out), "[1,2]");
        sl_str_reset(&out);
        sl_registry_store_subjects(store, true, &out);
        cr_assert_str_eq(sl_str_cstr(&out), "[]");
        /* a re-registration after the delete starts at version 1 with the known id */
        cr_assert_eq(reg("t-value", R2, 0), 2);
        sl_str_deinit(&out);
}

Test(registry_store, pinned_ids_and_the_serde_view)
{
        cr_assert_eq(sl_registry_store_import(store, "t-value", NULL, R1, 101, &msg), 0);
        cr_assert_eq(sl_registry_store_import(store, "u-value", NULL, R2, 101, &msg), 42205);
        cr_assert_eq(reg("u-value", R2, 0), 102, "ids continue after the highest");
        sl_serde_registry *sr = sl_registry_local_new(store);
        char *text = NULL;
        int32_t id;
        sl_err_detail err;
        cr_assert_eq(sr->schema_by_id(sr, 101, &text, &err), SL_OK);
        cr_assert(strstr(text, "\"name\":\"a\""));
        sl_free(text);
        cr_assert_eq(sr->schema_by_id(sr, 7, &text, &err), SL_ERR_NOT_FOUND);
        cr_assert_eq(sr->latest(sr, "u-value", &id, &text, &err), SL_OK);
        cr_assert_eq(id, 102);
        sl_free(text);
        cr_assert_eq(sr->register_schema(sr, "t-value", "AVRO", R3, &id, &err), SL_ERR_INVALID);
        cr_assert(strstr(err.message, "incompatible"));
        sl_registry_local_free(sr);
}

/* Analyzes `sql` and returns the rewritten statement's text ("" when nothing is inferred). */
static char *infer(sl_serde_registry *sr, const char *sql, sl_err *rc)
{
        sl_catalog *cat = sl_catalog_mem_new();
        sl_analyze_ctx ctx = {.cat = cat};
        sl_ast_stmt *stmt = NULL, *out = NULL;
        sl_analysis *a = NULL;
        sl_err_detail err;
        char *text;

        cr_assert_eq(sl_parse_statement(sql, NULL, &stmt, &err), SL_OK, "%s", err.message);
        cr_assert_eq(sl_analyze(&ctx, stmt, &a, &err), SL_OK, "%s", err.message);
        *rc = sl_registry_infer_columns(sr, stmt, a->new_source, &out, &err);
        text = *rc != SL_OK ? sl_strdup(err.message) : out ? sl_strdup(out->text) : sl_strdup("");
        sl_ast_stmt_free(out);
        sl_analysis_free(a);
        sl_ast_stmt_free(stmt);
        sl_catalog_free(cat);
        return text;
}

Test(registry_store, infers_columns_of_create_statements)
{
        sl_serde_registry *sr = sl_registry_local_new(store);
        sl_err rc;
        char *t;

        reg("s-value", "{\"type\":\"record\",\"name\":\"v\",\"fields\":[{\"name\":\"id\",\"type\":\"int\"},"
                       "{\"name\":\"tags\",\"type\":{\"type\":\"array\",\"items\":\"string\"}}]}", 0);
        reg("s-key", "\"long\"", 0);
        t = infer(sr, "CREATE STREAM S WITH (KAFKA_TOPIC='s', FORMAT='AVRO');", &rc);
        cr_assert_eq(rc, SL_OK);
        cr_assert_str_eq(t, "CREATE STREAM S (ROWKEY BIGINT KEY, `ID` INTEGER, TAGS ARRAY<STRING>) WITH "
                            "(KAFKA_TOPIC='s', FORMAT='AVRO');");
        sl_free(t);
        t = infer(sr, "CREATE TABLE T (K STRING PRIMARY KEY) WITH (KAFKA_TOPIC='s', VALUE_FORMAT='AVRO', WRAP_SINGLE_VALUE=false);", &rc);
        cr_assert_eq(rc, SL_OK);
        cr_assert_str_eq(t, "CREATE TABLE T (K STRING PRIMARY KEY, ROWVAL STRUCT<`ID` INTEGER, `TAGS` ARRAY<STRING>>) "
                            "WITH (KAFKA_TOPIC='s', VALUE_FORMAT='AVRO', WRAP_SINGLE_VALUE=FALSE);");
        sl_free(t);
        t = infer(sr, "CREATE STREAM S (A INT) WITH (KAFKA_TOPIC='s', VALUE_FORMAT='AVRO');", &rc);
        cr_assert_eq(rc, SL_OK);
        cr_assert_str_eq(t, "", "declared columns: nothing to infer");
        sl_free(t);
        t = infer(sr, "CREATE STREAM S WITH (KAFKA_TOPIC='nope', VALUE_FORMAT='AVRO');", &rc);
        cr_assert_neq(rc, SL_OK);
        cr_assert(strstr(t, "Schema for message values on topic 'nope' does not exist in the Schema Registry"), "%s", t);
        sl_free(t);
        sl_registry_local_free(sr);
}
