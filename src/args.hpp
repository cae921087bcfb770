// The arguments of the SQL functions, read and checked as AsyncMQ would take them.
#pragma once

#include "pg.hpp"

namespace asyncmq {

// A text argument; ERROR 22004 when it is NULL.
const char *text_arg(FunctionCallInfo fcinfo, int i, const char *name);

// A queue name: text, not empty (22023).
const char *queue_arg(FunctionCallInfo fcinfo, int i);

// A number of seconds: not NULL, finite, 0 or more; hint says what to pass.
double seconds_arg(FunctionCallInfo fcinfo, int i, const char *name, const char *hint);

// ERROR 22023 when AsyncMQ would refuse the custom job id; where prefixes the message.
void check_job_id(const char *id, const char *where);

// A one-element text[] holding the string.
Datum one_text_array(const char *text);

} // namespace asyncmq
