# Sourced by test/shell/*.sh. Each check prints "ok - NAME" or "not ok - NAME" (TAP style);
# scripts/test counts those lines.

# expect_eq NAME EXPECTED ACTUAL: the two texts are equal, line for line.
expect_eq() {
    if [ "$2" == "$3" ]; then
        echo "ok - $1"
    else
        echo "not ok - $1"
        diff <(printf '%s\n' "$2") <(printf '%s\n' "$3") | grep '^[<>]' | sed 's/^/#   /'
    fi
}

# expect_match NAME REGEX ACTUAL: the text matches the extended regular expression.
expect_match() {
    if printf '%s\n' "$3" | grep -qE -- "$2"; then
        echo "ok - $1"
    else
        echo "not ok - $1"
        printf '%s\n' "$3" | sed 's/^/#   got: /'
    fi
}

# psql for tests: no psqlrc, unaligned, tuples only, stop on error.
q() { psql -X -Atq -v ON_ERROR_STOP=1 "$@"; }

# poll NAME EXPECTED DB SQL: runs SQL in DB every 0.1 s, for at most 10 s, until it prints
# EXPECTED, then checks what it printed last.
poll() {
    local got
    for _ in $(seq 100); do
        got=$(q -d "$3" -c "$4" 2>&1)
        [ "$got" == "$2" ] && break
        sleep 0.1
    done
    expect_eq "$1" "$2" "$got"
}

# The server log of the cluster that test/helpers/with-cluster started.
server_log() { cat "$(dirname "$PG_CLUSTER_CONF_ROOT")"/log/*.log; }
