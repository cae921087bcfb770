// pg_asyncmq: make, drop and inspect AsyncMQ's tables from a connection string, without Python.
// Every failure is one line on stderr; exit 0 done, 1 server or connection error, 2 usage.
#include <cstdlib>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "commands.hpp"
#include "db.hpp"
#include "options.hpp"

using namespace pg_asyncmq;

namespace {

const char *command_name(Command c) {
    switch (c) {
    case Command::install:
        return "install";
    case Command::drop:
        return "drop";
    case Command::status:
        return "status";
    case Command::help:
    case Command::version:
        break;
    }
    return "";
}

// "pg_asyncmq: install: MESSAGE (SQLSTATE 42501) DETAIL: ... HINT: ..."
std::string describe(const DbError &e) {
    std::string line = e.what();
    if (!e.sqlstate.empty())
        line += " (SQLSTATE " + e.sqlstate + ")";
    if (!e.detail.empty())
        line += " DETAIL: " + e.detail;
    if (!e.hint.empty())
        line += " HINT: " + e.hint;
    return line;
}

} // namespace

int main(int argc, char **argv) {
    std::vector<std::string> args(argv + 1, argv + argc);
    Options o;
    try {
        o = parse_options(args, [](const char *name) { return static_cast<const char *>(std::getenv(name)); });
    } catch (const UsageError &e) {
        std::cerr << program_name << ": " << e.what() << std::endl;
        return exit_usage;
    }
    if (o.command == Command::help) {
        std::cout << help_text();
        return exit_ok;
    }
    if (o.command == Command::version) {
        std::cout << version_line << "\n";
        return exit_ok;
    }

    // The report is printed only once the transaction has committed.
    std::ostringstream report;
    try {
        run_command(o, report);
    } catch (const UsageError &e) {
        std::cerr << program_name << ": " << e.what() << std::endl;
        return exit_usage;
    } catch (const DbError &e) {
        std::cerr << program_name << ": " << command_name(o.command) << ": " << describe(e) << std::endl;
        return exit_server;
    } catch (const std::exception &e) {
        std::cerr << program_name << ": " << command_name(o.command) << ": " << e.what() << std::endl;
        return exit_server;
    }
    std::cout << report.str() << std::flush;
    return std::cout ? exit_ok : exit_server;
}
