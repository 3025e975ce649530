/* test_qtt.c: ksqlDB's own query-validation cases as serde conformance tests. Every case of
 * ../shared/conformance/qtt whose statements are exactly
 *     CREATE STREAM A (<columns>) WITH (...);  CREATE STREAM B [WITH (...)] AS SELECT * FROM A;
 * with formats this module implements is a pure serde round trip: each input record is
 * deserialized with A's key and value formats and serialized with B's, and must equal the expected
 * output (records that fail to deserialize must be missing from it). JSON compares structurally
 * with numbers by value, other formats byte for byte. The case files are read from
 * $SLUICE_SHARED/conformance/qtt (or ../shared relative to the source tree); the test skips when
 * they are absent. Cases whose input needs more than the test can express (HEADERS columns,
 * schema inference, AVRO...) are skipped and counted. */
#include <dirent.h>
#include <jansson.h>
#include <strings.h>

#include "qtt_load.h"
#include "serde_test.h"
#include "types/compare.h"

typedef struct qcol {
        char name[64];
        const sl_type *type;
        bool key;
} qcol;

typedef struct qside {
        sl_serde_format key_fmt, val_fmt;
        bool has_key_fmt, has_val_fmt;
        int wrap;  /* -1 unset, 0 false, 1 true */
        char delim;
} qside;

typedef struct stats {
        int passed, failed, skipped;
} stats;

/* Splits `s` at top-level commas (outside <>, (), quotes, backticks) into parts[]. */
static int split_top(char *s, char **parts, int max)
{
        int n = 0, depth = 0;
        char q = 0;
        parts[n++] = s;
        for (char *p = s; *p; p++) {
                if (q) {
                        if (*p == q)
                                q = 0;
                } else if (*p == '\'' || *p == '`') {
                        q = *p;
                } else if (*p == '<' || *p == '(') {
                        depth++;
                } else if (*p == '>' || *p == ')') {
                        depth--;
                } else if (*p == ',' && depth == 0 && n < max) {
                        *p = 0;
                        parts[n++] = p + 1;
                }
        }
        return n;
}

static char *trim(char *s)
{
        while (*s == ' ' || *s == '\n' || *s == '\t')
                s++;
        size_t n = strlen(s);
        while (n && (s[n - 1] == ' ' || s[n - 1] == '\n' || s[n - 1] == '\t' || s[n - 1] == ';'))
                s[--n] = 0;
        return s;
}

/* SQL type text to the test parser's syntax: INTEGER -> INT, VARCHAR/VARCHAR(STRING) -> STRING,
 * unquoted field names upper-cased. Returns false for what it cannot express. */
static bool normalise_type(const char *in, char *out, size_t cap)
{
        size_t o = 0;
        const char *p = in;
        while (*p && o + 16 < cap) {
                if (*p == '`') {
                        const char *e = strchr(p + 1, '`');
                        if (!e)
                                return false;
                        size_t n = (size_t)(e - p) + 1;
                        memcpy(out + o, p, n);
                        o += n;
                        p = e + 1;
                } else if (isalpha((unsigned char)*p) || *p == '_') {
                        char w[64];
                        size_t n = 0;
                        while ((isalnum((unsigned char)*p) || *p == '_') && n < 63)
                                w[n++] = (char)toupper((unsigned char)*p++);
                        w[n] = 0;
                        if (!strcmp(w, "INTEGER"))
                                strcpy(w, "INT");
                        if (!strcmp(w, "VARCHAR")) {
                                strcpy(w, "STRING");
                                if (!strncasecmp(p, "(STRING)", 8))
                                        p += 8;
                        }
                        n = strlen(w);
                        memcpy(out + o, w, n);
                        o += n;
                } else if (*p == ' ' && (p[1] == ')' || p[-1] == '(' || p[-1] == ',')) {
                        p++;
                } else {
                        out[o++] = *p++;
                }
        }
        out[o] = 0;
        return *p == 0;
}

static bool parse_columns(sl_arena *arena, char *text, qcol *cols, int *ncols)
{
        char *parts[64];
        int n = split_top(text, parts, 64);
        *ncols = 0;
        for (int i = 0; i < n; i++) {
                char *c = trim(parts[i]);
                if (!*c)
                        continue;
                qcol *col = &cols[(*ncols)++];
                memset(col, 0, sizeof *col);
                if (*c == '`') {
                        char *e = strchr(c + 1, '`');
                        if (!e)
                                return false;
                        snprintf(col->name, sizeof col->name, "%.*s", (int)(e - c - 1), c + 1);
                        c = e + 1;
                } else {
                        size_t k = 0;
                        while ((isalnum((unsigned char)*c) || *c == '_') && k < 63)
                                col->name[k++] = (char)toupper((unsigned char)*c++);
                }
                c = trim(c);
                size_t len = strlen(c);
                if (len > 12 && !strcasecmp(c + len - 12, " PRIMARY KEY")) {
                        col->key = true;
                        c[len - 12] = 0;
                } else if (len > 4 && !strcasecmp(c + len - 4, " KEY")) {
                        col->key = true;
                        c[len - 4] = 0;
                } else if (len > 8 && !strcasecmp(c + len - 8, " HEADERS")) {
                        return false;
                } else if (strcasestr(c, " HEADER(")) {
                        return false;
                }
                char norm[512];
                if (!normalise_type(trim(c), norm, sizeof norm))
                        return false;
                col->type = parse_type(arena, norm);
        }
        return *ncols > 0;
}

/* Reads WITH (...) properties into `side`. Returns false for unsupported contents. */
static bool parse_with(char *text, qside *side, bool *unsupported_fmt)
{
        char *parts[64];
        int n = split_top(text, parts, 64);
        for (int i = 0; i < n; i++) {
                char *kv = trim(parts[i]);
                char *eq = strchr(kv, '=');
                if (!eq)
                        continue;
                *eq = 0;
                char *k = trim(kv), *v = trim(eq + 1);
                if (*v == '\'') {
                        v++;
                        char *e = strrchr(v, '\'');
                        if (e)
                                *e = 0;
                }
                sl_serde_format f;
                if (!strcasecmp(k, "format") || !strcasecmp(k, "key_format") || !strcasecmp(k, "value_format")) {
                        if (sl_serde_format_parse(v, &f, NULL) != SL_OK || f >= SL_SERDE_AVRO) {
                                *unsupported_fmt = true;
                                return false;
                        }
                        if (strcasecmp(k, "value_format")) {
                                side->key_fmt = f;
                                side->has_key_fmt = true;
                        }
                        if (strcasecmp(k, "key_format")) {
                                side->val_fmt = f;
                                side->has_val_fmt = true;
                        }
                } else if (!strcasecmp(k, "wrap_single_value")) {
                        side->wrap = !strcasecmp(v, "true");
                } else if (!strcasecmp(k, "value_delimiter")) {
                        if (sl_serde_delimiter_parse(v, &side->delim, NULL) != SL_OK)
                                return false;
                } else if (!strcasecmp(k, "key_delimiter") || strcasestr(k, "schema") || !strcasecmp(k, "timestamp") ||
                           !strcasecmp(k, "timestamp_format") || !strcasecmp(k, "window_type")) {
                        return false;
                }
        }
        return true;
}

/* Turns a record field of the case file into bytes of `fmt` (NULL ptr for null). */
static bool record_bytes(sl_arena *arena, json_t *v, sl_serde_format fmt, const sl_type *single, sl_slice *out)
{
        if (!v || json_is_null(v)) {
                *out = SL_SLICE(NULL, 0);
                return true;
        }
        if (fmt == SL_SERDE_JSON) {
                char *s = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
                *out = SL_SLICE(sl_arena_strdup(arena, s), strlen(s));
                free(s);
                return true;
        }
        if (json_is_string(v)) {
                *out = SL_SLICE(sl_arena_strdup(arena, json_string_value(v)), json_string_length(v));
                return true;
        }
        if (fmt == SL_SERDE_KAFKA && single && json_is_number(v)) {
                uint8_t *b = sl_arena_alloc(arena, 8);
                if (single->kind == SL_TYPE_INT) {
                        sl_store_be32(b, (uint32_t)json_integer_value(v));
                        *out = SL_SLICE(b, 4);
                } else if (single->kind == SL_TYPE_BIGINT) {
                        sl_store_be64(b, (uint64_t)json_integer_value(v));
                        *out = SL_SLICE(b, 8);
                } else if (single->kind == SL_TYPE_DOUBLE) {
                        double d = json_number_value(v);
                        uint64_t bits;
                        memcpy(&bits, &d, 8);
                        sl_store_be64(b, bits);
                        *out = SL_SLICE(b, 8);
                } else {
                        return false;
                }
                return true;
        }
        if (fmt == SL_SERDE_NONE || fmt == SL_SERDE_KAFKA) {
                *out = SL_SLICE("x", 1);  /* ignored: no columns */
                return !single;
        }
        return false;
}

/* Does serialized `bytes` (absent: ptr NULL) match the expected record field? */
static bool output_matches(sl_slice bytes, sl_serde_format fmt, const sl_type *single, json_t *want, char *why,
                           size_t whylen)
{
        if (!want || json_is_null(want)) {
                snprintf(why, whylen, "want null, got %.*s", (int)bytes.len, bytes.ptr ? (const char *)bytes.ptr : "null");
                return bytes.ptr == NULL;
        }
        if (!bytes.ptr) {
                snprintf(why, whylen, "got null");
                return false;
        }
        snprintf(why, whylen, "got %.*s", (int)(bytes.len > 200 ? 200 : bytes.len), (const char *)bytes.ptr);
        if (fmt == SL_SERDE_JSON) {
                json_t *got = json_loadb((const char *)bytes.ptr, bytes.len, JSON_DECODE_ANY, NULL);
                bool ok = got && sl_test_json_same(got, want, false);
                json_decref(got);
                return ok;
        }
        if (json_is_string(want))
                return bytes.len == json_string_length(want) && memcmp(bytes.ptr, json_string_value(want), bytes.len) == 0;
        if (fmt == SL_SERDE_KAFKA && single && json_is_number(want)) {
                double w = json_number_value(want), g;
                if (single->kind == SL_TYPE_INT && bytes.len == 4)
                        g = (int32_t)sl_load_be32(bytes.ptr);
                else if (single->kind == SL_TYPE_BIGINT && bytes.len == 8)
                        g = (double)(int64_t)sl_load_be64(bytes.ptr);
                else if (single->kind == SL_TYPE_DOUBLE && bytes.len == 8) {
                        uint64_t bits = sl_load_be64(bytes.ptr);
                        memcpy(&g, &bits, 8);
                } else {
                        return false;
                }
                return g == w;
        }
        return false;
}

static sl_serde *build_side(sl_arena *arena, sl_serde_format fmt, const qcol *cols, int ncols, bool key, bool unwrapped,
                            char delim, const sl_type **single)
{
        sl_serde_column sc[64];
        size_t n = 0;
        for (int i = 0; i < ncols; i++)
                if (cols[i].key == key)
                        sc[n++] = (sl_serde_column){sl_arena_strdup(arena, cols[i].name), cols[i].type};
        *single = n == 1 ? sc[0].type : NULL;
        sl_serde_schema schema = {.columns = sc, .ncolumns = n, .unwrapped = unwrapped && n == 1, .delimiter = delim};
        sl_serde *serde = NULL;
        if (sl_serde_new(fmt, &schema, &serde, NULL) != SL_OK)
                return NULL;
        return serde;
}

/* Runs one case with statements s1, s2 (already {FORMAT}-substituted). Returns 1 pass, 0 fail,
 * -1 skip. */
static int run_case(sl_arena *arena, const char *fname, const char *cname, const char *s1, const char *s2,
                    json_t *props, json_t *inputs, json_t *outputs)
{
        char a[8192], b[8192];
        snprintf(a, sizeof a, "%.8000s", s1);
        snprintf(b, sizeof b, "%.8000s", s2);
        /* CREATE STREAM X (cols) WITH (props) */
        if (strncasecmp(trim(a), "CREATE STREAM ", 14))
                return -1;
        char *open = strchr(a, '(');
        char *with = strcasestr(a, ") WITH (");
        if (!open || !with)
                return -1;
        *with = 0;
        char *props1 = with + 8;
        char *end = strrchr(props1, ')');
        if (!end)
                return -1;
        *end = 0;
        qcol cols[64];
        int ncols;
        if (!parse_columns(arena, open + 1, cols, &ncols))
                return -1;
        qside in = {.wrap = -1}, out = {.wrap = -1};
        bool unsup = false;
        if (!parse_with(props1, &in, &unsup))
                return -1;
        /* CREATE STREAM Y [WITH (props)] AS SELECT * FROM X */
        char *as = strcasestr(b, " AS SELECT * FROM ");
        if (!as || strncasecmp(trim(b), "CREATE STREAM ", 14) || strchr(as + 18, ' '))
                return -1;
        char *w2 = strcasestr(b, " WITH");
        if (w2 && w2 < as) {
                *as = 0;
                char *o2 = strchr(w2, '('), *e2 = strrchr(w2, ')');
                if (!o2 || !e2 || e2 < o2)
                        return -1;
                *e2 = 0;
                if (!parse_with(o2 + 1, &out, &unsup))
                        return -1;
        }
        /* defaults from the case's properties */
        sl_serde_format def_key = SL_SERDE_KAFKA, def_val = SL_SERDE_JSON;
        bool has_def_val = false;
        int def_wrap = 1;
        json_t *pv;
        if ((pv = json_object_get(props, "ksql.persistence.default.format.value")) && json_is_string(pv)) {
                if (sl_serde_format_parse(json_string_value(pv), &def_val, NULL) != SL_OK || def_val >= SL_SERDE_AVRO)
                        return -1;
                has_def_val = true;
        }
        if ((pv = json_object_get(props, "ksql.persistence.default.format.key")) && json_is_string(pv))
                if (sl_serde_format_parse(json_string_value(pv), &def_key, NULL) != SL_OK || def_key >= SL_SERDE_AVRO)
                        return -1;
        if ((pv = json_object_get(props, "ksql.persistence.wrap.single.values")))
                def_wrap = json_is_true(pv) || (json_is_string(pv) && !strcasecmp(json_string_value(pv), "true"));
        if (!in.has_key_fmt)
                in.key_fmt = def_key;
        if (!in.has_val_fmt) {
                if (!has_def_val)
                        return -1;
                in.val_fmt = def_val;
        }
        if (!out.has_key_fmt)
                out.key_fmt = in.key_fmt;
        if (!out.has_val_fmt)
                out.val_fmt = in.val_fmt;
        if (!out.delim)
                out.delim = in.delim;
        bool in_unwrap = in.wrap == 0 || (in.wrap < 0 && !def_wrap) || in.val_fmt != SL_SERDE_JSON;
        bool out_unwrap = out.wrap == 0 || (out.wrap < 0 && !def_wrap) || out.val_fmt != SL_SERDE_JSON;
        const sl_type *ik1, *iv1, *ok1, *ov1;
        sl_serde *ik = build_side(arena, in.key_fmt, cols, ncols, true, true, 0, &ik1);
        sl_serde *iv = build_side(arena, in.val_fmt, cols, ncols, false, in_unwrap, in.delim, &iv1);
        sl_serde *okk = build_side(arena, out.key_fmt, cols, ncols, true, true, 0, &ok1);
        sl_serde *ov = build_side(arena, out.val_fmt, cols, ncols, false, out_unwrap, out.delim, &ov1);
        int result = -1;
        if (!ik || !iv || !okk || !ov)
                goto done;  /* a schema the formats refuse: not a round trip case */
        size_t nout = json_array_size(outputs), o = 0;
        result = 1;
        for (size_t i = 0; i < json_array_size(inputs); i++) {
                json_t *rec = json_array_get(inputs, i);
                sl_slice kb, vb;
                if (!record_bytes(arena, json_object_get(rec, "key"), in.key_fmt, ik1, &kb) ||
                    !record_bytes(arena, json_object_get(rec, "value"), in.val_fmt, iv1, &vb)) {
                        result = -1;
                        goto done;
                }
                sl_value krow[64], vrow[64];
                bool kn, vn;
                sl_err_detail err;
                if (sl_serde_deserialize(ik, kb, arena, NULL, krow, &kn, &err) != SL_OK ||
                    sl_serde_deserialize(iv, vb, arena, NULL, vrow, &vn, &err) != SL_OK)
                        continue;  /* ksqlDB drops it */
                sl_buf kout, vout;
                sl_buf_init(&kout);
                sl_buf_init(&vout);
                bool kon, von;
                bool enc_ok = sl_serde_serialize(okk, kn ? NULL : krow, &kout, &kon, &err) == SL_OK &&
                              sl_serde_serialize(ov, vn ? NULL : vrow, &vout, &von, &err) == SL_OK;
                char why[512] = "";
                bool ok = false;
                if (!enc_ok) {
                        snprintf(why, sizeof why, "serialize: %.400s", err.message);
                } else if (o >= nout) {
                        snprintf(why, sizeof why, "more outputs than expected");
                } else {
                        json_t *want = json_array_get(outputs, o++);
                        sl_slice ks = kon ? SL_SLICE(NULL, 0) : SL_SLICE(kout.data ? kout.data : (uint8_t *)"", kout.len);
                        sl_slice vs = von ? SL_SLICE(NULL, 0) : SL_SLICE(vout.data ? vout.data : (uint8_t *)"", vout.len);
                        ok = output_matches(ks, out.key_fmt, ok1, json_object_get(want, "key"), why, sizeof why) &&
                             output_matches(vs, out.val_fmt, ov1, json_object_get(want, "value"), why, sizeof why);
                }
                sl_buf_deinit(&kout);
                sl_buf_deinit(&vout);
                if (!ok) {
                        fprintf(stderr, "qtt %s: %s: input %zu: %s\n", fname, cname, i, why);
                        result = 0;
                        goto done;
                }
        }
        if (o != nout) {
                fprintf(stderr, "qtt %s: %s: %zu outputs, expected %zu\n", fname, cname, o, nout);
                result = 0;
        }
done:
        sl_serde_free(ik);
        sl_serde_free(iv);
        sl_serde_free(okk);
        sl_serde_free(ov);
        return result;
}

static char *replace_format(const char *s, const char *fmt)
{
        static char buf[8192];
        const char *p = strstr(s, "{FORMAT}");
        if (!p)
                snprintf(buf, sizeof buf, "%s", s);
        else
                snprintf(buf, sizeof buf, "%.*s%s%s", (int)(p - s), s, fmt, p + 8);
        return buf;
}

static const char *qtt_dir(char *buf, size_t cap)
{
        const char *shared = getenv("SLUICE_SHARED");
        if (shared)
                snprintf(buf, cap, "%s/conformance/qtt", shared);
        else  /* <repo>/tests/unit/serde/test_qtt.c -> <repo>/../shared */
                snprintf(buf, cap, "%.*s/../../../../shared/conformance/qtt",
                         (int)(strrchr(__FILE__, '/') - __FILE__), __FILE__);
        return buf;
}

Test(serde_qtt, pass_through_cases_round_trip)
{
        char dir[4096];
        DIR *d = opendir(qtt_dir(dir, sizeof dir));
        if (!d)
                cr_skip_test("no conformance cases at %s", dir);
        stats st = {0};
        struct dirent *de;
        while ((de = readdir(d))) {
                size_t nl = strlen(de->d_name);
                if (nl < 6 || strcmp(de->d_name + nl - 5, ".json"))
                        continue;
                char path[8192];
                snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
                json_t *root = json_load_file(path, 0, NULL);
                json_t *tests = root ? json_object_get(root, "tests") : NULL;
                for (size_t t = 0; tests && t < json_array_size(tests); t++) {
                        json_t *tc = json_array_get(tests, t);
                        json_t *stmts = json_object_get(tc, "statements");
                        if (json_array_size(stmts) != 2 || json_object_get(tc, "expectedException") ||
                            json_is_false(json_object_get(tc, "enabled")))
                                continue;
                        const char *s1 = json_string_value(json_array_get(stmts, 0));
                        const char *s2 = json_string_value(json_array_get(stmts, 1));
                        if (!s1 || !s2 || !strcasestr(s2, "AS SELECT * FROM"))
                                continue;
                        json_t *formats = json_object_get(tc, "format");
                        size_t nf = json_array_size(formats);
                        for (size_t f = 0; f < (nf ? nf : 1); f++) {
                                const char *fmt = nf ? json_string_value(json_array_get(formats, f)) : "";
                                char a[8192];
                                snprintf(a, sizeof a, "%s", replace_format(s1, fmt));
                                sl_arena arena;
                                sl_arena_init(&arena, 0);
                                int r = run_case(&arena, de->d_name, json_string_value(json_object_get(tc, "name")), a,
                                                 replace_format(s2, fmt), json_object_get(tc, "properties"),
                                                 json_object_get(tc, "inputs"), json_object_get(tc, "outputs"));
                                sl_arena_deinit(&arena);
                                if (r > 0)
                                        st.passed++;
                                else if (r == 0)
                                        st.failed++;
                                else if (st.skipped++, getenv("QTT_SHOW_SKIPPED"))
                                        fprintf(stderr, "skipped %s: %s [%s]\n", de->d_name,
                                                json_string_value(json_object_get(tc, "name")), fmt);
                        }
                }
                json_decref(root);
        }
        closedir(d);
        fprintf(stderr, "qtt serde round trips: %d passed, %d failed, %d skipped\n", st.passed, st.failed, st.skipped);
        cr_expect_gt(st.passed, 100, "too few cases ran: %d", st.passed);
        cr_expect_eq(st.failed, 0, "%d cases failed (listed above)", st.failed);
}
