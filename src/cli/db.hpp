// The libpq side of pg_asyncmq: a connection and results that free themselves, and errors that
// carry the server's message, SQLSTATE, detail and hint.
#pragma once

#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include <libpq-fe.h>

namespace pg_asyncmq {

// A failure of the server or the connection: exit code 1.
class DbError : public std::runtime_error {
  public:
    DbError(std::string message, std::string sqlstate = {}, std::string detail = {}, std::string hint = {})
        : std::runtime_error(message), sqlstate(std::move(sqlstate)), detail(std::move(detail)), hint(std::move(hint)) {
    }
    std::string sqlstate, detail, hint;
};

// Refuses, with UsageError, a connection string libpq cannot parse and --option keys libpq does not
// know, before any connection is tried.
void check_connection_arguments(const std::string &dsn,
                                const std::vector<std::pair<std::string, std::string>> &options);

class Result {
  public:
    explicit Result(PGresult *res) : res_(res, PQclear) {}
    int rows() const { return PQntuples(res_.get()); }
    bool null(int row, int col) const { return PQgetisnull(res_.get(), row, col) != 0; }
    std::string get(int row, int col) const { return PQgetvalue(res_.get(), row, col); }

  private:
    std::unique_ptr<PGresult, void (*)(PGresult *)> res_;
};

class Connection {
  public:
    // Connects; the DSN is expanded first, then each option overrides what it says. Throws DbError.
    Connection(const std::string &dsn, const std::vector<std::pair<std::string, std::string>> &options);

    // Runs one statement with its parameters as text values (never pasted into sql). Throws DbError.
    Result exec(const std::string &sql, const std::vector<std::optional<std::string>> &params = {});

    // A name quoted for SQL by libpq.
    std::string identifier(const std::string &name);

    std::string database() const { return PQdb(conn_.get()); }

  private:
    std::unique_ptr<PGconn, void (*)(PGconn *)> conn_;
};

} // namespace pg_asyncmq
