/* qtt_json.c: JSON comparison of expected and produced records for the QTT runners (conformance
 * qtt_run and the serde unit test over the same corpus). Kept apart from qtt_load.c so that only
 * the tests that compare JSON need jansson. */
#include <math.h>

#include "common/str.h"
#include "qtt_load.h"

bool sl_test_json_same(const json_t *a, const json_t *b, bool fields_ci)
{
        if (json_is_number(a) && json_is_number(b)) {
                double x, y;

                if (json_is_integer(a) && json_is_integer(b))
                        return json_integer_value(a) == json_integer_value(b);
                x = json_number_value(a);
                y = json_number_value(b);
                return x == y || fabs(x - y) <= 1e-12 * fmax(fabs(x), fabs(y));
        }
        if (json_typeof(a) != json_typeof(b))
                return false;
        if (json_is_object(a)) {
                const char *k, *k2;
                json_t *x, *y, *y2;

                if (json_object_size(a) != json_object_size(b))
                        return false;
                json_object_foreach((json_t *)a, k, x) {
                        y = json_object_get(b, k);
                        if (!y && fields_ci)
                                json_object_foreach((json_t *)b, k2, y2) if (sl_str_eq_ci(k, k2)) y = y2;
                        if (!y || !sl_test_json_same(x, y, fields_ci))
                                return false;
                }
                return true;
        }
        if (json_is_array(a)) {
                if (json_array_size(a) != json_array_size(b))
                        return false;
                for (size_t i = 0; i < json_array_size(a); i++)
                        if (!sl_test_json_same(json_array_get(a, i), json_array_get(b, i), fields_ci))
                                return false;
                return true;
        }
        return json_equal((json_t *)a, (json_t *)b);
}
