// The library's entry: PostgreSQL calls _PG_init once per process that loads it.
#include "pg.hpp"

#include "settings.hpp"

extern "C" {
PG_MODULE_MAGIC;

void _PG_init(void);
}

void _PG_init(void) {
    asyncmq::define_settings();
}
