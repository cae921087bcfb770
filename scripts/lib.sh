# Shared by scripts/*: the PostgreSQL 15 tools and a way to run a command as root.
PG_CONFIG=/usr/lib/postgresql/15/bin/pg_config
export PG_CONFIG

# Runs "$@" as root: directly when we are root, else through sudo.
as_root() {
    if [ "$(id -u)" = 0 ]; then
        "$@"
    elif command -v sudo >/dev/null 2>&1; then
        sudo "$@"
    else
        echo "$0: needs root for: $*  (run as root, or install sudo)" >&2
        return 1
    fi
}

# Installs the Debian packages that building and testing need, when any is missing.
install_packages() {
    local missing=() pkg
    # The server and its headers; postgresql-contrib for amcheck; Debian's Python and the compiled
    # dependencies of AsyncMQ 0.9.1 (../shared/vendor/python/README.md), whose real code the
    # interoperability tests run; croniter is also the reference for the cron comparison. Building
    # the Debian packages (debian/control's Build-Depends without the test-only postgresql-all)
    # and checking them; pgxnclient unpacks the PGXN archive as `pgxn install` does.
    for pkg in postgresql-15 postgresql-server-dev-15 postgresql-common postgresql-contrib libpq-dev g++ make \
        python3 python3-asyncpg python3-croniter python3-sniffio python3-idna python3-multidict \
        python3-itsdangerous python3-pytest python3-pytest-asyncio \
        debhelper postgresql-server-dev-all help2man lintian pgxnclient; do
        dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    echo "$0: installing ${missing[*]}" >&2
    as_root apt-get update -qq &&
        as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
}

# Builds the extension, warning-free or not at all.
build() {
    local log
    log=$(make -s PG_CONFIG="$PG_CONFIG" 2>&1) || { printf '%s\n' "$log" >&2; return 1; }
    if printf '%s\n' "$log" | grep -q 'warning:'; then
        printf '%s\n' "$log" >&2
        echo "$0: the build printed warnings" >&2
        return 1
    fi
}

# Runs "$@" holding the lock of the system's PostgreSQL directories, which scripts/demo's
# make install and test/shell/debian_package.sh's packages write to; any user may take it.
system_install_lock() {
    local lock=/tmp/asyncmq-system-install.lock
    [ -e "$lock" ] || { : >"$lock" && chmod 644 "$lock"; } 2>/dev/null
    (flock 9 && "$@") 9<"$lock"
}
