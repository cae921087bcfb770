#!/usr/bin/env bash
# The build: warning-free with -Wall -Wextra, the clang bitcode compile gets C++17, and the
# library records libstdc++ as NEEDED. Builds a clean copy of the tree, not the working one.
cd "$(dirname "$0")/../.." && . test/shell/lib.sh
PG_CONFIG=/usr/lib/postgresql/15/bin/pg_config
copy=$(mktemp -d) && trap 'rm -rf "$copy"' EXIT
git ls-files -z | xargs -0 cp --parents -t "$copy"
log=$(make -C "$copy" PG_CONFIG=$PG_CONFIG 2>&1)
expect_eq "make succeeds" 0 $?
expect_eq "make prints no warning" "" "$(grep 'warning:' <<<"$log")"
expect_match "our code is compiled with -Wall -Wextra" "^g\+\+ .*-Wall.*-Wextra.*src/install\.cpp" "$log"
expect_match "the bitcode compile uses C++17" "clang.*-std=c\+\+17.*-emit-llvm.*src/install\.bc" "$log"
expect_match "libstdc++ is NEEDED" "NEEDED.*libstdc\+\+" "$(readelf -d "$copy/asyncmq.so")"
expect_eq "no C++ exception can be thrown: nothing calls __cxa_throw (-fno-exceptions)" "" \
    "$(nm -D --undefined-only "$copy/asyncmq.so" | grep -E '__cxa_(throw|begin_catch)|_Unwind_Resume')"
