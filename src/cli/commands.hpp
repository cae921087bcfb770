// install, drop and status: each one transaction on its own connection.
#pragma once

#include <iosfwd>

#include "options.hpp"

namespace pg_asyncmq {

// Runs o.command and writes its report to out. Throws UsageError or DbError.
void run_command(const Options &o, std::ostream &out);

} // namespace pg_asyncmq
