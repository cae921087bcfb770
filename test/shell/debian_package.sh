#!/usr/bin/env bash
# The Debian packages as a user gets them: dpkg-buildpackage from a clean copy of the tracked
# files, lintian, apt-get install ./...deb, then a fresh cluster that reads only the installed
# files runs the regression suite (debian/tests/installcheck, as autopkgtest does), CREATE
# EXTENSION and pg_asyncmq from PATH; then purge: no file of the packages is left and the user's
# tables keep their rows.
# Installing writes into the system's PostgreSQL directories. The other tests load the extension
# from a private install through extension_destdir and dynamic_library_path, which win over the
# system's files: checked here while the packages are installed. Files that a `make install`
# had put where the packages go are set aside and put back.
cd "$(dirname "$0")/../.." && . test/shell/lib.sh && . scripts/lib.sh
umask 022 # directories made again after the purge get the usual mode
major=$("$PG_CONFIG" --version | sed -E 's/^PostgreSQL ([0-9]+).*/\1/')
version=$(sed -n "s/^default_version = '\(.*\)'$/\1/p" asyncmq.control)
server_pkg=postgresql-$major-asyncmq
client_pkg=asyncmq-client
apt() { as_root env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 -y -qq "$@"; }
contents() { local deb; for deb; do dpkg-deb -c "$deb" | awk '{print $6}'; done; }
installed() { dpkg-query -W -f='${db:Status-Status}' "$1" 2>/dev/null | grep -qx installed; }

# The rest runs holding the lock that scripts/demo's make install also takes (scripts/lib.sh).
if [ -z "${ASYNCMQ_SYSTEM_LOCKED:-}" ]; then
    export ASYNCMQ_SYSTEM_LOCKED=1
    system_install_lock bash "$PWD/test/shell/debian_package.sh"
    exit
fi
if installed $server_pkg || installed $client_pkg; then
    echo "not ok - $server_pkg or $client_pkg is installed on this machine; remove them to run this test"
    exit 1
fi

work=$(mktemp -d /tmp/asyncmq-deb.XXXXXX)
chmod 755 "$work" # the servers run as postgres when we are root
src=$work/postgresql-asyncmq # dpkg-buildpackage writes the packages beside it
restored=
cleanup() {
    if installed $server_pkg || installed $client_pkg; then
        apt purge $server_pkg $client_pkg >/dev/null 2>&1
    fi
    [ -z "$restored" ] && [ -d "$work/backup" ] && restore
    as_root rm -rf "$work"
}
trap cleanup EXIT

# ---- Build --------------------------------------------------------------------------------------
mkdir "$src"
git ls-files -z | xargs -0 cp --parents -t "$src"
# The regression suite runs below against the installed packages, not at build time.
(cd "$src" && DEB_BUILD_OPTIONS=nocheck dpkg-buildpackage -us -uc -b -Pnocheck -j2) >"$work/build.log" 2>&1
rc=$?
expect_eq "dpkg-buildpackage -us -uc -b succeeds" 0 $rc
if [ $rc -ne 0 ]; then
    tail -30 "$work/build.log" | sed 's/^/#   /'
    exit 1
fi
changelog=$(dpkg-parsechangelog -l "$src/debian/changelog" -SVersion)
expect_eq "debian/changelog's upstream version is asyncmq.control's default_version" "$version" "${changelog%-*}"
arch=$(dpkg --print-architecture)
server_deb=$work/${server_pkg}_${changelog}_$arch.deb
client_deb=$work/${client_pkg}_${changelog}_$arch.deb
expect_eq "the build makes $server_pkg and $client_pkg" "yes yes" \
    "$([ -f "$server_deb" ] && echo yes) $([ -f "$client_deb" ] && echo yes)"

# The extension's files, the sql scripts as the Makefile's DATA names them.
data=$(make -s --no-print-directory -f Makefile -f - print-data PG_CONFIG="$PG_CONFIG" <<<'print-data: ; @echo $(DATA)')
expected=$( (echo asyncmq.control; for f in $data; do basename "$f"; done) | sort)
expect_eq "$server_pkg has asyncmq.control and every sql script ($(echo $data))" "$expected" \
    "$(dpkg-deb -c "$server_deb" | awk '{print $6}' | sed -n "s|^\./usr/share/postgresql/$major/extension/||p" | grep . | sort)"
expect_eq "$server_pkg has the library" "./usr/lib/postgresql/$major/lib/asyncmq.so" \
    "$(dpkg-deb -c "$server_deb" | awk '{print $6}' | grep '\.so$')"
expect_eq "$server_pkg has no program; $client_pkg has /usr/bin/pg_asyncmq and its manual page" \
    "./usr/bin/pg_asyncmq
./usr/share/man/man1/pg_asyncmq.1.gz" \
    "$(contents "$server_deb" "$client_deb" | grep -E '/bin/.|/man/.*\.gz$')"

# Tags a local build cannot avoid: an upload to Debian would close its ITP bug in the changelog,
# and the extension's paths are PostgreSQL's own layout (/usr/lib/postgresql/N/lib).
lint=$(lintian --pedantic -I --suppress-tags initial-upload-closes-no-bugs,repeated-path-segment \
    "$work"/postgresql-asyncmq_*.changes 2>&1 | grep -v '^running with root privileges')
expect_eq "lintian --pedantic -I reports nothing else" "" "$lint"

# ---- Install ------------------------------------------------------------------------------------
# Every path the packages hold, and what is there now; files there now are set aside.
paths=$(contents "$server_deb" "$client_deb" | sed -e 's|^\.||' -e 's|/$||' | grep . | LC_ALL=C sort -u)
watch="/usr/bin/pg_asyncmq
/usr/lib/postgresql/$major/lib/asyncmq.so"
expect_eq "the paths to watch include the library and pg_asyncmq" "$watch" "$(grep -E 'asyncmq\.so$|bin/' <<<"$paths")"
[ "$watch" = "$(grep -E 'asyncmq\.so$|bin/' <<<"$paths")" ] || exit 1
state() { # one line a path: "PATH absent", "PATH dir:MODE:OWNER" or "PATH file:MODE:OWNER:MD5"
    local p
    for p in $paths; do
        if [ -d "$p" ]; then
            echo "$p dir:$(stat -c '%a:%U:%G' "$p")"
        elif [ -e "$p" ]; then
            echo "$p file:$(stat -c '%a:%U:%G' "$p"):$(md5sum <"$p" | cut -d' ' -f1)"
        else
            echo "$p absent"
        fi
    done
}
# Files only: each is put back into its directory, made with the usual mode when the purge took
# it away; no directory's own mode or owner is ever copied.
restore() {
    local f
    for f in $(cd "$work/backup" && find . -type f | sed 's|^\.||'); do
        as_root mkdir -p "$(dirname "$f")" && as_root cp -p "$work/backup$f" "$f"
    done
}
before=$(state)
mkdir "$work/backup"
for p in $paths; do
    if [ -f "$p" ]; then mkdir -p "$work/backup$(dirname "$p")" && as_root cp -p "$p" "$work/backup$p"; fi
done
n=$(find "$work/backup" -type f | wc -l)
[ "$n" -gt 0 ] && echo "# set aside until the end: $n files that a make install had put where the packages go"

apt install --no-install-recommends "$server_deb" "$client_deb" >"$work/install.log" 2>&1
expect_eq "apt-get install ./$(basename "$server_deb") ./$(basename "$client_deb") succeeds" 0 $?
expect_eq "both packages are installed" "yes yes" \
    "$(installed $server_pkg && echo yes) $(installed $client_pkg && echo yes)"

# pg_asyncmq on Debian's default PATH, with its manual page.
path=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
expect_eq "pg_asyncmq is on PATH" /usr/bin/pg_asyncmq "$(PATH=$path command -v pg_asyncmq)"
expect_eq "pg_asyncmq --version from PATH" "pg_asyncmq (asyncmq) $version" "$(PATH=$path pg_asyncmq --version 2>&1)"
expect_eq "man pg_asyncmq finds its page" /usr/share/man/man1/pg_asyncmq.1.gz "$(man -w pg_asyncmq 2>&1)"

# The library a backend has mapped, read from the backend's own /proc/self/maps.
library_sql="SELECT DISTINCT substring(line from '\s(/\S*asyncmq\.so)$')
FROM regexp_split_to_table(pg_read_file('/proc/self/maps'), E'\n') AS line WHERE line LIKE '%asyncmq.so'"

# The other tests' view: a private install (here a copy of the packaged files, its control file
# with another comment, its script with one more function) still wins over the installed package
# for the control file, the script and the library.
private=$work/private
mkdir "$private"
for f in $(dpkg -L $server_pkg | grep -E "^/usr/(share|lib)/postgresql/"); do
    [ -f "$f" ] && cp --parents "$f" "$private"
done
ext=$private/usr/share/postgresql/$major/extension
sed -i "s/^comment = .*/comment = 'the private copy'/" "$ext/asyncmq.control"
echo "CREATE FUNCTION asyncmq_private() RETURNS text LANGUAGE sql AS \$\$SELECT 'the private script'\$\$;" \
    >>"$ext/asyncmq--$version.sql"
out=$(ASYNCMQ_DESTDIR=$private test/helpers/with-cluster psql -XAtq -v ON_ERROR_STOP=1 -c "CREATE EXTENSION asyncmq" \
    -c "SELECT obj_description(oid, 'pg_extension') FROM pg_extension WHERE extname = 'asyncmq'" \
    -c "SELECT asyncmq_private()" -c "$library_sql" 2>"$work/private.err" |
    grep -vE '^(Creating new PostgreSQL cluster|Dropping cluster) ')
expect_eq "with the package installed, extension_destdir and dynamic_library_path still win" \
    "the private copy
the private script
$private/usr/lib/postgresql/$major/lib/asyncmq.so" "$out"
[ -s "$work/private.err" ] && sed 's/^/#   /' "$work/private.err"

# ---- The regression suite against the installed files ------------------------------------------
# debian/tests/installcheck: pg_buildext installcheck, a pg_virtualenv cluster per installed
# PostgreSQL version, without extension_destdir. The build tree holds no library any more (the
# build ends with make clean); the packages' staging directories go too.
rm -rf "$src"/debian/$server_pkg "$src"/debian/$client_pkg
(cd "$src" && PGPORT=$(test/helpers/free-port) debian/tests/installcheck) >"$work/installcheck.log" 2>&1
rc=$?
expect_eq "debian/tests/installcheck: the regression and isolation tests pass on the installed files" 0 $rc
grep -E 'tests passed|failed|FAILED' "$work/installcheck.log" | sed 's/^/# /'
[ $rc -ne 0 ] && tail -40 "$work/installcheck.log" | sed 's/^/#   /'

# ---- A user's database, then purge -------------------------------------------------------------
cat >"$work/session.sh" <<'EOF'
. test/shell/lib.sh && . scripts/lib.sh
apt() { as_root env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 -y -qq "$@"; }
expect_eq "a fresh cluster reads no private install" '|$libdir' \
    "$(q -c 'SHOW extension_destdir' -c 'SHOW dynamic_library_path' | paste -sd'|')"
expect_eq "CREATE EXTENSION asyncmq makes version $version from the installed files" \
    "$version
/usr/lib/postgresql/$major/lib/asyncmq.so" \
    "$(q -c 'CREATE EXTENSION asyncmq' -c "SELECT extversion FROM pg_extension WHERE extname = 'asyncmq'" \
        -c "$library_sql")"
q -c 'SELECT asyncmq_install()' -c "SELECT asyncmq_enqueue('emails', 'app.tasks.send_welcome', '[\"ada@example.com\"]', job_id => 'welcome-ada')" \
    -c "SELECT asyncmq_enqueue('emails', 'app.tasks.send_welcome', '[\"alan@example.com\"]', job_id => 'welcome-alan')" >/dev/null
jobs="SELECT string_agg(job_id || ' ' || status, ', ' ORDER BY job_id) FROM asyncmq_jobs"
# Each upgrade script, from the installed files, in a database of its own: from its first
# version, when that version has its own script, to its second.
upgrades=0
for f in $data; do
    name=$(basename "$f" .sql)
    case $name in asyncmq--*--*) ;; *) continue ;; esac
    from=${name#asyncmq--} && from=${from%--*} && to=${name##*--}
    case " $data " in *" sql/asyncmq--$from.sql "*) ;; *) continue ;; esac
    db=upgrade_$(tr -c '[:alnum:]\n' _ <<<"$from")
    q -c "CREATE DATABASE $db"
    expect_eq "the installed $name.sql updates version $from to $to" "$to" \
        "$(q -d "$db" -c "CREATE EXTENSION asyncmq VERSION '$from'" -c "ALTER EXTENSION asyncmq UPDATE TO '$to'" \
            -c "SELECT extversion FROM pg_extension WHERE extname = 'asyncmq'" 2>&1)"
    upgrades=$((upgrades + 1))
done
echo "# upgrade scripts tested: $upgrades"
expect_eq "pg_asyncmq status, from PATH, sees the jobs and the extension" "jobs total 2
extension asyncmq $version" "$(PATH=$path pg_asyncmq status postgresql:// | grep -E '^(jobs total|extension)')"
expect_eq "the installed files are still the packages' own (dpkg --verify): no make install ran over them" "" \
    "$(dpkg --verify "$server_pkg" "$client_pkg" 2>&1)"
apt purge "$server_pkg" "$client_pkg" >"$work/purge.log" 2>&1
expect_eq "apt-get purge $server_pkg $client_pkg succeeds" 0 $?
expect_eq "after the purge, the user's jobs are all there" "welcome-ada waiting, welcome-alan waiting" "$(q -c "$jobs")"
expect_eq "DROP EXTENSION asyncmq works without the files, and keeps the tables and their rows" \
    "3
welcome-ada waiting, welcome-alan waiting" \
    "$(q -c 'DROP EXTENSION asyncmq' -c "SELECT count(*) FROM pg_class WHERE relname LIKE 'asyncmq%' AND relkind = 'r'" -c "$jobs" 2>&1)"
EOF
export version major path work server_pkg client_pkg library_sql data
PGPORT=$(test/helpers/free-port) pg_virtualenv -t -v "$major" bash "$work/session.sh" 2>"$work/session.err" |
    grep -vE '^(Creating new PostgreSQL cluster|Dropping cluster) '
[ "${PIPESTATUS[0]}" -ne 0 ] && sed 's/^/#   /' "$work/session.err"

expect_eq "the packages are gone from dpkg's database" "no no" \
    "$(installed $server_pkg && echo yes || echo no) $(installed $client_pkg && echo yes || echo no)"
after=$(state)
# Left behind: a file of the packages, or a directory that was not there before.
left=$(LC_ALL=C join <(echo "$before") <(echo "$after") | awk '$3 != "absent" && !($2 ~ /^dir:/ && $3 ~ /^dir:/)')
expect_eq "the purge leaves none of the packages' files and directories behind" "" "$left"
restore
restored=yes
expect_eq "the files set aside are back: each path is as before the install" "$before" "$(state)"
