// Values quoted in the server's messages; see excerpt.hpp.
#pragma once

#include "pg.hpp"

#include "excerpt.hpp"

namespace asyncmq {

// text as a message quotes it, cut in the database encoding (palloc'd).
inline char *excerpt_of(const char *text) {
    char *out = static_cast<char *>(palloc(excerpt_size));
    excerpt(text, strlen(text), pg_mbcliplen, out);
    return out;
}

} // namespace asyncmq
