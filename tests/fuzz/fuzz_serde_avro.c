/* fuzz_serde_avro.c: libFuzzer target for Avro schemas and the AVRO serde. An input is a writer
 * schema (JSON text), a NUL, then a record's Avro binary. The schema is parsed; when it maps to
 * SQL types, an AVRO serde over those columns (a record's fields, or one unwrapped column) reads
 * the record written with that schema (id 1 of an in-memory registry). A record that reads must
 * write back with the serde's own schema and read again (a failure aborts: a serde bug). The
 * schema's compatibility with itself must hold. LeakSanitizer checks the error paths. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/mem.h"
#include "serde/avro.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A registry of at most two schemas: the writer's (id 1) and what the serde registers (id 2). */
typedef struct fuzz_registry {
        sl_serde_registry base;  /* must be first */
        const char *writer;      /* id 1 */
        char *own;               /* id 2, registered by the serde */
} fuzz_registry;

static sl_err by_id(const sl_serde_registry *reg, int32_t id, char **out, sl_err_detail *err)
{
        const fuzz_registry *r = (const fuzz_registry *)reg;
        if (id == 1 || (id == 2 && r->own)) {
                *out = sl_strdup(id == 1 ? r->writer : r->own);
                return SL_OK;
        }
        return sl_err_set(err, SL_ERR_NOT_FOUND, "Schema %d not found", (int)id);
}

static sl_err do_register(const sl_serde_registry *reg, const char *subject, const char *type, const char *schema,
                          int32_t *id, sl_err_detail *err)
{
        fuzz_registry *r = (fuzz_registry *)reg;
        (void)subject;
        (void)type;
        (void)err;
        sl_free(r->own);
        r->own = sl_strdup(schema);
        *id = 2;
        return SL_OK;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        const uint8_t *nul = memchr(data, 0, size);
        fuzz_registry reg = {.base = {.schema_by_id = by_id, .register_schema = do_register}};
        sl_arena arena;
        const sl_avro *schema;
        const sl_type *type;
        sl_serde *serde = NULL;
        sl_buf rec, out;

        if (!nul)
                return 0;
        char *text = sl_strndup((const char *)data, (size_t)(nul - data));
        reg.writer = text;
        sl_arena_init(&arena, 0);
        sl_buf_init(&rec);
        sl_buf_init(&out);
        if (sl_avro_parse(&arena, text, &schema, NULL) != SL_OK)
                goto done;
        if (!sl_avro_compatible(SL_AVRO_COMPAT_FULL, schema, &schema, 1, NULL) &&
            sl_avro_to_type(&arena, schema, &type, NULL) == SL_OK)
                abort();
        if (sl_avro_to_type(&arena, schema, &type, NULL) != SL_OK)
                goto done;
        bool record = type->kind == SL_TYPE_STRUCT && type->nfields > 0;
        size_t n = record ? type->nfields : 1;
        sl_serde_column *cols = sl_arena_calloc(&arena, n, sizeof(*cols));
        for (size_t i = 0; i < n; i++) {
                cols[i].name = record ? type->fields[i].name : "V";
                cols[i].type = record ? type->fields[i].type : type;
        }
        sl_serde_schema ss = {.columns = cols, .ncolumns = n, .unwrapped = !record, .registry = &reg.base,
                              .subject = "fuzz-value"};
        if (sl_serde_new(SL_SERDE_AVRO, &ss, &serde, NULL) != SL_OK)
                goto done;
        sl_buf_append_u8(&rec, 0);
        sl_buf_append_be32(&rec, 1);
        sl_buf_append(&rec, nul + 1, size - (size_t)(nul + 1 - data));
        sl_value *row = sl_arena_calloc(&arena, n, sizeof(*row));
        bool row_null, out_null;
        if (sl_serde_deserialize(serde, sl_buf_slice(&rec), &arena, NULL, row, &row_null, NULL) != SL_OK)
                goto done;
        if (sl_serde_serialize(serde, row_null ? NULL : row, &out, &out_null, NULL) != SL_OK)
                abort();
        if (!out_null && sl_serde_deserialize(serde, sl_buf_slice(&out), &arena, NULL, row, &row_null, NULL) != SL_OK)
                abort();
done:
        sl_serde_free(serde);
        sl_buf_deinit(&rec);
        sl_buf_deinit(&out);
        sl_arena_deinit(&arena);
        sl_free(reg.own);
        sl_free(text);
        return 0;
}
