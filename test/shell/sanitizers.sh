#!/usr/bin/env bash
# Memory errors: the regression and isolation suites run once against a copy of the extension
# built with -fsanitize=address,undefined, and no sanitizer report has a frame in the extension.
#
# AddressSanitizer and UBSan rather than valgrind: they work here, and only the extension's code
# runs instrumented, where memcheck runs all of the server on its synthetic CPU. Debian's postgres
# is not built for ASan, so the runtimes are preloaded into the server (LD_PRELOAD from the
# cluster's environment file) and only reports with a frame in asyncmq count. ASan sees the
# extension's stack arrays and globals and the ends of what malloc gives the server (a palloc of
# 8 kB or more has a malloc block of its own), but not a small palloc chunk overrunning the next
# inside a memory context's block: PostgreSQL marks those only when built for valgrind. A canary
# compiled into the same copy shows on every run that a finding in the extension is reported.
cd "$(dirname "$0")/../.." && . test/shell/lib.sh
PG_CONFIG=/usr/lib/postgresql/15/bin/pg_config
helpers=$PWD/test/helpers
# The runtimes of the compiler we use.
libasan=$(readlink -f "$(g++ -print-file-name=libasan.so)")
libubsan=$(readlink -f "$(g++ -print-file-name=libubsan.so)")
symbolizer=$(command -v llvm-symbolizer || true)

work=$(mktemp -d /tmp/asyncmq-sanitizers.XXXXXX)
chmod 755 "$work" # the servers run as postgres when we are root
trap 'rm -rf "$work"' EXIT
mkdir "$work/src" && git ls-files -z | xargs -0 cp --parents -t "$work/src"
cp test/helpers/sanitizer_canary.cpp "$work/src/src/"
# float-cast-overflow is not in GCC's "undefined"; signed overflow is defined under PostgreSQL's
# -fwrapv, so UBSan does not look for it.
cat >"$work/sanitize.mk" <<'EOF'
override CXXFLAGS += -fsanitize=address,undefined,float-cast-overflow -fsanitize-recover=address -fno-omit-frame-pointer
override LDFLAGS += -fsanitize=address,undefined,float-cast-overflow
EOF
# with_llvm=no: the bitcode copy is for JIT inlining, which the suites never reach.
log=$(make -C "$work/src" -f Makefile -f "$work/sanitize.mk" -j2 with_llvm=no PG_CONFIG=$PG_CONFIG 2>&1 &&
    make -s -C "$work/src" -f Makefile -f "$work/sanitize.mk" with_llvm=no PG_CONFIG=$PG_CONFIG \
        install DESTDIR="$work/install" 2>&1)
expect_eq "the sanitized copy builds" 0 $?
expect_match "and is compiled with -fsanitize=address,undefined" "^g\+\+ .*-fsanitize=address,undefined.*src/excerpt\.cpp" "$log"
cp test/extension/* "$work/install/usr/share/postgresql/15/extension/"
gcc -shared -fPIC -Wl,-z,initfirst -o "$work/asan_init_first.so" "$helpers/asan_init_first.c" "$libasan"

# under NAME COMMAND...: runs COMMAND against a cluster whose server has the runtimes preloaded;
# COMMAND's output goes to $work/NAME.out, the server's log (sanitizer reports included) to
# $work/NAME-logs, which outlives the cluster.
under() {
    local name=$1 logs=$work/$1-logs
    shift
    mkdir "$logs"
    [ "$(id -u)" = 0 ] && chown postgres "$logs"
    # Both runtimes preloaded: a runtime that starts later, in a backend, reads its options from
    # /proc/self/environ, which the postmaster has overwritten with its process title by then.
    # The reports go to the server's stderr: with both runtimes loaded, log_path sends each
    # one's reports to the other's file or to stderr. detect_leaks=0: postgres frees little at
    # exit, by design; halt_on_error=0 with -fsanitize-recover: every finding, not only the first;
    # detect_stack_use_after_return: a pointer to a stack array used after its function returned.
    cat >"$work/$name.env" <<EOF
LD_PRELOAD = '$libasan:$work/asan_init_first.so:$libubsan'
ASAN_OPTIONS = 'detect_leaks=0:detect_stack_use_after_return=1:strict_string_checks=1:check_initialization_order=1:halt_on_error=0:abort_on_error=0:external_symbolizer_path=$symbolizer'
UBSAN_OPTIONS = 'print_stacktrace=1:halt_on_error=0:external_symbolizer_path=$symbolizer'
EOF
    (cd "$work/src" && ASYNCMQ_DESTDIR=$work/install ASYNCMQ_SERVER_ENVIRONMENT=$work/$name.env \
        ASYNCMQ_PGOPTIONS="logging_collector=on
log_directory=$logs
log_filename=server.log" "$helpers/with-cluster" "$@") >"$work/$name.out" 2>&1
}

# findings NAME: the reports in $work/NAME-logs that are the extension's, one line each: the
# report's first line and the extension's first frame in it. An ASan report is the extension's
# when a frame of its stack (the first run of "#N" lines) is in asyncmq.so or in its sources; a
# UBSan report always is, as nothing else in the server is compiled with UBSan.
findings() {
    cat "$work/$1-logs"/* 2>/dev/null | awk -v src="$work/src/src/" '
        function flush() { if (head != "" && frame != "") print head " | " frame; head = frame = ""; state = 0 }
        /ERROR: AddressSanitizer|runtime error:/ { flush(); head = $0; state = 1; if (/runtime error:/) frame = $1; next }
        state == 1 && /^ *#[0-9]+ / { state = 2 }
        state == 2 && !/^ *#[0-9]+ / { state = 3 }
        state == 2 && frame == "" && (index($0, "asyncmq.so") || index($0, src) || / src\/[a-z_]+\.[ch]pp:/) {
            frame = $0; sub(/^ +/, "", frame) }
        END { flush() }'
}

# reports NAME: every sanitizer report in $work/NAME-logs, the extension's or not.
reports() { cat "$work/$1-logs"/* 2>/dev/null | grep -cE 'ERROR: AddressSanitizer|runtime error:'; }

# The harness itself: the canary's three findings are reported, in the extension's frames.
under canary psql -XAtq -v ON_ERROR_STOP=1 -c "CREATE FUNCTION asyncmq_sanitizer_canary(int) RETURNS int
    AS 'asyncmq' LANGUAGE C STRICT" -c "SELECT asyncmq_sanitizer_canary(8) IS NOT NULL"
canary=$(findings canary)
expect_eq "the canary runs in the sanitized server" "t" "$(grep -x t "$work/canary.out")"
expect_eq "the harness finds the canary's 3 errors in asyncmq's frames" 3 "$(grep -c . <<<"$canary")"
expect_match "one is ASan's stack-buffer-overflow, in the canary's frame" \
    "AddressSanitizer: stack-buffer-overflow.*\| #0 .* in asyncmq_sanitizer_canary src/sanitizer_canary\.cpp:" "$canary"
expect_match "one is UBSan's read past the array" \
    "^src/sanitizer_canary\.cpp:[0-9:]+ runtime error: load of address .* with insufficient space" "$canary"
expect_match "one is UBSan's shift past int" \
    "^src/sanitizer_canary\.cpp:[0-9:]+ runtime error: shift exponent 32 is too large" "$canary"
[ "$(grep -c . <<<"$canary")" = 3 ] || sed 's/^/# /' "$work/canary.out" "$work/canary-logs"/* 2>/dev/null

# suite NAME WHAT MAKE-ARGS...: one suite under the sanitizers; its tests pass, and no finding.
suite() {
    local name=$1 what=$2
    shift 2
    under "$name" make -s installcheck PG_CONFIG=$PG_CONFIG "$@"
    local out passed failed found
    out=$(cat "$work/$name.out")
    passed=$(grep -cE '\.\.\. ok' <<<"$out")
    failed=$(grep -cE '\.\.\. FAILED|failed \(ignored\)' <<<"$out")
    found=$(findings "$name")
    expect_match "$what under ASan+UBSan: $passed tests passed, $failed failed" "^[1-9][0-9]* 0$" "$passed $failed"
    # pg_regress's own lines would be counted by scripts/test: shown as comments.
    [ "$failed" -eq 0 ] || { sed 's/^/# /' <<<"$out"; cat "$work/src/regression.diffs" "$work/src/output_iso/regression.diffs" 2>/dev/null | sed 's/^/# /'; }
    expect_eq "$what under ASan+UBSan: $(grep -c . <<<"$found") findings in asyncmq frames" "" "$found"
    echo "# $what: $(reports "$name") sanitizer reports in the server's log, $(($(reports "$name") - $(grep -c . <<<"$found"))) of them outside asyncmq's frames"
}
suite regress "regression suite" ISOLATION=
suite isolation "isolation suite" REGRESS=
