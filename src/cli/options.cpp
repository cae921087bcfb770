// pg_asyncmq's command line and environment, without libpq.
#include "options.hpp"

#include <cstring>

namespace pg_asyncmq {
namespace {

// A table or layout flag, its AsyncMQ environment variable, and the server setting it feeds.
struct SettingFlag {
    const char *flag;
    const char *variable;
    const char *setting;
};

const SettingFlag setting_flags[] = {
    {"--jobs-table", "POSTGRES_JOBS_TABLE_NAME", "asyncmq.postgres_jobs_table_name"},
    {"--repeatables-table", "POSTGRES_REPEATABLES_TABLE_NAME", "asyncmq.postgres_repeatables_table_name"},
    {"--cancelled-jobs-table", "POSTGRES_CANCELLED_JOBS_TABLE_NAME", "asyncmq.postgres_cancelled_jobs_table_name"},
    {"--workers-heartbeat-table", "POSTGRES_WORKERS_HEARTBEAT_TABLE_NAME",
     "asyncmq.postgres_workers_heartbeat_table_name"},
    {"--layout", "ASYNCMQ_LAYOUT", "asyncmq.layout"},
};

const char *const try_help = " (see pg_asyncmq --help)";

[[noreturn]] void usage(const std::string &message) {
    throw UsageError(message + try_help);
}

Command parse_command(const std::string &word) {
    if (word == "install")
        return Command::install;
    if (word == "drop")
        return Command::drop;
    if (word == "status")
        return Command::status;
    usage("unknown command \"" + word + "\"; the commands are install, drop and status");
}

// "--option" takes "key=value": a libpq keyword (lower-case letters and _) and its value.
std::pair<std::string, std::string> parse_conn_option(const std::string &text) {
    size_t eq = text.find('=');
    if (eq == std::string::npos || eq == 0)
        usage("--option needs key=value, such as connect_timeout=10; got \"" + text + "\"");
    std::string key = text.substr(0, eq);
    for (char c : key)
        if (!((c >= 'a' && c <= 'z') || c == '_'))
            usage("--option \"" + text + "\": \"" + key + "\" is not a connection option name");
    return {key, text.substr(eq + 1)};
}

} // namespace

Options parse_options(const std::vector<std::string> &args, const Getenv &getenv) {
    Options o;
    std::vector<std::string> positional;
    std::optional<std::string> dsn_flag;
    std::optional<std::string> setting_values[std::size(setting_flags)];
    bool options_end = false;

    for (size_t i = 0; i < args.size(); i++) {
        const std::string &arg = args[i];
        if (options_end || arg.size() < 2 || arg[0] != '-') {
            positional.push_back(arg);
            continue;
        }
        if (arg == "--") {
            options_end = true;
            continue;
        }
        if (arg == "--help" || arg == "-h") {
            o.command = Command::help;
            return o;
        }
        if (arg == "--version" || arg == "-V") {
            o.command = Command::version;
            return o;
        }

        // The flag's name and value: --name=value, --name value, -xvalue or -x value.
        std::string name = arg, value;
        bool has_value = false;
        if (arg[1] == '-') {
            size_t eq = arg.find('=');
            if (eq != std::string::npos) {
                name = arg.substr(0, eq);
                value = arg.substr(eq + 1);
                has_value = true;
            }
        } else if (arg.size() > 2) {
            name = arg.substr(0, 2);
            value = arg.substr(2);
            has_value = true;
        }
        if (name == "-d")
            name = "--dsn";
        else if (name == "-o")
            name = "--option";

        int setting_index = -1;
        for (size_t k = 0; k < std::size(setting_flags); k++)
            if (name == setting_flags[k].flag)
                setting_index = static_cast<int>(k);
        if (name != "--dsn" && name != "--option" && setting_index < 0)
            usage("unknown option \"" + name + "\"");
        if (!has_value) {
            if (i + 1 >= args.size())
                usage("option " + name + " needs a value");
            value = args[++i];
        }

        if (name == "--dsn") {
            if (dsn_flag)
                usage("--dsn given twice");
            dsn_flag = value;
        } else if (name == "--option") {
            o.conn_options.push_back(parse_conn_option(value));
        } else {
            if (setting_values[setting_index])
                usage(name + " given twice");
            setting_values[setting_index] = value;
        }
    }

    if (positional.empty())
        usage("no command given; the commands are install, drop and status");
    o.command = parse_command(positional[0]);
    if (positional.size() > 2)
        usage("too many arguments: \"" + positional.back() + "\"");
    if (positional.size() == 2 && dsn_flag)
        usage("a connection string given both as an argument and with --dsn");

    // The DSN: argument or --dsn, else AsyncMQ's variable. Empty counts as absent, as in AsyncMQ.
    const char *from_env = getenv(dsn_variable);
    if (positional.size() == 2 && !positional[1].empty()) {
        o.dsn = positional[1];
        o.dsn_from = "argument";
    } else if (dsn_flag && !dsn_flag->empty()) {
        o.dsn = *dsn_flag;
        o.dsn_from = "--dsn";
    } else if (from_env != nullptr && from_env[0] != '\0') {
        o.dsn = from_env;
        o.dsn_from = dsn_variable;
    } else {
        throw UsageError(std::string("no connection string: give one as an argument or with --dsn, or set ") +
                         dsn_variable + try_help);
    }

    // Each table name and the layout: the flag, else AsyncMQ's variable (unless empty), else
    // nothing, so that the server's own setting (postgresql.conf, ALTER ROLE ... SET) applies.
    for (size_t k = 0; k < std::size(setting_flags); k++) {
        const SettingFlag &f = setting_flags[k];
        if (setting_values[k]) {
            o.settings.push_back({f.setting, *setting_values[k], f.flag});
            continue;
        }
        const char *env = getenv(f.variable);
        if (env != nullptr && env[0] != '\0')
            o.settings.push_back({f.setting, env, f.variable});
    }
    return o;
}

std::string help_text() {
    return R"(pg_asyncmq makes, drops and inspects the tables of AsyncMQ's Postgres backend.

Usage:
  pg_asyncmq install [DSN] [OPTION]...   CREATE EXTENSION IF NOT EXISTS asyncmq, then make the tables
  pg_asyncmq drop [DSN] [OPTION]...      drop the tables (asyncmq_install(drop => true))
  pg_asyncmq status [DSN] [OPTION]...    show each table, its layout check and the job counts
  pg_asyncmq --help | --version

Connection:
  DSN, -d, --dsn=DSN          a libpq connection string: postgresql://user@host:port/db or
                              "host=... dbname=..."; default $ASYNCMQ_POSTGRES_BACKEND_URL.
                              PG* variables (PGHOST, PGPASSWORD, ...) fill in what it leaves out.
  -o, --option=KEY=VALUE      a libpq connection option (connect_timeout, sslmode,
                              application_name, ...); repeatable; wins over the DSN

Tables (default: AsyncMQ's variable, else the server's asyncmq.* setting):
  --jobs-table=NAME               $POSTGRES_JOBS_TABLE_NAME
  --repeatables-table=NAME        $POSTGRES_REPEATABLES_TABLE_NAME
  --cancelled-jobs-table=NAME     $POSTGRES_CANCELLED_JOBS_TABLE_NAME
  --workers-heartbeat-table=NAME  $POSTGRES_WORKERS_HEARTBEAT_TABLE_NAME
  --layout=RELEASE                $ASYNCMQ_LAYOUT: the AsyncMQ release (0.1, 0.8.2, latest, ...)

Exit status: 0 done, 1 server or connection error, 2 usage error.
)";
}

} // namespace pg_asyncmq
