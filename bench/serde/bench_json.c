/* bench_json.c: JSON serde throughput (bench/serde/run builds and runs it). Decodes and encodes
 * ~200-byte records shaped like Nexmark bids with the schema-directed decoder, and in the same
 * run parses the same records with jansson (DOM parse plus fetching every declared field, the
 * way a DOM-based serde would) and dumps them again, as the baseline. Prints records/s, MB/s and
 * the ratios. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/arena.h"
#include "serde/serde.h"

#define NREC 20000

static double now(void)
{
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static const char *const names[] = {"AUCTION", "BIDDER", "PRICE", "CHANNEL", "URL", "DATETIME", "EXTRA"};

int main(int argc, char **argv)
{
        double min_seconds = argc > 1 ? atof(argv[1]) : 2.0;
        const char *only = argc > 2 ? argv[2] : "";  /* "decode": skip the other phases (profiling) */
        /* the records: lower-case keys as producers write them, matched case-insensitively */
        char **recs = malloc(NREC * sizeof *recs);
        size_t *lens = malloc(NREC * sizeof *lens);
        size_t total_bytes = 0;
        srand(42);
        for (int i = 0; i < NREC; i++) {
                char buf[512];
                int n = snprintf(buf, sizeof buf,
                                 "{\"auction\": %d, \"bidder\": %d, \"price\": %d, \"channel\": \"channel-%d\", "
                                 "\"url\": \"https://www.nexmark.com/%x/item.htm?query=%d\", \"dateTime\": %lld, "
                                 "\"extra\": \"%08x%08x%08x\"}",
                                 1000 + rand() % 10000, 2000 + rand() % 100000, rand() % 10000000, rand() % 10000,
                                 rand(), rand() % 1000, 1700000000000LL + i * 7, rand(), rand(), rand());
                recs[i] = strdup(buf);
                lens[i] = (size_t)n;
                total_bytes += (size_t)n;
        }
        double avg = (double)total_bytes / NREC;

        sl_serde_column cols[7] = {
                {names[0], sl_type_bigint()}, {names[1], sl_type_bigint()}, {names[2], sl_type_bigint()},
                {names[3], sl_type_string()}, {names[4], sl_type_string()}, {names[5], sl_type_timestamp()},
                {names[6], sl_type_string()},
        };
        sl_serde_schema schema = {.columns = cols, .ncolumns = 7};
        sl_serde *serde;
        sl_err_detail err;
        if (sl_serde_new(SL_SERDE_JSON, &schema, &serde, &err) != SL_OK) {
                fprintf(stderr, "serde: %s\n", err.message);
                return 1;
        }
        sl_arena arena;
        sl_arena_init(&arena, 64 * 1024);
        sl_serde_scratch scratch = {0};
        sl_value *rows = malloc(NREC * 7 * sizeof *rows);

        /* decode */
        long decoded = 0;
        double t0 = now(), t1;
        do {
                sl_arena_reset(&arena);
                for (int i = 0; i < NREC; i++) {
                        bool rn;
                        if (sl_serde_deserialize(serde, SL_SLICE(recs[i], lens[i]), &arena, &scratch, &rows[i * 7], &rn,
                                                 &err) != SL_OK) {
                                fprintf(stderr, "decode: %s\n", err.message);
                                return 1;
                        }
                }
                decoded += NREC;
                t1 = now();
        } while (t1 - t0 < min_seconds);
        double dec_rps = decoded / (t1 - t0);

        if (strcmp(only, "decode") == 0) {
                printf("sluice JSON decode : %10.0f records/s  %7.1f MB/s\n", dec_rps, dec_rps * avg / 1e6);
                return 0;
        }
        /* encode (the rows of the last decode round) */
        sl_buf out;
        sl_buf_init(&out);
        long encoded = 0;
        size_t enc_bytes = 0;
        t0 = now();
        do {
                for (int i = 0; i < NREC; i++) {
                        bool on;
                        sl_buf_reset(&out);
                        sl_serde_serialize(serde, &rows[i * 7], &out, &on, &err);
                        enc_bytes += out.len;
                }
                encoded += NREC;
                t1 = now();
        } while (t1 - t0 < min_seconds);
        double enc_rps = encoded / (t1 - t0);
        double enc_avg = (double)enc_bytes / (double)encoded;

        /* jansson baseline: parse to a DOM and fetch every declared field */
        long jdecoded = 0;
        volatile long sink = 0;
        json_t **docs = malloc(NREC * sizeof *docs);
        t0 = now();
        do {
                for (int i = 0; i < NREC; i++) {
                        json_error_t jerr;
                        json_t *doc = json_loadb(recs[i], lens[i], 0, &jerr);
                        if (!doc) {
                                fprintf(stderr, "jansson: %s\n", jerr.text);
                                return 1;
                        }
                        const char *key;
                        json_t *v;
                        /* case-insensitive match as the serde does: walk the object */
                        json_object_foreach(doc, key, v)
                        {
                                for (int c = 0; c < 7; c++) {
                                        if (strcasecmp(key, names[c]) == 0) {
                                                if (json_is_integer(v))
                                                        sink += (long)json_integer_value(v);
                                                else if (json_is_string(v))
                                                        sink += (long)json_string_length(v);
                                                break;
                                        }
                                }
                        }
                        json_decref(doc);
                }
                jdecoded += NREC;
                t1 = now();
        } while (t1 - t0 < min_seconds);
        double jdec_rps = jdecoded / (t1 - t0);

        for (int i = 0; i < NREC; i++)
                docs[i] = json_loadb(recs[i], lens[i], 0, NULL);
        long jencoded = 0;
        t0 = now();
        do {
                for (int i = 0; i < NREC; i++) {
                        char *s = json_dumps(docs[i], JSON_COMPACT);
                        sink += (long)strlen(s);
                        free(s);
                }
                jencoded += NREC;
                t1 = now();
        } while (t1 - t0 < min_seconds);
        double jenc_rps = jencoded / (t1 - t0);

        printf("records: %d distinct, %.0f bytes on average (encoded %.0f bytes)\n", NREC, avg, enc_avg);
        printf("sluice JSON decode : %10.0f records/s  %7.1f MB/s\n", dec_rps, dec_rps * avg / 1e6);
        printf("jansson DOM decode : %10.0f records/s  %7.1f MB/s\n", jdec_rps, jdec_rps * avg / 1e6);
        printf("decode ratio       : %10.1fx\n", dec_rps / jdec_rps);
        printf("sluice JSON encode : %10.0f records/s  %7.1f MB/s\n", enc_rps, enc_rps * enc_avg / 1e6);
        printf("jansson dump       : %10.0f records/s  %7.1f MB/s\n", jenc_rps, jenc_rps * enc_avg / 1e6);
        printf("encode ratio       : %10.1fx\n", enc_rps / jenc_rps);

        for (int i = 0; i < NREC; i++) {
                json_decref(docs[i]);
                free(recs[i]);
        }
        free(docs);
        free(recs);
        free(lens);
        free(rows);
        sl_buf_deinit(&out);
        sl_serde_scratch_deinit(&scratch);
        sl_arena_deinit(&arena);
        sl_serde_free(serde);
        return sink == -1;
}
