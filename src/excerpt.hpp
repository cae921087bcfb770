// Text taken from a setting or an argument, quoted in an error message: a few dozen bytes of it
// at most, cut where a character ends, so that a long value neither floods the message nor leaves
// half a character in it. Only the server knows the database encoding, so it passes the function
// that finds the cut (pg_mbcliplen).
//
// Pure C++: no PostgreSQL headers, no allocation, no exceptions.
#pragma once

#include <cstddef>

namespace asyncmq {

// How many of the first len bytes of text to keep so that at most limit bytes are kept and no
// character is cut (PostgreSQL's pg_mbcliplen).
using ClipFn = int (*)(const char *text, int len, int limit);

// The most bytes of a value that a message quotes; a longer value is cut and ends in "...".
constexpr std::size_t excerpt_bytes = 64;

// Room for an excerpt and its NUL.
constexpr std::size_t excerpt_size = excerpt_bytes + 4;

// Writes text[0, len) into out (excerpt_size bytes) as a message quotes it.
void excerpt(const char *text, std::size_t len, ClipFn clip, char out[excerpt_size]) noexcept;

} // namespace asyncmq
