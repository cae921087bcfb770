# asyncmq: a PGXS build of the extension (C++17) and of its command-line client, pg_asyncmq.
PG_CONFIG ?= pg_config

# ---- The extension ---------------------------------------------------------------------------
EXTENSION = asyncmq
MODULE_big = asyncmq
OBJS = $(patsubst %.cpp,%.o,$(wildcard src/*.cpp))
DATA = $(wildcard sql/asyncmq--*.sql)

# Warnings for our own code only: PostgreSQL's headers are read as system headers.
PG_CPPFLAGS = -isystem $(shell $(PG_CONFIG) --includedir-server)
PG_CXXFLAGS = -std=c++17 -fno-exceptions -fno-rtti -Wextra
# Debian links with --as-needed, which drops libstdc++ while no symbol of it is used yet.
SHLIB_LINK = -Wl,--no-as-needed -lstdc++ -Wl,--as-needed

# ---- Tests: every file in test/sql and test/specs, expected output in test/expected -----------
REGRESS = $(patsubst test/sql/%.sql,%,$(sort $(wildcard test/sql/*.sql)))
REGRESS_OPTS = --inputdir=test --load-extension=asyncmq
ISOLATION = $(patsubst test/specs/%.spec,%,$(sort $(wildcard test/specs/*.spec)))
ISOLATION_OPTS = --inputdir=test --load-extension=asyncmq

# Rebuild what includes a header when the header changes (Debian's PGXS ships autodepend off).
override autodepend = yes

PGXS := $(shell $(PG_CONFIG) --pgxs)
include $(PGXS)

# PGXS compiles a bitcode copy of each .cpp with clang and without PG_CXXFLAGS; the copy follows
# its object, which follows the headers it includes.
override BITCODE_CXXFLAGS += -std=c++17 -fno-exceptions -fno-rtti
$(patsubst %.o,%.bc,$(OBJS)): %.bc: %.o

# ---- pg_asyncmq, the command-line client ------------------------------------------------------
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

# ---- The benchmark ------------------------------------------------------------------------------
# bench/run builds, installs privately, starts its own throwaway cluster and prints the tables
# (bench/README.md); about 40 minutes. .ci/run runs `bench/run --smoke` instead.
.PHONY: bench
bench:
	bench/run
