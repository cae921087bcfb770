// Rules AsyncMQ applies to what a job is made of, as data and plain functions.
//
// Pure C++: no PostgreSQL headers, no allocation, no exceptions.
#pragma once

#include <cstddef>

namespace asyncmq {

// Why AsyncMQ would refuse this custom job id (empty, all digits, or containing ':'), as a
// sentence for errdetail; nullptr when the id is acceptable.
const char *job_id_problem(const char *id) noexcept;

// Writes the JSON spelling Python's json.dumps gives a float (repr: "2.0", "1.5", "1e+20")
// from the shortest round-trip digits of the value ("2", "1.5", "1e+20").
// False when the value is not finite (json.dumps would write NaN or Infinity, which is not JSON).
bool python_float_spelling(const char *shortest, char *out, std::size_t out_size) noexcept;

// The per-queue NOTIFY channel: "asyncmq:<queue>" when it fits in max_bytes, otherwise
// "asyncmq:md5:" followed by the md5 in hex that the caller passes.
constexpr const char *channel_prefix = "asyncmq:";
bool channel_fits(const char *queue, std::size_t max_bytes) noexcept;

} // namespace asyncmq
