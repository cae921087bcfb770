// DROP DATABASE and ALTER DATABASE RENAME wait for no scheduler: PostgreSQL refuses them while
// any other session, a background worker too, is connected to the database.
#pragma once

namespace asyncmq {

// Installs the ProcessUtility hook; from _PG_init, only when preloaded.
void install_drop_guard();

} // namespace asyncmq
