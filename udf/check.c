/* check.c: sluice-udf-check, a plugin developer's smoke test and the SDK test's loader. Loads the
 * given plugins into a registry holding the built-ins (so clashes show as they would in sluiced),
 * lists what each registered, and optionally calls a function:
 *   sluice-udf-check PLUGIN.so... [-- NAME ARG... [/ ARG... ...]]
 *   sluice-udf-check PLUGIN.so... --check FILE.sql
 * ARG is TYPE:TEXT (int:5, bigint:5, double:1.5, string:hello, bool:true) or null; '/' separates
 * rows. A scalar or table function is called once per row (a table function prints one line per
 * output row); an aggregate folds all rows and prints its result. --check analyzes a SQL script as
 * `sluiced --check` does, with the plugins' functions known (errors as FILE:line:col: message).
 * Exit status: 0 when every plugin loaded and every call (statement) succeeded, 1 when a plugin was
 * refused, 2 when a call failed or a statement is invalid, 3 on bad usage. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/arena.h"
#include "common/err.h"
#include "common/str.h"
#include "func/registry.h"
#include "sql/check.h"
#include "udf/loader.h"

static const char *kind_name(sl_func_kind kind)
{
        return kind == SL_FUNC_AGGREGATE ? "AGGREGATE" : kind == SL_FUNC_TABLE ? "TABLE" : "SCALAR";
}

/* Parses TYPE:TEXT into a value and its static type. */
static int parse_arg(sl_arena *arena, const char *text, sl_value *v, const sl_type **t)
{
        const char *colon = strchr(text, ':');
        const char *s = colon ? colon + 1 : "";
        size_t tl = colon ? (size_t)(colon - text) : strlen(text);
        if (tl == 4 && strncmp(text, "null", 4) == 0) {
                *v = sl_value_null();
                *t = sl_type_null();
        } else if (tl == 3 && strncmp(text, "int", 3) == 0) {
                *v = sl_value_int((int32_t)strtol(s, NULL, 10));
                *t = sl_type_int();
        } else if (tl == 6 && strncmp(text, "bigint", 6) == 0) {
                *v = sl_value_bigint(strtoll(s, NULL, 10));
                *t = sl_type_bigint();
        } else if (tl == 6 && strncmp(text, "double", 6) == 0) {
                *v = sl_value_double(strtod(s, NULL));
                *t = sl_type_double();
        } else if (tl == 6 && strncmp(text, "string", 6) == 0) {
                *v = sl_value_cstr_copy(arena, s);
                *t = sl_type_string();
        } else if (tl == 4 && strncmp(text, "bool", 4) == 0) {
                *v = sl_value_bool(strcmp(s, "true") == 0);
                *t = sl_type_boolean();
        } else {
                fprintf(stderr, "sluice-udf-check: bad argument '%s' (want int:, bigint:, double:, string:, bool: or null)\n",
                        text);
                return -1;
        }
        return 0;
}

static void list_functions(const sl_udf_loader *loader, const sl_func_registry *reg, sl_arena *arena)
{
        const sl_func **fns;
        size_t n = sl_func_registry_list(reg, arena, &fns);
        sl_str s;
        sl_str_init(&s);
        for (size_t i = 0; i < n; i++) {
                const char *origin = sl_udf_loader_origin(loader, fns[i]->name);
                if (!origin)
                        continue;
                printf("function %s %s category=%s author='%s' version='%s' from %s\n  %s\n", fns[i]->name,
                       kind_name(fns[i]->kind), fns[i]->category, fns[i]->author, fns[i]->version, origin,
                       fns[i]->description);
                for (size_t j = 0; j < fns[i]->overloads.len; j++) {
                        sl_str_reset(&s);
                        sl_func_overload_print(&s, SL_VEC_AT(&fns[i]->overloads, sl_func_overload *, j));
                        printf("  %s\n", sl_str_cstr(&s));
                }
        }
        sl_str_deinit(&s);
}

static void print_value(const char *prefix, const sl_value *v)
{
        sl_str s;
        sl_str_init(&s);
        sl_value_format(&s, v);
        printf("%s%s\n", prefix, sl_str_cstr(&s));
        sl_str_deinit(&s);
}

/* Calls NAME over the rows in argv[0..argc). Returns 0 or 2. */
static int call_function(const sl_func_registry *reg, sl_arena *arena, int argc, char **argv)
{
        const char *name = argv[0];
        sl_err_detail err;
        sl_func_resolved res;
        sl_func_ctx ctx = {.arena = arena, .err = &err, .res = &res};
        const sl_func *fn = sl_func_registry_get(reg, name);
        sl_value state = sl_value_null();
        int rc = 0, i = 1;
        if (!fn) {
                printf("error: no function %s\n", name);
                return 2;
        }
        if (fn->kind == SL_FUNC_AGGREGATE)
                memset(&res, 0, sizeof res);
        for (int row = 0; i <= argc; row++) {
                int start = i;
                while (i < argc && strcmp(argv[i], "/") != 0)
                        i++;
                int nargs = i - start;
                sl_value *vals = sl_arena_calloc(arena, (size_t)nargs + 1, sizeof *vals);
                sl_func_arg *args = sl_arena_calloc(arena, (size_t)nargs + 1, sizeof *args);
                for (int k = 0; k < nargs; k++)
                        if (parse_arg(arena, argv[start + k], &vals[k], &args[k].type))
                                return 3;
                i++; /* past "/" */
                if (row == 0 || fn->kind != SL_FUNC_AGGREGATE) {
                        if (sl_func_resolve(fn, args, (size_t)nargs, NULL, NULL, arena, &res, &err)) {
                                printf("error: %s\n", err.message);
                                return 2;
                        }
                }
                if (sl_func_args_convert(arena, &res, vals, (size_t)nargs, vals, &err)) {
                        printf("error: %s\n", err.message);
                        return 2;
                }
                sl_value out;
                if (fn->kind == SL_FUNC_AGGREGATE) {
                        const sl_func_agg_ops *ops = res.ov->agg;
                        if ((row == 0 && ops->init(&ctx, &state)) || ops->accumulate(&ctx, &state, vals, (size_t)nargs, &state)) {
                                printf("error: %s\n", err.message);
                                rc = 2;
                        }
                        continue;
                }
                if (sl_func_call(&ctx, vals, (size_t)nargs, &out)) {
                        printf("error: %s\n", err.message);
                        rc = 2;
                } else if (fn->kind == SL_FUNC_TABLE) {
                        for (uint32_t k = 0; out.kind == SL_TYPE_ARRAY && k < out.len; k++)
                                print_value("row: ", &out.u.comp.items[k]);
                } else {
                        print_value("result: ", &out);
                }
        }
        if (fn->kind == SL_FUNC_AGGREGATE && rc == 0) {
                sl_value out;
                if (res.ov->agg->result(&ctx, &state, &out)) {
                        printf("error: %s\n", err.message);
                        rc = 2;
                } else {
                        print_value("result: ", &out);
                }
        }
        return rc;
}

/* Analyzes the SQL script at `path` with the registry; 0 when every statement is valid, else 2. */
static int check_sql(const char *path, const sl_func_registry *reg)
{
        FILE *f = fopen(path, "rb");
        sl_str text;
        char buf[4096];
        size_t n;
        if (!f) {
                printf("error: cannot read %s\n", path);
                return 2;
        }
        sl_str_init(&text);
        while ((n = fread(buf, 1, sizeof buf, f)) > 0)
                sl_str_append_n(&text, buf, n);
        fclose(f);
        int bad = sl_sql_check_text(path, sl_str_cstr(&text), reg, stdout);
        sl_str_deinit(&text);
        printf("%d invalid statement(s)\n", bad);
        return bad ? 2 : 0;
}

int main(int argc, char **argv)
{
        int nplugins = 0, rc = 0;
        sl_err_detail err;
        sl_arena arena;
        const char *sql = NULL;
        while (nplugins + 1 < argc && strcmp(argv[nplugins + 1], "--") != 0 && strcmp(argv[nplugins + 1], "--check") != 0)
                nplugins++;
        if (nplugins + 1 < argc && strcmp(argv[nplugins + 1], "--check") == 0) {
                if (nplugins + 3 != argc) {
                        fprintf(stderr, "usage: sluice-udf-check PLUGIN.so... --check FILE.sql\n");
                        return 3;
                }
                sql = argv[nplugins + 2];
                argc = nplugins + 1;
        }
        if (nplugins == 0 || (nplugins + 1 < argc && nplugins + 2 >= argc)) {
                fprintf(stderr, "usage: sluice-udf-check PLUGIN.so... [-- NAME ARG... [/ ARG... ...]]\n"
                                "       sluice-udf-check PLUGIN.so... --check FILE.sql\n");
                return 3;
        }
        sl_arena_init(&arena, 0);
        sl_func_registry *reg = sl_func_registry_new();
        sl_udf_loader *loader = sl_udf_loader_new(reg);
        if (sl_func_registry_add_builtins(reg, &err)) {
                fprintf(stderr, "sluice-udf-check: built-ins: %s\n", err.message);
                rc = 3;
                goto done;
        }
        for (int i = 1; i <= nplugins; i++) {
                if (sl_udf_loader_load_file(loader, argv[i], NULL, &err)) {
                        printf("refused %s: %s\n", argv[i], err.message);
                        rc = 1;
                } else {
                        printf("loaded %s\n", argv[i]);
                }
        }
        list_functions(loader, reg, &arena);
        if (sql) {
                int crc = check_sql(sql, reg);
                if (crc > rc)
                        rc = crc;
        }
        if (nplugins + 2 < argc) {
                int crc = call_function(reg, &arena, argc - nplugins - 2, argv + nplugins + 2);
                if (crc > rc)
                        rc = crc;
        }
done:
        sl_func_registry_free(reg);
        sl_udf_loader_free(loader);
        sl_arena_deinit(&arena);
        return rc;
}
