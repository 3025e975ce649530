/* nexmark_gen.h: a deterministic generator of Nexmark events (the semantics of the
 * nexmark/nexmark and Apache Beam generators, see ../shared/reference/nexmark.md section 2.1),
 * usable as a library by the loaders (nexmark_load.c) and by the in-process engine driver
 * (nexmark_engine.c).
 *
 * Event n (n = 0, 1, ...) is a pure function of (seed, n): its kind comes from n modulo 50
 * (person:auction:bid = 1:3:46), its random fields from a PRNG seeded with (seed, n), so any
 * range of events can be generated independently and twice gives the same bytes.
 *   - ids start at 1000; person ids and auction ids are dense in event order;
 *   - a bid names the current hot auction with probability 1/2 (hotAuctionRatio 2), else one of
 *     the last 100 auctions in flight (plus a lead of 10 not yet opened, as the reference does);
 *     its bidder is the hot bidder with probability 3/4 (hotBiddersRatio 4), else one of the
 *     1000 active people; an auction's seller is the hot seller with probability 3/4;
 *   - half the bids come from 4 hot channels (Google, Facebook, Baidu, Apple), the rest from
 *     10,000 channels "channel-N" whose URL carries channel_id in 9 cases out of 10;
 *   - an `extra` string pads each event towards the average in-memory sizes of the reference
 *     (person 200 B, auction 500 B, bid 100 B);
 *   - event time is virtual: base_ms + n / rate (rate events per second of event time); with
 *     probability prob_delayed the event's date_time lies up to max_delay_ms in the past, an
 *     out-of-order (late) event.
 * The PRNG is not Java's, so the bytes differ from the reference generator's; the
 * distributions are the same. */
#ifndef NEXMARK_GEN_H
#define NEXMARK_GEN_H

#include <stddef.h>
#include <stdint.h>

typedef enum nexmark_kind { NEXMARK_PERSON, NEXMARK_AUCTION, NEXMARK_BID } nexmark_kind;

/* Generator parameters; nexmark_conf_default fills the reference values. */
typedef struct nexmark_conf {
        uint64_t seed;          /* PRNG seed */
        double rate;            /* events per second of virtual event time (100,000) */
        int64_t base_ms;        /* event time of event 0, ms since the epoch */
        double prob_delayed;    /* share of delayed events (0.1) */
        int64_t max_delay_ms;   /* largest delay of a delayed event (3000) */
} nexmark_conf;

/* One event: the fields (strings point into `text`) and its JSON value. */
typedef struct nexmark_event {
        nexmark_kind kind;
        uint64_t n;            /* event number */
        int64_t key;           /* message key: person id, auction id, or a bid's auction */
        int64_t date_time;     /* event time, ms */
        int delayed;           /* 1: date_time was pushed into the past */
        /* person: id, name, email, credit_card, city, state; auction: id, item_name,
         * description, initial_bid, reserve, expires, seller, category; bid: auction, bidder,
         * price, channel, url */
        int64_t id, initial_bid, reserve, expires, seller, category;
        int64_t auction, bidder, price;
        const char *name, *email, *credit_card, *city, *state, *item_name, *description, *channel, *url;
        const char *extra;
        char text[1024];       /* backing store of the strings above */
        char json[2048];       /* the JSON value, NUL-terminated */
        size_t json_len;
} nexmark_event;

void nexmark_conf_default(nexmark_conf *conf);
/* Fills `ev` with event number `n`. */
void nexmark_event_make(const nexmark_conf *conf, uint64_t n, nexmark_event *ev);
/* Topic of a kind: "nexmark-person", "nexmark-auction", "nexmark-bid". */
const char *nexmark_topic(nexmark_kind kind);
/* The message key: the 8-byte big-endian BIGINT of ksqlDB's KAFKA key format. */
void nexmark_key_bytes(int64_t key, unsigned char out[8]);

#endif
