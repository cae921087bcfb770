// The library's entry: PostgreSQL calls _PG_init once per process that loads it.
//
// The C++/PostgreSQL boundary of this library: the code is built with -fno-exceptions, so no C++
// exception exists that could cross into PostgreSQL; and no function of ours keeps an object
// with a destructor alive while it calls into PostgreSQL (memory is palloc'd, owned by memory
// contexts), so an ereport's longjmp skips nothing that needed cleaning up. The pure C++ files
// (sqlname, layout) include no PostgreSQL header and never call into the server.
#include "pg.hpp"

#include "jobs.hpp"
#include "settings.hpp"

extern "C" {
PG_MODULE_MAGIC;

void _PG_init(void);
}

void _PG_init(void) {
    asyncmq::define_lifecycle_settings(); // first: define_settings() reserves the asyncmq prefix
    asyncmq::define_settings();
}
