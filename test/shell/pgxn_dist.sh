#!/usr/bin/env bash
# PGXN: META.json follows the PGXN Meta Spec 1.0.0 and names the extension's version; `make dist`
# in a fresh clone makes asyncmq-<version>.zip with everything under asyncmq-<version>/; the PGXN
# client (pgxnclient, what `pgxn install` runs) reads its META.json and unpacks it; the unpacked
# tree builds warning-free and installs into a DESTDIR, from which CREATE EXTENSION works.
cd "$(dirname "$0")/../.." && . test/shell/lib.sh
PG_CONFIG=/usr/lib/postgresql/15/bin/pg_config
test/helpers/check-pgxn-meta META.json asyncmq.control

default=$(sed -n "s/^default_version = '\(.*\)'$/\1/p" asyncmq.control)
version=$(python3 -c 'import json; print(json.load(open("META.json"))["version"])')
tmp=$(mktemp -d /tmp/asyncmq-pgxn.XXXXXX)
chmod 755 "$tmp" # the server runs as postgres when we are root
trap 'rm -rf "$tmp"' EXIT

git clone -q . "$tmp/clone"
make -s -C "$tmp/clone" dist PG_CONFIG=$PG_CONFIG >"$tmp/dist.log" 2>&1
expect_eq "make dist succeeds in a fresh clone" 0 $?
expect_eq "make dist makes asyncmq-$version.zip (ignored by git) and nothing else" "!! asyncmq-$version.zip" \
    "$(git -C "$tmp/clone" status --porcelain --ignored)"
zip=$tmp/clone/asyncmq-$version.zip
[ -f "$zip" ] || exit 1

expect_eq "the archive holds exactly the committed files, under asyncmq-$version/" \
    "$(git -C "$tmp/clone" ls-files | sed "s|^|asyncmq-$version/|" | LC_ALL=C sort)" \
    "$(python3 -c 'import sys, zipfile; print("\n".join(n for n in zipfile.ZipFile(sys.argv[1]).namelist() if not n.endswith("/")))' "$zip" | LC_ALL=C sort)"

# pgxnclient's own archive code, as `pgxn install` uses it: META.json from the archive, then the
# directory it unpacks to and builds in.
# Debian's interpreter, which has the pgxnclient package.
out=$(/usr/bin/python3 - "$zip" "$tmp/unpacked" <<'PY' 2>&1
import sys
from pgxnclient import archive
a = archive.from_file(sys.argv[1])
meta = a.get_meta()
print(meta["name"], meta["version"])
print(a.unpack(sys.argv[2]))
PY
)
expect_eq "pgxnclient reads the archive's META.json and unpacks it into asyncmq-$version/" \
    "asyncmq $version
$tmp/unpacked/asyncmq-$version" "$out"

src=$tmp/unpacked/asyncmq-$version
log=$(make -j2 -C "$src" PG_CONFIG=$PG_CONFIG 2>&1)
expect_eq "the unpacked archive builds (make)" 0 $?
expect_eq "the build prints no warning" "" "$(grep 'warning:' <<<"$log")"
dest=$tmp/install
make -s -C "$src" install DESTDIR="$dest" PG_CONFIG=$PG_CONFIG >/dev/null 2>&1
expect_eq "make install DESTDIR=... succeeds" 0 $?
data=$(make -s --no-print-directory -C "$src" -f Makefile -f - print-data PG_CONFIG=$PG_CONFIG <<<'print-data: ; @echo $(DATA)')
expected=$({
    echo usr/share/postgresql/15/extension/asyncmq.control
    for f in $data; do echo "usr/share/postgresql/15/extension/$(basename "$f")"; done
    echo usr/lib/postgresql/15/lib/asyncmq.so
    echo usr/lib/postgresql/15/bin/pg_asyncmq
} | LC_ALL=C sort)
expect_eq "the install has the control file, every sql script ($data), the library and pg_asyncmq" "$expected" \
    "$(cd "$dest" 2>&1 && find usr -type f \( -path '*/extension/*' -o -name '*.so' -o -path '*/bin/*' \) | LC_ALL=C sort)"
[ -d "$dest" ] || exit 1
# The library the backend mapped (its /proc/self/maps) shows the extension came from this install.
out=$(ASYNCMQ_DESTDIR=$dest test/helpers/with-cluster psql -XAtq -v ON_ERROR_STOP=1 -c 'CREATE EXTENSION asyncmq' \
    -c "SELECT extversion FROM pg_extension WHERE extname = 'asyncmq'" \
    -c "SELECT DISTINCT substring(line from '\\s(/\\S*asyncmq\\.so)$')
        FROM regexp_split_to_table(pg_read_file('/proc/self/maps'), E'\\n') AS line WHERE line LIKE '%asyncmq.so'" 2>&1 |
    grep -vE '^(Creating new PostgreSQL cluster|Dropping cluster) ')
expect_eq "CREATE EXTENSION asyncmq from that install makes version $default with its library" "$default
$dest/usr/lib/postgresql/15/lib/asyncmq.so" "$out"
