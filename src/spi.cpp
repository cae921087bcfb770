// See spi.hpp.
#include "spi.hpp"

namespace asyncmq {
namespace {

void check(int rc, int expected, const char *what) {
    // A DO INSTEAD rule on one of the tables turns AsyncMQ's statement into another.
    if (rc == SPI_OK_REWRITTEN && expected != SPI_OK_REWRITTEN)
        ereport(ERROR, (errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
                        errmsg("a rule rewrote a statement of asyncmq on one of AsyncMQ's tables"),
                        errdetail("The tables in force have DO INSTEAD rules, and AsyncMQ's statements then do not do "
                                  "what they say."),
                        errhint("Drop the rules, or point the asyncmq.* settings at tables without them.")));
    if (rc != expected)
        elog(ERROR, "asyncmq: %s returned %s", what, SPI_result_code_string(rc));
}

} // namespace

void spi_connect(SearchPath path) {
    check(SPI_connect(), SPI_OK_CONNECT, "SPI_connect");
    if (path == SearchPath::caller)
        return;
    OverrideSearchPath *catalog_only = (OverrideSearchPath *)palloc0(sizeof(OverrideSearchPath));
    catalog_only->addCatalog = true;
    PushOverrideSearchPath(catalog_only);
}

void spi_finish(SearchPath path) {
    if (path == SearchPath::catalog_only)
        PopOverrideSearchPath();
    check(SPI_finish(), SPI_OK_FINISH, "SPI_finish");
}

uint64 spi_run(SPIPlanPtr plan, const Datum *values, const char *nulls, bool read_only, int expected) {
    check(SPI_execute_plan(plan, const_cast<Datum *>(values), nulls, read_only, 0), expected, "SPI_execute_plan");
    return SPI_processed;
}

void spi_exec(const char *sql) {
    int rc = SPI_execute(sql, false, 0);
    if (rc != SPI_OK_UTILITY)
        check(rc, SPI_OK_UTILITY, psprintf("SPI_execute of \"%s\"", sql));
}

} // namespace asyncmq
