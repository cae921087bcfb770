// See tick.hpp; also asyncmq_tick().
#include "tick.hpp"

#include "clock.hpp"
#include "delayed.hpp"
#include "firing.hpp"
#include "retention.hpp"
#include "stalled.hpp"
#include "statement.hpp"

#include <initializer_list>

extern "C" {
#include "utils/regproc.h"

PG_FUNCTION_INFO_V1(asyncmq_tick);
}

namespace asyncmq {
namespace {

const Statement earliest_delayed = {{R"(
SELECT pg_catalog.min((j.data->>'delay_until')::pg_catalog.float8) FROM {jobs} AS j
WHERE j.status = 'delayed' AND pg_catalog.jsonb_typeof(j.data->'delay_until') = 'number')"},
                                    {},
                                    SPI_OK_SELECT,
                                    true};

void set_for_set(const char *name, const char *value) {
    (void)set_config_option(name, value, PGC_USERSET, PGC_S_SESSION, GUC_ACTION_SAVE, true, 0, false);
}

} // namespace

const char *task_name(Task task) {
    switch (task) {
    case Task::fire_repeatables:
        return "fire repeatables";
    case Task::promote_delayed:
        return "promote delayed jobs";
    case Task::recover_stalled:
        return "recover stalled jobs";
    case Task::retention:
        return "retention";
    }
    return "?";
}

bool task_enabled(Task task, const SchedulerSettings &s) {
    switch (task) {
    case Task::fire_repeatables:
        return s.fire_repeatables;
    case Task::promote_delayed:
        return s.promote_delayed;
    case Task::recover_stalled:
        return s.stalled_check;
    case Task::retention:
        return s.retention;
    }
    return false;
}

bool run_task(Task task, const SchedulerSettings &s, TickCounts *counts) {
    Call call;
    bool more = false;
    if (task == Task::fire_repeatables)
        begin_call_needing(&call, TableKind::repeatables, nullptr);
    else
        begin_call(&call);
    switch (task) {
    case Task::fire_repeatables:
        counts->fired += fire_due_repeatables(call);
        break;
    case Task::promote_delayed:
        counts->promoted += (int64)promote_due_everywhere(call);
        break;
    case Task::recover_stalled:
        counts->recovered += (int64)recover_stalled_jobs(call, epoch_now() - s.stalled_threshold);
        break;
    case Task::retention:
        counts->cleaned += delete_retained(call, s, &more);
        break;
    }
    end_call(&call);
    return more;
}

bool next_due(double *at) {
    Call call;
    begin_call_needing(&call, TableKind::repeatables, nullptr);
    bool found = next_repeatable_run(call, at);
    run(call, earliest_delayed, nullptr);
    bool isnull;
    Datum delayed = column(1, &isnull);
    if (!isnull && (!found || DatumGetFloat8(delayed) < *at)) {
        *at = DatumGetFloat8(delayed);
        found = true;
    }
    end_call(&call);
    return found;
}

int enter_set(const RegisteredSet &set) {
    int nest = NewGUCNestLevel();
    for (int k = 0; k < table_kind_count; k++) {
        const char *setting = table_setting_name(static_cast<TableKind>(k));
        if (setting != nullptr && set.names[k] != nullptr)
            set_for_set(setting, set.names[k]);
    }
    set_for_set("asyncmq.layout", set.layout);
    // The paused queues table has a fixed name, which AsyncMQ finds through search_path.
    const char *anchor = set.names[static_cast<int>(TableKind::paused_queues)];
    List *parts = stringToQualifiedNameList(anchor != nullptr ? anchor : set.names[0]);
    set_for_set("search_path", list_length(parts) == 2 ? quote_identifier(strVal(linitial(parts))) : "");
    return nest;
}

void leave_set(int nest) {
    AtEOXact_GUC(true, nest);
}

} // namespace asyncmq

using namespace asyncmq;

// One pass of every task the settings have on, on the tables in force, in the caller's
// transaction: what the scheduler does for one table set, for tests and for pg_cron.
extern "C" Datum asyncmq_tick(PG_FUNCTION_ARGS) {
    SchedulerSettings s = scheduler_settings();
    TickCounts counts = {};
    for (Task task : {Task::fire_repeatables, Task::promote_delayed, Task::recover_stalled, Task::retention})
        if (task_enabled(task, s))
            (void)run_task(task, s, &counts);
    TupleDesc desc;
    if (get_call_result_type(fcinfo, nullptr, &desc) != TYPEFUNC_COMPOSITE)
        elog(ERROR, "asyncmq: asyncmq_tick must return a record");
    Datum values[4] = {Int64GetDatum(counts.promoted), Int64GetDatum(counts.fired), Int64GetDatum(counts.recovered),
                       Int64GetDatum(counts.cleaned)};
    bool nulls[4] = {};
    PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(BlessTupleDesc(desc), values, nulls)));
}
