// See wakeups.hpp; asyncmq_channel(queue) tells a listener which channel to LISTEN on.
#include "wakeups.hpp"

#include "args.hpp"
#include "job_rules.hpp"
#include "settings.hpp"

extern "C" {
#include "commands/async.h"
#include "common/md5.h"

PG_FUNCTION_INFO_V1(asyncmq_channel);
}

namespace asyncmq {

char *queue_channel(const char *queue) {
    if (channel_fits(queue, NAMEDATALEN - 1))
        return psprintf("%s%s", channel_prefix, queue);
    char hex[33];
    const char *err = nullptr;
    if (!pg_md5_hash(queue, strlen(queue), hex, &err))
        elog(ERROR, "asyncmq: md5 failed: %s", err ? err : "unknown error");
    return psprintf("%smd5:%s", channel_prefix, hex);
}

void wake_queue(const char *queue) {
    if (wakeups_setting())
        Async_Notify(queue_channel(queue), queue);
}

} // namespace asyncmq

extern "C" Datum asyncmq_channel(PG_FUNCTION_ARGS) {
    PG_RETURN_TEXT_P(cstring_to_text(asyncmq::queue_channel(asyncmq::queue_arg(fcinfo, 0))));
}
