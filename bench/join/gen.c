/* gen.c: the input of bench/join/run, Nexmark-style, with librdkafka only.
 *   gen auctions BOOTSTRAP TOPIC BIDS   produces BIDS/20 auctions: key the auction id as JSON text
 *                                       (1, 2, ...), value {"SELLER","CATEGORY","RESERVE","ITEM"},
 *                                       event time base + 20 * (id - 1) ms
 *   gen bids BOOTSTRAP TOPIC BIDS       produces BIDS bids of about 150 B: bid i (from 0) is for
 *                                       auction i / 20 + 1 at event time base + i ms, value
 *                                       {"BIDDER","PRICE","CHANNEL","URL"}
 * So every bid has its auction in the table, and its auction's event lies within 20 ms of it: a
 * stream-stream join WITHIN 10 SECONDS matches each bid exactly once. */
#include <librdkafka/rdkafka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../common/bench_kafka.h"

static void die(const char *what, const char *why)
{
        fprintf(stderr, "gen: %s: %s\n", what, why);
        exit(1);
}

static void produce(rd_kafka_t *p, const char *topic, const char *key, size_t klen, const char *val, size_t vlen,
                    int64_t ts)
{
        rd_kafka_resp_err_t e = bench_produce(p, topic, RD_KAFKA_PARTITION_UA, key, klen, val, vlen, ts);

        if (e != RD_KAFKA_RESP_ERR_NO_ERROR)
                die("produce", rd_kafka_err2str(e));
}

int main(int argc, char **argv)
{
        static const char *const channels[] = {"apple", "google", "facebook", "baidu"};
        const int64_t base = 1700000000000;
        char errstr[512], key[32], val[256];
        rd_kafka_conf_t *conf;
        rd_kafka_t *p;
        long n;

        if (argc != 5 || (strcmp(argv[1], "auctions") != 0 && strcmp(argv[1], "bids") != 0)) {
                fprintf(stderr, "usage: gen auctions|bids BOOTSTRAP TOPIC BIDS\n");
                return 2;
        }
        n = atol(argv[4]);
        conf = rd_kafka_conf_new();
        if (rd_kafka_conf_set(conf, "bootstrap.servers", argv[2], errstr, sizeof(errstr)) != RD_KAFKA_CONF_OK)
                die("conf", errstr);
        rd_kafka_conf_set(conf, "linger.ms", "5", errstr, sizeof(errstr));
        rd_kafka_conf_set(conf, "acks", "all", errstr, sizeof(errstr));
        if (!(p = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, sizeof(errstr))))
                die("rd_kafka_new", errstr);
        if (strcmp(argv[1], "auctions") == 0) {
                for (long a = 1; a <= n / 20; a++) {
                        int kl = snprintf(key, sizeof(key), "%ld", a);
                        int vl = snprintf(val, sizeof(val),
                                          "{\"SELLER\":%ld,\"CATEGORY\":%ld,\"RESERVE\":%ld,\"ITEM\":\"item-%ld\"}",
                                          1000 + a % 5000, a % 20, 100 + a % 997, a);
                        produce(p, argv[3], key, (size_t)kl, val, (size_t)vl, base + 20 * (a - 1));
                }
        } else {
                for (long i = 0; i < n; i++) {
                        int kl = snprintf(key, sizeof(key), "%ld", i / 20 + 1);
                        int vl = snprintf(val, sizeof(val),
                                          "{\"BIDDER\":%ld,\"PRICE\":%ld,\"CHANNEL\":\"%s\",\"URL\":"
                                          "\"https://www.nexmark.com/item.htm?query=1&channel_id=%ld\"}",
                                          2000 + (i * 7919) % 100000, 100 + (i * 31) % 10000, channels[i % 4], i % 1000);
                        produce(p, argv[3], key, (size_t)kl, val, (size_t)vl, base + i);
                }
        }
        if (rd_kafka_flush(p, 120000) != RD_KAFKA_RESP_ERR_NO_ERROR)
                die("flush", "records left unsent");
        rd_kafka_destroy(p);
        return 0;
}
