# Sourced by test/shell/cli_*.sh (after lib.sh): running pg_asyncmq and checking what it did.

# cli_in_cluster SCRIPT: unless already inside one, runs SCRIPT again inside a throwaway cluster
# (test/helpers/with-cluster) and exits with its code. Retries when the cluster did not start, which
# happens when a parallel run takes the same port at the same moment.
cli_in_cluster() {
    [ -n "${IN_CLUSTER:-}" ] && { : >"$IN_CLUSTER"; return 0; }
    local marker rc try
    marker=$(mktemp) || exit 1
    for try in 1 2 3; do
        rm -f "$marker"
        IN_CLUSTER=$marker test/helpers/with-cluster bash "$1"
        rc=$?
        if [ -e "$marker" ]; then
            rm -f "$marker"
            exit $rc
        fi
        echo "# $1: the cluster did not start (try $try)"
        sleep $((try * 2 + RANDOM % 3))
    done
    echo "not ok - $1: no throwaway cluster could be started"
    exit 1
}

# expect_run NAME CODE STDOUT STDERR COMMAND...: COMMAND exits with CODE and prints exactly
# STDOUT and STDERR. One "ok"/"not ok" line.
expect_run() {
    local name=$1 code=$2 stdout=$3 stderr=$4 e out err rc
    shift 4
    e=$(mktemp)
    out=$("$@" 2>"$e")
    rc=$?
    err=$(cat "$e")
    rm -f "$e"
    expect_eq "$name" "$(printf 'exit %s\nstdout:\n%s\nstderr:\n%s' "$code" "$stdout" "$stderr")" \
        "$(printf 'exit %s\nstdout:\n%s\nstderr:\n%s' "$rc" "$out" "$err")"
}

# expect_fail NAME CODE PREFIX COMMAND...: COMMAND exits with CODE, prints nothing on stdout and
# exactly one line on stderr that starts with PREFIX (literal text) and, if it goes on, goes on with
# " HINT: ...". For server errors whose hint wording belongs to the server code, not to pg_asyncmq.
expect_fail() {
    local name=$1 code=$2 prefix=$3 e out err rc rest
    shift 3
    e=$(mktemp)
    out=$("$@" 2>"$e")
    rc=$?
    err=$(cat "$e")
    rm -f "$e"
    rest=${err#"$prefix"}
    if [ "$rc" = "$code" ] && [ -z "$out" ] && [ "$(printf '%s\n' "$err" | wc -l)" = 1 ] &&
        [ "$rest" != "$err" ] && { [ -z "$rest" ] || [[ "$rest" == " HINT: "?* ]]; }; then
        echo "ok - $name"
    else
        echo "not ok - $name"
        printf '#   expected exit %s and: %s[ HINT: ...]\n#   got exit %s and: %s\n#   stdout: %s\n' \
            "$code" "$prefix" "$rc" "$err" "$out"
    fi
}
