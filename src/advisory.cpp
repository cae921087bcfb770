// See advisory.hpp.
#include "advisory.hpp"

namespace asyncmq {

namespace {

// AsyncMQ's key: pg_advisory_lock(hashtext(name)), the int4 hash widened to bigint.
Datum key_of(const char *name) {
    Datum key = DirectFunctionCall1Coll(hashtext, DEFAULT_COLLATION_OID, CStringGetTextDatum(name));
    return Int64GetDatum((int64)DatumGetInt32(key));
}

} // namespace

void advisory_xact_lock(const char *name) {
    DirectFunctionCall1(pg_advisory_xact_lock_int8, key_of(name));
}

bool advisory_xact_try_lock(const char *name) {
    return DatumGetBool(DirectFunctionCall1(pg_try_advisory_xact_lock_int8, key_of(name)));
}

} // namespace asyncmq
