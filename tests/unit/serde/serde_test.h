/* serde_test.h: helpers shared by the serde unit tests: a small parser of column lists in SQL
 * type syntax ("A INT, B ARRAY<STRUCT<C STRING>>"), building serdes from it, and rendering a
 * decoded row as text with sl_value_format_json (the types module's renderer, independent of the
 * serde encoders) so that tables can state expected rows as text. */
#ifndef SL_TESTS_SERDE_TEST_H
#define SL_TESTS_SERDE_TEST_H

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include <criterion/criterion.h>

#include "common/arena.h"
#include "common/str.h"
#include "serde/serde.h"
#include "types/type.h"
#include "types/value.h"

typedef struct tparse {
        const char *p;
        sl_arena *arena;
} tparse;

static __attribute__((unused)) void tp_ws(tparse *tp)
{
        while (*tp->p == ' ')
                tp->p++;
}

static __attribute__((unused)) size_t tp_word(tparse *tp, char *out, size_t cap)
{
        tp_ws(tp);
        size_t n = 0;
        if (*tp->p == '`') {
                tp->p++;
                while (*tp->p && *tp->p != '`' && n + 1 < cap)
                        out[n++] = *tp->p++;
                if (*tp->p == '`')
                        tp->p++;
        } else {
                while ((isalnum((unsigned char)*tp->p) || *tp->p == '_') && n + 1 < cap)
                        out[n++] = *tp->p++;
        }
        out[n] = 0;
        return n;
}

static __attribute__((unused)) const sl_type *tp_type(tparse *tp);

static __attribute__((unused)) sl_type_field *tp_fields(tparse *tp, char close, size_t *n)
{
        sl_type_field *f = sl_arena_calloc(tp->arena, 64, sizeof *f);
        *n = 0;
        tp_ws(tp);
        while (*tp->p && *tp->p != close) {
                char name[64];
                tp_word(tp, name, sizeof name);
                f[*n].name = sl_arena_strdup(tp->arena, name);
                f[*n].type = tp_type(tp);
                (*n)++;
                tp_ws(tp);
                if (*tp->p == ',')
                        tp->p++;
                tp_ws(tp);
        }
        return f;
}

static __attribute__((unused)) const sl_type *tp_type(tparse *tp)
{
        char w[32];
        tp_word(tp, w, sizeof w);
        tp_ws(tp);
        if (!strcmp(w, "BOOLEAN")) return sl_type_boolean();
        if (!strcmp(w, "INT")) return sl_type_int();
        if (!strcmp(w, "BIGINT")) return sl_type_bigint();
        if (!strcmp(w, "DOUBLE")) return sl_type_double();
        if (!strcmp(w, "STRING")) return sl_type_string();
        if (!strcmp(w, "BYTES")) return sl_type_bytes();
        if (!strcmp(w, "DATE")) return sl_type_date();
        if (!strcmp(w, "TIME")) return sl_type_time();
        if (!strcmp(w, "TIMESTAMP")) return sl_type_timestamp();
        if (!strcmp(w, "DECIMAL")) {
                int p = 0, s = 0, used = 0;
                sscanf(tp->p, "(%d,%d)%n", &p, &s, &used);
                tp->p += used;
                return sl_type_decimal(p, s);
        }
        if (!strcmp(w, "ARRAY")) {
                tp->p++; /* < */
                const sl_type *e = tp_type(tp);
                tp_ws(tp);
                tp->p++; /* > */
                return sl_type_array(tp->arena, e);
        }
        if (!strcmp(w, "MAP")) {
                tp->p++;
                const sl_type *k = tp_type(tp);
                tp_ws(tp);
                tp->p++; /* , */
                const sl_type *v = tp_type(tp);
                tp_ws(tp);
                tp->p++;
                return sl_type_map(tp->arena, k, v);
        }
        if (!strcmp(w, "STRUCT")) {
                tp->p++;
                size_t n;
                sl_type_field *f = tp_fields(tp, '>', &n);
                tp->p++;
                return sl_type_struct(tp->arena, f, n);
        }
        cr_assert_fail("bad type in test: %s", w);
        return NULL;
}

/* The arena of a test: made by serde_test_setup, freed by serde_test_teardown (the suites' init and
 * fini). */
static sl_arena arena __attribute__((unused));

static __attribute__((unused)) void serde_test_setup(void)
{
        sl_arena_init(&arena, 0);
}

static __attribute__((unused)) void serde_test_teardown(void)
{
        sl_arena_deinit(&arena);
}

static __attribute__((unused)) const sl_type *parse_type(sl_arena *arena, const char *text)
{
        tparse tp = {text, arena};
        return tp_type(&tp);
}

/* Builds a serde for `columns` ("A INT, B STRING") with the other schema settings of `tmpl`;
 * fails the test on error. */
static __attribute__((unused)) sl_serde *make_serde_like(sl_arena *arena, sl_serde_format fmt, const char *columns,
                                                         sl_serde_schema tmpl)
{
        tparse tp = {columns, arena};
        size_t n;
        sl_type_field *f = tp_fields(&tp, 0, &n);
        sl_serde_column *cols = sl_arena_calloc(arena, n + 1, sizeof *cols);
        sl_serde *serde = NULL;
        sl_err_detail err;

        for (size_t i = 0; i < n; i++) {
                cols[i].name = f[i].name;
                cols[i].type = f[i].type;
        }
        tmpl.columns = cols;
        tmpl.ncolumns = n;
        cr_assert_eq(sl_serde_new(fmt, &tmpl, &serde, &err), SL_OK, "sl_serde_new(%s): %s", columns, err.message);
        return serde;
}

/* Builds a serde for columns "A INT, B STRING"; fails the test on error. */
static __attribute__((unused)) sl_serde *make_serde(sl_arena *arena, sl_serde_format fmt, const char *columns, bool unwrapped, char delim)
{
        return make_serde_like(arena, fmt, columns, (sl_serde_schema){.unwrapped = unwrapped, .delimiter = delim});
}

/* "v1|v2|..." with each value as sl_value_format_json renders it; "<null row>" for a null row. */
static __attribute__((unused)) char *render_row(sl_arena *arena, const sl_value *row, size_t n, bool row_null)
{
        if (row_null)
                return sl_arena_strdup(arena, "<null row>");
        sl_str s;
        sl_str_init(&s);
        for (size_t i = 0; i < n; i++) {
                if (i)
                        sl_str_append_char(&s, '|');
                sl_value_format_json(&s, &row[i], 0);
        }
        char *r = sl_arena_strdup(arena, sl_str_cstr(&s));
        sl_str_deinit(&s);
        return r;
}

/* Encodes `row`: the text, "<absent>" when there is no record, or "ERR: <message>". */
static __attribute__((unused)) const char *encode_text(sl_arena *arena, const sl_serde *serde, const sl_value *row)
{
        sl_buf out;
        sl_buf_init(&out);
        bool out_null = false;
        sl_err_detail err;
        sl_err rc = sl_serde_serialize(serde, row, &out, &out_null, &err);
        char *r;
        if (rc != SL_OK)
                r = sl_arena_sprintf(arena, "ERR: %s", err.message);
        else if (out_null)
                r = sl_arena_strdup(arena, "<absent>");
        else
                r = sl_arena_strndup(arena, (const char *)out.data, out.len);
        sl_buf_deinit(&out);
        return r;
}

/* Decodes `in` (len (size_t)-1 means strlen) and renders the row, or "ERR: <message>". */
static __attribute__((unused)) char *decode_text(sl_arena *arena, const sl_serde *serde, const char *in, size_t len)
{
        if (len == (size_t)-1)
                len = strlen(in);
        sl_value row[16];
        bool row_null = false;
        sl_err_detail err;
        sl_err rc = sl_serde_deserialize(serde, SL_SLICE(in, len), arena, NULL, row, &row_null, &err);
        if (rc != SL_OK) {
                cr_assert_eq(rc, SL_ERR_SERDE, "unexpected code %s", sl_err_name(rc));
                return sl_arena_sprintf(arena, "ERR: %s", err.message);
        }
        return render_row(arena, row, sl_serde_ncolumns(serde), row_null);
}

#endif
