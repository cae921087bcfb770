// Compiled into the sanitized copy of the extension only (test/shell/sanitizers.sh), never into
// the real one: a read one byte past a stack array (reported by ASan and by UBSan's object-size
// check) and a shift wider than int (UBSan), findings in the extension's own frames that the test
// must see reported.
#include "pg.hpp"

#include <cstring>

extern "C" {
PG_FUNCTION_INFO_V1(asyncmq_sanitizer_canary);
}

// With 8: reads p[8] of a char[8] and computes 1 << 32. Through a pointer: indexing the array
// itself is caught by UBSan's bounds check, and GCC then leaves the access out of ASan's checks.
extern "C" Datum asyncmq_sanitizer_canary(PG_FUNCTION_ARGS) {
    char buf[8];
    std::memset(buf, 'x', sizeof buf);
    volatile int n = PG_GETARG_INT32(0);
    const char *p = buf;
    int past_end = p[n];
    int shifted = 1 << (n + 24);
    PG_RETURN_INT32(past_end + shifted);
}
