// How this library talks SQL to the server: every use of SPI connects through spi_connect(),
// runs statements through spi_run() or spi_exec(), and ends with spi_finish(); every result code
// is checked.
#pragma once

#include "pg.hpp"

namespace asyncmq {

// The search_path statements run with between spi_connect() and spi_finish().
enum class SearchPath {
    // The caller's: install's DDL, whose messages then name objects as the caller sees them.
    caller,
    // pg_catalog alone, for the lifecycle's statements: the tables are resolved and
    // schema-qualified before any statement is made, so the caller's path is not needed, and no
    // operator or function of another schema can stand in for pg_catalog's, also when a cached
    // plan is analysed again. An ERROR pops the override with the (sub)transaction.
    catalog_only,
};

void spi_connect(SearchPath path);
void spi_finish(SearchPath path);

// Runs a prepared plan and checks that it returned `expected`; returns SPI_processed.
uint64 spi_run(SPIPlanPtr plan, const Datum *values, const char *nulls, bool read_only, int expected);

// Runs a utility statement (DDL) made from names quoted by the caller.
void spi_exec(const char *sql);

} // namespace asyncmq
