#!/usr/bin/env bash
# Every SQL example of docs/lifecycle.md is run by sql/lifecycle_examples.sql, verbatim.
set -uo pipefail
cd "$(dirname "$0")/../.."
. test/shell/lib.sh

tests=$(cat sql/lifecycle_examples.sql)
n=0
missing=()
block=
inside=false
while IFS= read -r line; do
    if [ "$line" = '```sql' ]; then
        inside=true
        block=
    elif $inside && [ "$line" = '```' ]; then
        inside=false
        n=$((n + 1))
        [[ "$tests" == *"${block%$'\n'}"* ]] || missing+=("$(head -n 1 <<<"$block")")
    elif $inside; then
        block+="$line"$'\n'
    fi
done <docs/lifecycle.md

expect_match "docs/lifecycle.md has SQL examples" '^[1-9][0-9]*$' "$n"
expect_eq "each SQL example of docs/lifecycle.md is in sql/lifecycle_examples.sql" "" "$(printf '%s\n' "${missing[@]+"${missing[@]}"}")"
