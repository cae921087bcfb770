// See python_numbers.hpp.
#include "python_numbers.hpp"

#include "job_rules.hpp"

extern "C" {
#include "common/shortest_dec.h"
}

#include <cmath>

namespace asyncmq {

Datum numeric_from(const char *text) {
    return DirectFunctionCall3(numeric_in, CStringGetDatum(text), ObjectIdGetDatum(InvalidOid), Int32GetDatum(-1));
}

char *numeric_text(Datum number) {
    return DatumGetCString(DirectFunctionCall1(numeric_out, number));
}

Datum float_number(double value) {
    char shortest[DOUBLE_SHORTEST_DECIMAL_LEN];
    double_to_shortest_decimal_buf(value, shortest);
    if (!std::isfinite(value))
        ereport(ERROR, (errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE), errmsg("%s is not a finite number", shortest),
                        errdetail("AsyncMQ writes its payload as JSON, which has no NaN or infinity.")));
    // jsonb keeps a numeric's digits as written but has no exponent: 1e+20 becomes
    // 100000000000000000000, which the ".0" keeps a float for json.loads.
    char *positional = numeric_text(numeric_from(shortest));
    size_t size = strlen(positional) + 3;
    char *spelt = (char *)palloc(size);
    if (!python_float_spelling(positional, spelt, size))
        elog(ERROR, "asyncmq: cannot spell %s as a float", positional);
    return numeric_from(spelt);
}

Datum int_or_float_number(double value) {
    if (std::isfinite(value) && value == std::trunc(value) && std::fabs(value) < 1e15)
        return numeric_from(psprintf("%.0f", value));
    return float_number(value);
}

double float_of(const char *text) {
    return DatumGetFloat8(DirectFunctionCall1(float8in, CStringGetDatum(text)));
}

} // namespace asyncmq
