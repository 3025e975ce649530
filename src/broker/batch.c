/* batch.c: record batches, magic 2. The broker stores batches exactly as produced; here it reads
 * their 61-byte header, checks them before an append (CRC-32C over attributes..end, lengths, record
 * count), and walks the records of uncompressed batches for timestamp lookups and compaction. */
#include "broker/broker_int.h"

#include "common/crc32c.h"
#include "common/varint.h"

bool sl_broker_batch_parse(const uint8_t *p, size_t len, sl_broker_batch *b)
{
        if (len < SL_BATCH_HEADER_SIZE)
                return false;
        b->base_offset = (int64_t)sl_load_be64(p);
        b->batch_length = (int32_t)sl_load_be32(p + 8);
        b->leader_epoch = (int32_t)sl_load_be32(p + 12);
        b->magic = (int8_t)p[16];
        b->crc = sl_load_be32(p + 17);
        b->attributes = (int16_t)sl_load_be16(p + 21);
        b->last_offset_delta = (int32_t)sl_load_be32(p + 23);
        b->base_timestamp = (int64_t)sl_load_be64(p + 27);
        b->max_timestamp = (int64_t)sl_load_be64(p + 35);
        b->producer_id = (int64_t)sl_load_be64(p + 43);
        b->producer_epoch = (int16_t)sl_load_be16(p + 51);
        b->base_sequence = (int32_t)sl_load_be32(p + 53);
        b->records_count = (int32_t)sl_load_be32(p + 57);
        return b->magic == 2;
}

ErrorCode sl_broker_batch_validate(const uint8_t *p, size_t len, const sl_broker_batch *b)
{
        if (b->magic != 2)
                return ErrorCode_CORRUPT_MESSAGE;
        if (b->batch_length < SL_BATCH_HEADER_SIZE - SL_BATCH_LOG_OVERHEAD ||
            (size_t)b->batch_length + SL_BATCH_LOG_OVERHEAD > len)
                return ErrorCode_CORRUPT_MESSAGE;
        if (b->records_count < 1 || b->last_offset_delta < 0)
                return ErrorCode_CORRUPT_MESSAGE;
        if ((b->attributes & 7) > 4)
                return ErrorCode_CORRUPT_MESSAGE;
        size_t total = (size_t)b->batch_length + SL_BATCH_LOG_OVERHEAD;
        if (sl_crc32c(0, p + 21, total - 21) != b->crc)
                return ErrorCode_CORRUPT_MESSAGE;
        return ErrorCode_NONE;
}

int64_t sl_broker_batch_last_offset(const sl_broker_batch *b)
{
        return b->base_offset + b->last_offset_delta;
}

void sl_broker_batch_fix_crc(uint8_t *p, size_t len)
{
        sl_store_be32(p + 17, sl_crc32c(0, p + 21, len - 21));
}

static bool rd_varint(const uint8_t *p, size_t end, size_t *pos, size_t max, int64_t *v)
{
        size_t n = sl_varint_decode(p + *pos, end - *pos, max, v);
        if (n == 0)
                return false;
        *pos += n;
        return true;
}

int sl_broker_batch_next_record(const uint8_t *p, size_t len, const sl_broker_batch *b, size_t *pos,
                                sl_broker_record *rec)
{
        if ((b->attributes & 7) != 0)
                return -1;
        size_t end = (size_t)b->batch_length + SL_BATCH_LOG_OVERHEAD;
        if (end > len)
                return -1;
        if (*pos >= end)
                return 0;
        size_t start = *pos, q = *pos;
        int64_t rlen, tsd, od, klen, vlen, nh;
        if (!rd_varint(p, end, &q, 5, &rlen) || rlen < 0 || (size_t)rlen > end - q)
                return -1;
        size_t rend = q + (size_t)rlen;
        if (q + 1 > rend)
                return -1;
        q++; /* attributes */
        if (!rd_varint(p, rend, &q, 10, &tsd) || !rd_varint(p, rend, &q, 5, &od))
                return -1;
        if (!rd_varint(p, rend, &q, 5, &klen) || klen < -1 || (klen > 0 && (size_t)klen > rend - q))
                return -1;
        rec->key = klen < 0 ? NULL : p + q;
        rec->key_len = (int32_t)klen;
        if (klen > 0)
                q += (size_t)klen;
        if (!rd_varint(p, rend, &q, 5, &vlen) || vlen < -1 || (vlen > 0 && (size_t)vlen > rend - q))
                return -1;
        rec->value = vlen < 0 ? NULL : p + q;
        rec->value_len = (int32_t)vlen;
        if (vlen > 0)
                q += (size_t)vlen;
        if (!rd_varint(p, rend, &q, 5, &nh) || nh < 0)
                return -1;
        rec->offset = b->base_offset + od;
        rec->timestamp = b->base_timestamp + tsd;
        rec->start = p + start;
        rec->size = rend - start;
        *pos = rend;
        return 1;
}
