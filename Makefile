# asyncmq: PGXS build of the extension (C++17).
EXTENSION = asyncmq
MODULE_big = asyncmq
OBJS = src/module.o src/settings.o src/sqlname.o src/layout.o src/targets.o src/table_check.o src/install.o
DATA = sql/asyncmq--1.0.sql

# One file a topic; test/check-schedule fails when a file in sql/ or specs/ is missing here.
REGRESS = settings names install_default install_layouts install_keeps_data \
          install_refuses drop transactions security
REGRESS_OPTS = --inputdir=. --load-extension=asyncmq
ISOLATION = install_concurrent
ISOLATION_OPTS = --load-extension=asyncmq

# The job lifecycle (issue 4): SQL functions that produce and consume AsyncMQ jobs.
OBJS += src/job_rules.o src/jobs.o src/plans.o src/queue_ops.o
REGRESS += fixtures_enqueue fixtures_dequeue fixtures_complete_fail fixtures_cancel fixtures_stalled \
           fixtures_dependencies enqueue dequeue lifecycle layouts_lifecycle lifecycle_examples
ISOLATION += dequeue_concurrent cancel_race stalled_complete wakeups enqueue_concurrent

PG_CONFIG ?= pg_config
PGXS := $(shell $(PG_CONFIG) --pgxs)

# Warnings for our own code only: PostgreSQL's headers are read as system headers.
PG_CPPFLAGS = -isystem $(shell $(PG_CONFIG) --includedir-server)
PG_CXXFLAGS = -std=c++17 -fno-exceptions -fno-rtti -Wextra
# Debian links with --as-needed, which drops libstdc++ while no symbol of it is used yet.
SHLIB_LINK = -Wl,--no-as-needed -lstdc++ -Wl,--as-needed

include $(PGXS)

# PGXS compiles a bitcode copy of each .cpp with clang and without PG_CXXFLAGS.
override BITCODE_CXXFLAGS += -std=c++17 -fno-exceptions -fno-rtti
