/* nexmark_gen.c: the Nexmark event generator (nexmark_gen.h). Id arithmetic follows the
 * reference generator's (lastBase0PersonId, lastBase0AuctionId, nextBase0PersonId,
 * nextBase0AuctionId, hot ratios, nextExtra padding), with one splitmix64 stream per event in
 * place of java.util.Random. */
#include "nexmark_gen.h"

#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

enum {
        PROPORTION = 50,        /* person 1 + auction 3 + bid 46 */
        PERSON_PART = 1,
        AUCTION_PART = 3,
        FIRST_ID = 1000,        /* first person and auction id */
        FIRST_CATEGORY = 10,
        CATEGORIES = 5,
        ACTIVE_PEOPLE = 1000,
        IN_FLIGHT_AUCTIONS = 100,
        PERSON_LEAD = 10,       /* ids a little ahead of the last generated one */
        AUCTION_LEAD = 10,
        HOT_AUCTION_RATIO = 2,
        HOT_BIDDER_RATIO = 4,
        HOT_SELLER_RATIO = 4,
        HOT_CHANNEL_RATIO = 2,
        HOT_GROUP = 100,        /* hot ids are multiples of this (bidders: plus one) */
        CHANNELS = 10000,
        AVG_PERSON = 200,
        AVG_AUCTION = 500,
        AVG_BID = 100,
};

static const char *const first_names[] = {"Peter", "Paul",  "Luke",   "John",   "Saul",  "Vicky",
                                          "Kate",  "Julie", "Sarah",  "Deiter", "Walter"};
static const char *const last_names[] = {"Shultz", "Abrams", "Spencer", "White", "Bartels",
                                         "Walton", "Smith",  "Jones",   "Noris"};
static const char *const cities[] = {"Phoenix", "Los Angeles", "San Francisco", "Boise",   "Portland",
                                     "Bend",    "Redmond",     "Seattle",       "Kent",    "Cheyenne"};
static const char *const states[] = {"AZ", "CA", "ID", "OR", "WA", "WY"};
static const char *const hot_channels[] = {"Google", "Facebook", "Baidu", "Apple"};
#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

typedef struct rng {
        uint64_t s;
} rng;

static uint64_t rng_next(rng *r)
{
        uint64_t z = (r->s += 0x9e3779b97f4a7c15ull);

        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
        return z ^ (z >> 31);
}

static void rng_seed(rng *r, uint64_t seed, uint64_t stream)
{
        r->s = seed * 0xd1b54a32d192ed03ull + stream * 0x9e3779b97f4a7c15ull;
        rng_next(r);
}

/* uniform in [0, bound), bound >= 1 */
static int64_t rnd(rng *r, int64_t bound)
{
        return bound <= 1 ? 0 : (int64_t)(rng_next(r) % (uint64_t)bound);
}

static double rnd_double(rng *r)
{
        return (double)(rng_next(r) >> 11) * (1.0 / 9007199254740992.0);
}

void nexmark_conf_default(nexmark_conf *conf)
{
        conf->seed = 42;
        conf->rate = 100000.0;
        conf->base_ms = 1700000000000; /* 2023-11-14 22:13:20 UTC */
        conf->prob_delayed = 0.1;
        conf->max_delay_ms = 3000;
}

const char *nexmark_topic(nexmark_kind kind)
{
        return kind == NEXMARK_PERSON ? "nexmark-person" : kind == NEXMARK_AUCTION ? "nexmark-auction" : "nexmark-bid";
}

void nexmark_key_bytes(int64_t key, unsigned char out[8])
{
        for (int i = 0; i < 8; i++)
                out[i] = (unsigned char)((uint64_t)key >> (56 - 8 * i));
}

static int64_t last_base0_person(uint64_t n)
{
        int64_t epoch = (int64_t)(n / PROPORTION), offset = (int64_t)(n % PROPORTION);

        if (offset >= PERSON_PART)
                offset = PERSON_PART - 1;
        return epoch * PERSON_PART + offset;
}

static int64_t last_base0_auction(uint64_t n)
{
        int64_t epoch = (int64_t)(n / PROPORTION), offset = (int64_t)(n % PROPORTION);

        if (offset < PERSON_PART) {
                epoch--;
                offset = AUCTION_PART - 1;
        } else if (offset >= PERSON_PART + AUCTION_PART) {
                offset = AUCTION_PART - 1;
        } else {
                offset -= PERSON_PART;
        }
        return epoch * AUCTION_PART + offset;
}

static int64_t next_base0_person(uint64_t n, rng *r)
{
        int64_t people = last_base0_person(n) + 1;
        int64_t active = people < ACTIVE_PEOPLE ? people : ACTIVE_PEOPLE;

        return people - active + rnd(r, active + PERSON_LEAD);
}

static int64_t next_base0_auction(uint64_t n, rng *r)
{
        int64_t last = last_base0_auction(n);
        int64_t min = last - IN_FLIGHT_AUCTIONS > 0 ? last - IN_FLIGHT_AUCTIONS : 0;

        return min + rnd(r, last - min + 1 + AUCTION_LEAD);
}

static int64_t next_price(rng *r)
{
        return (int64_t)llround(pow(10.0, rnd_double(r) * 6.0) * 100.0);
}

/* Bump allocator over ev->text. */
typedef struct textbuf {
        char *p;
        char *end;
} textbuf;

static char *tb_start(textbuf *tb)
{
        return tb->p;
}

static const char *tb_finish(textbuf *tb, char *start, size_t len)
{
        start[len] = '\0';
        tb->p = start + len + 1;
        return start;
}

/* 3 .. max-1 letters, one in 13 being `special` */
static const char *next_string(textbuf *tb, rng *r, int max, char special)
{
        char *s = tb_start(tb);
        size_t len = (size_t)(3 + rnd(r, max - 3));

        if (s + len + 1 > tb->end)
                len = (size_t)(tb->end - s - 1);
        for (size_t i = 0; i < len; i++)
                s[i] = rnd(r, 13) == 0 ? special : (char)('a' + rnd(r, 26));
        return tb_finish(tb, s, len);
}

/* `len` letters, one in 13 a space; four characters per draw */
static const char *exact_string(textbuf *tb, rng *r, size_t len)
{
        char *s = tb_start(tb);
        uint64_t bits = 0;

        if (s + len + 1 > tb->end)
                len = (size_t)(tb->end - s - 1);
        for (size_t i = 0; i < len; i++) {
                if ((i & 3) == 0)
                        bits = rng_next(r);
                uint32_t v = (uint32_t)(bits & 0xffff);
                bits >>= 16;
                s[i] = v % 13 == 0 ? ' ' : (char)('a' + (v / 13) % 26);
        }
        return tb_finish(tb, s, len);
}

/* pads an event of `current` bytes towards `average`: +-20 % around the remainder */
static const char *next_extra(textbuf *tb, rng *r, size_t current, size_t average)
{
        if (current >= average)
                return tb_finish(tb, tb_start(tb), 0);
        size_t want = average - current;
        size_t delta = (size_t)llround((double)want * 0.2);
        size_t size = want - delta + (delta ? (size_t)rnd(r, (int64_t)(2 * delta)) : 0);

        return exact_string(tb, r, size);
}

static const char *base_url(textbuf *tb, rng *r)
{
        char part[3][8];
        char *s = tb_start(tb);

        for (int i = 0; i < 3; i++) {
                size_t len = (size_t)(3 + rnd(r, 2));

                for (size_t k = 0; k < len; k++)
                        part[i][k] = rnd(r, 13) == 0 ? '_' : (char)('a' + rnd(r, 26));
                part[i][len] = '\0';
        }
        int len = snprintf(s, (size_t)(tb->end - s), "https://www.nexmark.com/%s/%s/%s/item.htm?query=1", part[0],
                           part[1], part[2]);
        return tb_finish(tb, s, (size_t)len);
}

static uint32_t reverse_bits(uint32_t v)
{
        uint32_t out = 0;

        for (int i = 0; i < 32; i++, v >>= 1)
                out = out << 1 | (v & 1);
        return out;
}

/* a channel's URL depends on the channel only (the reference caches one per channel) */
static const char *channel_url(textbuf *tb, uint64_t seed, int64_t channel, bool hot)
{
        rng r;
        rng_seed(&r, seed ^ (hot ? 0x686f74ull : 0x63686eull), (uint64_t)channel);
        const char *base = base_url(tb, &r);
        if (hot || rnd(&r, 10) == 0)
                return base;
        char *s = (char *)base;
        size_t len = strlen(base);
        int32_t rev = (int32_t)reverse_bits((uint32_t)channel);
        long long id = rev < 0 ? -(long long)rev : rev;
        len += (size_t)snprintf(s + len, (size_t)(tb->end - s - (ptrdiff_t)len), "&channel_id=%lld", id);
        return tb_finish(tb, s, len);
}

static void make_json(nexmark_event *ev)
{
        int len;

        switch (ev->kind) {
        case NEXMARK_PERSON:
                len = snprintf(ev->json, sizeof(ev->json),
                               "{\"id\":%lld,\"name\":\"%s\",\"email_address\":\"%s\",\"credit_card\":\"%s\","
                               "\"city\":\"%s\",\"state\":\"%s\",\"date_time\":%lld,\"extra\":\"%s\"}",
                               (long long)ev->id, ev->name, ev->email, ev->credit_card, ev->city, ev->state,
                               (long long)ev->date_time, ev->extra);
                break;
        case NEXMARK_AUCTION:
                len = snprintf(ev->json, sizeof(ev->json),
                               "{\"id\":%lld,\"item_name\":\"%s\",\"description\":\"%s\",\"initial_bid\":%lld,"
                               "\"reserve\":%lld,\"date_time\":%lld,\"expires\":%lld,\"seller\":%lld,"
                               "\"category\":%lld,\"extra\":\"%s\"}",
                               (long long)ev->id, ev->item_name, ev->description, (long long)ev->initial_bid,
                               (long long)ev->reserve, (long long)ev->date_time, (long long)ev->expires,
                               (long long)ev->seller, (long long)ev->category, ev->extra);
                break;
        default:
                len = snprintf(ev->json, sizeof(ev->json),
                               "{\"auction\":%lld,\"bidder\":%lld,\"price\":%lld,\"channel\":\"%s\",\"url\":\"%s\","
                               "\"date_time\":%lld,\"extra\":\"%s\"}",
                               (long long)ev->auction, (long long)ev->bidder, (long long)ev->price, ev->channel,
                               ev->url, (long long)ev->date_time, ev->extra);
                break;
        }
        ev->json_len = len < 0 ? 0 : (size_t)len < sizeof(ev->json) ? (size_t)len : sizeof(ev->json) - 1;
}

static int64_t event_time(const nexmark_conf *conf, uint64_t n)
{
        return conf->base_ms + (int64_t)((double)n * 1000.0 / conf->rate);
}

void nexmark_event_make(const nexmark_conf *conf, uint64_t n, nexmark_event *ev)
{
        rng r;
        textbuf tb = {ev->text, ev->text + sizeof(ev->text)};
        uint64_t rem = n % PROPORTION;

        rng_seed(&r, conf->seed, n);
        ev->n = n;
        ev->id = ev->initial_bid = ev->reserve = ev->expires = ev->seller = ev->category = 0;
        ev->auction = ev->bidder = ev->price = 0;
        ev->name = ev->email = ev->credit_card = ev->city = ev->state = NULL;
        ev->item_name = ev->description = ev->channel = ev->url = NULL;
        ev->date_time = event_time(conf, n);
        ev->delayed = rnd_double(&r) < conf->prob_delayed;
        if (ev->delayed)
                ev->date_time -= 1 + rnd(&r, conf->max_delay_ms);
        if (rem < PERSON_PART) {
                char *cc;

                ev->kind = NEXMARK_PERSON;
                ev->id = ev->key = last_base0_person(n) + FIRST_ID;
                char *s = tb_start(&tb);
                int len = snprintf(s, (size_t)(tb.end - s), "%s %s", first_names[rnd(&r, NELEM(first_names))],
                                   last_names[rnd(&r, NELEM(last_names))]);
                ev->name = tb_finish(&tb, s, (size_t)len);
                const char *user = next_string(&tb, &r, 7, ' ');
                const char *host = next_string(&tb, &r, 5, ' ');
                s = tb_start(&tb);
                len = snprintf(s, (size_t)(tb.end - s), "%s@%s.com", user, host);
                ev->email = tb_finish(&tb, s, (size_t)len);
                cc = tb_start(&tb);
                len = snprintf(cc, (size_t)(tb.end - cc), "%04d %04d %04d %04d", (int)rnd(&r, 10000),
                               (int)rnd(&r, 10000), (int)rnd(&r, 10000), (int)rnd(&r, 10000));
                ev->credit_card = tb_finish(&tb, cc, (size_t)len);
                ev->city = cities[rnd(&r, NELEM(cities))];
                ev->state = states[rnd(&r, NELEM(states))];
                size_t cur = 8 + strlen(ev->name) + 1 + strlen(ev->email) + 1 + strlen(ev->credit_card) + 1 +
                             strlen(ev->city) + 1 + strlen(ev->state) + 8 + 1;
                ev->extra = next_extra(&tb, &r, cur, AVG_PERSON);
        } else if (rem < PERSON_PART + AUCTION_PART) {
                ev->kind = NEXMARK_AUCTION;
                ev->id = ev->key = last_base0_auction(n) + FIRST_ID;
                ev->item_name = next_string(&tb, &r, 20, ' ');
                ev->description = next_string(&tb, &r, 100, ' ');
                ev->initial_bid = next_price(&r);
                ev->reserve = ev->initial_bid + next_price(&r);
                /* auctions last up to twice the time it takes to open IN_FLIGHT_AUCTIONS more */
                int64_t horizon = event_time(conf, n + IN_FLIGHT_AUCTIONS * PROPORTION / AUCTION_PART) -
                                  event_time(conf, n);
                ev->expires = ev->date_time + 1 + rnd(&r, horizon * 2 > 1 ? horizon * 2 : 1);
                if (rnd(&r, HOT_SELLER_RATIO) > 0)
                        ev->seller = last_base0_person(n) / HOT_GROUP * HOT_GROUP + FIRST_ID;
                else
                        ev->seller = next_base0_person(n, &r) + FIRST_ID;
                ev->category = FIRST_CATEGORY + rnd(&r, CATEGORIES);
                size_t cur = 8 + strlen(ev->item_name) + 1 + strlen(ev->description) + 1 + 8 + 8 + 8 + 8 + 8 + 8 + 1;
                ev->extra = next_extra(&tb, &r, cur, AVG_AUCTION);
        } else {
                ev->kind = NEXMARK_BID;
                if (rnd(&r, HOT_AUCTION_RATIO) > 0)
                        ev->auction = last_base0_auction(n) / HOT_GROUP * HOT_GROUP + FIRST_ID;
                else
                        ev->auction = next_base0_auction(n, &r) + FIRST_ID;
                ev->key = ev->auction;
                if (rnd(&r, HOT_BIDDER_RATIO) > 0)
                        ev->bidder = last_base0_person(n) / HOT_GROUP * HOT_GROUP + 1 + FIRST_ID;
                else
                        ev->bidder = next_base0_person(n, &r) + FIRST_ID;
                ev->price = next_price(&r);
                if (rnd(&r, HOT_CHANNEL_RATIO) > 0) {
                        int64_t i = rnd(&r, NELEM(hot_channels));

                        ev->channel = hot_channels[i];
                        ev->url = channel_url(&tb, conf->seed, i, true);
                } else {
                        int64_t ch = rnd(&r, CHANNELS);
                        char *s = tb_start(&tb);
                        int len = snprintf(s, (size_t)(tb.end - s), "channel-%lld", (long long)ch);

                        ev->channel = tb_finish(&tb, s, (size_t)len);
                        ev->url = channel_url(&tb, conf->seed, ch, false);
                }
                ev->extra = next_extra(&tb, &r, 8 + 8 + 8 + 8, AVG_BID);
        }
        make_json(ev);
}
