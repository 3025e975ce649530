/* analyze.c: statement analysis. One entry point, sl_analyze, dispatches on the statement kind:
 * queries (transient push and pull, C*AS, INSERT INTO ... SELECT) go through analyze_query, which
 * sets up the scope (sources and the input row), checks joins, WHERE, GROUP BY, PARTITION BY,
 * WINDOW, HAVING and EMIT, resolves the projection and derives the output schema the way ksqlDB
 * names and keys it; DDL statements are checked against the catalog and turned into the source or
 * type to register. sl_analysis_apply then applies a statement's effect to the catalog, which is
 * how `--check` replays a script. Expression typing lives in analyze_expr.c. */
#include "sql/analyze_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/mem.h"
#include "sql/ast_print.h"
#include "types/cast.h"
#include "types/compare.h"

/* An output column candidate, before keys are chosen. */
typedef struct proj_item {
        const char *name;          /* final name */
        sl_expr *expr;             /* typed */
        const sl_ast_expr *ast;    /* the expression (NULL for star expansions) */
        sl_pos pos;                /* where the item is */
        bool key;                  /* chosen as a key column */
        int star;                  /* 0: explicit item, 1: from *, 2: from alias.* */
} proj_item;

static const char *const pseudo_names[SL_PSEUDO__COUNT] = {
        "ROWTIME", "ROWPARTITION", "ROWOFFSET", "WINDOWSTART", "WINDOWEND", "ROWKEY",
};

const char *sl_analysis_pseudo_name(sl_analysis_pseudo p)
{
        return p < SL_PSEUDO__COUNT ? pseudo_names[p] : "";
}

static bool is_reserved_name(const char *name)
{
        for (int p = 0; p < SL_PSEUDO_ROWKEY; p++)
                if (strcmp(name, pseudo_names[p]) == 0)
                        return true;
        return false;
}

/* ---- schema printing ---- */

static void print_col(sl_str *out, const char *name, const sl_type *type, const char *suffix)
{
        sl_str_appendf(out, "`%s` ", name);
        sl_type_print(out, type);
        sl_str_append(out, suffix);
}

void sl_analysis_print_schema(sl_str *out, const sl_analysis *a)
{
        for (size_t i = 0; i < a->ncolumns; i++) {
                if (i)
                        sl_str_append(out, ", ");
                print_col(out, a->columns[i].name, a->columns[i].type, a->columns[i].key ? " KEY" : "");
        }
}

void sl_catalog_source_print_schema(sl_str *out, const sl_catalog_source *src)
{
        for (size_t i = 0; i < src->ncolumns; i++) {
                const sl_catalog_column *c = &src->columns[i];

                if (i)
                        sl_str_append(out, ", ");
                print_col(out, c->name, c->type, c->role == SL_CATALOG_KEY ? (src->kind == SL_CATALOG_TABLE ? " PRIMARY KEY" : " KEY") :
                                                 c->role == SL_CATALOG_HEADERS ? " HEADERS" : "");
                if (c->role == SL_CATALOG_HEADER)
                        sl_str_appendf(out, " HEADER('%s')", c->header_key);
        }
}

/* ---- WITH properties ---- */

static const sl_ast_property *prop_find(const sl_ast_stmt *stmt, const char *name)
{
        for (size_t i = 0; stmt->props && i < stmt->props->len; i++) {
                const sl_ast_property *p = stmt->props->items[i];

                if (sl_str_eq_ci(p->name.name, name))
                        return p;
        }
        return NULL;
}

/* A property's value as text (strings unquoted, numbers as written), in the arena; NULL when absent. */
static const char *prop_text(az *z, const sl_ast_stmt *stmt, const char *name)
{
        const sl_ast_property *p = prop_find(stmt, name);

        if (!p || !p->value)
                return NULL;
        switch (p->value->kind) {
        case SL_AST_STRING: case SL_AST_DECIMAL: case SL_AST_DOUBLE:
                return p->value->text;
        case SL_AST_INTEGER:
                return sl_arena_sprintf(z->arena, "%lld", (long long)p->value->ival);
        case SL_AST_BOOL:
                return p->value->bval ? "true" : "false";
        default:
                return az_expr_text(z, p->value);
        }
}

static const char *const known_formats[] = {
        "KAFKA", "JSON", "JSON_SR", "AVRO", "PROTOBUF", "PROTOBUF_NOSR", "DELIMITED", "NONE",
};

/* Upper-cases and checks a format name; NULL (error set) when unknown. */
static const char *format_check(az *z, const sl_ast_stmt *stmt, const char *prop, const char *value)
{
        char *up = sl_arena_strdup(z->arena, value);
        const sl_ast_property *p = prop_find(stmt, prop);

        sl_str_upper(up);
        for (size_t i = 0; i < sizeof(known_formats) / sizeof(known_formats[0]); i++)
                if (strcmp(known_formats[i], up) == 0)
                        return up;
        return az_fail(z, p && p->value ? p->value->pos : stmt->pos, "Unknown format: %s", up);
}

static bool format_has_schema_registry(const char *f)
{
        return strcmp(f, "AVRO") == 0 || strcmp(f, "JSON_SR") == 0 || strcmp(f, "PROTOBUF") == 0;
}

/* Does `format` support `type` (recursively)? Returns the unsupported kind name or NULL. */
static const char *format_unsupported(const char *format, const sl_type *t)
{
        bool kafka = strcmp(format, "KAFKA") == 0, delim = strcmp(format, "DELIMITED") == 0;

        if (kafka && (t->kind == SL_TYPE_BOOLEAN || t->kind == SL_TYPE_DECIMAL || sl_type_is_composite(t) ||
                      sl_type_is_temporal(t)))
                return sl_type_kind_name(t->kind);
        if (delim && sl_type_is_composite(t))
                return sl_type_kind_name(t->kind);
        return NULL;
}

static bool type_contains_map(const sl_type *t)
{
        if (t->kind == SL_TYPE_MAP)
                return true;
        if (t->kind == SL_TYPE_ARRAY)
                return type_contains_map(t->elem);
        for (size_t i = 0; t->kind == SL_TYPE_STRUCT && i < t->nfields; i++)
                if (type_contains_map(t->fields[i].type))
                        return true;
        return false;
}

/* The source's key (or other) columns as ksqlDB lists them in format errors ("`A` INTEGER KEY, ..."),
 * in the analyzer's arena. */
static const char *col_list(az *z, const sl_catalog_source *src, bool keys)
{
        bool first = true;
        sl_str s;
        const char *text;

        sl_str_init(&s);
        for (size_t i = 0; i < src->ncolumns; i++) {
                const sl_catalog_column *c = &src->columns[i];

                if ((c->role == SL_CATALOG_KEY) != keys)
                        continue;
                if (!first)
                        sl_str_append(&s, ", ");
                first = false;
                print_col(&s, c->name, c->type, keys ? " KEY" : "");
        }
        text = sl_arena_strdup(z->arena, sl_str_cstr(&s));
        sl_str_deinit(&s);
        return text;
}

/* The error for columns in the key (or value) of a source whose key (or value) format is NONE. */
static bool fail_none_format(az *z, const sl_catalog_source *src, bool keys, sl_pos pos)
{
        return az_fail(z, pos, "The 'NONE' format can only be used when no columns are defined. Got: [%s]",
                       col_list(z, src, keys)) != NULL;
}

/* Checks a finished source's columns against its formats, as ksqlDB's serde factories do. */
static bool check_formats(az *z, const sl_catalog_source *src, sl_pos pos)
{
        size_t nkeys = sl_catalog_source_nkeys(src), nvalues = 0;

        for (size_t i = nkeys; i < src->ncolumns; i++)
                nvalues += src->columns[i].role == SL_CATALOG_VALUE;
        for (size_t i = 0; i < nkeys; i++) {
                const sl_catalog_column *c = &src->columns[i];
                const char *bad = format_unsupported(src->key_format, c->type);

                if (type_contains_map(c->type))
                        return az_fail(z, pos,
                                       "Map keys, including types that contain maps, are not supported as they may "
                                       "lead to unexpected behavior due to inconsistent serialization. Key column "
                                       "name: `%s`. Column type: %s. See https://github.com/confluentinc/ksql/issues/6621 for more.",
                                       c->name, az_type_text(z, c->type)) != NULL;
                if (bad)
                        return az_fail(z, pos, "Key format does not support schema.\nformat: %s\nschema: Persistence{columns=[%s], "
                                        "features=[]}\nreason: The '%s' format does not support type '%s'%s%s%s",
                                src->key_format, col_list(z, src, true), src->key_format, bad,
                                strcmp(src->key_format, "DELIMITED") == 0 ? ", column: `" : "",
                                strcmp(src->key_format, "DELIMITED") == 0 ? c->name : "",
                                strcmp(src->key_format, "DELIMITED") == 0 ? "`" : "") != NULL;
        }
        if (strcmp(src->key_format, "NONE") == 0 && nkeys)
                return fail_none_format(z, src, true, pos);
        if (strcmp(src->key_format, "KAFKA") == 0 && nkeys > 1) {
                const char *cols = col_list(z, src, true);

                return az_fail(z, pos, "Key format does not support schema.\nformat: KAFKA\nschema: Persistence{columns=[%s], "
                                       "features=[]}\nreason: The 'KAFKA' format only supports a single field. Got: [%s]",
                               cols, cols) != NULL;
        }
        if (strcmp(src->value_format, "NONE") == 0 && nvalues)
                return fail_none_format(z, src, false, pos);
        if (strcmp(src->value_format, "KAFKA") == 0 && nvalues > 1)
                return az_fail(z, pos, "The 'KAFKA' format only supports a single field. Got: [%s]",
                               col_list(z, src, false)) != NULL;
        for (size_t i = nkeys; i < src->ncolumns; i++) {
                const char *bad = format_unsupported(src->value_format, src->columns[i].type);

                if (src->columns[i].role != SL_CATALOG_VALUE)
                        continue;
                if (bad)
                        return az_fail(z, pos, "The '%s' format does not support type '%s'", src->value_format, bad) != NULL;
                if ((strcmp(src->value_format, "JSON") == 0 || strcmp(src->value_format, "AVRO") == 0 ||
                     strcmp(src->value_format, "PROTOBUF") == 0) &&
                    src->columns[i].type->kind == SL_TYPE_MAP && src->columns[i].type->key->kind != SL_TYPE_STRING)
                        return az_fail(z, pos, "%s", strcmp(src->value_format, "AVRO") == 0
                                                             ? "Avro only supports MAPs with STRING keys"
                                                             : strcmp(src->value_format, "JSON") == 0
                                                                       ? "JSON only supports MAP types with STRING keys"
                                                                       : "PROTOBUF format only supports MAP types with STRING keys") != NULL;
        }
        return true;
}

/* ksqlDB's checks of the aggregate functions of a GROUP BY query as it builds them: over a table
 * every function needs undo (SchemaKGroupedTable: "The aggregation functions A, B and C cannot be
 * applied to a table source, only to a stream source."), and every intermediate state must be
 * writable in the source's value format, in which the aggregation is materialized
 * (MaterializationUtil). */
static bool check_aggregates(az *z, const sl_ast_query *q)
{
        sl_analysis *a = z->a;
        bool table_input = a->nsources > 0;
        const char **bad = sl_arena_calloc(z->arena, a->naggs + 1, sizeof(*bad));
        size_t nbad = 0;

        for (size_t i = 0; i < a->nsources; i++)
                table_input = table_input && a->sources[i].src->kind == SL_CATALOG_TABLE;
        for (size_t i = 0; table_input && i < a->naggs; i++) {
                const sl_func_resolved *res = a->aggs[i].res;
                bool seen = false;

                if (!res || res->ov->agg->undo)
                        continue;
                for (size_t j = 0; j < nbad; j++)
                        seen = seen || strcmp(bad[j], a->aggs[i].name) == 0;
                if (!seen)
                        bad[nbad++] = a->aggs[i].name;
        }
        if (nbad) {
                sl_str s;
                const char *list;

                sl_str_init(&s);
                for (size_t i = 0; i < nbad; i++) {
                        if (i)
                                sl_str_append(&s, i + 1 == nbad ? " and " : ", ");
                        sl_str_append(&s, bad[i]);
                }
                list = sl_arena_strdup(z->arena, sl_str_cstr(&s));
                sl_str_deinit(&s);
                return az_fail(z, q->pos, "The aggregation function%s %s cannot be applied to a table source, only to a "
                                          "stream source.", nbad == 1 ? "" : "s", list) != NULL;
        }
        for (size_t i = 0; a->nsources > 0 && i < a->naggs; i++) {
                const sl_func_resolved *res = a->aggs[i].res;
                const sl_type **types;
                const sl_type *st = NULL;
                sl_err_detail e;

                if (!res || !res->ov->agg->state_type)
                        continue;
                types = sl_arena_calloc(z->arena, res->nargs + 1, sizeof(*types));
                for (size_t j = 0; j < res->nargs; j++)
                        types[j] = res->args[j].type ? res->args[j].type : sl_type_null();
                if (res->ov->agg->state_type(z->arena, types, res->nargs, &st, &e) != SL_OK)
                        return az_fail(z, q->pos, "%s", e.message) != NULL;
                if (format_unsupported(a->sources[0].src->value_format, st))
                        return az_fail(z, q->pos, "One of the functions used in the statement has an intermediate type "
                                                  "that the value format can not handle. Please remove the function or "
                                                  "change the format.") != NULL;
        }
        return true;
}

/* Parses a duration property ('20 SECONDS') into ms; -1 with an error on bad text. */
static int64_t parse_duration(az *z, const char *text, sl_pos pos)
{
        long long n;
        char unit[32] = "";
        char *up;
        static const struct { const char *u; int64_t ms; } units[] = {
                {"MILLISECOND", 1}, {"MILLISECONDS", 1}, {"SECOND", 1000}, {"SECONDS", 1000},
                {"MINUTE", 60000}, {"MINUTES", 60000}, {"HOUR", 3600000}, {"HOURS", 3600000},
                {"DAY", 86400000}, {"DAYS", 86400000},
        };

        if (sscanf(text, "%lld %31s", &n, unit) != 2) {
                az_fail(z, pos, "Configuration WINDOW_SIZE is invalid: Invalid duration: '%s'. Expected <number> <unit>", text);
                return -1;
        }
        up = sl_arena_strdup(z->arena, unit);
        sl_str_upper(up);
        for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++)
                if (strcmp(units[i].u, up) == 0)
                        return n * units[i].ms;
        az_fail(z, pos, "Configuration WINDOW_SIZE is invalid: Invalid duration: '%s'. Unknown time unit: '%s'", text, up);
        return -1;
}

/* Reads the format-related properties shared by CREATE and C*AS into `src`. `inherit` gives
 * defaults (C*AS: the first source), may be NULL. */
static bool apply_common_props(az *z, const sl_ast_stmt *stmt, sl_catalog_source *src, const sl_catalog_source *inherit,
                               bool need_topic)
{
        const char *topic = prop_text(z, stmt, "KAFKA_TOPIC");
        const char *fmt = prop_text(z, stmt, "FORMAT");
        const char *kf = prop_text(z, stmt, "KEY_FORMAT");
        const char *vf = prop_text(z, stmt, "VALUE_FORMAT");
        const char *ts = prop_text(z, stmt, "TIMESTAMP");
        const char *tsf = prop_text(z, stmt, "TIMESTAMP_FORMAT");
        const char *parts = prop_text(z, stmt, "PARTITIONS");

        if (fmt && vf)
                return az_fail(z, stmt->pos, "Cannot supply both 'VALUE_FORMAT' and 'FORMAT' properties, as 'FORMAT' sets "
                                             "both key and value formats. Either use just 'FORMAT', or use 'KEY_FORMAT' "
                                             "and 'VALUE_FORMAT'.") != NULL;
        if (fmt && kf)
                return az_fail(z, stmt->pos, "Cannot supply both 'KEY_FORMAT' and 'FORMAT' properties, as 'FORMAT' sets "
                                             "both key and value formats. Either use just 'FORMAT', or use 'KEY_FORMAT' "
                                             "and 'VALUE_FORMAT'.") != NULL;
        if (fmt)
                kf = vf = fmt;
        if (!topic && need_topic)
                return az_fail(z, stmt->pos, "Missing required property \"KAFKA_TOPIC\" which has no default value.") != NULL;
        if (!vf)
                vf = inherit ? inherit->value_format : z->ctx->default_value_format;
        if (!vf)
                return az_fail(z, stmt->pos, "Statement is missing the 'VALUE_FORMAT' property from the WITH clause. "
                                             "Either provide one or set a default via the "
                                             "'ksql.persistence.default.format.value' config.") != NULL;
        if (!kf)
                kf = inherit ? inherit->key_format : z->ctx->default_key_format ? z->ctx->default_key_format : "KAFKA";
        if (!(vf = format_check(z, stmt, fmt ? "FORMAT" : "VALUE_FORMAT", vf)) ||
            !(kf = format_check(z, stmt, fmt ? "FORMAT" : "KEY_FORMAT", kf)))
                return false;
        src->topic = sl_catalog_source_strdup(src, topic ? topic : src->name);
        src->key_format = sl_catalog_source_strdup(src, kf);
        src->value_format = sl_catalog_source_strdup(src, vf);
        if (ts) {
                char *up = sl_arena_strdup(z->arena, ts);

                if (ts[0] != '`')
                        sl_str_upper(up);
                src->timestamp_column = sl_catalog_source_strdup(src, up);
        }
        src->timestamp_format = sl_catalog_source_strdup(src, tsf);
        src->partitions = parts ? atoi(parts) : inherit ? inherit->partitions : 0;
        return true;
}

/* KEY_DELIMITER / VALUE_DELIMITER: one character, TAB or SPACE, and only for DELIMITED. */
static bool check_delimiters(az *z, const sl_ast_stmt *stmt, const sl_catalog_source *src)
{
        static const char *const props[2] = {"KEY_DELIMITER", "VALUE_DELIMITER"};

        for (int i = 0; i < 2; i++) {
                const char *d = prop_text(z, stmt, props[i]);
                const char *fmt = i ? src->value_format : src->key_format;

                if (!d)
                        continue;
                if (strcmp(fmt, "DELIMITED") != 0)
                        return az_fail(z, stmt->pos, "%s does not support the following configs: [delimiter]", fmt) != NULL;
                if (d[0] == '\0' || strcmp(d, " ") == 0 || strcmp(d, "\t") == 0)
                        return az_fail(z, stmt->pos, "Failed to prepare statement: Configuration %s is invalid: Delimiter cannot "
                                                     "be empty, if you meant to have a tab or space for delimiter, please use "
                                                     "the special values 'TAB' or 'SPACE'\nExample valid value: ';'",
                                       props[i]) != NULL;
                if (strlen(d) > 1 && !sl_str_eq_ci(d, "TAB") && !sl_str_eq_ci(d, "SPACE"))
                        return az_fail(z, stmt->pos, "Failed to prepare statement: Configuration %s is invalid: Invalid "
                                                     "delimiter value: '%s'. Delimiter must be a single character or "
                                                     "TAB,SPACE\nExample valid value: ';'", props[i], d) != NULL;
        }
        return true;
}

/* TIMESTAMP column: must exist and be BIGINT, TIMESTAMP, or STRING with a TIMESTAMP_FORMAT. */
static bool check_timestamp(az *z, const sl_ast_stmt *stmt, const sl_catalog_source *src)
{
        int c;
        const sl_type *t;

        if (!src->timestamp_column)
                return true;
        c = sl_catalog_source_column_index(src, src->timestamp_column);
        if (c < 0)
                return az_fail(z, stmt->pos, "The TIMESTAMP column set in the WITH clause does not exist in the schema: '%s'",
                               src->timestamp_column) != NULL;
        t = src->columns[c].type;
        if (t->kind == SL_TYPE_BIGINT || t->kind == SL_TYPE_TIMESTAMP ||
            (t->kind == SL_TYPE_STRING && src->timestamp_format))
                return true;
        return az_fail(z, stmt->pos, "Timestamp column, `%s`, should be LONG(INT64), TIMESTAMP, or a String with a "
                                     "timestamp_format specified", src->timestamp_column) != NULL;
}

/* ---- CREATE STREAM / TABLE ---- */

static const sl_type *headers_type(az *z)
{
        sl_type_field f[2] = {{"KEY", sl_type_string()}, {"VALUE", sl_type_bytes()}};

        return sl_type_array(z->arena, sl_type_struct(z->arena, f, 2));
}

/* Existing-source rules of CREATE [OR REPLACE] and C*AS. Returns false on error; *skip when IF NOT
 * EXISTS makes the statement a no-op. */
static bool check_existing(az *z, const sl_ast_stmt *stmt, sl_catalog_kind kind, bool *skip)
{
        const sl_catalog_source *old = sl_catalog_source_get(z->ctx->cat, stmt->name.name);
        const char *kn = sl_catalog_kind_name(kind);

        *skip = false;
        if (!old)
                return true;
        if (stmt->flags & SL_AST_IF_NOT_EXISTS) {
                *skip = true;
                return true;
        }
        if ((stmt->flags & SL_AST_OR_REPLACE) && (old->source_only || (stmt->flags & SL_AST_SOURCE)))
                return az_fail(z, stmt->name.pos, "Cannot add %s '%s': CREATE OR REPLACE is not supported on source %ss.",
                               kn, stmt->name.name, kn) != NULL;
        if (old->kind != kind)
                return az_fail(z, stmt->name.pos, "Cannot add %s '%s': A %s with the same name already exists", kn,
                               stmt->name.name, sl_catalog_kind_name(old->kind)) != NULL;
        if (!(stmt->flags & SL_AST_OR_REPLACE))
                return az_fail(z, stmt->name.pos, "Cannot add %s '%s': A %s with the same name already exists", kn,
                               stmt->name.name, kn) != NULL;
        return true;
}

static bool analyze_create(az *z, const sl_ast_stmt *stmt)
{
        sl_catalog_kind kind = stmt->kind == SL_AST_STMT_CREATE_TABLE ? SL_CATALOG_TABLE : SL_CATALOG_STREAM;
        sl_catalog_source *src;
        size_t n = stmt->elements ? stmt->elements->len : 0, nkeys = 0;
        const char *wt, *ws, *wsv;
        bool skip;

        if (!check_existing(z, stmt, kind, &skip) || skip)
                return !z->failed;
        src = sl_catalog_source_new(stmt->name.name, kind);
        z->a->new_source = src;
        src->source_only = (stmt->flags & SL_AST_SOURCE) != 0;
        src->sql = sl_catalog_source_strdup(src, stmt->text);
        for (size_t i = 0; i < n; i++) {
                const sl_ast_field_def *fd = stmt->elements->items[i];
                const sl_type *t;
                sl_catalog_role role = SL_CATALOG_VALUE;

                if (is_reserved_name(fd->name.name))
                        return az_fail(z, fd->name.pos, "'%s' is a reserved column name. You cannot use it as a name for a column.",
                                       fd->name.name) != NULL;
                for (size_t j = 0; j < i; j++) {
                        const sl_ast_field_def *o = stmt->elements->items[j];

                        if (strcmp(o->name.name, fd->name.name) == 0)
                                return az_fail(z, fd->name.pos, "Duplicate column names: `%s`", fd->name.name) != NULL;
                }
                if (!(t = az_type(z, fd->type)))
                        return false;
                switch (fd->constraint) {
                case SL_AST_COL_KEY:
                case SL_AST_COL_PRIMARY_KEY: {
                        /* streams take KEY, tables PRIMARY KEY */
                        bool primary = fd->constraint == SL_AST_COL_PRIMARY_KEY;
                        if (kind == (primary ? SL_CATALOG_STREAM : SL_CATALOG_TABLE))
                                return az_fail(z, fd->name.pos, "Column `%s` is a '%s' column: please use '%s' for %s.",
                                               fd->name.name, primary ? "PRIMARY KEY" : "KEY",
                                               primary ? "KEY" : "PRIMARY KEY", primary ? "streams" : "tables") != NULL;
                        role = SL_CATALOG_KEY;
                        break;
                }
                case SL_AST_COL_HEADERS:
                        if (!sl_type_eq(t, headers_type(z)))
                                return az_fail(z, fd->type->pos, "Invalid type for HEADERS column: expected "
                                                                  "ARRAY<STRUCT<`KEY` STRING, `VALUE` BYTES>>, got %s",
                                               az_type_text(z, t)) != NULL;
                        role = SL_CATALOG_HEADERS;
                        break;
                case SL_AST_COL_HEADER:
                        if (t->kind != SL_TYPE_BYTES)
                                return az_fail(z, fd->type->pos, "Invalid type for HEADER('%s') column: expected BYTES, got %s",
                                               fd->header_key, az_type_text(z, t)) != NULL;
                        role = SL_CATALOG_HEADER;
                        break;
                case SL_AST_COL_VALUE:
                        break;
                }
                nkeys += role == SL_CATALOG_KEY;
                sl_catalog_source_add_column(src, fd->name.name, t, role, fd->header_key);
        }
        if (!apply_common_props(z, stmt, src, NULL, true))
                return false;
        if (!check_delimiters(z, stmt, src))
                return false;
        if (kind == SL_CATALOG_TABLE && nkeys == 0 && !format_has_schema_registry(src->key_format))
                return az_fail(z, stmt->pos, "Tables require a PRIMARY KEY. Please define the PRIMARY KEY.") != NULL;
        if (n == 0 && !format_has_schema_registry(src->value_format))
                return az_fail(z, stmt->pos, "No columns supplied.") != NULL;
        wt = prop_text(z, stmt, "WINDOW_TYPE");
        ws = prop_text(z, stmt, "WINDOW_SIZE");
        if (wt) {
                char *up = sl_arena_strdup(z->arena, wt);

                sl_str_upper(up);
                if (strcmp(up, "SESSION") == 0)
                        src->window = SL_CATALOG_WINDOW_SESSION;
                else if (strcmp(up, "TUMBLING") == 0)
                        src->window = SL_CATALOG_WINDOW_TUMBLING;
                else if (strcmp(up, "HOPPING") == 0)
                        src->window = SL_CATALOG_WINDOW_HOPPING;
                else
                        return az_fail(z, stmt->pos, "Invalid value %s for property WINDOW_TYPE: String must be one of: "
                                                     "SESSION, HOPPING, TUMBLING", wt) != NULL;
                if (src->window == SL_CATALOG_WINDOW_SESSION && ws)
                        return az_fail(z, stmt->pos, "'WINDOW_SIZE' should not be set for SESSION windows.") != NULL;
                if (src->window != SL_CATALOG_WINDOW_SESSION && !ws)
                        return az_fail(z, stmt->pos, "Tumbling and Hopping window types should set WINDOW_SIZE in the WITH clause.") != NULL;
                if (ws && (src->window_size_ms = parse_duration(z, ws, stmt->pos)) < 0)
                        return false;
                if (nkeys == 0)
                        return az_fail(z, stmt->pos, "Windowed sources require a key column.") != NULL;
        } else if (ws) {
                return az_fail(z, stmt->pos, "'WINDOW_SIZE' should not be set without 'WINDOW_TYPE'.") != NULL;
        }
        wsv = prop_text(z, stmt, "WRAP_SINGLE_VALUE");
        if (wsv) {
                size_t nv = src->ncolumns - nkeys;

                if (nv != 1 && !format_has_schema_registry(src->value_format))
                        return az_fail(z, stmt->pos, "'WRAP_SINGLE_VALUE' is only valid for single-field value schemas") != NULL;
                if (sl_str_eq_ci(wsv, "true") && (strcmp(src->value_format, "KAFKA") == 0 ||
                                                  strcmp(src->value_format, "DELIMITED") == 0))
                        return az_fail(z, stmt->pos, "Format '%s' does not support 'WRAP_SINGLE_VALUE' set to 'true'.",
                                       src->value_format) != NULL;
                src->wrap_single_value = sl_str_eq_ci(wsv, "true");
        }
        if (!check_formats(z, src, stmt->pos))
                return false;
        return check_timestamp(z, stmt, src);
}

/* ---- queries ---- */

/* Which sources an expression reads: a bit per source (up to 64 sources). */
static uint64_t sources_read(const sl_analysis *a, const sl_expr *e)
{
        uint64_t m = 0;

        if (e->kind == SL_EXPR_COLUMN && (size_t)e->index < a->pseudo_base) {
                for (size_t i = 0; i < a->nsources; i++)
                        if ((size_t)e->index >= a->sources[i].base &&
                            (size_t)e->index < a->sources[i].base + a->sources[i].src->ncolumns +
                                                       (a->nsources > 1 ? SL_PSEUDO_ROWKEY : 0))
                                m |= UINT64_C(1) << (i & 63);
        }
        for (size_t i = 0; i < e->nargs; i++)
                if (e->args[i])
                        m |= sources_read(a, e->args[i]);
        return m;
}

static const char *join_kind_text(sl_ast_join_kind k)
{
        switch (k) {
        case SL_AST_JOIN_INNER: return "[INNER] JOIN";
        case SL_AST_JOIN_LEFT: return "LEFT [OUTER] JOIN";
        case SL_AST_JOIN_RIGHT: return "RIGHT [OUTER] JOIN";
        case SL_AST_JOIN_FULL: return "[FULL] OUTER JOIN";
        }
        return "JOIN";
}

/* Is `e` a bare reference to a key column of source `si`? */
static bool is_key_of(const sl_analysis *a, const sl_expr *e, size_t si)
{
        const sl_analysis_source *s = &a->sources[si];

        return e->kind == SL_EXPR_COLUMN && (size_t)e->index >= s->base &&
               (size_t)e->index < s->base + sl_catalog_source_nkeys(s->src);
}

static bool analyze_joins(az *z, const sl_ast_query *q)
{
        sl_analysis *a = z->a;
        sl_catalog_kind left_kind = a->sources[0].src->kind;

        a->njoins = a->nsources - 1;
        a->joins = sl_arena_calloc(z->arena, a->njoins ? a->njoins : 1, sizeof(*a->joins));
        for (size_t j = 0; j < a->njoins; j++) {
                const sl_ast_join *aj = q->joins->items[j];
                sl_analysis_join *jn = &a->joins[j];
                size_t ri = j + 1;
                const sl_analysis_source *rs = &a->sources[ri];
                const sl_ast_expr *on = aj->on;
                sl_expr *l, *r;
                uint64_t lm, rm, rbit = UINT64_C(1) << (ri & 63);

                jn->kind = aj->kind;
                jn->right = ri;
                jn->ast = aj;
                jn->grace_ms = aj->grace.unit != SL_AST_UNIT_NONE ? sl_ast_duration_ms(aj->grace) : -1;
                if (on->kind == SL_AST_BINARY && on->op == SL_AST_OP_AND)
                        return az_fail(z, on->pos, "Invalid join condition: joins on multiple conditions are not yet supported. Got %s.",
                                       az_expr_text(z, on)) != NULL;
                if (on->kind != SL_AST_BINARY || on->op != SL_AST_OP_EQ)
                        return az_fail(z, on->pos, "Unsupported join expression: %s. Only equality joins are supported.",
                                       az_expr_text(z, on)) != NULL;
                z->clause = "JOIN ON";
                if (!(l = az_expr(z, on->a)) || !(r = az_expr(z, on->b)))
                        return false;
                lm = sources_read(a, l);
                rm = sources_read(a, r);
                if (!lm || !rm || (lm & (lm - 1)) || (rm & (rm - 1))) {
                        const sl_ast_expr *bad = !lm || (lm & (lm - 1)) ? on->a : on->b;

                        return az_fail(z, bad->pos, "Invalid comparison expression '%s' in join '%s'. Each side of the join "
                                                    "comparision must contain references from exactly one source.",
                                       az_expr_text(z, bad), az_expr_text(z, on)) != NULL;
                }
                if (lm == rbit && rm != rbit) {
                        sl_expr *t = l;
                        l = r;
                        r = t;
                        lm = sources_read(a, l);
                        rm = rbit;
                }
                if (lm == rm) {
                        size_t li = (size_t)__builtin_ctzll(lm);
                        return az_fail(z, on->pos, "Each side of the join must reference exactly one source and not the same "
                                                   "source. Left side references `%s` and right references `%s`",
                                       a->sources[li].alias, a->sources[li].alias) != NULL;
                }
                if (rm != rbit) {
                        return az_fail(z, on->pos, "A join criteria is expected to reference the source (`%s`) in the FROM clause, "
                                                   "instead the right source references `%s` and the left source references `%s`",
                                       rs->alias, a->sources[__builtin_ctzll(rm)].alias,
                                       a->sources[__builtin_ctzll(lm)].alias) != NULL;
                }
                jn->left_key = l;
                jn->right_key = r;
        }
        /* then the kinds, windows and types of each step (ksqlDB checks every criteria first) */
        for (size_t j = 0; j < a->njoins; j++) {
                sl_analysis_join *jn = &a->joins[j];
                const sl_ast_join *aj = jn->ast;
                const sl_ast_expr *on = aj->on;
                const sl_analysis_source *rs = &a->sources[jn->right];
                sl_expr *l = jn->left_key, *r = jn->right_key;
                uint64_t lm = sources_read(a, l);
                const sl_analysis_source *lsrc = &a->sources[__builtin_ctzll(lm)];

                if (a->sources[0].src->window != SL_CATALOG_WINDOW_NONE && rs->src->window != SL_CATALOG_WINDOW_NONE) {
                        const sl_catalog_source *ls = a->sources[0].src;
                        bool lsess = ls->window == SL_CATALOG_WINDOW_SESSION, rsess = rs->src->window == SL_CATALOG_WINDOW_SESSION;

                        if (lsess != rsess)
                                return az_fail(z, aj->pos, "Incompatible windowed sources.\nLeft source: %s\nRight source: %s\n"
                                                           "Session windowed sources can only be joined to other session "
                                                           "windowed sources, and may still not result in expected behaviour "
                                                           "as session bounds must be an exact match for the join to work\n"
                                                           "Hopping and tumbling windowed sources can only be joined to other "
                                                           "hopping and tumbling windowed sources",
                                               sl_catalog_window_name(ls->window), sl_catalog_window_name(rs->src->window)) != NULL;
                        /* schema-registry key formats serialize only the window start, so
                         * their keys still match (ksqlDB allows that join) */
                        if ((ls->window != rs->src->window || ls->window_size_ms != rs->src->window_size_ms) &&
                            !format_has_schema_registry(ls->key_format))
                                return az_fail(z, aj->pos, "Implicit repartitioning of windowed sources is not supported.") != NULL;
                }
                if ((a->sources[0].src->window != SL_CATALOG_WINDOW_NONE) != (rs->src->window != SL_CATALOG_WINDOW_NONE)) {
                        const sl_analysis_source *w = a->sources[0].src->window ? &a->sources[0] : rs;
                        const sl_analysis_source *nw = w == rs ? &a->sources[0] : rs;

                        return az_fail(z, aj->pos, "Can not join windowed source to non-windowed source.\n`%s` is %s windowed\n`%s` is not windowed",
                                       w->src->name, sl_catalog_window_name(w->src->window), nw->src->name) != NULL;
                }
                if (!sl_type_eq(l->type, r->type)) {
                        const sl_ast_expr *la = l->ast ? l->ast : on->a, *ra = r->ast ? r->ast : on->b;

                        return az_fail(z, on->pos, "Invalid join condition: types don't match. Got %s{%s} = %s{%s}.",
                                       az_expr_text_q(z, la), az_type_text(z, l->type), az_expr_text_q(z, ra),
                                       az_type_text(z, r->type)) != NULL;
                }
                if (left_kind == SL_CATALOG_TABLE && rs->src->kind == SL_CATALOG_STREAM)
                        return az_fail(z, aj->pos, "Invalid join order: table-stream joins are not supported; only stream-table "
                                                   "joins. Got %s %s %s.", lsrc->src->name,
                                       join_kind_text(aj->kind), rs->src->name) != NULL;
                if (left_kind == SL_CATALOG_STREAM && rs->src->kind == SL_CATALOG_STREAM) {
                        jn->stream_stream = true;
                        if (!aj->has_within)
                                return az_fail(z, aj->pos, "Stream-Stream joins must have a WITHIN clause specified. None was "
                                                           "provided. To learn about how to specify a WITHIN clause with a "
                                                           "stream-stream join, please visit: "
                                                           "https://docs.confluent.io/current/ksql/docs/syntax-reference.html#create-stream-as-select") != NULL;
                        jn->before_ms = sl_ast_duration_ms(aj->before);
                        jn->after_ms = aj->within_two ? sl_ast_duration_ms(aj->after) : jn->before_ms;
                } else {
                        if (aj->has_within)
                                return az_fail(z, aj->pos, "A window definition was provided for a %s join. These joins are not "
                                                           "windowed. Please drop the window definition (ie. the WITHIN "
                                                           "clause) and try to execute your join again.",
                                               left_kind == SL_CATALOG_STREAM ? "Stream-Table" : "Table-Table") != NULL;
                        if (left_kind == SL_CATALOG_STREAM) {
                                if (aj->kind == SL_AST_JOIN_FULL || aj->kind == SL_AST_JOIN_RIGHT)
                                        return az_fail(z, aj->pos, "Invalid join type: %s join not supported for stream-table join. "
                                                                   "Got %s %s %s.",
                                                       aj->kind == SL_AST_JOIN_FULL ? "full-outer" : "right-outer",
                                                       lsrc->src->name, join_kind_text(aj->kind),
                                                       rs->src->name) != NULL;
                                if (!is_key_of(a, r, jn->right))
                                        return az_fail(z, on->pos, "Invalid join condition: stream-table joins require to join on the "
                                                                   "table's primary key. Got %s = %s.", az_expr_text_q(z, on->a),
                                                       az_expr_text_q(z, on->b)) != NULL;
                        } else {
                                if (!is_key_of(a, r, jn->right))
                                        return az_fail(z, on->pos, "Invalid join condition: table-table joins require to join on the "
                                                                   "primary key of the right input table. Got %s = %s.",
                                                       az_expr_text_q(z, on->a), az_expr_text_q(z, on->b)) != NULL;
                                /* a primary-key join uses the left table's only key column */
                                size_t li = (size_t)__builtin_ctzll(lm);

                                if (!is_key_of(a, l, li) || sl_catalog_source_nkeys(a->sources[li].src) != 1) {
                                        jn->foreign_key = true;
                                        if (aj->kind == SL_AST_JOIN_RIGHT)
                                                return az_fail(z, aj->pos, "RIGHT OUTER JOIN on a foreign key is not supported") != NULL;
                                        if (aj->kind == SL_AST_JOIN_FULL)
                                                return az_fail(z, aj->pos, "FULL OUTER JOIN on a foreign key is not supported") != NULL;
                                }
                        }
                }
                if (left_kind == SL_CATALOG_TABLE && rs->src->kind == SL_CATALOG_TABLE)
                        left_kind = SL_CATALOG_TABLE;
                else
                        left_kind = SL_CATALOG_STREAM;
        }
        a->result_kind = left_kind;
        /* the result key: a column of the last join's criteria (or one equal to it through an
         * earlier join), else a synthetic ROWKEY; FULL OUTER joins always get ROWKEY */
        {
                const sl_analysis_join *last = &a->joins[a->njoins - 1];
                bool col = last->left_key->kind == SL_EXPR_COLUMN || last->right_key->kind == SL_EXPR_COLUMN;

                for (size_t j = 0; !col && j + 1 < a->njoins; j++) {
                        const sl_analysis_join *jn = &a->joins[j];

                        if (sl_expr_equal(jn->right_key, last->left_key) || sl_expr_equal(jn->left_key, last->left_key))
                                col = jn->left_key->kind == SL_EXPR_COLUMN || jn->right_key->kind == SL_EXPR_COLUMN;
                }
                if (last->kind == SL_AST_JOIN_FULL || !col) {
                        z->synthetic_key = true;
                        z->rowkey_type = last->left_key->type;
                }
        }
        return true;
}

/* Name of a projected expression without alias (ksqlDB's ColumnNames). */
static const char *derived_name(az *z, const sl_expr *e, const sl_ast_expr *ast, int *gen)
{
        sl_analysis *a = z->a;

        (void)e;
        if (ast->kind == SL_AST_COLUMN) {
                if (a->nsources > 1) {
                        size_t holders = 0;

                        /* a join prefixes a column with its source only when the name is ambiguous */
                        for (size_t i = 0; i < a->nsources; i++)
                                holders += sl_catalog_source_column_index(a->sources[i].src, ast->name) >= 0;
                        if (ast->qual) {
                                for (int p = 0; p < SL_PSEUDO_ROWKEY; p++)
                                        if (strcmp(ast->name, pseudo_names[p]) == 0)
                                                return sl_arena_sprintf(z->arena, "%s_%s", ast->qual, ast->name);
                        }
                        for (size_t i = 0; holders > 1 && i < a->nsources; i++) {
                                if (sl_catalog_source_column_index(a->sources[i].src, ast->name) < 0)
                                        continue;
                                if (ast->qual && strcmp(ast->qual, a->sources[i].alias) != 0)
                                        continue;
                                return sl_arena_sprintf(z->arena, "%s_%s", a->sources[i].alias, ast->name);
                        }
                }
                return ast->name;
        }
        if (ast->kind == SL_AST_DEREF)
                return ast->name;
        for (;;) {
                /* KSQL_COL_n, skipping names the sources already use */
                const char *n = sl_arena_sprintf(z->arena, "KSQL_COL_%d", (*gen)++);
                bool taken = false;

                for (size_t i = 0; i < a->nsources && !taken; i++)
                        taken = sl_catalog_source_column_index(a->sources[i].src, n) >= 0;
                if (!taken)
                        return n;
        }
}

/* A derived name that clashes with an earlier item's gets _1, _2, ... (ksqlDB: B, B_1, B_2). */
static const char *unique_name(az *z, const proj_item *items, size_t n, const char *name)
{
        const char *cand = name;

        for (int k = 1;; k++) {
                bool taken = false;

                for (size_t i = 0; i < n && !taken; i++)
                        taken = strcmp(items[i].name, cand) == 0;
                if (!taken)
                        return cand;
                cand = sl_arena_sprintf(z->arena, "%s_%d", name, k);
        }
}

static void items_push(az *z, proj_item **items, size_t *n, size_t *cap, proj_item it)
{
        if (*n == *cap) {
                size_t nc = *cap ? *cap * 2 : 16;
                proj_item *ni = sl_arena_calloc(z->arena, nc, sizeof(*ni));

                if (*n)
                        memcpy(ni, *items, *n * sizeof(*ni));
                *items = ni;
                *cap = nc;
        }
        (*items)[(*n)++] = it;
}

/* Expands `*` or `alias.*` (qual) into items. */
static bool expand_star(az *z, const char *qual, sl_pos pos, proj_item **items, size_t *n, size_t *cap)
{
        sl_analysis *a = z->a;
        bool found = false;

        for (size_t i = 0; i < a->nsources; i++) {
                const sl_analysis_source *s = &a->sources[i];

                if (qual && strcmp(qual, s->alias) != 0)
                        continue;
                found = true;
                for (size_t c0 = 0; c0 < s->src->ncolumns; c0++) {
                        /* after PARTITION BY the source's key columns are values, placed last */
                        size_t nk = a->partition_by ? sl_catalog_source_nkeys(s->src) : 0;
                        size_t c = (c0 + nk) % s->src->ncolumns;
                        sl_ast_expr *ce = sl_ast_expr_column(z->arena, sl_arena_strdup(z->arena, s->alias),
                                                             (sl_ast_ident){(char *)s->src->columns[c].name, pos});
                        sl_expr *e;
                        bool saved = z->nonagg_seen;

                        z->nonagg_seen = false;
                        if (!(e = az_expr(z, ce)))
                                return false;
                        if (z->nonagg_seen)
                                return az_fail(z, pos, "Non-aggregate SELECT expression(s) not part of GROUP BY: %s\n"
                                                       "Either add the column(s) to the GROUP BY or remove them from the SELECT.",
                                               s->src->columns[c].name) != NULL;
                        z->nonagg_seen = saved;
                        if (a->nsources > 1 && s->src->window != SL_CATALOG_WINDOW_NONE && c0 == sl_catalog_source_nkeys(s->src) &&
                            !a->partition_by) {
                                /* a windowed source's bounds follow its key columns */
                                for (int p = SL_PSEUDO_WINDOWSTART; p <= SL_PSEUDO_WINDOWEND; p++) {
                                        sl_ast_expr *we = sl_ast_expr_column(z->arena, sl_arena_strdup(z->arena, s->alias),
                                                                             (sl_ast_ident){(char *)pseudo_names[p], pos});
                                        sl_expr *w = sl_expr_new(z->arena, SL_EXPR_COLUMN, sl_type_bigint(), 0);

                                        w->index = (int)(s->base + s->src->ncolumns + (size_t)p);
                                        w->ast = we;
                                        items_push(z, items, n, cap, (proj_item){
                                                .name = sl_arena_sprintf(z->arena, "%s_%s", s->alias, pseudo_names[p]),
                                                .expr = w, .ast = we, .pos = pos, .star = qual ? 2 : 1});
                                }
                        }
                        if (a->pull && a->nsources == 1 && s->src->window != SL_CATALOG_WINDOW_NONE &&
                            c0 == sl_catalog_source_nkeys(s->src)) {
                                /* a pull query's rows of a windowed table: the bounds follow the key */
                                for (int p = SL_PSEUDO_WINDOWSTART; p <= SL_PSEUDO_WINDOWEND; p++) {
                                        sl_ast_expr *we = sl_ast_expr_column(z->arena, NULL,
                                                                             (sl_ast_ident){(char *)pseudo_names[p], pos});
                                        sl_expr *w = sl_expr_new(z->arena, SL_EXPR_COLUMN, sl_type_bigint(), 0);

                                        w->index = (int)(a->pseudo_base + (size_t)p);
                                        w->ast = we;
                                        items_push(z, items, n, cap, (proj_item){.name = pseudo_names[p], .expr = w,
                                                                                 .ast = we, .pos = pos,
                                                                                 .star = qual ? 2 : 1});
                                }
                        }
                        items_push(z, items, n, cap, (proj_item){
                                .name = a->nsources > 1 ? sl_arena_sprintf(z->arena, "%s_%s", s->alias, s->src->columns[c].name)
                                                        : s->src->columns[c].name,
                                .expr = e, .ast = ce, .pos = pos, .star = qual ? 2 : 1});
                }
        }
        if (!found)
                return az_fail(z, pos, "'%s' is not a valid stream/table name or alias.", qual) != NULL;
        return true;
}

static const char *join_names(az *z, const char *const *names, size_t n, const char *last_sep)
{
        sl_str s;
        const char *r;

        sl_str_init(&s);
        for (size_t i = 0; i < n; i++) {
                if (i)
                        sl_str_append(&s, i + 1 == n ? last_sep : ", ");
                sl_str_append(&s, names[i]);
        }
        r = sl_arena_strdup(z->arena, sl_str_cstr(&s));
        sl_str_deinit(&s);
        return r;
}

/* Picks the key columns of a persistent query's output among the projected items. `keys` are the
 * key expressions (GROUP BY, PARTITION BY, source key or join key candidates). */
static bool choose_keys(az *z, const char *sink, proj_item *items, size_t n, sl_expr **keys, size_t nkeys,
                        const char *what, bool any_of, size_t *order)
{
        bool qualified = strcmp(what, "partitioning expression") == 0 || strcmp(what, "join expression") == 0;
        bool grouping = strcmp(what, "grouping expression") == 0;
        const char **texts = sl_arena_calloc(z->arena, nkeys ? nkeys : 1, sizeof(*texts));
        const char **all = sl_arena_calloc(z->arena, nkeys ? nkeys : 1, sizeof(*all));
        size_t missing = 0;

        for (size_t k = 0; k < nkeys; k++) {
                size_t found = SIZE_MAX;

                all[k] = !keys[k]->ast ? "?" : qualified ? az_expr_text_q(z, keys[k]->ast) : az_expr_text(z, keys[k]->ast);
                for (size_t i = 0; i < n; i++) {
                        if (!sl_expr_equal(items[i].expr, keys[k]))
                                continue;
                        if (found != SIZE_MAX && grouping)
                                return az_fail(z, items[i].pos, "The projection contains a key column more than once: `%s` and `%s`.",
                                               items[found].name, items[i].name) != NULL;
                        if (found != SIZE_MAX) {
                                const char *x = items[found].name, *y = items[i].name, *kn = x;

                                if (strcmp(x, y) > 0) {
                                        x = y;
                                        y = items[found].name;
                                }
                                if (z->a->nsources > 1 && keys[k]->ast && keys[k]->ast->kind == SL_AST_COLUMN) {
                                        const char *qn = az_expr_text_q(z, keys[k]->ast);
                                        char *u = sl_arena_strdup(z->arena, qn), *dot = strchr(u, '.');

                                        if (dot)
                                                *dot = '_';
                                        kn = u;
                                }
                                return az_fail(z, items[i].pos, "The projection contains a key column (`%s`) more than once, "
                                                                "aliased as: %s and %s.", kn, x, y) != NULL;
                        }
                        found = i;
                }
                if (found == SIZE_MAX) {
                        texts[missing++] = all[k];
                        continue;
                }
                if (items[found].key)
                        return az_fail(z, items[found].pos, "The projection contains a key column more than once: `%s` and `%s`.",
                                       items[order[0]].name, items[found].name) != NULL;
                items[found].key = true;
                order[k] = found;
                if (any_of)
                        return true;
        }
        if (missing == 0)
                return true;
        if (any_of && nkeys > 0) {
                return az_fail(z, z->a->stmt->pos,
                               "Key missing from projection (ie, SELECT). See https://cnfl.io/2LV7ouS.\n"
                               "The query used to build `%s` must include the %s %s in its projection (eg, SELECT %s...).",
                               sink, nkeys > 1 ? "join expressions" : "join expression",
                               join_names(z, all, nkeys, " or "), all[0]) != NULL;
        }
        return az_fail(z, z->a->stmt->pos,
                       "Key missing from projection (ie, SELECT). See https://cnfl.io/2LV7ouS.\n"
                       "The query used to build `%s` must include the %s%s %s in its projection (eg, SELECT %s...).",
                       sink, what, missing > 1 ? "s" : "", join_names(z, texts, missing, " and "),
                       join_names(z, texts, missing, ", ")) != NULL;
}

static bool analyze_query(az *z, const sl_ast_query *q, const char *sink, bool persistent)
{
        sl_analysis *a = z->a;
        size_t ns = 1 + (q->joins ? q->joins->len : 0);
        proj_item *items = NULL;
        size_t nitems = 0, cap = 0;
        int gen = 0;
        const char **nonagg = NULL;
        size_t nnonagg = 0;

        a->has_query = true;
        a->emit = q->emit;
        a->limit = q->has_limit ? q->limit : -1;
        a->window = q->window;
        a->sources = sl_arena_calloc(z->arena, ns, sizeof(*a->sources));
        a->nsources = ns;
        for (size_t i = 0; i < ns; i++) {
                const sl_ast_relation *rel = i == 0 ? &q->from : &((const sl_ast_join *)q->joins->items[i - 1])->right;
                const sl_catalog_source *src = sl_catalog_source_get(z->ctx->cat, rel->name.name);

                if (!src)
                        return az_fail_code(z, SL_ERR_NOT_FOUND, rel->name.pos, "Source `%s` does not exist.", rel->name.name) != NULL;
                for (size_t j = 0; j < i; j++) {
                        if (a->sources[j].src != src)
                                continue;
                        if (ns == 2)
                                return az_fail(z, rel->name.pos, "Can not join '%s' to '%s': self joins are not yet supported.",
                                               src->name, src->name) != NULL;
                        return az_fail(z, rel->name.pos, "N-way joins do not support multiple occurrences of the same source. "
                                                         "Source: '%s'", src->name) != NULL;
                }
                a->sources[i].src = src;
                a->sources[i].alias = rel->alias ? rel->alias : src->name;
                a->sources[i].base = a->pseudo_base;
                a->sources[i].pos = rel->name.pos;
                /* in a join every source also has its own ROWTIME .. WINDOWEND (S1.ROWTIME) */
                a->pseudo_base += src->ncolumns + (ns > 1 ? SL_PSEUDO_ROWKEY : 0);
        }
        a->input_width = a->pseudo_base + SL_PSEUDO__COUNT;
        a->result_kind = a->sources[0].src->kind;
        a->result_window = a->sources[0].src->window;
        z->windowed_input = ns == 1 && a->sources[0].src->window != SL_CATALOG_WINDOW_NONE;
        if (ns > 1 && !analyze_joins(z, q))
                return false;

        /* WHERE */
        if (q->where) {
                z->clause = "WHERE";
                z->prefix = "Error in WHERE expression: ";
                if (!(a->where = az_expect_boolean(z, az_expr(z, q->where), q->where, "WHERE")))
                        return false;
                z->prefix = "";
        }
        /* PARTITION BY */
        if (q->partition_by) {
                size_t n = q->partition_by->len;

                if (n == 0)
                        return az_fail(z, q->pos, "PARTITION BY requires at least one expression") != NULL;
                z->clause = "PARTITION BY";
                a->partition_by = sl_arena_calloc(z->arena, n, sizeof(sl_expr *));
                for (size_t i = 0; i < n; i++) {
                        const sl_ast_expr *pe = q->partition_by->items[i];

                        if (pe->kind == SL_AST_NULL) {
                                if (n > 1)
                                        return az_fail(z, pe->pos, "Cannot PARTITION BY multiple columns including NULL") != NULL;
                                a->partition_by_null = true;
                        }
                        if (az_has_aggregate(z, pe))
                                return az_fail(z, pe->pos, "PARTITION BY does not support aggregate functions: %s",
                                               az_expr_text(z, pe)) != NULL;
                        if (!(a->partition_by[i] = az_expr(z, pe)))
                                return false;
                }
                a->npartition_by = a->partition_by_null ? 0 : n;
                if (a->result_window != SL_CATALOG_WINDOW_NONE)
                        return az_fail(z, q->pos, "Implicit repartitioning of windowed sources is not supported. "
                                                  "See https://github.com/confluentinc/ksql/issues/4385.") != NULL;
        }
        /* GROUP BY */
        if (q->group_by) {
                size_t n = q->group_by->len;

                z->clause = "GROUP BY";
                a->group_by = sl_arena_calloc(z->arena, n ? n : 1, sizeof(sl_expr *));
                for (size_t i = 0; i < n; i++) {
                        const sl_ast_expr *ge = q->group_by->items[i];

                        if (!(a->group_by[i] = az_expr(z, ge)))
                                return false;
                        for (size_t j = 0; j < i; j++)
                                if (sl_expr_equal(a->group_by[i], a->group_by[j]))
                                        return az_fail(z, ge->pos, "Duplicate GROUP BY expression: %s", az_expr_text(z, ge)) != NULL;
                }
                a->ngroup_by = n;
                a->aggregate = true;
                a->result_kind = SL_CATALOG_TABLE;
                a->result_window = SL_CATALOG_WINDOW_NONE;
                if (q->window)
                        a->result_window = q->window->kind == SL_AST_WINDOW_SESSION ? SL_CATALOG_WINDOW_SESSION
                                           : q->window->kind == SL_AST_WINDOW_HOPPING ? SL_CATALOG_WINDOW_HOPPING
                                                                                      : SL_CATALOG_WINDOW_TUMBLING;
        } else {
                bool any = false;

                for (size_t i = 0; q->items && i < q->items->len; i++) {
                        const sl_ast_select_item *it = q->items->items[i];
                        any = any || (it->expr && az_has_aggregate(z, it->expr));
                }
                if (any || q->having)
                        a->aggregate = true;
        }
        /* projection */
        z->clause = "SELECT";
        z->prefix = "";
        z->allow_agg = a->aggregate;
        z->agg_phase = a->aggregate;
        z->allow_table_fn = true;
        if (a->aggregate && a->window)
                z->windowed_input = false;
        nonagg = sl_arena_calloc(z->arena, q->items->len + 1, sizeof(*nonagg));
        for (size_t i = 0; i < q->items->len; i++) {
                const sl_ast_select_item *it = q->items->items[i];

                switch (it->kind) {
                case SL_AST_ITEM_STAR:
                case SL_AST_ITEM_SOURCE_STAR:
                        if (!expand_star(z, it->kind == SL_AST_ITEM_STAR ? NULL : it->qual, it->pos, &items, &nitems, &cap))
                                return false;
                        break;
                case SL_AST_ITEM_STRUCT_STAR: {
                        sl_expr *base;

                        z->nonagg_seen = false;
                        if (!(base = az_expr(z, it->expr)))
                                return false;
                        if (base->type->kind != SL_TYPE_STRUCT)
                                return az_fail(z, it->pos, "Can't dereference a value of type %s: %s",
                                               az_type_text(z, base->type), az_expr_text(z, it->expr)) != NULL;
                        for (size_t f = 0; f < base->type->nfields; f++) {
                                sl_ast_expr *de = sl_ast_expr_deref(z->arena, (sl_ast_expr *)it->expr,
                                                                    (sl_ast_ident){(char *)base->type->fields[f].name, it->pos});
                                sl_expr *e = sl_expr_new(z->arena, SL_EXPR_DEREF, base->type->fields[f].type, 1);

                                e->args[0] = base;
                                e->index = (int)f;
                                e->ast = de;
                                items_push(z, &items, &nitems, &cap, (proj_item){
                                        .name = base->type->fields[f].name, .expr = e, .ast = de, .pos = it->pos});
                        }
                        break;
                }
                case SL_AST_ITEM_EXPR: {
                        sl_expr *e;
                        const char *name;

                        if (persistent && it->expr->kind == SL_AST_COLUMN && is_reserved_name(it->expr->name) &&
                            (it->alias ? strcmp(it->alias, it->expr->name) == 0 : !(it->expr->qual && ns > 1)))
                                return az_fail(z, it->pos, "Reserved column name in select: `%s`. Please remove or "
                                                           "alias the column.", it->expr->name) != NULL;
                        z->nonagg_seen = false;
                        if (!(e = az_expr(z, it->expr)))
                                return false;
                        if (z->nonagg_seen)
                                nonagg[nnonagg++] = az_expr_text(z, it->expr);
                        if (it->alias) {
                                if (is_reserved_name(it->alias))
                                        return az_fail(z, it->pos, "`%s` is a reserved column name. You cannot use it as an "
                                                                   "alias for a column.", it->alias) != NULL;
                                name = it->alias;
                        } else {
                                name = unique_name(z, items, nitems, derived_name(z, e, it->expr, &gen));
                                if (persistent && it->expr->kind == SL_AST_COLUMN && is_reserved_name(name))
                                        return az_fail(z, it->pos, "Reserved column name in select: `%s`. Please remove or "
                                                                   "alias the column.", name) != NULL;
                        }
                        items_push(z, &items, &nitems, &cap, (proj_item){
                                .name = name, .expr = e, .ast = it->expr, .pos = it->pos});
                        break;
                }
                }
        }
        z->allow_table_fn = false;
        /* HAVING */
        if (q->having) {
                if (!q->group_by)
                        return az_fail(z, q->having->pos, "HAVING clause requires a GROUP BY clause.") != NULL;
                z->clause = "HAVING";
                z->prefix = "Error in HAVING expression: ";
                z->nonagg_seen = false;
                if (!(a->having = az_expect_boolean(z, az_expr(z, q->having), q->having, "HAVING")))
                        return false;
                if (z->nonagg_seen)
                        return az_fail(z, z->nonagg_ast->pos, "Non-aggregate HAVING expression not part of GROUP BY: %s",
                                       az_expr_text(z, z->nonagg_ast)) != NULL;
                z->prefix = "";
        }
        z->agg_phase = false;
        z->allow_agg = false;
        a->agg_width = a->ngroup_by + 2 + a->naggs;
        if (a->has_table_function && a->aggregate)
                return az_fail(z, q->pos, "Table functions cannot be used with aggregations.") != NULL;
        if (q->group_by && a->naggs == 0)
                return az_fail(z, q->pos, "GROUP BY requires aggregate functions in either the SELECT or HAVING clause.") != NULL;
        if (nnonagg)
                return az_fail(z, q->pos, "Non-aggregate SELECT expression(s) not part of GROUP BY: %s\nEither add the "
                                          "column(s) to the GROUP BY or remove them from the SELECT.",
                               join_names(z, nonagg, nnonagg, ", ")) != NULL;
        if (q->window && !q->group_by)
                return az_fail(z, q->window->pos, "WINDOW clause requires a GROUP BY clause.") != NULL;
        if (a->naggs && !check_aggregates(z, q))
                return false;
        if (a->aggregate && !q->group_by && a->naggs) {
                if (persistent) {
                        const char **names = sl_arena_calloc(z->arena, a->naggs + 1, sizeof(*names));

                        for (size_t i = 0; i < a->naggs; i++)
                                names[i] = a->aggs[i].star ? sl_arena_sprintf(z->arena, "%s(ROWTIME)", a->aggs[i].name)
                                                           : az_expr_text(z, a->aggs[i].ast);
                        return az_fail(z, q->pos, "%s statement does not support aggregate function [%s] without a GROUP BY clause.",
                                       a->stmt->kind == SL_AST_STMT_CREATE_TABLE_AS ? "CREATE TABLE AS SELECT"
                                                                                  : "CREATE STREAM AS SELECT",
                                       join_names(z, names, a->naggs, ", ")) != NULL;
                }
                a->result_kind = SL_CATALOG_TABLE;  /* a transient push query aggregates all rows as one group */
        }
        if (a->has_table_function && a->sources[0].src->kind == SL_CATALOG_TABLE && ns == 1)
                return az_fail(z, q->pos, "Table source is not supported with table functions") != NULL;
        if (q->emit == SL_AST_EMIT_FINAL && !(q->group_by && q->window))
                return az_fail(z, q->pos, "EMIT FINAL is only supported for windowed aggregations.") != NULL;
        if (persistent && a->result_kind == SL_CATALOG_TABLE && a->result_window != SL_CATALOG_WINDOW_NONE &&
            !q->group_by)
                return az_fail(z, q->pos, "KSQL does not support persistent queries on windowed tables.") != NULL;
        if (persistent && a->partition_by && a->result_kind == SL_CATALOG_TABLE)
                return az_fail(z, q->pos, "Cannot repartition a TABLE source. If this is a join, make sure that the "
                                          "criteria uses the TABLE's key column %s instead of %s",
                               a->sources[0].src->ncolumns ? a->sources[0].src->columns[0].name : "?",
                               az_expr_text(z, q->partition_by->items[0])) != NULL;

        /* keys of the output */
        {
                size_t *order = sl_arena_calloc(z->arena, nitems + 1, sizeof(size_t));
                size_t nkeycols = 0;  /* > 0: key columns come in `order` */

                if (persistent) {
                        if (a->ngroup_by) {
                                sl_expr **gk = sl_arena_calloc(z->arena, a->ngroup_by, sizeof(*gk));

                                /* the projection reads the agg row, where key k is slot k */
                                for (size_t k = 0; k < a->ngroup_by; k++) {
                                        gk[k] = sl_expr_new(z->arena, SL_EXPR_COLUMN, a->group_by[k]->type, 0);
                                        gk[k]->index = (int)k;
                                        gk[k]->ast = a->group_by[k]->ast;
                                }
                                if (!choose_keys(z, sink, items, nitems, gk, a->ngroup_by, "grouping expression",
                                                 false, order))
                                        return false;
                                nkeycols = a->ngroup_by;
                        } else if (a->partition_by) {
                                if (!a->partition_by_null) {
                                        bool star = false;

                                        for (size_t i = 0; i < nitems; i++)
                                                star = star || items[i].star;
                                        if (star) {
                                                /* SELECT * PARTITION BY x: x becomes the key implicitly */
                                                for (size_t k = 0; k < a->npartition_by; k++) {
                                                        sl_expr *pk = a->partition_by[k];
                                                        size_t f = SIZE_MAX;

                                                        for (size_t i = 0; i < nitems && f == SIZE_MAX; i++)
                                                                if (sl_expr_equal(items[i].expr, pk))
                                                                        f = i;
                                                        if (f == SIZE_MAX) {
                                                                items_push(z, &items, &nitems, &cap, (proj_item){
                                                                        .name = derived_name(z, pk, pk->ast, &gen),
                                                                        .expr = pk, .ast = pk->ast, .pos = q->pos});
                                                                f = nitems - 1;
                                                                order = sl_arena_calloc(z->arena, nitems + 1, sizeof(size_t));
                                                        }
                                                        items[f].key = true;
                                                        order[k] = f;
                                                }
                                                nkeycols = a->npartition_by;
                                        } else if (!choose_keys(z, sink, items, nitems, a->partition_by, a->npartition_by,
                                                                "partitioning expression", false, order)) {
                                                return false;
                                        } else {
                                                nkeycols = a->npartition_by;
                                        }
                                }
                        } else if (ns > 1) {
                                sl_expr **cands = sl_arena_calloc(z->arena, 2 * ns, sizeof(*cands));
                                size_t nc = 0;
                                const sl_analysis_join *last = &a->joins[a->njoins - 1];

                                if (z->synthetic_key) {
                                        sl_ast_expr *rk = sl_ast_expr_column(z->arena, NULL, (sl_ast_ident){"ROWKEY", q->pos});
                                        sl_expr *k = sl_expr_new(z->arena, SL_EXPR_COLUMN, z->rowkey_type, 0);

                                        k->index = (int)(a->pseudo_base + SL_PSEUDO_ROWKEY);
                                        k->ast = rk;
                                        cands[nc++] = k;
                                } else {
                                        if (last->left_key->kind == SL_EXPR_COLUMN)
                                                cands[nc++] = last->left_key;
                                        for (size_t j = 0; j + 1 < a->njoins; j++)
                                                if (sl_expr_equal(a->joins[j].right_key, last->left_key) ||
                                                    sl_expr_equal(a->joins[j].left_key, last->left_key))
                                                        cands[nc++] = sl_expr_equal(a->joins[j].right_key, last->left_key)
                                                                              ? a->joins[j].left_key
                                                                              : a->joins[j].right_key;
                                        if (last->right_key->kind == SL_EXPR_COLUMN && !last->foreign_key)
                                                cands[nc++] = last->right_key;
                                }
                                if (z->synthetic_key) {
                                        bool star = false, has = false;

                                        /* an unqualified * keeps the synthetic key */
                                        for (size_t i = 0; i < nitems; i++) {
                                                star = star || items[i].star == 1;
                                                has = has || sl_expr_equal(items[i].expr, cands[0]);
                                        }
                                        if (star && !has) {
                                                items_push(z, &items, &nitems, &cap, (proj_item){
                                                        .name = "ROWKEY", .expr = cands[0], .ast = cands[0]->ast,
                                                        .pos = q->pos});
                                                order = sl_arena_calloc(z->arena, nitems + 1, sizeof(size_t));
                                        }
                                }
                                if (last->foreign_key) {
                                        size_t nk = sl_catalog_source_nkeys(a->sources[0].src);
                                        sl_expr **lk = sl_arena_calloc(z->arena, nk + 1, sizeof(*lk));

                                        for (size_t k = 0; k < nk; k++) {
                                                lk[k] = sl_expr_new(z->arena, SL_EXPR_COLUMN, a->sources[0].src->columns[k].type, 0);
                                                lk[k]->index = (int)(a->sources[0].base + k);
                                                lk[k]->ast = sl_ast_expr_column(z->arena, (char *)a->sources[0].alias,
                                                                                (sl_ast_ident){(char *)a->sources[0].src->columns[k].name, q->pos});
                                        }
                                        {
                                                const char **miss = sl_arena_calloc(z->arena, nk + 1, sizeof(*miss));
                                                size_t nmiss = 0;

                                                for (size_t k = 0; k < nk; k++) {
                                                        bool found = false;

                                                        for (size_t i = 0; i < nitems && !found; i++)
                                                                found = sl_expr_equal(items[i].expr, lk[k]);
                                                        if (!found)
                                                                miss[nmiss++] = sl_arena_sprintf(z->arena, "`%s`",
                                                                                                 a->sources[0].src->columns[k].name);
                                                }
                                                if (nmiss)
                                                        return az_fail(z, q->pos, "Primary key column%s missing in projection. For "
                                                                                  "foreign-key table-table joins, the projection must "
                                                                                  "include all primary key columns from the left input "
                                                                                  "table (`%s`). Missing column%s: %s.",
                                                                       nmiss > 1 ? "s" : "", a->sources[0].alias,
                                                                       nmiss > 1 ? "s" : "", join_names(z, miss, nmiss, ", ")) != NULL;
                                        }
                                        if (!choose_keys(z, sink, items, nitems, lk, nk, "key column", false, order))
                                                return false;
                                        nkeycols = nk;
                                } else if (!choose_keys(z, sink, items, nitems, cands, nc, "join expression", true, order)) {
                                        return false;
                                }
                        } else {
                                const sl_analysis_source *s = &a->sources[0];
                                size_t nk = sl_catalog_source_nkeys(s->src);
                                sl_expr **sk = sl_arena_calloc(z->arena, nk + 1, sizeof(*sk));

                                for (size_t k = 0; k < nk; k++) {
                                        sk[k] = sl_expr_new(z->arena, SL_EXPR_COLUMN, s->src->columns[k].type, 0);
                                        sk[k]->index = (int)(s->base + k);
                                        sk[k]->ast = sl_ast_expr_column(z->arena, NULL,
                                                                        (sl_ast_ident){(char *)s->src->columns[k].name, q->pos});
                                }
                                if (!choose_keys(z, sink, items, nitems, sk, nk, "key column", false, order))
                                        return false;
                                nkeycols = nk;
                        }
                }
                /* columns: keys first (in key order for GROUP BY / source keys), then values */
                a->columns = sl_arena_calloc(z->arena, nitems + 1, sizeof(*a->columns));
                if (nkeycols) {
                        for (size_t k = 0; k < nkeycols; k++) {
                                proj_item *it = &items[order[k]];
                                a->columns[a->ncolumns++] = (sl_analysis_column){it->name, it->expr->type, true, it->expr};
                        }
                } else {
                        for (size_t i = 0; i < nitems; i++)
                                if (items[i].key)
                                        a->columns[a->ncolumns++] = (sl_analysis_column){items[i].name, items[i].expr->type,
                                                                                         true, items[i].expr};
                }
                for (size_t i = 0; i < nitems; i++)
                        if (!items[i].key)
                                a->columns[a->ncolumns++] = (sl_analysis_column){items[i].name, items[i].expr->type, false,
                                                                                 items[i].expr};
                for (size_t i = 0; i < a->ncolumns; i++)
                        for (size_t j = 0; j < i; j++)
                                if (strcmp(a->columns[i].name, a->columns[j].name) == 0)
                                        return az_fail(z, q->pos, "Duplicate %s columns found in schema: `%s` %s",
                                                       a->columns[i].key ? "key" : "value", a->columns[i].name,
                                                       az_type_text(z, a->columns[i].type)) != NULL;
                for (size_t i = 0; persistent && i < a->ncolumns; i++)
                        if (a->columns[i].type->kind == SL_TYPE_NULL)
                                return az_fail(z, q->pos, "Can't infer a type of null. Please explicitly cast it to a required "
                                                          "type, e.g. CAST(null AS VARCHAR).") != NULL;
                if (persistent && a->ncolumns > 0) {
                        size_t nv = 0;
                        for (size_t i = 0; i < a->ncolumns; i++)
                                nv += !a->columns[i].key;
                        if (nv == 0)
                                return az_fail(z, q->pos, "The projection contains no value columns.") != NULL;
                }
        }
        return true;
}

#define SL_PULL_MORE " See https://cnfl.io/queries for more info."

/* Pull query clause rules (ksqlDB's PullQueryValidator), checked before anything else. */
static bool check_pull_clauses(az *z, const sl_ast_query *q)
{
        if (q->joins)
                return az_fail(z, q->pos, "Pull queries don't support JOIN clauses." SL_PULL_MORE) != NULL;
        if (q->window)
                return az_fail(z, q->window->pos, "Pull queries don't support WINDOW clauses." SL_PULL_MORE) != NULL;
        if (q->group_by)
                return az_fail(z, q->pos, "Pull queries don't support GROUP BY clauses." SL_PULL_MORE) != NULL;
        if (q->partition_by)
                return az_fail(z, q->pos, "Pull queries don't support PARTITION BY clauses." SL_PULL_MORE) != NULL;
        if (q->having)
                return az_fail(z, q->having->pos, "Pull queries don't support HAVING clauses." SL_PULL_MORE) != NULL;
        if (q->has_limit && q->limit < 0)
                return az_fail(z, q->pos, "Pull queries don't support negative integers in the LIMIT clause." SL_PULL_MORE) != NULL;
        return true;
}

/* Pull query rules on the analyzed query: pseudo columns, queryable sources. */
static bool check_pull(az *z, const sl_ast_query *q)
{
        sl_analysis *a = z->a;
        const sl_catalog_source *src = a->sources[0].src;
        static const sl_analysis_pseudo banned[2] = {SL_PSEUDO_ROWPARTITION, SL_PSEUDO_ROWOFFSET};

        for (int b = 0; b < 2; b++) {
                for (size_t i = 0; i < a->ncolumns; i++)
                        if (sl_expr_uses_column(a->columns[i].expr, (int)(a->pseudo_base + banned[b])))
                                return az_fail(z, q->pos, "Pull queries don't support the following columns in SELECT "
                                                          "clauses: `%s`", pseudo_names[banned[b]]) != NULL;
        }
        for (int b = 0; b < 2; b++)
                if (a->where && sl_expr_uses_column(a->where, (int)(a->pseudo_base + banned[b])))
                        return az_fail(z, q->where->pos, "Pull queries don't support the following columns in WHERE "
                                                         "clauses: `%s`", pseudo_names[banned[b]]) != NULL;
        if (src->kind == SL_CATALOG_TABLE && !src->query_id && !src->source_only)
                return az_fail(z, q->from.name.pos, "The `%s` table isn't queryable. To derive a queryable table, you can "
                                                    "do 'CREATE TABLE QUERYABLE_%s AS SELECT * FROM %s'. See "
                                                    "https://cnfl.io/queries for more info.\nAdd EMIT CHANGES if you "
                                                    "intended to issue a push query.",
                               src->name, src->name, src->name) != NULL;
        return true;
}

/* Builds the sink source of a C*AS from the analyzed query. */
static bool build_sink(az *z, const sl_ast_stmt *stmt)
{
        sl_analysis *a = z->a;
        sl_catalog_kind kind = stmt->kind == SL_AST_STMT_CREATE_TABLE_AS ? SL_CATALOG_TABLE : SL_CATALOG_STREAM;
        sl_catalog_source *src = sl_catalog_source_new(stmt->name.name, kind);

        a->new_source = src;
        if (kind == SL_CATALOG_TABLE && a->result_kind == SL_CATALOG_STREAM)
                return az_fail(z, stmt->pos, "Invalid result type. Your SELECT query produces a STREAM. Please use CREATE "
                                             "STREAM AS SELECT statement instead.") != NULL;
        if (kind == SL_CATALOG_STREAM && a->result_kind == SL_CATALOG_TABLE)
                return az_fail(z, stmt->pos, "Invalid result type. Your SELECT query produces a TABLE. Please use CREATE "
                                             "TABLE AS SELECT statement instead.") != NULL;
        for (size_t i = 0; i < a->ncolumns; i++)
                sl_catalog_source_add_column(src, a->columns[i].name, a->columns[i].type,
                                             a->columns[i].key ? SL_CATALOG_KEY : SL_CATALOG_VALUE, NULL);
        if (!apply_common_props(z, stmt, src, a->sources[0].src, false))
                return false;
        if (kind == SL_CATALOG_STREAM && sl_catalog_source_nkeys(src) == 0 && prop_find(stmt, "KEY_FORMAT") &&
            strcmp(src->key_format, "NONE") != 0)
                return az_fail(z, stmt->pos, "Key format specified for stream without key columns.") != NULL;
        if (!prop_find(stmt, "KEY_FORMAT") && !prop_find(stmt, "FORMAT")) {
                /* the inherited key format follows whether the result has a key */
                if (sl_catalog_source_nkeys(src) == 0)
                        src->key_format = sl_catalog_source_strdup(src, "NONE");
                else if (strcmp(src->key_format, "NONE") == 0)
                        src->key_format = sl_catalog_source_strdup(
                                src, z->ctx->default_key_format ? z->ctx->default_key_format : "KAFKA");
        }
        src->window = a->result_window;
        src->sql = sl_catalog_source_strdup(src, stmt->text);
        a->query_id = sl_arena_sprintf(z->arena, "%s_%s_%llu", kind == SL_CATALOG_TABLE ? "CTAS" : "CSAS", stmt->name.name,
                                       (unsigned long long)z->ctx->cat->ops->next_query_seq(z->ctx->cat));
        src->query_id = sl_catalog_source_strdup(src, a->query_id);
        if (!check_formats(z, src, stmt->pos))
                return false;
        return check_timestamp(z, stmt, src);
}

/* INSERT INTO sink SELECT: the result schema must equal the sink's. */
static bool check_insert_into(az *z, const sl_ast_stmt *stmt)
{
        sl_analysis *a = z->a;
        const sl_catalog_source *sink = sl_catalog_source_get(z->ctx->cat, stmt->name.name);
        bool same;

        if (!sink)
                return az_fail_code(z, SL_ERR_NOT_FOUND, stmt->name.pos, "Source `%s` does not exist.", stmt->name.name) != NULL;
        a->sink = sink;
        if (sink->kind == SL_CATALOG_TABLE)
                return az_fail(z, stmt->name.pos, "INSERT INTO can only be used to insert into a stream. %s is a table.",
                               sink->name) != NULL;
        if (sink->source_only)
                return az_fail(z, stmt->name.pos, "Cannot insert into read-only %s: %s", sl_catalog_kind_name(sink->kind),
                               sink->name) != NULL;
        for (size_t i = 0; i < sink->ncolumns; i++)
                if (sink->columns[i].role == SL_CATALOG_HEADERS || sink->columns[i].role == SL_CATALOG_HEADER)
                        return az_fail(z, stmt->name.pos, "Cannot insert into %s because it has header columns",
                                       sink->name) != NULL;
        if (!analyze_query(z, stmt->query, sink->name, true))
                return false;
        same = a->ncolumns == sink->ncolumns;
        for (size_t i = 0; same && i < a->ncolumns; i++)
                same = strcmp(a->columns[i].name, sink->columns[i].name) == 0 &&
                       (sl_type_eq(a->columns[i].type, sink->columns[i].type) ||
                        sl_cast_implicit_ok(a->columns[i].type, sink->columns[i].type) ||
                        (sl_type_is_numeric(a->columns[i].type) &&
                         (sink->columns[i].type->kind == SL_TYPE_DECIMAL || sink->columns[i].type->kind == SL_TYPE_DOUBLE))) &&
                       a->columns[i].key == (sink->columns[i].role == SL_CATALOG_KEY);
        if (!same) {
                sl_str r, s;

                sl_str_init(&r);
                sl_str_init(&s);
                sl_analysis_print_schema(&r, a);
                sl_catalog_source_print_schema(&s, sink);
                az_fail(z, stmt->query->pos, "Incompatible schema between results and sink.\nResult schema is %s\nSink schema is %s",
                        sl_str_cstr(&r), sl_str_cstr(&s));
                sl_str_deinit(&r);
                sl_str_deinit(&s);
                return false;
        }
        a->query_id = sl_arena_sprintf(z->arena, "INSERTQUERY_%llu",
                                       (unsigned long long)z->ctx->cat->ops->next_query_seq(z->ctx->cat));
        return true;
}

static bool check_insert_values(az *z, const sl_ast_stmt *stmt)
{
        sl_analysis *a = z->a;
        const sl_catalog_source *sink = sl_catalog_source_get(z->ctx->cat, stmt->name.name);
        size_t nv = stmt->values ? stmt->values->len : 0, ncols;
        const char **names;

        if (!sink)
                return az_fail_code(z, SL_ERR_NOT_FOUND, stmt->name.pos, "Cannot insert values into an unknown stream/table: `%s`",
                                    stmt->name.name) != NULL;
        a->sink = sink;
        if (sink->source_only)
                return az_fail(z, stmt->name.pos, "Cannot insert values into read-only %s: %s",
                               sl_catalog_kind_name(sink->kind), sink->name) != NULL;
        a->values = sl_arena_calloc(z->arena, sink->ncolumns + 1, sizeof(sl_expr *));
        if (stmt->columns) {
                ncols = stmt->columns->len;
                names = sl_arena_calloc(z->arena, ncols + 1, sizeof(*names));
                for (size_t i = 0; i < ncols; i++)
                        names[i] = ((const sl_ast_ident *)stmt->columns->items[i])->name;
        } else {
                ncols = 0;
                names = sl_arena_calloc(z->arena, sink->ncolumns + 1, sizeof(*names));
                for (size_t i = 0; i < sink->ncolumns; i++)
                        names[ncols++] = sink->columns[i].name;
        }
        if (nv != ncols)
                return az_fail(z, stmt->pos, "Failed to prepare statement: Expected number columns and values to match: %zu, %zu",
                               ncols, nv) != NULL;
        z->clause = "VALUES";
        for (size_t i = 0; i < ncols; i++) {
                const sl_ast_expr *ve = stmt->values->items[i];
                int c = sl_catalog_source_column_index(sink, names[i]);
                const sl_type *t;
                sl_expr *e;
                sl_pos pos = stmt->columns ? ((const sl_ast_ident *)stmt->columns->items[i])->pos : ve->pos;

                if (c < 0 && strcmp(names[i], "ROWTIME") != 0) {
                        if (strcmp(names[i], "ROWPARTITION") == 0 || strcmp(names[i], "ROWOFFSET") == 0)
                                return az_fail(z, pos, "Inserting into column `%s` is not allowed.", names[i]) != NULL;
                        return az_fail(z, pos, "Column name %s does not exist.", names[i]) != NULL;
                }
                if (c >= 0 && (sink->columns[c].role == SL_CATALOG_HEADERS || sink->columns[c].role == SL_CATALOG_HEADER))
                        return az_fail(z, pos, "Cannot insert into HEADER columns: %s", names[i]) != NULL;
                t = c >= 0 ? sink->columns[c].type : sl_type_bigint();
                if (!(e = az_expr(z, ve)))
                        return false;
                if (e->type->kind != t->kind && e->kind == SL_EXPR_CONST && e->type->kind == SL_TYPE_STRING) {
                        sl_expr *ce = sl_expr_new(z->arena, SL_EXPR_CAST, t, 1);
                        ce->args[0] = e;
                        ce->constant = e->constant;
                        ce->ast = ve;
                        e = ce;
                } else if (e->type->kind != SL_TYPE_NULL && !sl_type_eq(e->type, t)) {
                        if (!sl_cast_implicit_ok(e->type, t) && !(sl_type_is_numeric(e->type) && sl_type_is_numeric(t)) &&
                            !(e->type->kind == t->kind && sl_type_is_composite(t) && sl_cast_allowed(e->type, t)))
                                return az_fail(z, ve->pos, "Expected type %s for field %s but got %s(%s)",
                                               az_type_text(z, t), names[i], az_expr_text(z, ve), az_type_text(z, e->type)) != NULL;
                        {
                                sl_expr *ce = sl_expr_new(z->arena, SL_EXPR_CAST, t, 1);
                                ce->args[0] = e;
                                ce->constant = e->constant;
                                ce->ast = ve;
                                e = ce;
                        }
                }
                a->values[c >= 0 ? (size_t)c : sink->ncolumns] = e;
        }
        return true;
}

static bool check_drop(az *z, const sl_ast_stmt *stmt)
{
        sl_catalog_kind kind = stmt->kind == SL_AST_STMT_DROP_TABLE ? SL_CATALOG_TABLE : SL_CATALOG_STREAM;
        const sl_catalog_source *src = sl_catalog_source_get(z->ctx->cat, stmt->name.name);
        const char **ids;
        size_t n;

        if (!src) {
                if (stmt->flags & SL_AST_IF_EXISTS)
                        return true;
                return az_fail_code(z, SL_ERR_NOT_FOUND, stmt->name.pos, "%s %s does not exist.",
                                    kind == SL_CATALOG_TABLE ? "Table" : "Stream", stmt->name.name) != NULL;
        }
        if (src->kind != kind)
                return az_fail(z, stmt->name.pos, "Incompatible data source type is %s, but statement was DROP %s",
                               src->kind == SL_CATALOG_TABLE ? "TABLE" : "STREAM",
                               kind == SL_CATALOG_TABLE ? "TABLE" : "STREAM") != NULL;
        if (src->source_only && (stmt->flags & SL_AST_DELETE_TOPIC))
                return az_fail(z, stmt->pos, "Cannot delete topic for read-only source: %s", src->name) != NULL;
        n = z->ctx->cat->ops->queries_of(z->ctx->cat, src->name, z->arena, &ids);
        for (size_t i = 0; i < n; i++) {
                const sl_catalog_query *q = z->ctx->cat->ops->get_query(z->ctx->cat, ids[i]);

                if (q && src->query_id && strcmp(q->id, src->query_id) == 0)
                        continue;  /* its own query is terminated with it */
                return az_fail(z, stmt->pos, "Cannot drop %s.\nThe following queries read from this source: [%s].\n"
                                             "The following queries write into this source: [].\nYou need to terminate "
                                             "them before dropping %s.", src->name, ids[i], src->name) != NULL;
        }
        return true;
}

static bool check_alter(az *z, const sl_ast_stmt *stmt)
{
        sl_catalog_kind kind = stmt->kind == SL_AST_STMT_ALTER_TABLE ? SL_CATALOG_TABLE : SL_CATALOG_STREAM;
        const sl_catalog_source *src = sl_catalog_source_get(z->ctx->cat, stmt->name.name);
        const char *kn = sl_catalog_kind_name(kind);

        if (!src)
                return az_fail_code(z, SL_ERR_NOT_FOUND, stmt->name.pos, "Source %s does not exist.", stmt->name.name) != NULL;
        if (src->kind != kind)
                return az_fail(z, stmt->name.pos, "Incompatible data source type is %s, but statement was ALTER %s",
                               src->kind == SL_CATALOG_TABLE ? "TABLE" : "STREAM",
                               kind == SL_CATALOG_TABLE ? "TABLE" : "STREAM") != NULL;
        if (src->source_only)
                return az_fail(z, stmt->pos, "Cannot alter %s '%s': ALTER operations are not supported on source %ss.", kn,
                               src->name, kn) != NULL;
        if (src->query_id)
                return az_fail(z, stmt->pos, "ALTER command is not supported for CREATE ... AS statements.") != NULL;
        for (size_t i = 0; stmt->elements && i < stmt->elements->len; i++) {
                const sl_ast_field_def *fd = stmt->elements->items[i];

                if (sl_catalog_source_column_index(src, fd->name.name) >= 0)
                        return az_fail(z, fd->name.pos, "Cannot add column `%s` to schema. A column with the same name "
                                                        "already exists.", fd->name.name) != NULL;
                if (!az_type(z, fd->type))
                        return false;
        }
        return true;
}

static bool analyze_stmt(az *z, const sl_ast_stmt *stmt)
{
        sl_analysis *a = z->a;
        bool skip;

        switch (stmt->kind) {
        case SL_AST_STMT_QUERY:
                a->pull = stmt->query->emit == SL_AST_EMIT_NONE;
                if (a->pull && !check_pull_clauses(z, stmt->query))
                        return false;
                if (!analyze_query(z, stmt->query, NULL, false))
                        return false;
                return !a->pull || check_pull(z, stmt->query);
        case SL_AST_STMT_CREATE_STREAM:
        case SL_AST_STMT_CREATE_TABLE:
                return analyze_create(z, stmt);
        case SL_AST_STMT_CREATE_STREAM_AS:
        case SL_AST_STMT_CREATE_TABLE_AS:
                if (!check_existing(z, stmt, stmt->kind == SL_AST_STMT_CREATE_TABLE_AS ? SL_CATALOG_TABLE : SL_CATALOG_STREAM,
                                    &skip))
                        return false;
                if (stmt->query->has_limit)
                        return az_fail(z, stmt->pos, "%s statements don't support LIMIT clause.",
                                       stmt->kind == SL_AST_STMT_CREATE_TABLE_AS ? "CREATE TABLE AS SELECT"
                                                                                 : "CREATE STREAM AS SELECT") != NULL;
                if (!analyze_query(z, stmt->query, stmt->name.name, true))
                        return false;
                return skip || build_sink(z, stmt);
        case SL_AST_STMT_INSERT_INTO:
                return check_insert_into(z, stmt);
        case SL_AST_STMT_INSERT_VALUES:
                return check_insert_values(z, stmt);
        case SL_AST_STMT_DROP_STREAM:
        case SL_AST_STMT_DROP_TABLE:
                return check_drop(z, stmt);
        case SL_AST_STMT_CREATE_TYPE:
                if (sl_catalog_type_get(z->ctx->cat, stmt->name.name) && !(stmt->flags & SL_AST_IF_NOT_EXISTS))
                        return az_fail(z, stmt->name.pos, "Cannot register custom type '%s' since it is already registered "
                                                          "with type: %s", stmt->name.name,
                                       az_type_text(z, sl_catalog_type_get(z->ctx->cat, stmt->name.name))) != NULL;
                return (a->new_type = az_type(z, stmt->type)) != NULL;
        case SL_AST_STMT_DROP_TYPE:
                if (!sl_catalog_type_get(z->ctx->cat, stmt->name.name) && !(stmt->flags & SL_AST_IF_EXISTS))
                        return az_fail(z, stmt->name.pos, "Type %s does not exist.", stmt->name.name) != NULL;
                return true;
        case SL_AST_STMT_ALTER_STREAM:
        case SL_AST_STMT_ALTER_TABLE:
                return check_alter(z, stmt);
        case SL_AST_STMT_DESCRIBE:
                if (!sl_catalog_source_get(z->ctx->cat, stmt->name.name))
                        return az_fail_code(z, SL_ERR_NOT_FOUND, stmt->name.pos, "Could not find STREAM/TABLE '%s' in the Metastore",
                                            stmt->name.name) != NULL;
                return true;
        case SL_AST_STMT_DESCRIBE_FUNCTION:
                if (z->ctx->reg && !sl_func_registry_get(z->ctx->reg, stmt->name.name) &&
                    !az_is_aggregate(z, stmt->name.name) && !az_is_table_function(z, stmt->name.name))
                        return az_fail_code(z, SL_ERR_NOT_FOUND, stmt->name.pos, "Can't find any functions with the name '%s'",
                                            stmt->name.name) != NULL;
                return true;
        case SL_AST_STMT_EXPLAIN:
                if (stmt->inner) {
                        a->stmt = stmt->inner;
                        return analyze_stmt(z, stmt->inner);
                }
                return true;
        default:
                return true;
        }
}

sl_err sl_analyze(const sl_analyze_ctx *ctx, const sl_ast_stmt *stmt, sl_analysis **out, sl_err_detail *err)
{
        sl_analysis *a = sl_calloc(1, sizeof(*a));
        az z = {0};
        sl_err_detail local;

        sl_arena_init(&a->arena, 0);
        a->stmt = stmt;
        a->kind = stmt->kind;
        a->limit = -1;
        z.ctx = ctx;
        z.a = a;
        z.arena = &a->arena;
        z.err = err ? err : &local;
        z.clause = "SELECT";
        z.prefix = "";
        sl_err_clear(z.err);
        if (!analyze_stmt(&z, stmt) || z.failed) {
                sl_err code = z.err->code ? z.err->code : SL_ERR_ANALYZE;

                if (!z.err->code)
                        sl_err_set_at(z.err, SL_ERR_ANALYZE, stmt->pos, "invalid statement");
                sl_analysis_free(a);
                *out = NULL;
                return code;
        }
        a->stmt = stmt;
        *out = a;
        return SL_OK;
}

void sl_analysis_free(sl_analysis *a)
{
        if (!a)
                return;
        sl_catalog_source_free(a->new_source);
        sl_arena_deinit(&a->arena);
        sl_free(a);
}

sl_err sl_analysis_apply(sl_catalog *cat, sl_analysis *a, sl_err_detail *err)
{
        const sl_ast_stmt *stmt = a->stmt;
        sl_err rc = SL_OK;

        if (stmt->kind == SL_AST_STMT_EXPLAIN)
                return SL_OK;
        switch (stmt->kind) {
        case SL_AST_STMT_CREATE_STREAM: case SL_AST_STMT_CREATE_TABLE:
        case SL_AST_STMT_CREATE_STREAM_AS: case SL_AST_STMT_CREATE_TABLE_AS:
                if (!a->new_source)
                        return SL_OK;  /* IF NOT EXISTS on an existing source */
                if (a->query_id) {
                        const char **srcs = sl_arena_calloc(&a->arena, a->nsources + 1, sizeof(*srcs));

                        for (size_t i = 0; i < a->nsources; i++)
                                srcs[i] = a->sources[i].src->name;
                        rc = cat->ops->put_query(cat, sl_catalog_query_new(a->query_id, a->new_source->name, srcs, a->nsources,
                                                                           stmt->text), err);
                }
                if (rc == SL_OK) {
                        rc = sl_catalog_source_put(cat, a->new_source, err);
                        a->new_source = NULL;
                }
                return rc;
        case SL_AST_STMT_INSERT_INTO: {
                const char **srcs = sl_arena_calloc(&a->arena, a->nsources + 1, sizeof(*srcs));

                for (size_t i = 0; i < a->nsources; i++)
                        srcs[i] = a->sources[i].src->name;
                return cat->ops->put_query(cat, sl_catalog_query_new(a->query_id, a->sink->name, srcs, a->nsources, stmt->text),
                                           err);
        }
        case SL_AST_STMT_DROP_STREAM: case SL_AST_STMT_DROP_TABLE: {
                const sl_catalog_source *src = sl_catalog_source_get(cat, stmt->name.name);

                if (!src)
                        return SL_OK;
                if (src->query_id)
                        cat->ops->drop_query(cat, src->query_id, NULL);
                return sl_catalog_source_drop(cat, stmt->name.name, err);
        }
        case SL_AST_STMT_CREATE_TYPE:
                if (sl_catalog_type_get(cat, stmt->name.name))
                        return SL_OK;
                return sl_catalog_type_put(cat, stmt->name.name, a->new_type, err);
        case SL_AST_STMT_DROP_TYPE:
                if (!sl_catalog_type_get(cat, stmt->name.name))
                        return SL_OK;
                return sl_catalog_type_drop(cat, stmt->name.name, err);
        case SL_AST_STMT_ALTER_STREAM: case SL_AST_STMT_ALTER_TABLE: {
                const sl_catalog_source *old = sl_catalog_source_get(cat, stmt->name.name);
                sl_catalog_source *src;
                az z = {0};

                if (!old)
                        return SL_OK;
                z.arena = &a->arena;
                z.a = a;
                z.err = err;
                src = sl_catalog_source_new(old->name, old->kind);
                for (size_t i = 0; i < old->ncolumns; i++)
                        sl_catalog_source_add_column(src, old->columns[i].name, old->columns[i].type, old->columns[i].role,
                                                     old->columns[i].header_key);
                src->topic = sl_catalog_source_strdup(src, old->topic);
                src->key_format = sl_catalog_source_strdup(src, old->key_format);
                src->value_format = sl_catalog_source_strdup(src, old->value_format);
                src->timestamp_column = sl_catalog_source_strdup(src, old->timestamp_column);
                src->timestamp_format = sl_catalog_source_strdup(src, old->timestamp_format);
                src->window = old->window;
                src->window_size_ms = old->window_size_ms;
                src->partitions = old->partitions;
                src->sql = sl_catalog_source_strdup(src, old->sql);
                for (size_t i = 0; stmt->elements && i < stmt->elements->len; i++) {
                        const sl_ast_field_def *fd = stmt->elements->items[i];
                        sl_analyze_ctx ctx = {.cat = cat};
                        const sl_type *t;

                        z.ctx = &ctx;
                        if (!(t = az_type(&z, fd->type))) {
                                sl_catalog_source_free(src);
                                return SL_ERR_ANALYZE;
                        }
                        sl_catalog_source_add_column(src, fd->name.name, t, SL_CATALOG_VALUE, NULL);
                }
                return sl_catalog_source_put(cat, src, err);
        }
        default:
                return SL_OK;
        }
}
