// The library's entry: PostgreSQL calls _PG_init once per process that loads it.
#include "pg.hpp"

#include "launcher.hpp"
#include "settings.hpp"

extern "C" {
PG_MODULE_MAGIC;

void _PG_init(void);
}

void _PG_init(void) {
    asyncmq::define_settings();
    // The scheduler needs shared memory and a launcher, which only shared_preload_libraries
    // can give; loaded otherwise (CREATE EXTENSION, LOAD), the library works without them.
    if (process_shared_preload_libraries_in_progress)
        asyncmq::register_scheduling();
}
