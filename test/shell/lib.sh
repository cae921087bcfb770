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
