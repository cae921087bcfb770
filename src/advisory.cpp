// See advisory.hpp.
#include "advisory.hpp"

namespace asyncmq {

int64 advisory_key(const char *name) {
    Datum key = DirectFunctionCall1Coll(hashtext, DEFAULT_COLLATION_OID, CStringGetTextDatum(name));
    return (int64)DatumGetInt32(key);
}

void advisory_xact_lock(int64 key, bool shared) {
    DirectFunctionCall1(shared ? pg_advisory_xact_lock_shared_int8 : pg_advisory_xact_lock_int8, Int64GetDatum(key));
}

void advisory_xact_lock(const char *name) {
    advisory_xact_lock(advisory_key(name));
}

bool advisory_xact_try_lock(const char *name) {
    return DatumGetBool(DirectFunctionCall1(pg_try_advisory_xact_lock_int8, Int64GetDatum(advisory_key(name))));
}

} // namespace asyncmq
