// Times as AsyncMQ's payload holds them: epoch seconds (Python's time.time()), as a double.
#pragma once

#include "pg.hpp"

namespace asyncmq {

// Epoch seconds of a PostgreSQL timestamp.
double epoch_of(TimestampTz ts);

// Epoch seconds of the wall clock now (AsyncMQ's time.time()) and of the transaction's start
// (PostgreSQL's now(), which AsyncMQ uses for cancelled_at).
double epoch_now();
double epoch_transaction_start();

} // namespace asyncmq
