// A job's row found by its key through the unique index on it, not by a plan: every index of the
// jobs table that leads with queue_name (the dequeue index, the documented queue_name index) can
// serve "queue_name = $1 AND job_id = $2" too, and when the statistics take the queue's rows for
// a few (as after an ANALYZE of a nearly empty table, which a queue that deletes its completed
// jobs often is), the planner may pick one of those and read the queue's whole history for one
// job. The statements that follow then name the row by its id, which only the primary key serves.
#pragma once

#include "statement.hpp"

namespace asyncmq {

// The id of the job's row that a snapshot taken now sees, or false when the queue has no such
// job. ERROR if the jobs table has no usable unique key index (the layout check reports that).
bool find_job_row(const Call &call, const char *queue, const char *job_id, int32 *row);

// The same with the snapshot a statement the call runs next reads with (under REPEATABLE READ the
// transaction's), for a statement that only reads the row: it then finds what a lookup by key in
// that statement would. No ERROR for a table without the key index: false, and *keyless true.
bool find_visible_job_row(const Call &call, const char *queue, const char *job_id, int32 *row, bool *keyless);

// The same as find_job_row for n jobs of the queue in one scan (a null id is skipped): writes the
// ids of the rows found (int4 Datums) to rows and returns how many.
int find_job_rows(const Call &call, const char *queue, const char *const job_ids[], int n, Datum rows[]);

} // namespace asyncmq
