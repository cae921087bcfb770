// See advisory.hpp.
#include "advisory.hpp"

namespace asyncmq {

void advisory_xact_lock(const char *name) {
    Datum key = DirectFunctionCall1Coll(hashtext, DEFAULT_COLLATION_OID, CStringGetTextDatum(name));
    DirectFunctionCall1(pg_advisory_xact_lock_int8, Int64GetDatum((int64)DatumGetInt32(key)));
}

} // namespace asyncmq
