// Router: maps (method, path) to a handler, with `{name}` path parameters.
//
// Patterns are literal segments and `{param}` segments: "/api/v1/stores/{store_id}/contacts". A match
// fills Request::path_params. Routes are added at start-up; matching is then read-only and thread-safe.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "http/request.h"

namespace starling::http {

// Sends the response. Callable once, from any thread; later calls are ignored. A handler that
// cannot answer at once (it waits for a commit) keeps the Reply and calls it later. Every copy must
// be called or destroyed before the HttpServer is destroyed (after HttpServer::Run returns is
// fine): a Reply dropped without being called answers 500 through the server.
using Reply = std::function<void(Response)>;
using AsyncHandler = std::function<void(Request&, Reply)>;
using Handler = std::function<Response(Request&)>;

// Where a synchronous handler runs. kInline: on the I/O thread that read the request (for handlers that
// never block: health checks, in-memory lookups). kBlocking: on the server's pool of blocking threads,
// so a handler that waits for the database (a read, a write lease, a commit) never stalls the other
// connections of its I/O thread.
enum class Dispatch { kInline, kBlocking };

struct RouteMatch {
  const AsyncHandler* handler = nullptr;  // null: no route for this path (or method, see below)
  // Set as well when the route was added with a synchronous Handler: the server calls it directly,
  // without the machinery that lets an async handler answer later.
  const Handler* sync_handler = nullptr;
  Dispatch dispatch = Dispatch::kInline;  // for sync_handler
  std::string_view pattern;               // the matched route's pattern, for metrics and logs
  bool method_not_allowed = false;        // the path matches a route, but not with this method
  std::vector<Method> allowed;            // methods the path accepts, when method_not_allowed: once
                                          // each, in enum order, HEAD included wherever GET is
};

class Router final {
 public:
  // Adds a route. Adding the same method and pattern twice is a programming error (CHECK).
  void AddAsync(Method method, std::string_view pattern, AsyncHandler handler);
  void Add(Method method, std::string_view pattern, Handler handler,
           Dispatch dispatch = Dispatch::kInline);
  void Get(std::string_view pattern, Handler handler, Dispatch dispatch = Dispatch::kInline) {
    Add(Method::kGet, pattern, std::move(handler), dispatch);
  }
  void Post(std::string_view pattern, Handler handler, Dispatch dispatch = Dispatch::kInline) {
    Add(Method::kPost, pattern, std::move(handler), dispatch);
  }

  // Finds the route for `request` and fills its path_params. HEAD falls back to GET routes.
  RouteMatch Match(Request& request) const;

 private:
  struct Segment {
    std::string text;  // literal text, or the parameter name
    bool is_param = false;
  };
  struct Route {
    Method method;
    std::string pattern;
    std::vector<Segment> segments;
    AsyncHandler handler;
    Handler sync_handler;  // empty for routes added with AddAsync
    Dispatch dispatch = Dispatch::kInline;
  };
  static bool MatchSegments(const Route& route, const std::vector<std::string_view>& parts,
                            std::vector<std::pair<std::string, std::string>>* params);
  std::vector<std::unique_ptr<Route>> routes_;
};

}  // namespace starling::http
