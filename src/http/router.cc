#include "http/router.h"

#include <algorithm>

#include "base/check.h"

namespace starling::http {
namespace {

void SplitPath(std::string_view path, std::vector<std::string_view>& parts) {
  parts.clear();
  size_t start = 0;
  while (start <= path.size()) {
    size_t slash = path.find('/', start);
    if (slash == std::string_view::npos) slash = path.size();
    if (slash > start) parts.push_back(path.substr(start, slash - start));
    start = slash + 1;
  }
}

std::vector<std::string_view> SplitPath(std::string_view path) {
  std::vector<std::string_view> parts;
  SplitPath(path, parts);
  return parts;
}

}  // namespace

void Router::AddAsync(Method method, std::string_view pattern, AsyncHandler handler) {
  auto route = std::make_unique<Route>();
  route->method = method;
  route->pattern = std::string(pattern);
  for (std::string_view part : SplitPath(pattern)) {
    if (part.size() >= 2 && part.front() == '{' && part.back() == '}') {
      route->segments.push_back({std::string(part.substr(1, part.size() - 2)), true});
    } else {
      route->segments.push_back({std::string(part), false});
    }
  }
  for (const auto& existing : routes_) {
    CHECK(!(existing->method == method && existing->pattern == route->pattern))
        << "route added twice: " << MethodName(method) << " " << pattern;
  }
  route->handler = std::move(handler);
  // Literal segments win over parameters: keep routes ordered so that the first match is the most
  // specific (fewer parameters first, then insertion order).
  routes_.push_back(std::move(route));
  std::stable_sort(routes_.begin(), routes_.end(), [](const auto& a, const auto& b) {
    auto params = [](const Route& r) {
      return std::count_if(r.segments.begin(), r.segments.end(), [](const Segment& s) { return s.is_param; });
    };
    return params(*a) < params(*b);
  });
}

void Router::Add(Method method, std::string_view pattern, Handler handler, Dispatch dispatch) {
  AddAsync(method, pattern, [handler](Request& request, Reply reply) { reply(handler(request)); });
  for (auto& route : routes_) {
    if (route->method == method && route->pattern == pattern) {
      route->sync_handler = std::move(handler);
      route->dispatch = dispatch;
    }
  }
}

bool Router::MatchSegments(const Route& route, const std::vector<std::string_view>& parts,
                           std::vector<std::pair<std::string, std::string>>* params) {
  if (route.segments.size() != parts.size()) return false;
  for (size_t i = 0; i < parts.size(); ++i) {
    const Segment& segment = route.segments[i];
    if (!segment.is_param && segment.text != parts[i]) return false;
  }
  if (params) {
    params->clear();
    for (size_t i = 0; i < parts.size(); ++i) {
      if (route.segments[i].is_param) params->emplace_back(route.segments[i].text, std::string(parts[i]));
    }
  }
  return true;
}

RouteMatch Router::Match(Request& request) const {
  // Reused per thread: matching runs for every request and must not allocate.
  thread_local std::vector<std::string_view> parts;
  SplitPath(request.path, parts);
  RouteMatch result;
  const Route* head_fallback = nullptr;
  for (const auto& route : routes_) {
    if (!MatchSegments(*route, parts, nullptr)) continue;
    if (route->method == request.method) {
      MatchSegments(*route, parts, &request.path_params);
      result.handler = &route->handler;
      result.sync_handler = route->sync_handler ? &route->sync_handler : nullptr;
      result.dispatch = route->dispatch;
      result.pattern = route->pattern;
      result.method_not_allowed = false;
      result.allowed.clear();
      return result;
    }
    if (request.method == Method::kHead && route->method == Method::kGet && !head_fallback) {
      head_fallback = route.get();
    }
    result.method_not_allowed = true;
    result.allowed.push_back(route->method);
  }
  if (result.method_not_allowed) {
    // HEAD is served wherever GET is (the GET route, without the body), so it is allowed there too.
    // One entry per method, in a fixed order: "GET, HEAD, POST".
    std::vector<Method>& allowed = result.allowed;
    if (std::find(allowed.begin(), allowed.end(), Method::kGet) != allowed.end()) {
      allowed.push_back(Method::kHead);
    }
    std::sort(allowed.begin(), allowed.end());
    allowed.erase(std::unique(allowed.begin(), allowed.end()), allowed.end());
  }
  if (head_fallback) {
    MatchSegments(*head_fallback, parts, &request.path_params);
    result.handler = &head_fallback->handler;
    result.sync_handler = head_fallback->sync_handler ? &head_fallback->sync_handler : nullptr;
    result.dispatch = head_fallback->dispatch;
    result.pattern = head_fallback->pattern;
    result.method_not_allowed = false;
    result.allowed.clear();
  }
  return result;
}

}  // namespace starling::http
