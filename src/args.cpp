// See args.hpp.
#include "args.hpp"

#include "job_rules.hpp"
#include "messages.hpp"

#include <cmath>

namespace asyncmq {

const char *text_arg(FunctionCallInfo fcinfo, int i, const char *name) {
    if (PG_ARGISNULL(i))
        ereport(ERROR, (errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED), errmsg("%s must not be null", name)));
    return text_to_cstring(PG_GETARG_TEXT_PP(i));
}

const char *queue_arg(FunctionCallInfo fcinfo, int i) {
    const char *queue = text_arg(fcinfo, i, "queue");
    if (queue[0] == '\0')
        ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE), errmsg("queue must not be empty"),
                        errhint("Name the queue as AsyncMQ's Queue(name) does.")));
    return queue;
}

double seconds_arg(FunctionCallInfo fcinfo, int i, const char *name, const char *hint) {
    if (PG_ARGISNULL(i))
        ereport(ERROR, (errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED), errmsg("%s must not be null", name)));
    double v = PG_GETARG_FLOAT8(i);
    if (!(v >= 0 && std::isfinite(v)))
        ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
                        errmsg("%s must be a finite number of seconds, 0 or more", name), errhint("%s", hint)));
    return v;
}

void check_job_id(const char *id, const char *where) {
    const char *problem = job_id_problem(id);
    if (problem != nullptr)
        ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
                        errmsg("%sinvalid job id \"%s\"", where, excerpt_of(id)), errdetail("%s", problem),
                        errhint("Pass job_id => NULL to get a generated id (a UUID), as AsyncMQ does.")));
}

Datum one_text_array(const char *text) {
    Datum item = CStringGetTextDatum(text);
    return PointerGetDatum(construct_array(&item, 1, TEXTOID, -1, false, TYPALIGN_INT));
}

} // namespace asyncmq
