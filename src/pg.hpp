// PostgreSQL's headers, for the files that talk to the server. They are C: they come in here,
// inside one extern "C" block; a file that needs one more header includes it in an extern "C"
// block of its own, next to its PG_FUNCTION_INFO_V1 lines. The pure C++ files (sqlname, layout,
// cron, job_rules, excerpt) include none of them and never call into the server.
//
// The rule at this boundary: the library is built with -fno-exceptions, so no C++ exception
// exists that could cross into PostgreSQL; and no function keeps an object with a destructor
// alive while it calls into PostgreSQL (memory is palloc'd, owned by memory contexts), because an
// ereport(ERROR) longjmps past every C++ frame and would skip the destructor.
#pragma once

extern "C" {
#include "postgres.h"

#include "access/htup_details.h"
#include "access/table.h"
#include "catalog/namespace.h"
#include "catalog/pg_attribute.h"
#include "catalog/pg_class.h"
#include "catalog/pg_collation.h"
#include "catalog/pg_index.h"
#include "catalog/pg_type.h"
#include "commands/extension.h"
#include "common/keywords.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "funcapi.h"
#include "lib/stringinfo.h"
#include "mb/pg_wchar.h"
#include "miscadmin.h"
#include "nodes/makefuncs.h"
#include "storage/proc.h"
#include "utils/acl.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/fmgrprotos.h"
#include "utils/guc.h"
#include "utils/guc_tables.h"
#include "utils/inval.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"
#include "utils/syscache.h"
#include "utils/tuplestore.h"
}
