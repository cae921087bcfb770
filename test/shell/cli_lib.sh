# Sourced by test/shell/cli_*.sh (after lib.sh): running pg_asyncmq and checking what it did.

# cli_in_cluster SCRIPT: unless already inside one, runs SCRIPT again inside a throwaway cluster
# (test/with-cluster) and exits with its code. Retries when the cluster did not start, which
# happens when a parallel run takes the same port at the same moment.
cli_in_cluster() {
    [ -n "${IN_CLUSTER:-}" ] && { : >"$IN_CLUSTER"; return 0; }
    local marker rc try
    marker=$(mktemp) || exit 1
    for try in 1 2 3; do
        rm -f "$marker"
        IN_CLUSTER=$marker test/with-cluster bash "$1"
        rc=$?
        if [ -e "$marker" ]; then
            rm -f "$marker"
            exit $rc
        fi
        echo "# $1: the cluster did not start (try $try)"
        sleep $((try * 2))
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
