// The ways in (docs/integration.md): the tracking script's endpoint and its options, the Segment-spec
// tracking API, the REST event endpoints, the contact and activity reads, and the integration check
// (Store settings › Channels › Web). Handlers parse (tracking/), hand the batch to the store's runtime
// (engine/) and answer only after the commit.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

#include "accounts/accounts.h"
#include "api/auth.h"
#include "base/metrics.h"
#include "engine/engine.h"
#include "http/router.h"

namespace starling::api {

// Stores by public tracking token, with what the tracking endpoints check on every request. Cached;
// Invalidate() on any change of the store (Accounts' store-change listener).
class TrackingDirectory final {
 public:
  struct Entry {
    int64_t store_id = 0;
    std::string tracking_token;
    std::vector<std::string> authorized_domains;
    accounts::ScriptOptions script_options;
    std::shared_ptr<const accounts::IpMatcher> excluded_ips;
  };
  explicit TrackingDirectory(accounts::Accounts& accounts) : accounts_(accounts) {}

  // nullptr for an unknown token. Reads the database on a cache miss.
  Result<std::shared_ptr<const Entry>> Find(std::string_view token);
  void Invalidate(int64_t store_id);

  // Whether a browser Origin ("https://shop.example") may send events for `entry`.
  static bool OriginAllowed(const Entry& entry, std::string_view origin);

 private:
  accounts::Accounts& accounts_;
  std::mutex mutex_;
  std::unordered_map<std::string, std::shared_ptr<const Entry>> by_token_;
};

// The open live views (the integration check's server-sent events), by the user who opened them. A
// view is authorized when it opens; when that user's access may have shrunk (Accounts::
// AddUserAccessListener: signed out, removed, role changed…) CloseAll ends their views at once, and the
// browser, reconnecting, is authorized again (and resumes after the last entry it got).
class LiveStreams final {
 public:
  // How many times the user's access changed so far: read when a view is authorized, and given to Add,
  // which closes at once a view whose user's access changed in between.
  uint64_t Generation(int64_t user_id);
  void Add(int64_t user_id, uint64_t generation, const std::shared_ptr<http::ResponseStream>& stream);
  void CloseAll(int64_t user_id);

 private:
  std::mutex mutex_;
  std::unordered_multimap<int64_t, std::weak_ptr<http::ResponseStream>> by_user_;
  std::unordered_map<int64_t, uint64_t> generations_;  // users whose access changed since the start
};

struct TrackingOptions {
  size_t max_script_body_bytes = 512 * 1024;
  std::string public_url;       // for the snippet
  OffsetClock* test_clock = nullptr;  // non-null: POST /api/v1/test/clock moves it (tests only)
  LiveStreams* live_streams = nullptr;  // where the live views are registered (null: nowhere)
};

void RegisterTrackingRoutes(http::Router& router, ApiRoutes& routes, TrackingDirectory& directory,
                            engine::Engine& engine, db::Database& db, MetricsRegistry& metrics,
                            TrackingOptions options);

}  // namespace starling::api
