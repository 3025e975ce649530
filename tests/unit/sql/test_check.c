/* test_check.c: the --check and --format drivers on temporary files: three different mistakes in
 * one script are all reported with their line:column, a valid script exits 0, and the --format
 * output of a script checks cleanly again. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/mem.h"
#include "sql/check.h"

static char *write_temp(const char *text)
{
        char *path = sl_strdup("/tmp/sl_check_XXXXXX");
        int fd = mkstemp(path);
        FILE *f;

        cr_assert_geq(fd, 0);
        f = fdopen(fd, "w");
        fputs(text, f);
        fclose(f);
        return path;
}

/* Runs fn on a temp file and returns what it printed (heap). */
static char *run_check(const char *path, int *rc)
{
        char *buf = NULL;
        size_t len = 0;
        FILE *out = open_memstream(&buf, &len);

        *rc = sl_sql_check_file(path, out);
        fclose(out);
        return buf;
}

static const char *good =
        "CREATE STREAM S (ID INT KEY, V BIGINT, NAME STRING) WITH (KAFKA_TOPIC='s', VALUE_FORMAT='JSON');\n"
        "CREATE TABLE T AS SELECT ID, COUNT(*) AS C, SUM(V) AS TOTAL FROM S GROUP BY ID;\n"
        "CREATE STREAM F AS SELECT ID, UCASE(NAME) AS N FROM S WHERE V > 10 AND NAME LIKE 'a%';\n"
        "SELECT * FROM T WHERE ID = 1;\n"
        "DROP STREAM F;\n";

Test(sql_check, valid_script_exits_zero)
{
        char *path = write_temp(good);
        int rc;
        char *out = run_check(path, &rc);

        cr_assert_eq(rc, 0, "output: %s", out);
        cr_assert_str_eq(out, "");
        free(out);
        unlink(path);
        sl_free(path);
}

Test(sql_check, three_mistakes_reported_with_positions)
{
        char *path = write_temp(
                "CREATE STREAM S (ID INT KEY, V BIGINT, NAME STRING) WITH (KAFKA_TOPIC='s', VALUE_FORMAT='JSON');\n"
                "SELECT ID FORM S EMIT CHANGES;\n"
                "SELECT ID,\n  NOPE FROM S EMIT CHANGES;\n"
                "SELECT * FROM S WHERE NAME > 5 EMIT CHANGES;\n"
                "SELECT ID FROM S EMIT CHANGES;\n");
        int rc;
        char *out = run_check(path, &rc);
        char expect[1024];

        cr_assert_eq(rc, 1);
        snprintf(expect, sizeof(expect), "%s:2:16: ", path);
        cr_assert(strstr(out, expect), "no syntax error at 2:16 in:\n%s", out);
        snprintf(expect, sizeof(expect), "%s:4:3: SELECT column 'NOPE' cannot be resolved.", path);
        cr_assert(strstr(out, expect), "no unknown column at 4:3 in:\n%s", out);
        snprintf(expect, sizeof(expect), "%s:5:23: Error in WHERE expression: Cannot compare NAME (STRING) to 5 (INTEGER)",
                 path);
        cr_assert(strstr(out, expect), "no type error at 5:23 in:\n%s", out);
        {
                int lines = 0;
                for (const char *p = out; *p; p++)
                        lines += *p == '\n';
                cr_assert_eq(lines, 3, "%s", out);
        }
        free(out);
        unlink(path);
        sl_free(path);
}

Test(sql_check, ddl_applies_in_order)
{
        char *path = write_temp("SELECT * FROM S EMIT CHANGES;\n"
                                "CREATE STREAM S (ID INT KEY) WITH (KAFKA_TOPIC='s', VALUE_FORMAT='JSON');\n"
                                "SELECT * FROM S EMIT CHANGES;\nDROP STREAM S;\nSELECT * FROM S EMIT CHANGES;\n");
        int rc;
        char *out = run_check(path, &rc);
        char expect[1024];

        cr_assert_eq(rc, 1);
        snprintf(expect, sizeof(expect), "%s:1:15: Source `S` does not exist.\n%s:5:15: Source `S` does not exist.\n", path, path);
        cr_assert_str_eq(out, expect);
        free(out);
        unlink(path);
        sl_free(path);
}

Test(sql_check, format_output_rechecks_cleanly)
{
        char *path = write_temp(good), *fmt_path;
        char *buf = NULL;
        size_t len = 0;
        FILE *out = open_memstream(&buf, &len);
        int rc;
        char *res;

        cr_assert_eq(sl_sql_format_file(path, out, stderr), 0);
        fclose(out);
        cr_assert(strstr(buf, "CREATE STREAM S"), "%s", buf);
        fmt_path = write_temp(buf);
        res = run_check(fmt_path, &rc);
        cr_assert_eq(rc, 0, "%s\n%s", buf, res);
        free(res);
        free(buf);
        unlink(path);
        unlink(fmt_path);
        sl_free(path);
        sl_free(fmt_path);
}

Test(sql_check, missing_file_is_an_error)
{
        int rc;
        char *out = run_check("/nonexistent/x.sql", &rc);

        cr_assert_eq(rc, 1);
        cr_assert(strstr(out, "cannot open"));
        free(out);
}
