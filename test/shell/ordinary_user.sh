#!/usr/bin/env bash
# The regression and isolation tests pass for an ordinary (non-root) user too. Run as root, this
# makes a user, copies the tree to it and runs them there; run as anyone else, the suite is
# already running as an ordinary user.
cd "$(dirname "$0")/../.." && . test/shell/lib.sh
if [ "$(id -u)" != 0 ]; then
    echo "ok - ordinary user: this run is one (uid $(id -u))"
    exit 0
fi
user=asyncmq-tester
id "$user" >/dev/null 2>&1 || useradd --create-home --shell /bin/bash "$user"
home=$(getent passwd "$user" | cut -d: -f6)
# A directory of this run's own: runs of other work trees on this machine use the same user.
tree=$(mktemp -d "$home/asyncmq.XXXXXX")
trap 'rm -rf "$tree"' EXIT
git ls-files -z | xargs -0 cp --parents -t "$tree"
chown -R "$user:" "$tree"
out=$(su "$user" -c "cd '$tree'"' && export ASYNCMQ_DESTDIR=$(mktemp -d) && make -s PG_CONFIG=/usr/lib/postgresql/15/bin/pg_config >/dev/null 2>&1 &&
    make -s install DESTDIR=$ASYNCMQ_DESTDIR PG_CONFIG=/usr/lib/postgresql/15/bin/pg_config >/dev/null &&
    test/helpers/with-cluster make -s installcheck PG_CONFIG=/usr/lib/postgresql/15/bin/pg_config; rm -rf $ASYNCMQ_DESTDIR' 2>&1)
expect_match "as $user: the regression tests pass" "All [0-9]+ tests passed" "$(grep -m1 -E 'tests passed|failed' <<<"$out")"
expect_eq "as $user: the isolation tests pass" "2" "$(grep -cE 'All [0-9]+ tests passed' <<<"$out")"
grep -E "^test |tests passed" <<<"$out" | sed "s/^/# /"
