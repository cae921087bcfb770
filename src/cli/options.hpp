// pg_asyncmq's command line: what to do, where to connect, and which tables. Pure C++ (no libpq),
// so that every rule about arguments and environment variables lives in one place.
#pragma once

#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace pg_asyncmq {

// Exit codes: 0 done, 1 the server or the connection failed, 2 the command line is wrong.
constexpr int exit_ok = 0;
constexpr int exit_server = 1;
constexpr int exit_usage = 2;

constexpr const char *program_name = "pg_asyncmq";
constexpr const char *version_line = "pg_asyncmq (asyncmq) 1.1";

// AsyncMQ's own setting for the DSN, upper-cased as AsyncMQ reads it from the environment.
constexpr const char *dsn_variable = "ASYNCMQ_POSTGRES_BACKEND_URL";

enum class Command { install, drop, status, help, version };

// A mistake on the command line or in the environment: exit code 2.
class UsageError : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

// One asyncmq.* setting to pass to the server for the command's transaction.
struct Setting {
    std::string name;  // asyncmq.postgres_jobs_table_name, ...
    std::string value; // as given; the server checks it
    std::string from;  // where it came from, for messages: --jobs-table or POSTGRES_JOBS_TABLE_NAME
};

struct Options {
    Command command = Command::help;
    std::string dsn;                                               // never empty once parsed
    std::string dsn_from;                                          // "argument", "--dsn" or the variable
    std::vector<std::pair<std::string, std::string>> conn_options; // --option key=value, in order
    std::vector<Setting> settings;                                 // only those given; the rest: server's
};

// Reads an environment variable; nullptr when unset. Injected so that tests could fake it.
using Getenv = std::function<const char *(const char *)>;

// Parses argv[1..] and the environment. Throws UsageError. help and version need nothing else.
Options parse_options(const std::vector<std::string> &args, const Getenv &getenv);

// The --help text.
std::string help_text();

} // namespace pg_asyncmq
