// ConnectionPool: a fixed set of connections handed out one holder at a time. Used by backends to
// implement Database::Writer()/Reader(); callers only see ConnectionLease.
#pragma once

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "base/result.h"
#include "db/database.h"

namespace starling::db {

// Thread-safe. Owns its connections. Every lease must have ended before the pool is destroyed
// (CHECK). When a lease ends the connection is reset (an open transaction is rolled back) before
// anyone else gets it.
class ConnectionPool final {
 public:
  // `what` names the pool in timeout errors ("writer", "reader").
  ConnectionPool(std::string what, std::vector<std::unique_ptr<Connection>> connections);
  ConnectionPool(const ConnectionPool&) = delete;
  ConnectionPool& operator=(const ConnectionPool&) = delete;
  ~ConnectionPool();

  // Waits up to `timeout` for a free connection; kUnavailable when none frees up in time.
  Result<ConnectionLease> Acquire(std::chrono::milliseconds timeout);
  size_t size() const { return connections_.size(); }

 private:
  friend class ConnectionLease;
  void Return(Connection* connection);

  const std::string what_;
  const std::vector<std::unique_ptr<Connection>> connections_;
  std::mutex mutex_;
  std::condition_variable freed_;
  std::vector<Connection*> idle_;  // guarded by mutex_
};

}  // namespace starling::db
