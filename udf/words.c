/* words.c: example table UDF plugin. SPLIT_WORDS(text [, min_length]) emits one row per word of
 * `text`: a word is a maximal run of ASCII letters and digits, apostrophes inside it and any
 * non-ASCII UTF-8 character (so accented words stay whole); ASCII letters are lower-cased. Words
 * shorter than min_length characters (default 1) are dropped; a negative min_length is an error.
 * A NULL or wordless text gives no rows. Used as SELECT SPLIT_WORDS(line) AS word FROM lines; one
 * input row becomes as many output rows as it has words. */
#include <stdint.h>

#include <sluice/udf.h>

SL_UDF_PLUGIN("words", "1.0.0")

static const sl_udf_host *host; /* set by sl_udf_entry; valid while the plugin is loaded */

static int is_word_byte(unsigned char c)
{
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c >= 0x80;
}

/* Finds the word starting at or after *pos; returns 0 at the end. */
static int next_word(const char *s, size_t len, size_t *pos, size_t *start, size_t *end)
{
        size_t i = *pos;
        while (i < len && !is_word_byte((unsigned char)s[i]))
                i++;
        if (i == len)
                return 0;
        *start = i;
        while (i < len && (is_word_byte((unsigned char)s[i]) ||
                           (s[i] == '\'' && i + 1 < len && i > *start && is_word_byte((unsigned char)s[i + 1]))))
                i++;
        *end = i;
        *pos = i;
        return 1;
}

/* Characters (UTF-8 lead bytes) in s[start, end). */
static size_t chars(const char *s, size_t start, size_t end)
{
        size_t n = 0;
        for (size_t i = start; i < end; i++)
                n += ((unsigned char)s[i] & 0xc0) != 0x80;
        return n;
}

static int split_words(sl_udf_call *call, const sl_udf_value *const *args, size_t nargs,
                       const sl_udf_value **result)
{
        size_t len, pos = 0, start, end, n = 0;
        const char *s = host->get_string(args[0], &len);
        int32_t min_len = 1;
        if (nargs == 2 && !host->is_null(args[1])) {
                min_len = host->get_int(args[1]);
                if (min_len < 0)
                        return host->error(call, "min_length must not be negative, got %d", (int)min_len);
        }
        while (next_word(s, len, &pos, &start, &end))
                n += chars(s, start, end) >= (size_t)min_len;
        sl_udf_value *rows = host->new_array(call, n);
        if (!rows)
                return SL_UDF_ERROR;
        pos = 0;
        for (size_t k = 0; next_word(s, len, &pos, &start, &end);) {
                if (chars(s, start, end) < (size_t)min_len)
                        continue;
                char buf[256];
                const sl_udf_value *w;
                if (end - start <= sizeof buf) {
                        for (size_t i = start; i < end; i++)
                                buf[i - start] = (char)((s[i] >= 'A' && s[i] <= 'Z') ? s[i] + 32 : s[i]);
                        w = host->make_string(call, buf, end - start);
                } else {
                        w = host->make_string(call, s + start, end - start); /* long words keep their case */
                }
                if (!w || host->array_set(rows, k++, w))
                        return SL_UDF_ERROR;
        }
        *result = rows;
        return SL_UDF_OK;
}

static const sl_udf_overload overloads[] = {
        {.size = sizeof(sl_udf_overload), .params = "STRING text", .returns = "STRING",
         .flags = SL_UDF_NULL_IN_NULL_OUT, .invoke = split_words, .description = "one row per word"},
        {.size = sizeof(sl_udf_overload), .params = "STRING text, INT min_length", .returns = "STRING",
         .invoke = split_words, .description = "one row per word of at least min_length characters"},
};

int sl_udf_entry(const sl_udf_host *h, char *errbuf, size_t errlen)
{
        host = h;
        sl_udf_function fn = {
                .size = sizeof fn,
                .name = "SPLIT_WORDS",
                .kind = SL_UDF_TABLE,
                .category = "TABLE",
                .description = "Splits a text into lower-case words, one output row per word.",
                .author = "sluice examples",
                .overloads = overloads,
                .noverloads = sizeof overloads / sizeof overloads[0],
        };
        return host->register_function(&fn, errbuf, errlen);
}
