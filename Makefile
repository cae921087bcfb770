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
# `make installcheck` runs on any server with asyncmq installed (pg_regress makes its database):
# a C-locale UTF8 one, so the output does not depend on the server's defaults.
REGRESS = $(patsubst test/sql/%.sql,%,$(sort $(wildcard test/sql/*.sql)))
REGRESS_OPTS = --inputdir=test --load-extension=asyncmq --no-locale --encoding=UTF8
ISOLATION = $(patsubst test/specs/%.spec,%,$(sort $(wildcard test/specs/*.spec)))
ISOLATION_OPTS = --inputdir=test --load-extension=asyncmq --no-locale --encoding=UTF8

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
CLI_CXXFLAGS = -std=c++17 -O2 -g -Wall -Wextra -I$(shell $(PG_CONFIG) --includedir) $(CLI_EXTRA_CXXFLAGS)
CLI_LDFLAGS = $(CLI_EXTRA_LDFLAGS) -L$(shell $(PG_CONFIG) --libdir) -lpq
# CLI_EXTRA_CXXFLAGS and CLI_EXTRA_LDFLAGS take a packager's flags (debian/rules: hardening).

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

# ---- PGXN -----------------------------------------------------------------------------------------
# `make dist`: the committed tree as asyncmq-<version>.zip, every file under asyncmq-<version>/,
# the archive `pgxn install` unpacks and builds. PGXN versions are semantic versions, so
# default_version 1.0 is 1.0.0; META.json must say the same (test/shell/pgxn_dist.sh).
EXTVERSION = $(shell sed -n "s/^default_version = '\(.*\)'$$/\1/p" $(EXTENSION).control)
DISTVERSION = $(if $(word 3,$(subst ., ,$(EXTVERSION))),$(EXTVERSION),$(EXTVERSION).0)
DISTNAME = $(EXTENSION)-$(DISTVERSION)

.PHONY: dist
dist:
	@grep -q '^    "version": "$(DISTVERSION)",$$' META.json || \
		{ echo "META.json's version is not $(DISTVERSION) ($(EXTENSION).control: $(EXTVERSION))" >&2; exit 1; }
	git archive --format zip --prefix=$(DISTNAME)/ --output $(DISTNAME).zip HEAD
