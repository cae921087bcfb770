// See excerpt.hpp.
#include "excerpt.hpp"

#include <cstring>

namespace asyncmq {

void excerpt(const char *text, std::size_t len, ClipFn clip, char out[excerpt_size]) noexcept {
    std::size_t keep = len;
    if (len > excerpt_bytes) {
        // The clip function takes an int: looking at a little more than the limit is enough.
        keep =
            static_cast<std::size_t>(clip(text, static_cast<int>(excerpt_bytes + 8), static_cast<int>(excerpt_bytes)));
    }
    std::memcpy(out, text, keep);
    if (keep < len)
        std::memcpy(out + keep, "...", 3), keep += 3;
    out[keep] = '\0';
}

} // namespace asyncmq
