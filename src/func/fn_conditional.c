/* fn_conditional.c: ksqlDB's CONDITIONAL functions COALESCE, IFNULL and NULLIF (CASE is the
 * evaluator's). All arguments share one type T; the analyzer converts them to it. */
#include "func/func_int.h"
#include "types/compare.h"

static sl_err fn_coalesce(sl_func_ctx *ctx, const sl_value *a, size_t n, sl_value *out)
{
        (void)ctx;
        for (size_t i = 0; i < n; i++) {
                if (a[i].kind != SL_TYPE_NULL) {
                        *out = a[i];
                        break;
                }
        }
        return SL_OK;
}

static sl_err fn_nullif(sl_func_ctx *ctx, const sl_value *a, size_t n, sl_value *out)
{
        (void)ctx;
        (void)n;
        if (a[0].kind != SL_TYPE_NULL && !(a[1].kind != SL_TYPE_NULL && sl_value_eq(&a[0], &a[1])))
                *out = a[0];
        return SL_OK;
}

static const sl_func_builtin conditional_funcs[] = {
        {"COALESCE", "CONDITIONAL", "Returns the first non-null argument.", "T first, T... others", "T", fn_coalesce, 0,
         NULL},
        {"ifnull", "CONDITIONAL", "Returns the first argument unless it is NULL, else the second.",
         "T expression, T altValue", "T", fn_coalesce, 0, NULL},
        {"nullif", "CONDITIONAL", "Returns NULL when both arguments are equal, else the first.",
         "T expression1, T expression2", "T", fn_nullif, 0, NULL},
};

sl_err sl_func_conditional_register(sl_func_registry *reg, sl_err_detail *err)
{
        return SL_FUNC_ADD_TABLE(reg, conditional_funcs, err);
}
