/* test_log.c: level names, level filtering, the line format and one line per call, checked by
 * pointing the log at a temporary file (each Criterion test runs in its own process, so the
 * global level and fd do not leak between tests). */
#include <criterion/criterion.h>
#include <fcntl.h>
#include <pthread.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/log.h"
#include "common/time.h"

static int log_fd = -1;
static char log_path[64];

static void open_log(void)
{
        strcpy(log_path, "/tmp/sl_test_log_XXXXXX");
        log_fd = mkstemp(log_path);
        cr_assert_geq(log_fd, 0);
        unlink(log_path);
        sl_log_set_fd(log_fd);
}

static void close_log(void)
{
        sl_log_set_fd(2);
        if (log_fd >= 0)
                close(log_fd);
        log_fd = -1;
}

TestSuite(common_log, .init = open_log, .fini = close_log);

/* Everything written so far; caller frees. */
static char *read_log(size_t *len)
{
        off_t end = lseek(log_fd, 0, SEEK_END);
        cr_assert_geq(end, 0);
        char *text = malloc((size_t)end + 1);
        ssize_t n = pread(log_fd, text, (size_t)end, 0);
        cr_assert_eq(n, end);
        text[end] = '\0';
        if (len)
                *len = (size_t)end;
        return text;
}

static size_t count_lines(const char *text)
{
        size_t n = 0;
        for (; *text; text++)
                n += *text == '\n';
        return n;
}

typedef struct parse_case {
        const char *name;    /* input */
        int ok;              /* parses */
        sl_log_level level;  /* result when it does */
} parse_case;

Test(common_log, level_names_parse_in_any_case)
{
        static const parse_case cases[] = {
                {"trace", 1, SL_LOG_TRACE}, {"DEBUG", 1, SL_LOG_DEBUG},  {"Info", 1, SL_LOG_INFO},
                {"warn", 1, SL_LOG_WARN},   {"WARNING", 1, SL_LOG_WARN}, {"error", 1, SL_LOG_ERROR},
                {"oFf", 1, SL_LOG_OFF},     {"", 0, 0},                  {"inf", 0, 0},
                {"information", 0, 0},      {"err", 0, 0},               {"verbose", 0, 0},
                {"info ", 0, 0},            {"3", 0, 0},
        };
        for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
                sl_log_level got = (sl_log_level)99;
                int rc = sl_log_level_parse(cases[i].name, &got);
                cr_assert_eq(rc == 0, cases[i].ok, "'%s'", cases[i].name);
                if (cases[i].ok)
                        cr_assert_eq(got, cases[i].level, "'%s'", cases[i].name);
                else
                        cr_assert_eq(got, (sl_log_level)99, "'%s': output untouched", cases[i].name);
        }
}

Test(common_log, default_level_is_info)
{
        cr_assert_eq(sl_log_get_level(), SL_LOG_INFO);
        sl_log(SL_LOG_DEBUG, "t", "hidden");
        sl_log(SL_LOG_INFO, "t", "shown");
        char *text = read_log(NULL);
        cr_assert_eq(count_lines(text), 1);
        cr_assert(strstr(text, "shown"));
        free(text);
}

Test(common_log, messages_below_the_level_are_dropped)
{
        static const char *const names[] = {"TRACE", "DEBUG", "INFO", "WARN", "ERROR"};
        for (int min = SL_LOG_TRACE; min <= SL_LOG_OFF; min++) {
                cr_assert_eq(ftruncate(log_fd, 0), 0);
                cr_assert_eq(lseek(log_fd, 0, SEEK_SET), 0);
                sl_log_set_level((sl_log_level)min);
                cr_assert_eq(sl_log_get_level(), (sl_log_level)min);
                for (int lv = SL_LOG_TRACE; lv <= SL_LOG_ERROR; lv++)
                        sl_log((sl_log_level)lv, "filter", "message at %s", names[lv]);
                char *text = read_log(NULL);
                size_t expect = min >= SL_LOG_OFF ? 0 : (size_t)(SL_LOG_ERROR - min + 1);
                cr_assert_eq(count_lines(text), expect, "level %d: got\n%s", min, text);
                for (int lv = SL_LOG_TRACE; lv <= SL_LOG_ERROR; lv++) {
                        char needle[64];
                        snprintf(needle, sizeof needle, "message at %s\n", names[lv]);
                        cr_assert_eq(strstr(text, needle) != NULL, lv >= min, "level %d message %d", min, lv);
                }
                free(text);
        }
}

Test(common_log, off_is_not_a_message_level)
{
        sl_log_set_level(SL_LOG_TRACE);
        sl_log(SL_LOG_OFF, "t", "never");
        sl_log((sl_log_level)42, "t", "never either");
        char *text = read_log(NULL);
        cr_assert_str_eq(text, "");
        free(text);
}

Test(common_log, line_has_timestamp_level_component_and_message)
{
        sl_log_set_level(SL_LOG_TRACE);
        char before[32], after[32];
        sl_time_format_iso(sl_time_wall_ms(), before, sizeof before);
        sl_log(SL_LOG_INFO, "broker", "listening on %s:%d", "127.0.0.1", 9092);
        SL_LOG_WARN("engine", "slow query %d", 7);
        SL_LOG_ERROR("state", "disk full");
        SL_LOG_DEBUG("sql", "parsed");
        sl_log(SL_LOG_TRACE, "exec", "row");
        sl_time_format_iso(sl_time_wall_ms(), after, sizeof after);
        char *text = read_log(NULL);
        static const char *const want[] = {
                "INFO  broker: listening on 127.0.0.1:9092", "WARN  engine: slow query 7",
                "ERROR state: disk full", "DEBUG sql: parsed", "TRACE exec: row",
        };
        regex_t re;
        cr_assert_eq(regcomp(&re, "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\\.[0-9]{3}Z ",
                             REG_EXTENDED | REG_NOSUB), 0);
        char *save = NULL, *line = strtok_r(text, "\n", &save);
        for (size_t i = 0; i < 5; i++, line = strtok_r(NULL, "\n", &save)) {
                cr_assert_not_null(line, "line %zu missing", i);
                cr_assert_eq(regexec(&re, line, 0, NULL, 0), 0, "bad stamp: %s", line);
                cr_assert_str_eq(line + 25, want[i]);
                /* ISO stamps sort as text: the stamp lies between the clock readings around it */
                cr_assert_leq(strncmp(before, line, 24), 0, "%s before %s", before, line);
                cr_assert_geq(strncmp(after, line, 24), 0, "%s after %s", after, line);
        }
        cr_assert_null(line, "exactly five lines");
        regfree(&re);
        free(text);
}

Test(common_log, overlong_message_is_cut_to_one_line)
{
        char *big = malloc(10000);
        memset(big, 'm', 9999);
        big[9999] = '\0';
        sl_log(SL_LOG_ERROR, "t", "%s", big);
        sl_log(SL_LOG_ERROR, "t", "next");
        size_t len;
        char *text = read_log(&len);
        cr_assert_eq(count_lines(text), 2);
        char *nl = strchr(text, '\n');
        cr_assert_leq((size_t)(nl - text) + 1, 2048, "the cut line fits the line buffer");
        cr_assert_eq(nl[-1], 'm');
        cr_assert(strstr(nl + 1, "ERROR t: next\n"));
        free(text);
        free(big);
}

Test(common_log, message_with_newlines_stays_one_line)
{
        sl_log(SL_LOG_WARN, "sql", "bad statement: %s", "SELECT *\nFROM x\r\nWHERE");
        char *text = read_log(NULL);
        cr_assert_eq(count_lines(text), 1, "got:\n%s", text);
        cr_assert(strstr(text, "WARN  sql: bad statement: SELECT * FROM x  WHERE\n"), "got:\n%s", text);
        cr_assert_null(strchr(text, '\r'));
        free(text);
}

#define THREADS 4
#define PER_THREAD 500

static void *log_from_thread(void *arg)
{
        int id = (int)(intptr_t)arg;
        for (int i = 0; i < PER_THREAD; i++)
                sl_log(SL_LOG_INFO, "thread", "t%d line %d %s", id, i, "padding-padding-padding-padding");
        return NULL;
}

Test(common_log, concurrent_calls_never_interleave_within_a_line)
{
        pthread_t th[THREADS];
        for (int t = 0; t < THREADS; t++)
                cr_assert_eq(pthread_create(&th[t], NULL, log_from_thread, (void *)(intptr_t)t), 0);
        for (int t = 0; t < THREADS; t++)
                pthread_join(th[t], NULL);
        char *text = read_log(NULL);
        cr_assert_eq(count_lines(text), THREADS * PER_THREAD);
        int next[THREADS] = {0};
        char *save = NULL;
        for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
                int id, i;
                char pad[64];
                cr_assert_eq(sscanf(line + 25, "INFO  thread: t%d line %d %63s", &id, &i, pad), 3, "%s", line);
                cr_assert(id >= 0 && id < THREADS);
                cr_assert_eq(i, next[id], "thread %d lines in order", id);
                cr_assert_str_eq(pad, "padding-padding-padding-padding");
                next[id]++;
        }
        for (int t = 0; t < THREADS; t++)
                cr_assert_eq(next[t], PER_THREAD);
        free(text);
}
