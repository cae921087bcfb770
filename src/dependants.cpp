// See dependants.hpp; also asyncmq_resolve_dependency(queue, parent_id).
#include "dependants.hpp"

#include "args.hpp"
#include "wakeups.hpp"

extern "C" {
PG_FUNCTION_INFO_V1(asyncmq_resolve_dependency);
}

namespace asyncmq {
namespace {

const Statement release_stmt = {{"WITH done AS (SELECT 1), ", release_after_done},
                                {{"queue", TEXTOID}, {"parents", TEXTARRAYOID}},
                                SPI_OK_SELECT,
                                false,
                                Planner::by_index};

} // namespace

bool released_after(const char *queue) {
    bool isnull;
    if (DatumGetInt64(column(2, &isnull)) > 0)
        wake_queue(queue);
    return bool_column(1);
}

int64 release_dependants(const Call &call, const char *queue, Datum parents) {
    Datum args[2] = {CStringGetTextDatum(queue), parents};
    run(call, release_stmt, args);
    bool isnull;
    int64 released = DatumGetInt64(column(2, &isnull));
    if (released > 0)
        wake_queue(queue);
    return released;
}

} // namespace asyncmq

using namespace asyncmq;

extern "C" Datum asyncmq_resolve_dependency(PG_FUNCTION_ARGS) {
    const char *queue = queue_arg(fcinfo, 0);
    const char *parent = text_arg(fcinfo, 1, "parent_id");
    Call call;
    begin_call(&call);
    int64 released = release_dependants(call, queue, one_text_array(parent));
    end_call(&call);
    PG_RETURN_INT32((int32)released);
}
