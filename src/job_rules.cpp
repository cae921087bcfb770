// See job_rules.hpp.
#include "job_rules.hpp"

#include <cstdio>
#include <cstring>

namespace asyncmq {

const char *job_id_problem(const char *id) noexcept {
    if (id[0] == '\0')
        return "A job id may not be empty.";
    if (std::strchr(id, ':') != nullptr)
        return "A job id may not contain \":\".";
    bool digits = true;
    for (const char *s = id; *s; s++)
        digits = digits && *s >= '0' && *s <= '9';
    if (digits)
        return "A job id may not be all digits.";
    return nullptr;
}

bool python_float_spelling(const char *shortest, char *out, std::size_t out_size) noexcept {
    if (std::strpbrk(shortest, "nN") != nullptr) // nan, inf, Infinity
        return false;
    bool plain = std::strpbrk(shortest, ".eE") == nullptr;
    int n = std::snprintf(out, out_size, "%s%s", shortest, plain ? ".0" : "");
    return n > 0 && static_cast<std::size_t>(n) < out_size;
}

bool channel_fits(const char *queue, std::size_t max_bytes) noexcept {
    return std::strlen(channel_prefix) + std::strlen(queue) <= max_bytes;
}

} // namespace asyncmq
