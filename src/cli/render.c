/* render.c: ksqlDB's JSON results as the ksql shell prints them: dashed tables for listings
 * (SHOW STREAMS, status messages), "Name : value" blocks for DESCRIBE and DESCRIBE FUNCTION, and
 * the +---+ frame for query rows. Every width is measured in bytes of UTF-8 text, except that
 * continuation bytes do not count, so accented names line up. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "common/mem.h"

/* Display width: code points, not bytes. */
static size_t text_width(const char *s)
{
        size_t w = 0;
        for (; *s; s++)
                if (((unsigned char)*s & 0xC0) != 0x80)
                        w++;
        return w;
}

static void pad(sl_str *out, size_t n, char c)
{
        for (size_t i = 0; i < n; i++)
                sl_str_append_char(out, c);
}

void sl_cli_render_table(sl_str *out, const char *const *headers, size_t ncols, const char *const *cells,
                         size_t nrows)
{
        size_t *w = sl_calloc(ncols ? ncols : 1, sizeof(size_t));
        size_t total = 0;

        for (size_t c = 0; c < ncols; c++) {
                w[c] = text_width(headers[c]);
                for (size_t r = 0; r < nrows; r++) {
                        size_t cw = text_width(cells[r * ncols + c] ? cells[r * ncols + c] : "");
                        if (cw > w[c])
                                w[c] = cw;
                }
                total += w[c] + 2 + (c > 0 ? 1 : 0);
        }
        for (size_t c = 0; c < ncols; c++) {
                sl_str_append(out, c ? "| " : " ");
                sl_str_append(out, headers[c]);
                pad(out, w[c] - text_width(headers[c]) + 1, ' ');
        }
        sl_str_append_char(out, '\n');
        pad(out, total, '-');
        sl_str_append_char(out, '\n');
        for (size_t r = 0; r < nrows; r++) {
                for (size_t c = 0; c < ncols; c++) {
                        const char *v = cells[r * ncols + c] ? cells[r * ncols + c] : "";
                        sl_str_append(out, c ? "| " : " ");
                        sl_str_append(out, v);
                        pad(out, w[c] - text_width(v) + 1, ' ');
                }
                sl_str_append_char(out, '\n');
        }
        pad(out, total, '-');
        sl_str_append_char(out, '\n');
        sl_free(w);
}

void sl_cli_render_schema(sl_str *out, json_t *schema)
{
        const char *type = json_string_value(json_object_get(schema, "type"));
        if (type == NULL) {
                sl_str_append(out, "?");
                return;
        }
        if (strcmp(type, "ARRAY") == 0) {
                sl_str_append(out, "ARRAY<");
                sl_cli_render_schema(out, json_object_get(schema, "memberSchema"));
                sl_str_append(out, ">");
        } else if (strcmp(type, "MAP") == 0) {
                sl_str_append(out, "MAP<STRING, ");
                sl_cli_render_schema(out, json_object_get(schema, "memberSchema"));
                sl_str_append(out, ">");
        } else if (strcmp(type, "STRUCT") == 0) {
                json_t *fields = json_object_get(schema, "fields");
                size_t i;
                json_t *f;
                sl_str_append(out, "STRUCT<");
                json_array_foreach(fields, i, f) {
                        if (i)
                                sl_str_append(out, ", ");
                        sl_str_appendf(out, "%s ", json_string_value(json_object_get(f, "name")));
                        sl_cli_render_schema(out, json_object_get(f, "schema"));
                }
                sl_str_append(out, ">");
        } else if (strcmp(type, "DECIMAL") == 0) {
                json_t *p = json_object_get(schema, "parameters");
                sl_str_appendf(out, "DECIMAL(%lld, %lld)",
                               (long long)json_integer_value(json_object_get(p, "precision")),
                               (long long)json_integer_value(json_object_get(p, "scale")));
        } else if (strcmp(type, "STRING") == 0) {
                sl_str_append(out, "VARCHAR(STRING)");
        } else {
                sl_str_append(out, type);
        }
}

/* A cell's text (malloc'd): a number as the shortest decimal that reads back as the same double
 * (jansson writes 17 digits: 52.5219 would show as 52.521900000000002), plain between 1e-3 and
 * 1e7 with ".0" added to a whole one, as the server writes it; anything else as compact JSON. */
static char *cell_text(json_t *v)
{
        if (!json_is_real(v) || !isfinite(json_real_value(v)))
                return json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
        double d = json_real_value(v);
        bool plain = d == 0 || (fabs(d) >= 1e-3 && fabs(d) < 1e7); /* as Java's Double.toString */
        char buf[48];
        for (int prec = plain ? 0 : 1; prec <= 17; prec++) {
                snprintf(buf, sizeof buf - 2, plain ? "%.*f" : "%.*g", prec, d);
                if (strtod(buf, NULL) == d)
                        break;
        }
        if (!strpbrk(buf, ".eE"))
                strcat(buf, ".0");
        return strdup(buf);
}

static const char *jstr(json_t *obj, const char *key)
{
        json_t *v = json_object_get(obj, key);
        return json_is_string(v) ? json_string_value(v) : "";
}

/* A listing entity: `key` is the array, `fields` the JSON keys, `headers` the column titles. */
static void render_list(sl_str *out, json_t *arr, const char *const *headers, const char *const *fields,
                        size_t ncols)
{
        size_t n = json_array_size(arr);
        const char **cells = sl_calloc(n * ncols + 1, sizeof(char *));
        char **owned = sl_calloc(n * ncols + 1, sizeof(char *));

        for (size_t r = 0; r < n; r++) {
                json_t *row = json_array_get(arr, r);
                for (size_t c = 0; c < ncols; c++) {
                        json_t *v = json_object_get(row, fields[c]);
                        if (json_is_string(v)) {
                                cells[r * ncols + c] = json_string_value(v);
                        } else if (v != NULL && !json_is_null(v)) {
                                owned[r * ncols + c] = cell_text(v);
                                cells[r * ncols + c] = owned[r * ncols + c];
                        }
                }
        }
        sl_cli_render_table(out, headers, ncols, cells, n);
        for (size_t i = 0; i < n * ncols; i++)
                free(owned[i]);
        sl_free(owned);
        sl_free(cells);
}

static void render_source_desc(sl_str *out, json_t *d)
{
        json_t *fields = json_object_get(d, "fields");
        size_t n = json_array_size(fields);
        const char **cells = sl_calloc(2 * n + 1, sizeof(char *));
        sl_str *types = sl_calloc(n + 1, sizeof(sl_str));
        static const char *const headers[] = {"Field", "Type"};

        sl_str_appendf(out, "\nName                 : %s\n", jstr(d, "name"));
        if (json_is_true(json_object_get(d, "extended"))) {
                sl_str_appendf(out, "Type                 : %s\n", jstr(d, "type"));
                sl_str_appendf(out, "Timestamp field      : %s\n",
                               *jstr(d, "timestamp") ? jstr(d, "timestamp") : "Not set - using <ROWTIME>");
                sl_str_appendf(out, "Key format           : %s\n", jstr(d, "keyFormat"));
                sl_str_appendf(out, "Value format         : %s\n", jstr(d, "valueFormat"));
                sl_str_appendf(out, "Kafka topic          : %s (partitions: %lld, replication: %lld)\n",
                               jstr(d, "topic"), (long long)json_integer_value(json_object_get(d, "partitions")),
                               (long long)json_integer_value(json_object_get(d, "replication")));
                sl_str_appendf(out, "Statement            : %s\n", jstr(d, "statement"));
        }
        for (size_t i = 0; i < n; i++) {
                json_t *f = json_array_get(fields, i);
                sl_str_init(&types[i]);
                sl_cli_render_schema(&types[i], json_object_get(f, "schema"));
                const char *ft = jstr(f, "type");
                if (strcmp(ft, "KEY") == 0)
                        sl_str_append(&types[i], json_is_string(json_object_get(d, "type")) &&
                                                 strcmp(jstr(d, "type"), "TABLE") == 0 ? " (primary key)" : " (key)");
                else if (strcmp(ft, "HEADER") == 0)
                        sl_str_appendf(&types[i], " (header%s%s)", *jstr(f, "headerKey") ? " " : "",
                                       jstr(f, "headerKey"));
                cells[2 * i] = jstr(f, "name");
                cells[2 * i + 1] = sl_str_cstr(&types[i]);
        }
        sl_cli_render_table(out, headers, 2, cells, n);
        if (!json_is_true(json_object_get(d, "extended")))
                sl_str_append(out, "For runtime statistics and query details run: DESCRIBE <Stream,Table> EXTENDED;\n");
        for (size_t i = 0; i < n; i++)
                sl_str_deinit(&types[i]);
        sl_free(types);
        sl_free(cells);
}

static void render_function(sl_str *out, json_t *ent)
{
        size_t i;
        json_t *v;

        sl_str_appendf(out, "\nName        : %s\n", jstr(ent, "name"));
        sl_str_appendf(out, "Author      : %s\n", jstr(ent, "author"));
        sl_str_appendf(out, "Version     : %s\n", jstr(ent, "version"));
        sl_str_appendf(out, "Overview    : %s\n", jstr(ent, "description"));
        sl_str_appendf(out, "Type        : %s\n", jstr(ent, "type"));
        sl_str_appendf(out, "Jar         : %s\n", jstr(ent, "path"));
        sl_str_append(out, "Variations  : \n");
        json_array_foreach(json_object_get(ent, "functions"), i, v) {
                size_t k;
                json_t *a;
                sl_str_appendf(out, "\n\tVariation   : %s(", jstr(ent, "name"));
                json_array_foreach(json_object_get(v, "arguments"), k, a) {
                        sl_str_appendf(out, "%s%s%s%s%s", k ? ", " : "", jstr(a, "name"), *jstr(a, "name") ? " " : "",
                                       jstr(a, "type"), json_is_true(json_object_get(a, "isVariadic")) ? "..." : "");
                }
                sl_str_appendf(out, ")\n\tReturns     : %s\n", jstr(v, "returnType"));
                if (*jstr(v, "description"))
                        sl_str_appendf(out, "\tDescription : %s\n", jstr(v, "description"));
        }
}

void sl_cli_render_entity(sl_str *out, json_t *ent)
{
        const char *type = jstr(ent, "@type");

        if (strcmp(type, "currentStatus") == 0) {
                static const char *const h[] = {"Message"};
                const char *cell = jstr(json_object_get(ent, "commandStatus"), "message");
                sl_cli_render_table(out, h, 1, &cell, 1);
        } else if (strcmp(type, "streams") == 0 || strcmp(type, "tables") == 0) {
                bool streams = type[0] == 's';
                const char *const h[] = {streams ? "Stream Name" : "Table Name", "Kafka Topic", "Key Format",
                                         "Value Format", "Windowed"};
                static const char *const f[] = {"name", "topic", "keyFormat", "valueFormat", "isWindowed"};
                render_list(out, json_object_get(ent, type), h, f, 5);
        } else if (strcmp(type, "queries") == 0) {
                static const char *const h[] = {"Query ID", "Query Type", "Status", "Query String"};
                static const char *const f[] = {"id", "queryType", "state", "queryString"};
                render_list(out, json_object_get(ent, "queries"), h, f, 4);
        } else if (strcmp(type, "properties") == 0) {
                static const char *const h[] = {"Property", "Scope", "Level", "Value"};
                static const char *const f[] = {"name", "scope", "level", "value"};
                render_list(out, json_object_get(ent, "properties"), h, f, 4);
        } else if (strcmp(type, "function_names") == 0) {
                static const char *const h[] = {"Function Name", "Type", "Category"};
                static const char *const f[] = {"name", "type", "category"};
                render_list(out, json_object_get(ent, "functions"), h, f, 3);
                sl_str_append(out, "For detailed information on a function run: DESCRIBE FUNCTION <Function Name>;\n");
        } else if (strcmp(type, "describe_function") == 0) {
                render_function(out, ent);
        } else if (strcmp(type, "sourceDescription") == 0) {
                render_source_desc(out, json_object_get(ent, "sourceDescription"));
        } else if (strcmp(type, "source_descriptions") == 0) {
                size_t i;
                json_t *d;
                json_array_foreach(json_object_get(ent, "sourceDescriptions"), i, d)
                        render_source_desc(out, d);
        } else if (strcmp(type, "type_list") == 0) {
                json_t *types = json_object_get(ent, "types");
                size_t n = json_object_size(types), i = 0;
                const char **cells = sl_calloc(2 * n + 1, sizeof(char *));
                sl_str *s = sl_calloc(n + 1, sizeof(sl_str));
                const char *k;
                json_t *v;
                static const char *const h[] = {"Type Name", "Schema"};
                json_object_foreach(types, k, v) {
                        sl_str_init(&s[i]);
                        sl_cli_render_schema(&s[i], v);
                        cells[2 * i] = k;
                        cells[2 * i + 1] = sl_str_cstr(&s[i]);
                        i++;
                }
                sl_cli_render_table(out, h, 2, cells, n);
                for (i = 0; i < n; i++)
                        sl_str_deinit(&s[i]);
                sl_free(s);
                sl_free(cells);
        } else if (strcmp(type, "variables") == 0) {
                static const char *const h[] = {"Variable Name", "Value"};
                static const char *const f[] = {"name", "value"};
                render_list(out, json_object_get(ent, "variables"), h, f, 2);
        } else if (strcmp(type, "kafka_topics") == 0) {
                static const char *const h[] = {"Kafka Topic", "Partitions", "Partition Replicas"};
                json_t *topics = json_object_get(ent, "topics");
                size_t n = json_array_size(topics), i;
                const char **cells = sl_calloc(3 * n + 1, sizeof(char *));
                char (*nums)[2][24] = sl_calloc(n + 1, sizeof(*nums));
                json_t *t;
                json_array_foreach(topics, i, t) {
                        json_t *reps = json_object_get(t, "replicaInfo");
                        snprintf(nums[i][0], sizeof(nums[i][0]), "%zu", json_array_size(reps));
                        snprintf(nums[i][1], sizeof(nums[i][1]), "%lld",
                                 (long long)json_integer_value(json_array_get(reps, 0)));
                        cells[3 * i] = jstr(t, "name");
                        cells[3 * i + 1] = nums[i][0];
                        cells[3 * i + 2] = nums[i][1];
                }
                sl_cli_render_table(out, h, 3, cells, n);
                sl_free(nums);
                sl_free(cells);
        } else if (strcmp(type, "warning_entity") == 0) {
                sl_str_appendf(out, "%s\n", jstr(ent, "message"));
        } else {
                char *t = json_dumps(ent, JSON_INDENT(2));
                sl_str_appendf(out, "%s\n", t ? t : "");
                free(t);
        }
        json_t *warnings = json_object_get(ent, "warnings");
        size_t i;
        json_t *w;
        json_array_foreach(warnings, i, w)
                sl_str_appendf(out, "WARNING: %s\n", jstr(w, "message"));
}

void sl_cli_render_error(sl_str *out, json_t *err, long status)
{
        const char *msg = jstr(err, "message");
        if (err == NULL || !*msg) {
                sl_str_appendf(out, "Server error (HTTP %ld)\n", status);
                return;
        }
        sl_str_appendf(out, "%s\n", msg);
        if (json_array_size(json_object_get(err, "entities")) > 0) {
                size_t i;
                json_t *e;
                json_array_foreach(json_object_get(err, "entities"), i, e)
                        sl_cli_render_entity(out, e);
        }
}

void sl_cli_rowfmt_init(sl_cli_rowfmt *fmt, json_t *names, int term_width)
{
        size_t n = json_array_size(names);
        fmt->ncols = n;
        fmt->widths = sl_calloc(n ? n : 1, sizeof(size_t));
        if (term_width <= 0)
                term_width = 120;
        size_t each = n ? ((size_t)term_width - 1) / n : 0;
        each = each > 1 ? each - 1 : 1;
        for (size_t i = 0; i < n; i++) {
                size_t w = text_width(json_string_value(json_array_get(names, i)) ?: "");
                fmt->widths[i] = w > each ? w : each;
                if (fmt->widths[i] > 60 && w <= 60)
                        fmt->widths[i] = 60;
        }
}

void sl_cli_rowfmt_deinit(sl_cli_rowfmt *fmt)
{
        sl_free(fmt->widths);
        fmt->widths = NULL;
}

void sl_cli_render_row_border(sl_str *out, const sl_cli_rowfmt *fmt)
{
        sl_str_append_char(out, '+');
        for (size_t i = 0; i < fmt->ncols; i++) {
                pad(out, fmt->widths[i], '-');
                sl_str_append_char(out, '+');
        }
        sl_str_append_char(out, '\n');
}

/* Byte offset of the first `w` code points of `s` (at most its length). */
static size_t prefix_bytes(const char *s, size_t w)
{
        size_t i = 0, cp = 0;
        while (s[i]) {
                if (((unsigned char)s[i] & 0xC0) != 0x80) {
                        if (cp == w)
                                break;
                        cp++;
                }
                i++;
        }
        return i;
}

void sl_cli_render_row(sl_str *out, const sl_cli_rowfmt *fmt, json_t *values)
{
        char **cells = sl_calloc(fmt->ncols + 1, sizeof(char *));
        size_t *offs = sl_calloc(fmt->ncols + 1, sizeof(size_t));
        bool more = true;

        for (size_t i = 0; i < fmt->ncols; i++) {
                json_t *v = json_array_get(values, i);
                if (json_is_string(v))
                        cells[i] = strdup(json_string_value(v));
                else if (v == NULL || json_is_null(v))
                        cells[i] = strdup("null");
                else
                        cells[i] = cell_text(v);
        }
        /* long cells wrap onto continuation lines, as the ksql shell does */
        for (bool first = true; more; first = false) {
                more = false;
                sl_str_append_char(out, '|');
                for (size_t i = 0; i < fmt->ncols; i++) {
                        const char *rest = cells[i] + offs[i];
                        size_t nb = prefix_bytes(rest, fmt->widths[i]);
                        if (!first && *rest == '\0')
                                nb = 0;
                        sl_str_append_n(out, rest, nb);
                        size_t shown = 0;
                        for (size_t k = 0; k < nb; k++)
                                if (((unsigned char)rest[k] & 0xC0) != 0x80)
                                        shown++;
                        pad(out, fmt->widths[i] - shown, ' ');
                        sl_str_append_char(out, '|');
                        offs[i] += nb;
                        if (cells[i][offs[i]] != '\0')
                                more = true;
                }
                sl_str_append_char(out, '\n');
        }
        for (size_t i = 0; i < fmt->ncols; i++)
                free(cells[i]);
        sl_free(cells);
        sl_free(offs);
}
