# asyncmq: PGXS build of the extension (C++17).
EXTENSION = asyncmq
MODULE_big = asyncmq
OBJS = src/module.o src/settings.o src/excerpt.o src/sqlname.o src/layout.o src/targets.o src/table_check.o src/install.o
DATA = sql/asyncmq--1.0.sql

# One file a topic; test/check-schedule fails when a file in sql/ or specs/ is missing here.
REGRESS = settings names install_default install_layouts install_keeps_data \
          install_refuses drop transactions security readme \
          dequeue_index dependants_index lifecycle_search_path plan_growth
REGRESS_OPTS = --inputdir=. --load-extension=asyncmq
ISOLATION = install_concurrent
ISOLATION_OPTS = --load-extension=asyncmq

# The job lifecycle (issue 4): SQL functions that produce and consume AsyncMQ jobs.
OBJS += src/job_rules.o src/jobs.o src/plans.o src/queue_ops.o src/cron.o
REGRESS += fixtures_enqueue fixtures_dequeue fixtures_complete_fail fixtures_cancel fixtures_stalled \
           fixtures_dependencies enqueue dequeue lifecycle layouts_lifecycle lifecycle_examples \
           fixtures_expire fixtures_workers fixtures_repeatables cron fixtures_internal deduplication \
           ack_list_delayed null_status not_a_table long_values
ISOLATION += dequeue_concurrent cancel_race stalled_complete wakeups enqueue_concurrent repeatables_concurrent \
             dedup_concurrent

PG_CONFIG ?= pg_config
PGXS := $(shell $(PG_CONFIG) --pgxs)

# Warnings for our own code only: PostgreSQL's headers are read as system headers.
PG_CPPFLAGS = -isystem $(shell $(PG_CONFIG) --includedir-server)
PG_CXXFLAGS = -std=c++17 -fno-exceptions -fno-rtti -Wextra
# Debian links with --as-needed, which drops libstdc++ while no symbol of it is used yet.
SHLIB_LINK = -Wl,--no-as-needed -lstdc++ -Wl,--as-needed

# Rebuild what includes a header when the header changes (Debian's PGXS ships autodepend off).
override autodepend = yes

include $(PGXS)

# The JIT bitcode of a file follows its object, which follows the headers it includes.
$(patsubst %.o,%.bc,$(OBJS)): %.bc: %.o

# PGXS compiles a bitcode copy of each .cpp with clang and without PG_CXXFLAGS.
override BITCODE_CXXFLAGS += -std=c++17 -fno-exceptions -fno-rtti

# ---- pg_asyncmq: the command-line client (issue 3) ------------------------------------------
# PGXS cannot build a PROGRAM next to MODULE_big, so the client has its own rules. It is ordinary
# C++ (exceptions, RTTI) linked with libpq, built without the server's headers and flags.
CLI_SRCS = $(wildcard src/cli/*.cpp)
CLI_OBJS = $(CLI_SRCS:.cpp=.o)
CLI_CXXFLAGS = -std=c++17 -O2 -g -Wall -Wextra -I$(shell $(PG_CONFIG) --includedir)
CLI_LDFLAGS = -L$(shell $(PG_CONFIG) --libdir) -lpq

all: pg_asyncmq

# A more specific pattern than PGXS's %.o: %.cpp, so it wins for these files.
src/cli/%.o: src/cli/%.cpp $(wildcard src/cli/*.hpp)
	$(CXX) $(CLI_CXXFLAGS) -c -o $@ $<

pg_asyncmq: $(CLI_OBJS)
	$(CXX) -o $@ $(CLI_OBJS) $(CLI_LDFLAGS)

install: install-pg_asyncmq
install-pg_asyncmq: pg_asyncmq
	$(MKDIR_P) '$(DESTDIR)$(bindir)'
	$(INSTALL_PROGRAM) pg_asyncmq '$(DESTDIR)$(bindir)'

uninstall: uninstall-pg_asyncmq
uninstall-pg_asyncmq:
	rm -f '$(DESTDIR)$(bindir)/pg_asyncmq'

# Not EXTRA_CLEAN: pgxs.mk tests it with ifdef when included, before this block sets it.
clean: clean-pg_asyncmq
clean-pg_asyncmq:
	rm -f pg_asyncmq src/cli/*.o

.PHONY: install-pg_asyncmq uninstall-pg_asyncmq clean-pg_asyncmq

# ---------------------------------------------------------------------------------------------
# make bench: the performance benchmark of issue 5 (bench/run; README.md, Performance). It builds,
# installs privately, starts its own throwaway cluster and prints the tables; about 15 minutes.
# Not part of .ci/run: test/shell/bench_smoke.sh runs `bench/run --smoke` there instead.
.PHONY: bench
bench:
	bench/run
