// Values of the AsyncMQ payload as AsyncMQ's Python code spells them, and the wakeups.
#pragma once

#include "pg.hpp"

#include "clock.hpp"

namespace asyncmq {

// A numeric Datum spelt as Python writes a float: 2.0, 1.5, 1795610739.179703.
Datum float_number(double value);
// A numeric Datum spelt as Python writes an int when the value is integral (600), else a float.
Datum int_or_float_number(double value);

// ERROR 22023 when AsyncMQ would refuse the custom job id; where prefixes the message.
void check_job_id(const char *id, const char *where);

// The NOTIFY channel of a queue (see README, Wakeups).
char *queue_channel(const char *queue);

// Wakes the queue's listeners at commit when asyncmq.wakeups is on. PostgreSQL folds identical
// notifications of one transaction into one, so a queue gets at most one per transaction however
// many calls make it.
void wake_queue(const char *queue);

// Defines asyncmq.wakeups; called from _PG_init before define_settings() reserves the prefix, so
// that a value set before the library was loaded is taken, not reported as misspelt.
void define_lifecycle_settings();

} // namespace asyncmq
