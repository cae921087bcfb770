// See clock.hpp.
#include "clock.hpp"

extern "C" {
#include "utils/timestamp.h"
}

namespace asyncmq {

double epoch_of(TimestampTz ts) {
    // Microseconds since 2000-01-01 to seconds since 1970-01-01.
    return (double)(ts + (int64)(POSTGRES_EPOCH_JDATE - UNIX_EPOCH_JDATE) * USECS_PER_DAY) / 1e6;
}

double epoch_now() {
    return epoch_of(GetCurrentTimestamp());
}

double epoch_transaction_start() {
    return epoch_of(GetCurrentTransactionStartTimestamp());
}

} // namespace asyncmq
