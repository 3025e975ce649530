/* qtt_run.c: runs ksqlDB's query-validation tests (QTT, reference/ksqldb.md section 9.2) against
 * the real planner and runtime, in the topology test driver (src/exec/driver.h): for each case
 * (once per entry of its `format` list) the statements are parsed and analyzed against a fresh
 * in-memory catalog, persistent queries are planned and started, the case's `inputs` are
 * serialized with their topic's formats (windowed keys with their window) and piped in after the
 * records of INSERT VALUES statements, and what the sinks wrote is compared with `outputs`: per
 * topic, exact count and order, keys and values structurally (numbers by value; a value row as
 * ksqlDB's serde reads it), windows, headers and timestamps when given; then the `post`
 * conditions on sources (type and schema). A case expecting an exception passes when a statement
 * fails with a message containing the expected one.
 *
 * A case is skipped, with the missing feature named, when the planner refuses a feature
 * (aggregation, joins, windows, AVRO...), when it runs a transient query, or when it uses a
 * test-only function. Prints per file and in total "N passed, M failed, K skipped", then the skip
 * reasons. With --passing FILE, exits 1 when a case named in FILE (one name per line, '#'
 * comments) did not pass; --write-passing FILE writes the names of the passing cases.
 * Exits 77 (ctest SKIP) when the corpus is absent. SLUICE_QTT_VERBOSE=1 prints why cases fail.
 * Usage: qtt_run [--passing FILE] [--write-passing FILE] [--only SUBSTRING] [DIR] */
#include <dirent.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "common/mem.h"
#include "common/str.h"
#include "exec/driver.h"
#include "plan/plan.h"
#include "registry/registry.h"
#include "serde/avro.h"
#include "serde/serde.h"
#include "sql/analyze.h"
#include "sql/parse.h"
#include "qtt_load.h"

/* Case counts of one file or of the whole run. */
typedef struct counts {
        long passed;
        long failed;
        long skipped;
} counts;

/* Skip reasons and how often each occurred. */
typedef struct reason {
        char *text;
        long n;
} reason;

static reason *reasons;
static size_t nreasons;
static bool verbose;
static char **passing;     /* names of passing cases, for --write-passing */
static size_t npassing;
static char **must_pass;   /* names from --passing */
static size_t nmust;
static bool *must_seen;    /* per must_pass entry: it passed in this run */
static const char *only;   /* --only: run cases whose name contains it */

static void add_reason(const char *text)
{
        for (size_t i = 0; i < nreasons; i++)
                if (strcmp(reasons[i].text, text) == 0) {
                        reasons[i].n++;
                        return;
                }
        reasons = sl_realloc(reasons, (nreasons + 1) * sizeof(*reasons));
        reasons[nreasons].text = sl_strdup(text);
        reasons[nreasons++].n = 1;
}

/* ---- JSON text as Jackson writes it (doubles in their shortest round-trip form) ---- */

static void json_emit(sl_str *out, const json_t *v)
{
        switch (json_typeof(v)) {
        case JSON_OBJECT: {
                const char *k;
                json_t *x;
                bool first = true;

                sl_str_append_char(out, '{');
                json_object_foreach((json_t *)v, k, x) {
                        json_t *ks = json_string(k);
                        char *kt = json_dumps(ks, JSON_ENCODE_ANY);

                        sl_str_appendf(out, "%s%s:", first ? "" : ",", kt);
                        free(kt);
                        json_decref(ks);
                        json_emit(out, x);
                        first = false;
                }
                sl_str_append_char(out, '}');
                break;
        }
        case JSON_ARRAY: {
                size_t i;
                json_t *x;

                sl_str_append_char(out, '[');
                json_array_foreach((json_t *)v, i, x) {
                        if (i)
                                sl_str_append_char(out, ',');
                        json_emit(out, x);
                }
                sl_str_append_char(out, ']');
                break;
        }
        case JSON_REAL: {
                double d = json_real_value(v);
                char buf[64];

                for (int p = 1; p <= 17; p++) {
                        snprintf(buf, sizeof(buf), "%.*g", p, d);
                        if (strtod(buf, NULL) == d)
                                break;
                }
                if (!strpbrk(buf, ".eEn"))
                        strcat(buf, ".0");
                sl_str_append(out, buf);
                break;
        }
        default: {
                char *t = json_dumps(v, JSON_ENCODE_ANY);

                sl_str_append(out, t);
                free(t);
                break;
        }
        }
}

/* A written row against an expected one, as ksqlDB reads the expected JSON through the sink's
 * serde: each of our columns takes the expected field of that name (case-insensitively; absent is
 * NULL), and expected fields that are no column are ignored. */
static bool json_same_row(const json_t *want, const json_t *got)
{
        const char *k;
        json_t *g;

        json_object_foreach((json_t *)got, k, g) {
                json_t *w = json_object_get(want, k);
                const char *k2;
                json_t *w2;

                if (!w)
                        json_object_foreach((json_t *)want, k2, w2) if (sl_str_eq_ci(k, k2)) w = w2;
                if (!w)
                        w = json_null();
                if (!sl_test_json_same(w, g, true))
                        return false;
        }
        return true;
}

/* ---- one side (key or value) of a topic's records ---- */

/* What a side holds: format, columns, wrapping; and serdes to convert through. */
typedef struct side {
        sl_serde_format format;
        sl_serde *serde;       /* the side's serde */
        sl_serde *json;        /* JSON serde of the same columns (to read test values) */
        size_t ncols;
        bool unwrapped;
        sl_catalog_window window;  /* key side: windowed keys */
        int64_t window_size_ms;    /* key side: time window size, 0 when unknown */
} side;

static void side_free(side *s)
{
        sl_serde_free(s->serde);
        sl_serde_free(s->json);
}

/* Builds the key or value side of catalog source `src`. */
static int wrap_default; /* ksql.persistence.wrap.single.values of the case being run */

/* A topic's Avro schema declared by the case ("topics": keySchema / valueSchema), registered in the
 * case's in-process schema registry: test inputs are written with it, as ksqlDB's driver does. */
typedef struct declared_schema {
        char *subject;  /* <topic>-key / <topic>-value */
        int32_t id;
} declared_schema;
static declared_schema declared[32];
static size_t ndeclared;

static int32_t declared_id(const char *topic, bool key)
{
        char subject[512];

        snprintf(subject, sizeof(subject), "%s-%s", topic, key ? "key" : "value");
        for (size_t i = 0; i < ndeclared; i++)
                if (strcmp(declared[i].subject, subject) == 0)
                        return declared[i].id;
        return 0;
}

static bool side_of_ex(const sl_catalog_source *src, bool key, bool input, side *s, char *why, size_t whylen);

static bool side_of(const sl_catalog_source *src, bool key, side *s, char *why, size_t whylen)
{
        return side_of_ex(src, key, false, s, why, whylen);
}

/* The declared Avro schema of `topic` as columns (a record's fields, or one unwrapped column), so
 * that test inputs are written as the schema says, whatever the source declares. */
static bool declared_columns(const char *topic, bool key, sl_arena *arena, sl_serde_column *cols, size_t *n,
                             bool *unwrapped)
{
        int32_t id = declared_id(topic, key);
        const sl_serde_registry *reg = sl_serde_registry_get_default();
        char *text = NULL;
        const sl_avro *schema;
        const sl_type *t;
        bool ok = false;

        if (!id || !reg || reg->schema_by_id(reg, id, &text, NULL) != SL_OK)
                return false;
        if (sl_avro_parse(arena, text, &schema, NULL) == SL_OK && sl_avro_to_type(arena, schema, &t, NULL) == SL_OK) {
                bool record = schema->kind == SL_AVRO_RECORD;
                if (record && t->nfields <= 64) {
                        for (size_t i = 0; i < t->nfields; i++) {
                                cols[i].name = schema->fields[i].name;
                                cols[i].type = t->fields[i].type;
                        }
                        *n = t->nfields;
                        *unwrapped = false;
                } else if (!record) {
                        cols[0].name = "ROWVAL";
                        cols[0].type = t;
                        *n = 1;
                        *unwrapped = true;
                }
                ok = record ? t->nfields <= 64 : true;
        }
        sl_free(text);
        return ok;
}

static bool side_of_ex(const sl_catalog_source *src, bool key, bool input, side *s, char *why, size_t whylen)
{
        sl_serde_column cols[64];
        size_t n = 0;
        sl_err_detail e;
        sl_serde_schema schema;
        sl_plan *tmp = sl_plan_new("tmp");
        sl_plan_topic t;
        bool ok = false;

        memset(s, 0, sizeof(*s));
        tmp->wrap_default = wrap_default;
        if (sl_plan_topic_from_source(tmp, &t, src, 0, &e) != SL_OK) {
                snprintf(why, whylen, "%s", e.message);
                goto done;
        }
        for (size_t i = 0; i < src->ncolumns && n < 64; i++)
                if (src->columns[i].role == (key ? SL_CATALOG_KEY : SL_CATALOG_VALUE)) {
                        cols[n].name = src->columns[i].name;
                        cols[n].type = src->columns[i].type;
                        n++;
                }
        s->format = key ? t.key_format : t.value_format;
        s->window = key ? src->window : SL_CATALOG_WINDOW_NONE;
        s->window_size_ms = key ? src->window_size_ms : 0;
        s->ncols = n;
        s->unwrapped = key ? n == 1 : t.value_unwrapped;
        if (input && s->format == SL_SERDE_AVRO)
                declared_columns(src->topic, key, &tmp->arena, cols, &s->ncols, &s->unwrapped);
        n = s->ncols;
        char subject[512];
        snprintf(subject, sizeof(subject), "%s-%s", src->topic, key ? "key" : "value");
        schema = (sl_serde_schema){.columns = cols, .ncolumns = n, .unwrapped = s->unwrapped,
                                   .delimiter = key ? t.key_delimiter : t.value_delimiter, .subject = subject,
                                   .schema_id = input ? declared_id(src->topic, key) : 0};
        if (sl_serde_new(s->format, &schema, &s->serde, &e) != SL_OK) {
                snprintf(why, whylen, "%s", e.message);
                goto done;
        }
        schema.delimiter = 0;
        schema.schema_id = 0;
        if (sl_serde_new(SL_SERDE_JSON, &schema, &s->json, &e) != SL_OK) {
                snprintf(why, whylen, "%s", e.message);
                goto done;
        }
        ok = true;
done:
        if (!ok) {
                side_free(s);
                memset(s, 0, sizeof(*s));
        }
        sl_plan_free(tmp);
        return ok;
}

/* Serializes a test record's key or value (`v` NULL or JSON null: absent). The text form is used
 * as it is for JSON; strings verbatim for DELIMITED and KAFKA STRING; other KAFKA values go
 * through the JSON reading of the column type. Returns false when it cannot. */
static bool encode(const side *s, const json_t *v, sl_buf *out, bool *absent)
{
        sl_str text;
        sl_arena arena;
        sl_value row[64];
        bool rnull = false, onull = false, ok = false;
        sl_err_detail e;

        sl_buf_reset(out);
        *absent = !v || json_is_null(v);
        if (*absent)
                return true;
        sl_str_init(&text);
        sl_arena_init(&arena, 0);
        if (json_is_string(v) && s->format != SL_SERDE_JSON)
                sl_str_append(&text, json_string_value(v));
        else
                json_emit(&text, v);
        if (s->format == SL_SERDE_JSON || s->format == SL_SERDE_DELIMITED || s->ncols == 0) {
                sl_buf_append(out, sl_str_cstr(&text), sl_str_len(&text));
                ok = true;
        } else if (s->format == SL_SERDE_NONE) {
                ok = true;
        } else if (json_is_string(v) && s->ncols == 1) {
                /* KAFKA: a string test value of a STRING column is the raw bytes */
                sl_str quoted;

                sl_str_init(&quoted);
                json_emit(&quoted, v);
                if (sl_serde_deserialize(s->json, sl_slice_from_cstr(sl_str_cstr(&quoted)), &arena, NULL, row, &rnull, &e) ==
                            SL_OK &&
                    sl_serde_serialize(s->serde, row, out, &onull, &e) == SL_OK)
                        ok = true;
                sl_str_deinit(&quoted);
        } else if (s->ncols <= 64 &&
                   sl_serde_deserialize(s->json, sl_slice_from_cstr(sl_str_cstr(&text)), &arena, NULL, row, &rnull, &e) ==
                           SL_OK &&
                   sl_serde_serialize(s->serde, rnull ? NULL : row, out, &onull, &e) == SL_OK) {
                ok = true;
                *absent = onull;
        }
        sl_str_deinit(&text);
        sl_arena_deinit(&arena);
        return ok;
}

/* Reads written bytes back as JSON for comparison (NULL for an absent key/value). */
static json_t *decode(const side *s, sl_slice bytes)
{
        sl_arena arena;
        sl_value row[64];
        bool rnull = false;
        json_t *j = NULL;
        sl_err_detail e;

        if (!bytes.ptr)
                return json_null();
        switch (s->format) {
        case SL_SERDE_JSON:
                return json_loadb((const char *)bytes.ptr, bytes.len, JSON_DECODE_ANY, NULL);
        case SL_SERDE_DELIMITED:
                return json_stringn((const char *)bytes.ptr, bytes.len);
        case SL_SERDE_NONE:
                return json_null();
        default:
                break;
        }
        sl_arena_init(&arena, 0);
        if (s->ncols <= 64 && sl_serde_deserialize(s->serde, bytes, &arena, NULL, row, &rnull, &e) == SL_OK) {
                sl_buf out;
                bool onull = false;

                sl_buf_init(&out);
                if (sl_serde_serialize(s->json, rnull ? NULL : row, &out, &onull, &e) == SL_OK)
                        j = onull ? json_null() : json_loadb((const char *)out.data, out.len, JSON_DECODE_ANY, NULL);
                sl_buf_deinit(&out);
        }
        sl_arena_deinit(&arena);
        return j;
}

/* Compares an expected key or value with the written bytes; DELIMITED text compares as text. */
static bool same_side(const side *s, const json_t *want, sl_slice got, char *desc, size_t desclen)
{
        json_t *g = decode(s, got);
        bool ok;

        if (!want)
                want = json_null();
        if (!g) {
                snprintf(desc, desclen, "undecodable bytes '%.*s'", (int)(got.len > 200 ? 200 : got.len),
                         got.ptr ? (const char *)got.ptr : "");
                return false;
        }
        if (s->format == SL_SERDE_DELIMITED && json_is_string(g) && !json_is_string(want) && !json_is_null(want)) {
                sl_str t;

                sl_str_init(&t);
                json_emit(&t, want);
                ok = strcmp(sl_str_cstr(&t), json_string_value(g)) == 0;
                sl_str_deinit(&t);
        } else if (s->format == SL_SERDE_JSON && !s->unwrapped && json_is_object(want) && json_is_object(g)) {
                ok = json_same_row(want, g);
        } else {
                ok = sl_test_json_same(want, g, true);
        }
        if (!ok) {
                sl_str a, b;

                sl_str_init(&a);
                sl_str_init(&b);
                json_emit(&a, want);
                json_emit(&b, g);
                snprintf(desc, desclen, "expected %.300s, got %.300s", sl_str_cstr(&a), sl_str_cstr(&b));
                sl_str_deinit(&a);
                sl_str_deinit(&b);
        }
        json_decref(g);
        return ok;
}

/* ---- one run of a case ---- */

typedef enum outcome { PASS, FAIL, SKIP } outcome;

typedef struct run {
        sl_catalog *cat;
        sl_exec_driver *d;
        sl_plan *plans[64];
        size_t nplans;
        sl_script *script_keep;  /* the parsed statements, freed after the plans */
        sl_ast_stmt *inferred[16];    /* CREATE statements rewritten with inferred AVRO columns */
        size_t ninferred;
        sl_exec_record inserted[64];  /* INSERT VALUES records, piped before the inputs */
        size_t ninserted;
        char why[1024];  /* failure or skip reason */
} run;

static const char *test_only_functions[] = {
        "TEST_UDF", "BAD_UDF", "WHENCONDITION", "WHENRESULT", "TOSTRUCT", "TEST_UDTF", "THROWING_UDTF",
        "TEST_UDAF", "VAR_ARG", "MID_VAR_ARG", "GENERIC_VAR_ARG", "MULTI_ARG", "FOUR_ARG", "FIVE_ARG", "OBJ_COL_ARG",
};

static bool uses_test_function(const char *sql)
{
        char *up = sl_strdup(sql);
        bool found = false;

        sl_str_upper(up);
        for (size_t i = 0; i < sizeof(test_only_functions) / sizeof(*test_only_functions) && !found; i++) {
                char pat[64];

                snprintf(pat, sizeof(pat), "%s(", test_only_functions[i]);
                found = strstr(up, pat) != NULL;
        }
        sl_free(up);
        return found;
}

/* The catalog source reading or writing `topic`: a query's sink first (its formats describe what
 * was written), else any source over it. */
static const sl_catalog_source *source_of_topic(run *r, const char *topic, bool prefer_sink)
{
        const sl_catalog_source **all = NULL, *found = NULL;
        sl_arena arena;
        size_t n;

        sl_arena_init(&arena, 0);
        n = r->cat->ops->list_sources(r->cat, &arena, &all);
        for (size_t i = 0; i < n; i++) {
                if (strcmp(all[i]->topic, topic) != 0)
                        continue;
                if (!found || (prefer_sink && all[i]->query_id && !found->query_id))
                        found = all[i];
        }
        sl_arena_deinit(&arena);
        return found;
}

static bool expected_message(const json_t *exc, const char *msg)
{
        const char *want = json_string_value(json_object_get(exc, "message"));

        if (!want)
                return true;
        return msg && strstr(msg, want) != NULL;
}

/* INSERT INTO ... VALUES: evaluates the values and keeps the record to pipe in later (ksqlDB's
 * test driver runs every statement before the topology sees a record). */
static bool insert_values(run *r, const sl_analysis *a)
{
        const sl_catalog_source *sink = a->sink;
        sl_arena arena;
        sl_value keys[64], vals[64], rt = sl_value_null();
        size_t nk = 0, nv = 0;
        side ks, vs;
        sl_buf kb, vb;
        bool knull = false, vnull = false, ok = false;
        sl_err_detail e;

        if (!sink || r->ninserted == 64 || sink->ncolumns > 64) {
                snprintf(r->why, sizeof(r->why), "INSERT VALUES: no sink or too many");
                return false;
        }
        sl_arena_init(&arena, 0);
        sl_buf_init(&kb);
        sl_buf_init(&vb);
        for (size_t c = 0; c <= sink->ncolumns; c++) {
                sl_expr_ctx ctx = {.arena = &arena};
                sl_value v = sl_value_null();

                if (a->values[c])
                        sl_expr_eval_tree(a->values[c], &ctx, &v);
                if (c == sink->ncolumns)
                        rt = v;
                else if (sink->columns[c].role == SL_CATALOG_KEY)
                        keys[nk++] = v;
                else if (sink->columns[c].role == SL_CATALOG_VALUE)
                        vals[nv++] = v;
        }
        if (!side_of(sink, true, &ks, r->why, sizeof(r->why)))
                goto done;
        if (!side_of(sink, false, &vs, r->why, sizeof(r->why))) {
                side_free(&ks);
                goto done;
        }
        if (sl_serde_serialize(ks.serde, keys, &kb, &knull, &e) == SL_OK &&
            sl_serde_serialize(vs.serde, vals, &vb, &vnull, &e) == SL_OK) {
                sl_exec_record *rec = &r->inserted[r->ninserted++];

                memset(rec, 0, sizeof(*rec));
                rec->topic = sl_strdup(sink->topic);
                if (!knull && nk) {
                        size_t n;
                        uint8_t *p = sl_buf_detach(&kb, &n);

                        rec->key = SL_SLICE(p, n);
                }
                if (!vnull) {
                        size_t n;
                        uint8_t *p = sl_buf_detach(&vb, &n);

                        rec->value = SL_SLICE(p, n);
                }
                rec->ts = rt.kind == SL_TYPE_BIGINT ? rt.u.i64 : 0;
                ok = true;
        } else {
                snprintf(r->why, sizeof(r->why), "INSERT VALUES: %s", e.message);
        }
        side_free(&ks);
        side_free(&vs);
done:
        sl_buf_deinit(&kb);
        sl_buf_deinit(&vb);
        sl_arena_deinit(&arena);
        return ok;
}

/* Runs the statements. Returns SKIP/FAIL with r->why, or PASS to go on to the records (or PASS
 * with *done when the expected exception was raised). */
static outcome run_statements(run *r, const char *sql, const json_t *tc, const sl_func_registry *reg, bool *done)
{
        /* the script stays alive with the run: plans borrow their statements' AST */
        const json_t *exc = json_object_get(tc, "expectedException");
        const json_t *props = json_object_get(tc, "properties");
        sl_analyze_ctx ctx = {.cat = r->cat, .reg = reg};
        sl_plan_ctx pctx = {.reg = reg};
        sl_script *script = NULL;
        outcome oc = PASS;

        *done = false;
        wrap_default = 0;
        if (json_is_object(props)) {
                json_t *w = json_object_get(props, "ksql.persistence.wrap.single.values");

                if (json_is_boolean(w) || json_is_string(w))
                        wrap_default = json_is_true(w) || (json_is_string(w) && sl_str_eq_ci(json_string_value(w), "true"))
                                               ? 1
                                               : -1;
                pctx.wrap_single_values = wrap_default;
                ctx.default_key_format = json_string_value(json_object_get(props, "ksql.persistence.default.format.key"));
                ctx.default_value_format =
                        json_string_value(json_object_get(props, "ksql.persistence.default.format.value"));
        }
        if (sl_parse_script(sql, NULL, &script) != SL_OK) {
                if (exc && expected_message(exc, script->errors[0].message)) {
                        *done = true;
                        goto out;
                }
                snprintf(r->why, sizeof(r->why), "parse: %s", script->errors[0].message);
                oc = FAIL;
                goto out;
        }
        for (size_t i = 0; i < script->nstmts; i++) {
                const sl_ast_stmt *stmt = script->stmts[i];
                sl_analysis *a = NULL;
                sl_plan *plan = NULL;
                sl_err_detail e;
                sl_err rc;

                sl_err_clear(&e);
                /* AVRO without columns: the statement with the columns the registry infers */
                if (r->ninferred < 16 && (stmt->kind == SL_AST_STMT_CREATE_STREAM || stmt->kind == SL_AST_STMT_CREATE_TABLE) &&
                    sl_analyze(&ctx, stmt, &a, &e) == SL_OK) {
                        sl_ast_stmt *inf = NULL;
                        rc = sl_registry_infer_columns(sl_serde_registry_get_default(), stmt, a->new_source, &inf, &e);
                        sl_analysis_free(a);
                        a = NULL;
                        if (rc != SL_OK) {
                                if (exc && expected_message(exc, e.message)) {
                                        *done = true;
                                        goto out;
                                }
                                snprintf(r->why, sizeof(r->why), "infer '%.200s': %s", stmt->text, e.message);
                                oc = FAIL;
                                goto out;
                        }
                        if (inf)
                                stmt = r->inferred[r->ninferred++] = inf;
                }
                sl_err_clear(&e);
                if ((rc = sl_analyze(&ctx, stmt, &a, &e)) != SL_OK) {
                        if (exc && expected_message(exc, e.message)) {
                                *done = true;
                                goto out;
                        }
                        if (rc == SL_ERR_UNSUPPORTED) {
                                snprintf(r->why, sizeof(r->why), "analyzer: %s", e.message);
                                oc = SKIP;
                        } else {
                                snprintf(r->why, sizeof(r->why), "analyze '%.200s': %s", stmt->text, e.message);
                                oc = FAIL;
                        }
                        goto out;
                }
                if (a->kind == SL_AST_STMT_INSERT_VALUES) {
                        bool ok = insert_values(r, a);

                        sl_analysis_free(a);
                        if (!ok) {
                                oc = FAIL;
                                goto out;
                        }
                        continue;
                }
                if (a->kind == SL_AST_STMT_QUERY) {
                        sl_analysis_free(a);
                        snprintf(r->why, sizeof(r->why), "transient queries");
                        oc = SKIP;
                        goto out;
                }
                if (a->query_id && a->has_query) {
                        if ((rc = sl_plan_build(&pctx, a, &plan, &e)) != SL_OK) {
                                sl_analysis_free(a);
                                if (rc == SL_ERR_UNSUPPORTED) {
                                        snprintf(r->why, sizeof(r->why), "%s", e.message);
                                        oc = SKIP;
                                } else if (exc && expected_message(exc, e.message)) {
                                        *done = true;
                                } else {
                                        snprintf(r->why, sizeof(r->why), "plan '%.200s': %s", stmt->text, e.message);
                                        oc = FAIL;
                                }
                                goto out;
                        }
                        if (sl_analysis_apply(r->cat, a, &e) != SL_OK) {
                                sl_plan_free(plan);
                                if (exc && expected_message(exc, e.message)) {
                                        *done = true;
                                        goto out;
                                }
                                snprintf(r->why, sizeof(r->why), "apply: %s", e.message);
                                oc = FAIL;
                                goto out;
                        }
                        if (r->nplans == 64) {
                                sl_plan_free(plan);
                                snprintf(r->why, sizeof(r->why), "more than 64 queries");
                                oc = SKIP;
                                goto out;
                        }
                        r->plans[r->nplans++] = plan;
                        sl_exec_driver_add(r->d, plan, &e);
                } else {
                        rc = sl_analysis_apply(r->cat, a, &e);
                        sl_analysis_free(a);
                        if (rc != SL_OK) {
                                if (exc && expected_message(exc, e.message)) {
                                        *done = true;
                                        goto out;
                                }
                                snprintf(r->why, sizeof(r->why), "apply '%.200s': %s", stmt->text, e.message);
                                oc = FAIL;
                                goto out;
                        }
                }
        }
out:
        r->script_keep = script;
        return oc;
}

/* A windowed key's window after its bytes, as Kafka Streams writes it. */
static bool append_window(const side *ks, const json_t *win, sl_buf *kb, bool absent)
{
        json_t *start = json_object_get(win, "start"), *end = json_object_get(win, "end");

        if (ks->window == SL_CATALOG_WINDOW_NONE || absent)
                return true;
        if (!json_is_integer(start))
                return false;
        if (ks->window == SL_CATALOG_WINDOW_SESSION) {
                if (!json_is_integer(end))
                        return false;
                sl_buf_append_be64(kb, (uint64_t)json_integer_value(end));
        }
        sl_buf_append_be64(kb, (uint64_t)json_integer_value(start));
        return true;
}

/* The bytes of `buf` as a key or value: absent, or present (maybe empty). */
static sl_slice present(const sl_buf *buf, bool absent)
{
        if (absent)
                return SL_SLICE(NULL, 0);
        return SL_SLICE(buf->data ? buf->data : (const uint8_t *)"", buf->len);
}

/* Pipes the inputs; FAIL when an input cannot be serialized. */
static outcome feed(run *r, const json_t *inputs)
{
        size_t i;
        json_t *in;
        sl_buf kb, vb;
        outcome oc = PASS;

        sl_buf_init(&kb);
        sl_buf_init(&vb);
        json_array_foreach((json_t *)inputs, i, in) {
                const char *topic = json_string_value(json_object_get(in, "topic"));
                const sl_catalog_source *src = topic ? source_of_topic(r, topic, false) : NULL;
                json_t *ts = json_object_get(in, "timestamp");
                json_t *hdrs = json_object_get(in, "headers");
                side ks, vs;
                bool kabs = true, vabs = true;
                sl_kafka_header h[32];
                size_t nh = 0;
                sl_buf hv[32];
                sl_err_detail e;

                if (!src)
                        continue; /* nothing reads it */
                if (!side_of_ex(src, true, true, &ks, r->why, sizeof(r->why)) || !side_of_ex(src, false, true, &vs, r->why, sizeof(r->why))) {
                        side_free(&ks);  /* set or zeroed */
                        oc = SKIP;
                        break;
                }
                if (!encode(&ks, json_object_get(in, "key"), &kb, &kabs) ||
                    !encode(&vs, json_object_get(in, "value"), &vb, &vabs) ||
                    !append_window(&ks, json_object_get(in, "window"), &kb, kabs)) {
                        snprintf(r->why, sizeof(r->why), "cannot encode input record %zu", i);
                        side_free(&ks);
                        side_free(&vs);
                        oc = FAIL;
                        break;
                }
                if (json_is_array(hdrs)) {
                        size_t j;
                        json_t *hj;

                        json_array_foreach(hdrs, j, hj) {
                                const char *k = json_string_value(json_object_get(hj, "KEY"));
                                const char *v = json_string_value(json_object_get(hj, "VALUE"));

                                if (!k || nh == 32)
                                        continue;
                                sl_buf_init(&hv[nh]);
                                h[nh].key = k;
                                h[nh].value = SL_SLICE(NULL, 0);
                                if (v) {
                                        /* base64 */
                                        static const char *b64 =
                                                "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
                                        uint32_t acc = 0;
                                        int bits = 0;

                                        for (const char *p = v; *p && *p != '='; p++) {
                                                const char *c = strchr(b64, *p);

                                                if (!c)
                                                        continue;
                                                acc = acc << 6 | (uint32_t)(c - b64);
                                                bits += 6;
                                                if (bits >= 8) {
                                                        bits -= 8;
                                                        sl_buf_append_u8(&hv[nh], (uint8_t)(acc >> bits));
                                                }
                                        }
                                        h[nh].value = SL_SLICE(hv[nh].data ? hv[nh].data : (const uint8_t *)"",
                                                               hv[nh].len);
                                }
                                nh++;
                        }
                }
                if (sl_exec_driver_pipe(r->d, topic, -1, present(&kb, kabs), present(&vb, vabs), h, nh,
                                        json_is_integer(ts) ? json_integer_value(ts) : 0, &e) != SL_OK) {
                        snprintf(r->why, sizeof(r->why), "runtime: %s", e.message);
                        oc = FAIL;
                }
                for (size_t j = 0; j < nh; j++)
                        sl_buf_deinit(&hv[j]);
                side_free(&ks);
                side_free(&vs);
                if (oc != PASS)
                        break;
        }
        sl_buf_deinit(&kb);
        sl_buf_deinit(&vb);
        return oc;
}

/* Expected headers ([{KEY, VALUE base64}], in order) against written ones. */
static bool same_headers(const json_t *want, const sl_exec_record *got)
{
        size_t i;
        json_t *h;

        if (json_array_size(want) != got->nheaders)
                return false;
        json_array_foreach((json_t *)want, i, h) {
                const char *k = json_string_value(json_object_get(h, "KEY"));
                const char *v = json_string_value(json_object_get(h, "VALUE"));
                const sl_kafka_header *g = &got->headers[i];
                bool same;
                sl_str b64;

                if (!k || strcmp(k, g->key) != 0 || !v != !g->value.ptr)
                        return false;
                if (!v)
                        continue;
                sl_str_init(&b64);
                sl_value_append_base64(&b64, g->value.ptr, g->value.len);
                same = strcmp(sl_str_cstr(&b64), v) == 0;
                sl_str_deinit(&b64);
                if (!same)
                        return false;
        }
        return true;
}

/* Checks and takes off the window of a written windowed key; `want` is the expected window. */
static bool split_window(const side *ks, const json_t *want, sl_slice *key, char *desc, size_t desclen)
{
        size_t n = ks->window == SL_CATALOG_WINDOW_SESSION ? 16 : 8;
        int64_t start, end;

        if (ks->window == SL_CATALOG_WINDOW_NONE || !key->ptr) {
                if (want && !json_is_null(want)) {
                        snprintf(desc, desclen, "expected a windowed key");
                        return false;
                }
                return true;
        }
        if (key->len < n) {
                snprintf(desc, desclen, "windowed key of %zu bytes", key->len);
                return false;
        }
        if (ks->window == SL_CATALOG_WINDOW_SESSION) {
                end = (int64_t)sl_load_be64(key->ptr + key->len - 16);
                start = (int64_t)sl_load_be64(key->ptr + key->len - 8);
        } else {
                start = (int64_t)sl_load_be64(key->ptr + key->len - 8);
                end = ks->window_size_ms ? start + ks->window_size_ms : -1;
        }
        key->len -= n;
        if (json_is_integer(json_object_get(want, "start")) && json_integer_value(json_object_get(want, "start")) != start) {
                snprintf(desc, desclen, "start %lld, expected %lld", (long long)start,
                         (long long)json_integer_value(json_object_get(want, "start")));
                return false;
        }
        if (end >= 0 && json_is_integer(json_object_get(want, "end")) && json_integer_value(json_object_get(want, "end")) != end) {
                snprintf(desc, desclen, "end %lld, expected %lld", (long long)end,
                         (long long)json_integer_value(json_object_get(want, "end")));
                return false;
        }
        return true;
}

/* Compares the captured records with `outputs`. */
static outcome compare(run *r, const json_t *outputs, bool no_inputs)
{
        const sl_exec_record *got;
        size_t ngot = sl_exec_driver_outputs(r->d, &got);
        size_t i;
        json_t *o;
        const char **topics = NULL;
        size_t ntopics = 0;
        outcome oc = PASS;

        json_array_foreach((json_t *)outputs, i, o) {
                const char *t = json_string_value(json_object_get(o, "topic"));
                bool seen = false;

                for (size_t k = 0; k < ntopics && t; k++)
                        seen |= strcmp(topics[k], t) == 0;
                if (t && !seen) {
                        topics = sl_realloc(topics, (ntopics + 1) * sizeof(*topics));
                        topics[ntopics++] = t;
                }
        }
        for (size_t k = 0; k < ntopics && oc == PASS; k++) {
                const sl_catalog_source *src = source_of_topic(r, topics[k], true);
                size_t gi = 0, wi = 0, nwant = 0, nhave = 0;
                side ks, vs;

                json_array_foreach((json_t *)outputs, i, o) {
                        const char *t = json_string_value(json_object_get(o, "topic"));

                        nwant += t && strcmp(t, topics[k]) == 0;
                }
                for (size_t g = 0; g < ngot; g++)
                        nhave += strcmp(got[g].topic, topics[k]) == 0;
                if (nwant != nhave) {
                        snprintf(r->why, sizeof(r->why), "topic %s: %zu records written, %zu expected", topics[k], nhave,
                                 nwant);
                        oc = FAIL;
                        break;
                }
                if (!src) {
                        snprintf(r->why, sizeof(r->why), "no source over output topic %s", topics[k]);
                        oc = FAIL;
                        break;
                }
                if (!side_of(src, true, &ks, r->why, sizeof(r->why)) || !side_of(src, false, &vs, r->why, sizeof(r->why))) {
                        side_free(&ks);  /* set or zeroed */
                        oc = FAIL;
                        break;
                }
                json_array_foreach((json_t *)outputs, i, o) {
                        const char *t = json_string_value(json_object_get(o, "topic"));
                        json_t *ts = json_object_get(o, "timestamp");
                        char desc[800];

                        if (!t || strcmp(t, topics[k]) != 0)
                                continue;
                        while (strcmp(got[gi].topic, topics[k]) != 0)
                                gi++;
                        sl_slice gkey = got[gi].key;

                        if (!split_window(&ks, json_object_get(o, "window"), &gkey, desc, sizeof(desc))) {
                                snprintf(r->why, sizeof(r->why), "topic %s record %zu window: %s", t, wi, desc);
                                oc = FAIL;
                        } else if (!same_side(&ks, json_object_get(o, "key"), gkey, desc, sizeof(desc))) {
                                snprintf(r->why, sizeof(r->why), "topic %s record %zu key: %s", t, wi, desc);
                                oc = FAIL;
                        } else if (!same_side(&vs, json_object_get(o, "value"), got[gi].value, desc, sizeof(desc))) {
                                snprintf(r->why, sizeof(r->why), "topic %s record %zu value: %s", t, wi, desc);
                                oc = FAIL;
                        } else if (json_is_array(json_object_get(o, "headers")) &&
                                   !same_headers(json_object_get(o, "headers"), &got[gi])) {
                                snprintf(r->why, sizeof(r->why), "topic %s record %zu: headers differ", t, wi);
                                oc = FAIL;
                        } else if (json_is_integer(ts) && json_integer_value(ts) != got[gi].ts &&
                                   !(no_inputs && json_integer_value(ts) == 0)) {
                                snprintf(r->why, sizeof(r->why), "topic %s record %zu timestamp: expected %lld, got %lld",
                                         t, wi, (long long)json_integer_value(ts), (long long)got[gi].ts);
                                oc = FAIL;
                        }
                        if (oc != PASS)
                                break;
                        gi++;
                        wi++;
                }
                side_free(&ks);
                side_free(&vs);
        }
        sl_free(topics);
        return oc;
}

/* The post-conditions on sources: each named source exists, is of the given type, and has the
 * given schema. */
static outcome check_post(run *r, const json_t *post)
{
        const json_t *srcs = json_object_get(post, "sources");
        size_t i;
        json_t *sv;

        json_array_foreach((json_t *)srcs, i, sv) {
                const char *name = json_string_value(json_object_get(sv, "name"));
                const char *type = json_string_value(json_object_get(sv, "type"));
                const char *schema = json_string_value(json_object_get(sv, "schema"));
                const sl_catalog_source *src = name ? sl_catalog_source_get(r->cat, name) : NULL;

                if (!name)
                        continue;
                if (!src) {
                        snprintf(r->why, sizeof(r->why), "post: no source %s", name);
                        return FAIL;
                }
                if (type && !sl_str_eq_ci(type, sl_catalog_kind_name(src->kind))) {
                        snprintf(r->why, sizeof(r->why), "post: %s is a %s, expected a %s", name,
                                 sl_catalog_kind_name(src->kind), type);
                        return FAIL;
                }
                if (schema) {
                        sl_str ours;
                        char *a, *b;
                        bool same;

                        sl_str_init(&ours);
                        sl_catalog_source_print_schema(&ours, src);
                        a = sl_test_qtt_normalize_schema(sl_str_cstr(&ours));
                        b = sl_test_qtt_normalize_schema(schema);
                        same = strcmp(a, b) == 0;
                        if (!same)
                                snprintf(r->why, sizeof(r->why), "post: schema of %s is %.300s, expected %.300s", name, a, b);
                        sl_free(a);
                        sl_free(b);
                        sl_str_deinit(&ours);
                        if (!same)
                                return FAIL;
                }
        }
        return PASS;
}

static outcome run_one(const json_t *tc, const char *fmt, const sl_func_registry *reg, char *why, size_t whylen)
{
        const json_t *stmts = json_object_get(tc, "statements");
        const json_t *inputs = json_object_get(tc, "inputs");
        const json_t *outputs = json_object_get(tc, "outputs");
        const json_t *exc = json_object_get(tc, "expectedException");
        const json_t *topics = json_object_get(tc, "topics");
        run r;
        sl_str text;
        char *sql;
        size_t i;
        json_t *v;
        bool done = false;
        outcome oc;

        memset(&r, 0, sizeof(r));
        sl_str_init(&text);
        json_array_foreach((json_t *)stmts, i, v) {
                if (json_is_string(v)) {
                        sl_str_append(&text, json_string_value(v));
                        sl_str_append(&text, "\n");
                }
        }
        sql = sl_test_str_replace_all(sl_str_cstr(&text), "{FORMAT}", fmt ? fmt : "JSON");
        sl_str_deinit(&text);
        if (uses_test_function(sql)) {
                snprintf(why, whylen, "test-only functions");
                sl_free(sql);
                return SKIP;
        }
        r.cat = sl_catalog_mem_new();
        r.d = sl_exec_driver_new();
        /* an in-process schema registry per case, with the topics' declared Avro schemas */
        sl_registry_store *store = NULL;
        sl_registry_store_new(NULL, &store, NULL);
        {
                /* ksqlDB's test driver uses a mock registry that checks no compatibility */
                sl_str msg;
                sl_str_init(&msg);
                sl_registry_store_set_level(store, NULL, "NONE", &msg);
                sl_str_deinit(&msg);
        }
        sl_serde_registry *sreg = sl_registry_local_new(store);
        sl_serde_registry_set_default(sreg);
        ndeclared = 0;
        json_array_foreach((json_t *)topics, i, v) {
                const char *name = json_string_value(json_object_get(v, "name"));
                for (int side = 0; side < 2 && name; side++) {
                        const json_t *sch = json_object_get(v, side ? "valueSchema" : "keySchema");
                        const char *f = json_string_value(json_object_get(v, side ? "valueFormat" : "keyFormat"));
                        char subject[512];
                        sl_str msg;
                        int32_t id;
                        /* the topic's format, else the statements' */
                        bool json_sr = f ? sl_str_eq_ci(f, "JSON_SR") || sl_str_eq_ci(f, "JSON")
                                         : strcasestr(sql, "JSON_SR") != NULL && strcasestr(sql, "AVRO") == NULL;
                        if (!sch || (f && !sl_str_eq_ci(f, "AVRO") && !json_sr) ||
                            (!f && fmt && !sl_str_eq_ci(fmt, "AVRO") && !json_sr && !strcasestr(sql, "AVRO")))
                                continue;
                        char *text = json_dumps(sch, JSON_COMPACT | JSON_ENCODE_ANY);
                        snprintf(subject, sizeof(subject), "%s-%s", name, side ? "value" : "key");
                        sl_str_init(&msg);
                        const json_t *jid = json_object_get(v, side ? "valueSchemaId" : "keySchemaId");
                        int reg_rc = json_is_integer(jid)
                                             ? sl_registry_store_import(store, subject, json_sr ? "JSON" : "AVRO", text,
                                                                        (int32_t)(id = (int32_t)json_integer_value(jid)), &msg)
                                             : sl_registry_store_register(store, subject, json_sr ? "JSON" : "AVRO", text,
                                                                          &id, &msg);
                        if (ndeclared < 32 && reg_rc == 0) {
                                declared[ndeclared].subject = sl_strdup(subject);
                                declared[ndeclared++].id = id;
                        }
                        sl_str_deinit(&msg);
                        free(text);
                }
        }
        json_array_foreach((json_t *)topics, i, v) {
                const char *name = json_string_value(json_object_get(v, "name"));
                json_t *p = json_object_get(v, "partitions");

                if (name && json_is_integer(p))
                        sl_exec_driver_set_partitions(r.d, name, (int)json_integer_value(p));
        }
        oc = run_statements(&r, sql, tc, reg, &done);
        for (size_t k = 0; oc == PASS && !done && k < r.ninserted; k++) {
                const sl_exec_record *rec = &r.inserted[k];
                sl_err_detail e;

                if (sl_exec_driver_pipe(r.d, rec->topic, -1, rec->key, rec->value, NULL, 0, rec->ts, &e) != SL_OK) {
                        snprintf(r.why, sizeof(r.why), "runtime: %s", e.message);
                        oc = FAIL;
                }
        }
        if (oc == PASS && !done) {
                if (json_is_array(inputs))
                        oc = feed(&r, inputs);
                if (oc == PASS && exc) {
                        snprintf(r.why, sizeof(r.why), "expected an exception (%s), none raised",
                                 json_string_value(json_object_get(exc, "message"))
                                         ? json_string_value(json_object_get(exc, "message"))
                                         : json_string_value(json_object_get(exc, "type")));
                        oc = FAIL;
                }
                if (oc == PASS && json_is_array(outputs))
                        oc = compare(&r, outputs, !json_is_array(inputs) || json_array_size(inputs) == 0);
                if (oc == PASS && json_is_object(json_object_get(tc, "post")))
                        oc = check_post(&r, json_object_get(tc, "post"));
        }
        snprintf(why, whylen, "%s", r.why);
        sl_exec_driver_free(r.d);
        for (size_t p = 0; p < r.nplans; p++)
                sl_plan_free(r.plans[p]);
        sl_script_free(r.script_keep);
        for (size_t k = 0; k < r.ninserted; k++) {
                sl_free(r.inserted[k].topic);
                sl_free((void *)r.inserted[k].key.ptr);
                sl_free((void *)r.inserted[k].value.ptr);
        }
        sl_catalog_free(r.cat);
        for (size_t k = 0; k < r.ninferred; k++)
                sl_ast_stmt_free(r.inferred[k]);
        sl_serde_registry_set_default(NULL);
        sl_registry_local_free(sreg);
        sl_registry_store_free(store);
        for (size_t k = 0; k < ndeclared; k++)
                sl_free(declared[k].subject);
        ndeclared = 0;
        sl_free(sql);
        return oc;
}

static void record_outcome(const char *name, outcome oc, const char *why, counts *c)
{
        switch (oc) {
        case PASS:
                c->passed++;
                passing = sl_realloc(passing, (npassing + 1) * sizeof(*passing));
                passing[npassing++] = sl_strdup(name);
                for (size_t i = 0; i < nmust; i++)
                        if (strcmp(must_pass[i], name) == 0)
                                must_seen[i] = true;
                break;
        case FAIL:
                c->failed++;
                if (verbose)
                        printf("  FAIL %s: %s\n", name, why);
                break;
        case SKIP:
                c->skipped++;
                add_reason(why);
                break;
        }
}

static void run_file(const char *dir, const char *file, const sl_func_registry *reg, counts *total)
{
        char path[4096];
        char *text;
        json_t *root, *tests, *tc;
        json_error_t je;
        counts c = {0};
        char base[256];
        size_t i;

        if (strlen(dir) + strlen(file) + 2 > sizeof(path) || strlen(file) >= sizeof(base))
                return;
        memcpy(path, dir, strlen(dir));
        path[strlen(dir)] = '/';
        memcpy(path + strlen(dir) + 1, file, strlen(file) + 1);
        memcpy(base, file, strlen(file) + 1);
        if (strstr(base, ".json"))
                *strstr(base, ".json") = '\0';
        if (!(text = sl_str_read_file(path)))
                return;
        sl_test_qtt_strip_comments(text);
        root = json_loads(text, 0, &je);
        sl_free(text);
        if (!root) {
                printf("%s: unreadable JSON: %s\n", file, je.text);
                return;
        }
        tests = json_object_get(root, "tests");
        json_array_foreach(tests, i, tc) {
                const char *name = json_string_value(json_object_get(tc, "name"));
                json_t *fmts = json_object_get(tc, "format");
                json_t *en = json_object_get(tc, "enabled");
                size_t nf = json_is_array(fmts) ? json_array_size(fmts) : 0;

                if (!name || (en && json_is_false(en)) || !json_is_array(json_object_get(tc, "statements")))
                        continue;
                for (size_t f = 0; f < (nf ? nf : 1); f++) {
                        const char *fmt = nf ? json_string_value(json_array_get(fmts, f)) : NULL;
                        char full[1024], why[1024] = "";
                        outcome oc;

                        snprintf(full, sizeof(full), "%s - %s%s%s", base, name, fmt ? " - " : "", fmt ? fmt : "");
                        if (only && !strstr(full, only))
                                continue;
                        oc = run_one(tc, fmt, reg, why, sizeof(why));
                        record_outcome(full, oc, why, &c);
                }
        }
        json_decref(root);
        printf("%s: %ld passed, %ld failed, %ld skipped\n", file, c.passed, c.failed, c.skipped);
        total->passed += c.passed;
        total->failed += c.failed;
        total->skipped += c.skipped;
}

static int cmp_str(const void *a, const void *b)
{
        return strcmp(*(char *const *)a, *(char *const *)b);
}

static int cmp_reason(const void *a, const void *b)
{
        const reason *x = a, *y = b;

        return x->n < y->n ? 1 : x->n > y->n ? -1 : strcmp(x->text, y->text);
}

static void read_must_pass(const char *path)
{
        char *text = sl_str_read_file(path);
        char *save = NULL;

        if (!text)
                return;
        for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
                size_t n = strlen(line);

                while (n && line[n - 1] == '\r')
                        line[--n] = '\0';
                if (!n || line[0] == '#')
                        continue;
                must_pass = sl_realloc(must_pass, (nmust + 1) * sizeof(*must_pass));
                must_pass[nmust++] = sl_strdup(line);
        }
        sl_free(text);
        must_seen = sl_calloc(nmust + 1, sizeof(*must_seen));
}

int main(int argc, char **argv)
{
        const char *dir = NULL, *write_path = NULL;
        char defdir[4096];
        DIR *d;
        struct dirent *de;
        char **files = NULL;
        size_t nfiles = 0;
        counts total = {0};
        sl_func_registry *reg;
        sl_err_detail e;
        int status = 0;

        for (int i = 1; i < argc; i++) {
                if (strcmp(argv[i], "--passing") == 0 && i + 1 < argc)
                        read_must_pass(argv[++i]);
                else if (strcmp(argv[i], "--write-passing") == 0 && i + 1 < argc)
                        write_path = argv[++i];
                else if (strcmp(argv[i], "--only") == 0 && i + 1 < argc)
                        only = argv[++i];
                else
                        dir = argv[i];
        }
        verbose = getenv("SLUICE_QTT_VERBOSE") != NULL;
        if (!dir) {
                const char *shared = getenv("SLUICE_SHARED");

                snprintf(defdir, sizeof(defdir), "%s/conformance/qtt", shared ? shared : "../shared");
                dir = defdir;
        }
        if (!(d = opendir(dir))) {
                printf("qtt_run: corpus not found at %s: skipped\n", dir);
                return 77;
        }
        while ((de = readdir(d)) != NULL) {
                if (!strstr(de->d_name, ".json"))
                        continue;
                files = sl_realloc(files, (nfiles + 1) * sizeof(*files));
                files[nfiles++] = sl_strdup(de->d_name);
        }
        closedir(d);
        qsort(files, nfiles, sizeof(*files), cmp_str);
        sl_log_set_level(verbose ? SL_LOG_WARN : SL_LOG_OFF);
        reg = sl_func_registry_new();
        if (sl_func_registry_add_builtins(reg, &e) != SL_OK) {
                printf("qtt_run: registry: %s\n", e.message);
                return 1;
        }
        for (size_t i = 0; i < nfiles; i++) {
                run_file(dir, files[i], reg, &total);
                sl_free(files[i]);
        }
        sl_free(files);
        printf("total: %ld passed, %ld failed, %ld skipped\n", total.passed, total.failed, total.skipped);
        if (nreasons)
                qsort(reasons, nreasons, sizeof(*reasons), cmp_reason);
        for (size_t i = 0; i < nreasons; i++) {
                if (i < 25 || verbose)
                        printf("  skipped %ld: %s\n", reasons[i].n, reasons[i].text);
                sl_free(reasons[i].text);
        }
        sl_free(reasons);
        for (size_t i = 0; i < nmust; i++) {
                if (!must_seen[i] && !only) {
                        printf("REGRESSION: %s no longer passes\n", must_pass[i]);
                        status = 1;
                }
                sl_free(must_pass[i]);
        }
        sl_free(must_pass);
        sl_free(must_seen);
        if (write_path) {
                FILE *f = fopen(write_path, "w");

                if (f) {
                        fprintf(f, "# QTT cases that pass (tests/conformance/qtt_run.c); the list only grows.\n");
                        for (size_t i = 0; i < npassing; i++)
                                fprintf(f, "%s\n", passing[i]);
                        fclose(f);
                }
        }
        for (size_t i = 0; i < npassing; i++)
                sl_free(passing[i]);
        sl_free(passing);
        sl_func_registry_free(reg);
        return status;
}
