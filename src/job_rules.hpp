// Rules AsyncMQ applies to what a job is made of, as data and plain functions.
//
// Pure C++: no PostgreSQL headers, no allocation, no exceptions.
#pragma once

#include <cstddef>

namespace asyncmq {

// Why AsyncMQ would refuse this custom job id (empty, all digits, or containing ':'), as a
// sentence for errdetail; nullptr when the id is acceptable.
const char *job_id_problem(const char *id) noexcept;

// Writes the spelling of a float that json.loads reads back as a float: the digits as given,
// with ".0" added when they have no point or exponent ("2" -> "2.0", "1.5" -> "1.5").
// False when they are not a finite number (nan, inf) or out does not hold the result.
bool python_float_spelling(const char *shortest, char *out, std::size_t out_size) noexcept;

// The per-queue NOTIFY channel: "asyncmq:<queue>" when it fits in max_bytes, otherwise
// "asyncmq:md5:" followed by the md5 in hex that the caller passes.
constexpr const char *channel_prefix = "asyncmq:";
bool channel_fits(const char *queue, std::size_t max_bytes) noexcept;

} // namespace asyncmq
