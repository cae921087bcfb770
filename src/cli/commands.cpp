// install, drop and status. Every value from the command line or the environment reaches the
// server as a parameter; the only names put into SQL text come from the catalogs, quoted by libpq.
#include "commands.hpp"

#include <ostream>
#include <string>
#include <vector>

#include "db.hpp"

namespace pg_asyncmq {
namespace {

const char *const install_hint =
    "Install asyncmq on the database server's machine (make install in the asyncmq source tree, as root), "
    "then run pg_asyncmq install again.";

struct Extension {
    bool created = false;   // CREATE EXTENSION has run in this database
    bool available = false; // the server has the extension's files
    std::string schema;     // where its functions are, quoted
    std::string version;
};

Extension find_extension(Connection &c) {
    Extension e;
    Result r = c.exec("SELECT n.nspname, e.extversion FROM pg_catalog.pg_extension e "
                      "JOIN pg_catalog.pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'asyncmq'");
    if (r.rows() == 1) {
        e.created = e.available = true;
        e.schema = c.identifier(r.get(0, 0));
        e.version = r.get(0, 1);
        return e;
    }
    // Debian's extension_destdir is a second place CREATE EXTENSION looks in, one that
    // pg_available_extensions does not list: where it is set, the files may be there. (pg_settings
    // shows it only to roles that may read it; current_setting() would fail for the others.)
    e.available = c.exec("SELECT 1 WHERE EXISTS (SELECT 1 FROM pg_catalog.pg_available_extensions "
                         "WHERE name = 'asyncmq') OR EXISTS (SELECT 1 FROM pg_catalog.pg_settings "
                         "WHERE name = 'extension_destdir' AND setting <> '')")
                      .rows() > 0;
    return e;
}

// status and drop need the extension made by install.
Extension need_extension(Connection &c) {
    Extension e = find_extension(c);
    if (!e.created)
        throw DbError("extension \"asyncmq\" is not installed in database \"" + c.database() + "\"", "", "",
                      e.available ? "Run pg_asyncmq install to create it and the tables." : install_hint);
    return e;
}

// The asyncmq.* settings for this transaction only (is_local => true).
void apply_settings(Connection &c, const Options &o) {
    for (const Setting &s : o.settings)
        c.exec("SELECT pg_catalog.set_config($1, $2, true)", {s.name, s.value});
}

struct TableRow {
    std::string kind, name, problems;
    bool present = false;
    std::string relid; // oid as text, when present
};

std::vector<TableRow> tables(Connection &c, const Extension &e) {
    Result r = c.exec("SELECT kind, table_name, present, relid::pg_catalog.oid, "
                      "pg_catalog.array_to_string(problems, ' ') FROM " +
                      e.schema + ".asyncmq_tables()");
    std::vector<TableRow> rows;
    for (int i = 0; i < r.rows(); i++)
        rows.push_back({r.get(i, 0), r.get(i, 1), r.get(i, 4), r.get(i, 2) == "t", r.null(i, 3) ? "" : r.get(i, 3)});
    return rows;
}

std::string layout(Connection &c, const Extension &e) {
    return c.exec("SELECT " + e.schema + ".asyncmq_layout()").get(0, 0);
}

// "jobs total N", then "jobs STATUS N" for each status, of the jobs table found by its oid.
void job_counts(Connection &c, const TableRow &jobs, std::ostream &out) {
    Result where = c.exec("SELECT n.nspname, c.relname, EXISTS (SELECT 1 FROM pg_catalog.pg_attribute a "
                          "WHERE a.attrelid = c.oid AND a.attname = 'status' AND NOT a.attisdropped) "
                          "FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
                          "WHERE c.oid = $1::pg_catalog.oid",
                          {jobs.relid});
    if (where.rows() != 1)
        return;
    std::string table = c.identifier(where.get(0, 0)) + "." + c.identifier(where.get(0, 1));
    if (where.get(0, 2) != "t") {
        out << "jobs total " << c.exec("SELECT pg_catalog.count(*) FROM " + table).get(0, 0) << "\n";
        return;
    }
    Result r = c.exec("SELECT status, pg_catalog.count(*) FROM " + table +
                      " GROUP BY status ORDER BY status COLLATE \"C\" NULLS LAST");
    long long total = 0;
    for (int i = 0; i < r.rows(); i++)
        total += std::stoll(r.get(i, 1));
    out << "jobs total " << total << "\n";
    for (int i = 0; i < r.rows(); i++)
        out << "jobs " << (r.null(i, 0) ? "(null)" : r.get(i, 0)) << " " << r.get(i, 1) << "\n";
}

void install(Connection &c, const Options &o, std::ostream &out) {
    c.exec("BEGIN");
    // asyncmq_install()'s own lock, taken before CREATE EXTENSION: concurrent installs into a new
    // database take turns, and the second sees the first's extension instead of failing on a
    // duplicate pg_extension row.
    c.exec("SELECT pg_catalog.pg_advisory_xact_lock(pg_catalog.hashtext('asyncmq:install')::pg_catalog.int8)");
    Extension before = find_extension(c);
    if (!before.created) {
        try {
            c.exec("CREATE EXTENSION IF NOT EXISTS asyncmq");
        } catch (DbError &err) {
            // The server's own hint for missing files cannot say how asyncmq is installed: 0A000
            // "extension is not available" from 15.14 on, 58P01 "could not open extension control
            // file" before.
            if (err.sqlstate == "0A000" || err.sqlstate == "58P01")
                err.hint = install_hint;
            throw;
        }
    }
    Extension e = find_extension(c);
    apply_settings(c, o);
    std::vector<TableRow> old = tables(c, e);
    c.exec("SELECT " + e.schema + ".asyncmq_install(false)");
    std::string l = layout(c, e);
    c.exec("COMMIT");

    out << "layout " << l << "\n";
    for (const TableRow &t : old)
        out << "table " << t.kind << " " << t.name << (t.present ? " kept" : " created") << "\n";
    out << "extension asyncmq " << e.version << (before.created ? "" : " created") << "\n";
}

void drop(Connection &c, const Options &o, std::ostream &out) {
    c.exec("BEGIN");
    Extension e = need_extension(c);
    apply_settings(c, o);
    std::vector<TableRow> old = tables(c, e);
    c.exec("SELECT " + e.schema + ".asyncmq_install(true)");
    std::string l = layout(c, e);
    c.exec("COMMIT");

    out << "layout " << l << "\n";
    for (const TableRow &t : old)
        out << "table " << t.kind << " " << t.name << (t.present ? " dropped" : " absent") << "\n";
    out << "extension asyncmq " << e.version << "\n";
}

void status(Connection &c, const Options &o, std::ostream &out) {
    // One snapshot for the tables and the counts; nothing is written.
    c.exec("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
    Extension e = need_extension(c);
    apply_settings(c, o);
    std::string l = layout(c, e);
    std::vector<TableRow> rows = tables(c, e);

    out << "layout " << l << "\n";
    for (const TableRow &t : rows) {
        out << "table " << t.kind << " " << t.name << (t.present ? " present" : " absent");
        if (!t.problems.empty())
            out << " problems: " << t.problems;
        else if (t.present)
            out << " ok";
        out << "\n";
    }
    for (const TableRow &t : rows)
        if (t.kind == "jobs" && t.present)
            job_counts(c, t, out);
    c.exec("COMMIT");
    out << "extension asyncmq " << e.version << "\n";
}

} // namespace

void run_command(const Options &o, std::ostream &out) {
    check_connection_arguments(o.dsn, o.conn_options);
    Connection c(o.dsn, o.conn_options);
    switch (o.command) {
    case Command::install:
        install(c, o, out);
        break;
    case Command::drop:
        drop(c, o, out);
        break;
    case Command::status:
        status(c, o, out);
        break;
    case Command::help:
    case Command::version:
        break;
    }
}

} // namespace pg_asyncmq
