/* test_codec.c: wire primitives: the read macros jump to bad_frame on underflow and on lengths
 * that cannot fit, the writers produce what the readers read, and record batches are validated
 * (CRC-32C, magic, lengths) and iterated. */
#include "batch_util.h"

static int decode_sample(const uint8_t *p, size_t len, int16_t *a, int32_t *b, int64_t *c, sl_str_ref *s,
                         sl_str_ref *bytes, int32_t *count)
{
        sl_rd rd = {p, p + len};
        sl_rd_i16(&rd, a);
        sl_rd_i32(&rd, b);
        sl_rd_i64(&rd, c);
        sl_rd_str(&rd, s);
        sl_rd_bytes(&rd, bytes);
        sl_rd_array(&rd, count, 4);
        return 0;
bad_frame:
        return -1;
}

Test(broker_codec, round_trip_and_every_truncation_is_a_bad_frame)
{
        sl_buf b;
        sl_buf_init(&b);
        sl_wr_i16(&b, -2);
        sl_wr_i32(&b, 123456);
        sl_wr_i64(&b, -9000000000LL);
        sl_wr_str(&b, "hello");
        sl_wr_bytes(&b, "\x01\x02", 2, false);
        sl_wr_i32(&b, 2);
        sl_wr_i32(&b, 7);
        sl_wr_i32(&b, 8);
        int16_t a;
        int32_t i, n;
        int64_t l;
        sl_str_ref s, by;
        cr_assert_eq(decode_sample(b.data, b.len, &a, &i, &l, &s, &by, &n), 0);
        cr_assert_eq(a, -2);
        cr_assert_eq(i, 123456);
        cr_assert_eq(l, -9000000000LL);
        cr_assert(sl_str_ref_eq(s, "hello"));
        cr_assert_eq(by.len, 2);
        cr_assert_eq(n, 2);
        /* every prefix that cuts into a field fails cleanly (ASan would catch an overread) */
        for (size_t cut = 0; cut < b.len - 8; cut++) {
                uint8_t *copy = sl_malloc(cut ? cut : 1);
                memcpy(copy, b.data, cut);
                cr_assert_eq(decode_sample(copy, cut, &a, &i, &l, &s, &by, &n), -1, "prefix %zu", cut);
                sl_free(copy);
        }
        sl_buf_deinit(&b);
}

Test(broker_codec, nulls_and_impossible_lengths)
{
        sl_buf b;
        sl_buf_init(&b);
        sl_wr_i16(&b, 0);
        sl_wr_i32(&b, 0);
        sl_wr_i64(&b, 0);
        sl_wr_str(&b, NULL);
        sl_wr_bytes(&b, NULL, 0, true);
        sl_wr_i32(&b, -1);
        int16_t a;
        int32_t i, n;
        int64_t l;
        sl_str_ref s, by;
        cr_assert_eq(decode_sample(b.data, b.len, &a, &i, &l, &s, &by, &n), 0);
        cr_assert(s.null && by.null);
        cr_assert_eq(n, -1);
        /* an array count larger than the bytes left */
        sl_buf_reset(&b);
        sl_wr_i16(&b, 0);
        sl_wr_i32(&b, 0);
        sl_wr_i64(&b, 0);
        sl_wr_str(&b, "x");
        sl_wr_bytes(&b, "y", 1, false);
        sl_wr_i32(&b, 1000000);
        cr_assert_eq(decode_sample(b.data, b.len, &a, &i, &l, &s, &by, &n), -1);
        /* a negative string length other than -1 */
        sl_buf_reset(&b);
        sl_wr_i16(&b, 0);
        sl_wr_i32(&b, 0);
        sl_wr_i64(&b, 0);
        sl_wr_i16(&b, -5);
        cr_assert_eq(decode_sample(b.data, b.len, &a, &i, &l, &s, &by, &n), -1);
        sl_buf_deinit(&b);
}

Test(broker_batch, crc_magic_and_lengths_are_checked)
{
        test_rec recs[] = {{"k1", "v1", 0}, {"k2", NULL, 5}, {NULL, "v3", 9}};
        sl_buf b;
        sl_buf_init(&b);
        test_batch(&b, 1000, recs, 3, -1, -1, -1);
        sl_broker_batch hdr;
        cr_assert(sl_broker_batch_parse(b.data, b.len, &hdr));
        cr_assert_eq(hdr.records_count, 3);
        cr_assert_eq(hdr.last_offset_delta, 2);
        cr_assert_eq(hdr.max_timestamp, 1009);
        cr_assert_eq(sl_broker_batch_validate(b.data, b.len, &hdr), ErrorCode_NONE);
        /* the base offset and leader epoch are outside the CRC */
        sl_store_be64(b.data, 77);
        sl_store_be32(b.data + 12, 5);
        cr_assert_eq(sl_broker_batch_validate(b.data, b.len, &hdr), ErrorCode_NONE);
        /* any flipped bit after the CRC field is caught */
        for (size_t pos = 21; pos < b.len; pos += 7) {
                b.data[pos] ^= 0x10;
                cr_assert_eq(sl_broker_batch_validate(b.data, b.len, &hdr), ErrorCode_CORRUPT_MESSAGE, "byte %zu", pos);
                b.data[pos] ^= 0x10;
        }
        cr_assert_eq(sl_broker_batch_validate(b.data, b.len - 1, &hdr), ErrorCode_CORRUPT_MESSAGE);
        b.data[16] = 1;
        cr_assert(!sl_broker_batch_parse(b.data, b.len, &hdr));
        b.data[16] = 2;
        cr_assert(!sl_broker_batch_parse(b.data, SL_BATCH_HEADER_SIZE - 1, &hdr));
        /* records */
        sl_broker_batch_parse(b.data, b.len, &hdr);
        size_t rp = SL_BATCH_HEADER_SIZE;
        sl_broker_record rec;
        cr_assert_eq(sl_broker_batch_next_record(b.data, b.len, &hdr, &rp, &rec), 1);
        cr_assert_eq(rec.offset, 77);
        cr_assert_eq(memcmp(rec.key, "k1", 2), 0);
        cr_assert_eq(sl_broker_batch_next_record(b.data, b.len, &hdr, &rp, &rec), 1);
        cr_assert_null(rec.value);
        cr_assert_eq(rec.timestamp, 1005);
        cr_assert_eq(sl_broker_batch_next_record(b.data, b.len, &hdr, &rp, &rec), 1);
        cr_assert_null(rec.key);
        cr_assert_eq(rec.offset, 79);
        cr_assert_eq(sl_broker_batch_next_record(b.data, b.len, &hdr, &rp, &rec), 0);
        sl_buf_deinit(&b);
}
