// A job to enqueue, as asyncmq_enqueue's arguments or an element of asyncmq_enqueue_many give
// it, and the payload AsyncMQ's Job.to_dict() would write for it.
#pragma once

#include "pg.hpp"

namespace asyncmq {

struct NewJob {
    const char *job_id; // nullptr: generate a UUID
    const char *task;
    Datum args;
    Datum kwargs;
    int32 priority;
    int32 max_retries;
    bool has_backoff, has_ttl, has_delay, has_repeat_every;
    double backoff, ttl, delay, repeat_every;
    const char *backoff_spelt; // the backoff as a JSON element spelt it (2 or 2.0); nullptr: a float
    const char *ttl_spelt;     // the same for the ttl; nullptr: an int when integral, else a float
    Datum depends_on;          // text[]
    const char *dedup_id;      // nullptr: no deduplication
    bool has_dedup_ttl;
    double dedup_ttl;
    bool dedup_extend, dedup_replace;
    const char *dedup_expires_spelt; // an expires_at inherited from a replaced owner; nullptr: now + ttl
};

// ERROR 22023 when AsyncMQ would refuse the job or store what it cannot read back; where
// prefixes the message ("" for asyncmq_enqueue, "jobs[3]: " for an element of a batch).
void check_job(const NewJob &job, const char *where);

// The payload's values, in the order of these names, for a job made now.
enum PayloadValue {
    pv_queue,
    pv_job_id,
    pv_task,
    pv_args,
    pv_kwargs,
    pv_max_retries,
    pv_backoff,
    pv_ttl,
    pv_created,
    pv_status,
    pv_delay_until,
    pv_priority,
    pv_depends_on,
    pv_repeat_every,
    pv_deduplication,
    payload_values
};
void payload_values_of(const char *queue, const NewJob &job, Datum values[payload_values], char nulls[payload_values]);

// A version 4 UUID as AsyncMQ's uuid4() and PostgreSQL's gen_random_uuid() make it.
char *random_uuid();

} // namespace asyncmq
