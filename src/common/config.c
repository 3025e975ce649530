/* config.c: the properties-file parser and typed getters behind common/config.h. Keys keep their
 * insertion order (so a config can be printed back in the order it was written); lookups are a
 * linear walk, which is fine for the few dozen keys a server has. */
#include "common/config.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/mem.h"
#include "common/str.h"
#include "common/vec.h"

typedef struct config_entry {
        char *key;    /* owned */
        char *value;  /* owned */
} config_entry;

struct sl_config {
        sl_vec entries;  /* config_entry, insertion order */
};

sl_config *sl_config_new(void)
{
        sl_config *cfg = sl_calloc(1, sizeof *cfg);
        sl_vec_init(&cfg->entries, sizeof(config_entry));
        return cfg;
}

void sl_config_free(sl_config *cfg)
{
        if (!cfg)
                return;
        for (size_t i = 0; i < cfg->entries.len; i++) {
                config_entry *e = sl_vec_at(&cfg->entries, i);
                sl_free(e->key);
                sl_free(e->value);
        }
        sl_vec_deinit(&cfg->entries);
        sl_free(cfg);
}

static config_entry *find(const sl_config *cfg, const char *key)
{
        for (size_t i = 0; i < cfg->entries.len; i++) {
                config_entry *e = sl_vec_at(&cfg->entries, i);
                if (strcmp(e->key, key) == 0)
                        return e;
        }
        return NULL;
}

void sl_config_set(sl_config *cfg, const char *key, const char *value)
{
        config_entry *e = find(cfg, key);
        if (e) {
                sl_free(e->value);
                e->value = sl_strdup(value);
                return;
        }
        config_entry ne = {sl_strdup(key), sl_strdup(value)};
        sl_vec_push(&cfg->entries, &ne);
}

const char *sl_config_get(const sl_config *cfg, const char *key)
{
        config_entry *e = find(cfg, key);
        return e ? e->value : NULL;
}

bool sl_config_iter(const sl_config *cfg, size_t *pos, const char **key, const char **value)
{
        if (*pos >= cfg->entries.len)
                return false;
        config_entry *e = sl_vec_at(&cfg->entries, *pos);
        (*pos)++;
        *key = e->key;
        *value = e->value;
        return true;
}

/* Appends one logical line's character at p (after a backslash), handling the Java properties
 * escapes \t \n \r \f \uXXXX; anything else stands for itself. Returns characters consumed. */
static size_t unescape(sl_str *out, const char *p, const char *end)
{
        switch (*p) {
        case 't': sl_str_append_char(out, '\t'); return 1;
        case 'n': sl_str_append_char(out, '\n'); return 1;
        case 'r': sl_str_append_char(out, '\r'); return 1;
        case 'f': sl_str_append_char(out, '\f'); return 1;
        case 'u':
                if (end - p >= 5) {
                        char hex[5] = {p[1], p[2], p[3], p[4], 0};
                        char *e;
                        unsigned long cp = strtoul(hex, &e, 16);
                        if (*e == 0) {
                                /* UTF-8 encode the BMP code point */
                                if (cp < 0x80) {
                                        sl_str_append_char(out, (char)cp);
                                } else if (cp < 0x800) {
                                        sl_str_append_char(out, (char)(0xC0 | (cp >> 6)));
                                        sl_str_append_char(out, (char)(0x80 | (cp & 0x3F)));
                                } else {
                                        sl_str_append_char(out, (char)(0xE0 | (cp >> 12)));
                                        sl_str_append_char(out, (char)(0x80 | ((cp >> 6) & 0x3F)));
                                        sl_str_append_char(out, (char)(0x80 | (cp & 0x3F)));
                                }
                                return 5;
                        }
                }
                sl_str_append_char(out, 'u');
                return 1;
        default:
                sl_str_append_char(out, *p);
                return 1;
        }
}

/* Joins continuation lines (odd number of trailing backslashes) into `line`. Returns the position
 * after the logical line. */
static const char *read_logical_line(const char *p, const char *end, sl_str *line, int *lineno)
{
        sl_str_reset(line);
        bool first = true;
        while (p < end) {
                const char *eol = p;
                while (eol < end && *eol != '\n' && *eol != '\r')
                        eol++;
                const char *s = p;
                if (!first) /* leading whitespace of a continuation line is dropped */
                        while (s < eol && (*s == ' ' || *s == '\t' || *s == '\f'))
                                s++;
                size_t bs = 0;
                for (const char *q = eol; q > s && q[-1] == '\\'; q--)
                        bs++;
                bool cont = bs % 2 == 1;
                sl_str_append_n(line, s, (size_t)(eol - s) - (cont ? 1 : 0));
                p = eol;
                if (p < end && *p == '\r')
                        p++;
                if (p < end && *p == '\n')
                        p++;
                (*lineno)++;
                first = false;
                if (!cont)
                        break;
        }
        return p;
}

sl_err sl_config_parse_text(sl_config *cfg, const char *text, size_t len, const char *origin,
                            sl_err_detail *det)
{
        sl_err rc = SL_OK;
        sl_str line, key, value;
        sl_str_init(&line);
        sl_str_init(&key);
        sl_str_init(&value);
        const char *p = text, *end = text + len;
        int lineno = 0;
        while (p < end) {
                int start_line = lineno + 1;
                p = read_logical_line(p, end, &line, &lineno);
                const char *s = sl_str_cstr(&line), *e = s + sl_str_len(&line);
                while (s < e && (*s == ' ' || *s == '\t' || *s == '\f'))
                        s++;
                if (s == e || *s == '#' || *s == '!')
                        continue;
                sl_str_reset(&key);
                sl_str_reset(&value);
                /* key: up to an unescaped '=', ':' or whitespace */
                while (s < e && *s != '=' && *s != ':' && *s != ' ' && *s != '\t' && *s != '\f') {
                        if (*s == '\\' && s + 1 < e)
                                s += 1 + unescape(&key, s + 1, e);
                        else
                                sl_str_append_char(&key, *s++);
                }
                while (s < e && (*s == ' ' || *s == '\t' || *s == '\f'))
                        s++;
                if (s < e && (*s == '=' || *s == ':')) {
                        s++;
                        while (s < e && (*s == ' ' || *s == '\t' || *s == '\f'))
                                s++;
                }
                while (s < e) {
                        if (*s == '\\' && s + 1 < e)
                                s += 1 + unescape(&value, s + 1, e);
                        else
                                sl_str_append_char(&value, *s++);
                }
                /* trailing whitespace of a value is not significant for us (unlike Java) */
                size_t vlen = sl_str_len(&value);
                const char *v = sl_str_cstr(&value);
                while (vlen > 0 && isspace((unsigned char)v[vlen - 1]))
                        vlen--;
                if (sl_str_len(&key) == 0) {
                        rc = sl_err_set(det, SL_ERR_PARSE, "%s:%d: line has no key", origin, start_line);
                        goto fail;
                }
                char *vcopy = sl_strndup(v, vlen);
                sl_config_set(cfg, sl_str_cstr(&key), vcopy);
                sl_free(vcopy);
        }
fail:
        sl_str_deinit(&line);
        sl_str_deinit(&key);
        sl_str_deinit(&value);
        return rc;
}

sl_err sl_config_load_file(sl_config *cfg, const char *path, sl_err_detail *det)
{
        sl_err rc = SL_OK;
        sl_buf buf;
        sl_buf_init(&buf);
        FILE *f = fopen(path, "rb");
        if (!f)
                return sl_err_set(det, SL_ERR_IO, "cannot open config file %s: %s", path, strerror(errno));
        char chunk[4096];
        size_t n;
        while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
                sl_buf_append(&buf, chunk, n);
        if (ferror(f)) {
                rc = sl_err_set(det, SL_ERR_IO, "cannot read config file %s", path);
                goto fail;
        }
        rc = sl_config_parse_text(cfg, buf.data ? (const char *)buf.data : "", buf.len, path, det);
fail:
        fclose(f);
        sl_buf_deinit(&buf);
        return rc;
}

sl_err sl_config_parse_args(sl_config *cfg, int argc, char **argv, bool (*is_flag)(const char *arg),
                            sl_err_detail *det)
{
        /* pass 1: the config file, wherever it appears */
        for (int i = 1; i < argc; i++) {
                const char *path = NULL;
                if (strcmp(argv[i], "--config") == 0) {
                        if (i + 1 >= argc)
                                return sl_err_set(det, SL_ERR_INVALID, "--config needs a file name");
                        path = argv[++i];
                } else if (strncmp(argv[i], "--config=", 9) == 0) {
                        path = argv[i] + 9;
                }
                if (path) {
                        sl_err rc = sl_config_load_file(cfg, path, det);
                        if (rc)
                                return rc;
                }
        }
        /* pass 2: overrides in order */
        for (int i = 1; i < argc; i++) {
                const char *a = argv[i];
                if (strcmp(a, "--config") == 0) {
                        i++;
                        continue;
                }
                if (strncmp(a, "--config=", 9) == 0)
                        continue;
                if (is_flag && is_flag(a))
                        continue;
                const char *eq = strchr(a, '=');
                if (strncmp(a, "--", 2) != 0 || !eq || eq == a + 2)
                        return sl_err_set(det, SL_ERR_INVALID, "unknown argument '%s'", a);
                char *key = sl_strndup(a + 2, (size_t)(eq - a - 2));
                sl_config_set(cfg, key, eq + 1);
                sl_free(key);
        }
        return SL_OK;
}

sl_err sl_config_get_str(const sl_config *cfg, const char *key, const char *def, const char **out,
                         sl_err_detail *det)
{
        (void)det;
        const char *v = sl_config_get(cfg, key);
        *out = v ? v : def;
        return SL_OK;
}

sl_err sl_config_get_i64(const sl_config *cfg, const char *key, int64_t def, int64_t min, int64_t max,
                         int64_t *out, sl_err_detail *det)
{
        const char *v = sl_config_get(cfg, key);
        if (!v) {
                *out = def;
                return SL_OK;
        }
        errno = 0;
        char *end;
        long long n = strtoll(v, &end, 10);
        if (*v == 0 || *end != 0 || errno == ERANGE || isspace((unsigned char)*v))
                return sl_err_set(det, SL_ERR_INVALID, "invalid value '%s' for %s: not an integer", v, key);
        if (n < min || n > max)
                return sl_err_set(det, SL_ERR_INVALID, "invalid value %lld for %s: must be between %lld and %lld",
                                  n, key, (long long)min, (long long)max);
        *out = n;
        return SL_OK;
}

sl_err sl_config_get_int(const sl_config *cfg, const char *key, int def, int min, int max, int *out,
                         sl_err_detail *det)
{
        int64_t v;
        sl_err rc = sl_config_get_i64(cfg, key, def, min, max, &v, det);
        if (rc == SL_OK)
                *out = (int)v;
        return rc;
}

sl_err sl_config_get_bool(const sl_config *cfg, const char *key, bool def, bool *out, sl_err_detail *det)
{
        const char *v = sl_config_get(cfg, key);
        if (!v) {
                *out = def;
                return SL_OK;
        }
        static const char *const yes[] = {"true", "yes", "on", "1"};
        static const char *const no[] = {"false", "no", "off", "0"};
        for (int i = 0; i < 4; i++) {
                if (sl_str_eq_ci(v, yes[i])) {
                        *out = true;
                        return SL_OK;
                }
                if (sl_str_eq_ci(v, no[i])) {
                        *out = false;
                        return SL_OK;
                }
        }
        return sl_err_set(det, SL_ERR_INVALID, "invalid value '%s' for %s: expected true or false", v, key);
}
