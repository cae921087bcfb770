// The scheduler's vacuum of a jobs table (README.md, Scheduler): taking a job leaves the
// entry of its waiting row version in the dequeue index until a vacuum removes it, so between
// autovacuum's rounds every dequeue of a large backlog steps over the entries of all the jobs
// taken before it. Vacuuming after asyncmq.vacuum_dead_rows dead row versions keeps that front
// short.
#pragma once

#include "pg.hpp"

namespace asyncmq {

// The jobs table in force when it has gathered at least threshold dead row versions since the
// scheduler last vacuumed it (or since the fewest it has seen), else InvalidOid. ERROR 42501
// when it has and the current user may not vacuum it. Runs in a transaction.
Oid jobs_table_to_vacuum(int threshold);

// VACUUM of the table as the current user, skipped when another vacuum holds it. Runs outside
// any transaction: VACUUM commits and starts transactions of its own.
void vacuum_jobs_table(Oid relid);

} // namespace asyncmq
