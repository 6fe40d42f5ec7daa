#include "api/tracking_handlers.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <charconv>
#include <future>

#include "accounts/validation.h"
#include "api/accounts_json.h"
#include "base/crypto.h"
#include "base/json_writer.h"
#include "base/text.h"
#include "contacts/contact_queries.h"
#include "tracking/parse.h"

namespace starling::api {
namespace {

using http::Method;
using http::Response;

// ---- Helpers ------------------------------------------------------------------------------------------

// Known crawlers and link previewers. Real browsers (headless ones included) are not listed.
bool IsBot(std::string_view user_agent) {
  static constexpr std::array<std::string_view, 12> kTokens = {
      "bot", "crawler", "spider", "slurp", "facebookexternalhit", "mediapartners-google", "adsbot",
      "bingpreview", "ia_archiver", "embedly", "whatsapp/", "pingdom"};
  // Lowered into a buffer on the stack: this runs for every tracking request, and browsers' user agents
  // are 100-200 characters.
  char buffer[512];
  std::string long_text;
  std::string_view ua;
  if (user_agent.size() <= sizeof buffer) {
    std::transform(user_agent.begin(), user_agent.end(), buffer,
                   [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; });
    ua = std::string_view(buffer, user_agent.size());
  } else {
    long_text = AsciiLower(user_agent);
    ua = long_text;
  }
  return std::any_of(kTokens.begin(), kTokens.end(),
                     [&](std::string_view t) { return ua.find(t) != std::string_view::npos; });
}

std::string ScriptAnswer(std::string_view tracker_id, const std::vector<tracking::EventError>& errors) {
  JsonWriter w;
  w.BeginObject();
  w.Key("trackerId");
  if (tracker_id.empty()) {
    w.Null();
  } else {
    w.String(tracker_id);
  }
  w.Key("webContents");
  w.BeginArray();
  w.EndArray();
  w.Key("errors");
  w.BeginArray();
  for (const tracking::EventError& e : errors) {
    w.BeginObject();
    w.Key("event");
    if (e.index >= 0) {
      w.Integer(e.index);
    } else {
      w.Null();
    }
    w.Key("field");
    w.String(e.field);
    w.Key("message");
    w.String(e.message);
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  return w.Take();
}

void AddCors(Response& response, std::string_view origin) {
  if (origin.empty()) return;
  response.headers.emplace_back("Access-Control-Allow-Origin", std::string(origin));
  response.headers.emplace_back("Vary", "Origin");
}

std::string IsoFromUs(int64_t us) { return FormatIsoUtc(TimePoint(std::chrono::microseconds(us))); }

json::value ParsedOrEmpty(std::string_view text) {
  auto parsed = ParseJson(text);
  return parsed ? std::move(*parsed) : json::value(json::object{});
}

json::object ContactJson(const contacts::ContactView& c) {
  json::array trackers;
  for (const std::string& t : c.tracker_ids) trackers.emplace_back(t);
  json::array pushes;
  for (const contacts::PushSubscriptionView& p : c.push_subscriptions) {
    pushes.push_back(json::object{{"service", p.service},
                                  {"subscribed_at", IsoFromUs(p.created_at_us)},
                                  {"last_seen_at", IsoFromUs(p.last_seen_at_us)}});
  }
  return json::object{
      {"id", c.id},
      {"email", c.email.empty() ? json::value(nullptr) : json::value(c.email)},
      {"external_id", c.external_id.empty() ? json::value(nullptr) : json::value(c.external_id)},
      // Known by neither an email nor the shop's own user id.
      {"anonymous", c.email.empty() && c.external_id.empty()},
      {"fields", ParsedOrEmpty(c.fields_json)},
      {"merged_into", c.merged_into ? json::value(*c.merged_into) : json::value(nullptr)},
      {"tracker_ids", std::move(trackers)},
      {"push_subscriptions", std::move(pushes)},
      {"activity_count", c.event_count},
      {"cart", c.cart_json ? ParsedOrEmpty(*c.cart_json) : json::value(nullptr)},
      {"created_at", IsoFromUs(c.created_at_us)},
      {"updated_at", IsoFromUs(c.updated_at_us)}};
}

json::object ActivityJson(const contacts::Activity& a) {
  return json::object{{"id", a.id},
                      {"type", a.type},
                      {"occurred_at", IsoFromUs(a.occurred_at_us)},
                      {"data", ParsedOrEmpty(a.data_json)},
                      {"contact_id", a.contact_id > 0 ? json::value(a.contact_id) : json::value(nullptr)}};
}

json::array ErrorsJson(const std::vector<tracking::EventError>& errors) {
  json::array list;
  for (const tracking::EventError& e : errors) {
    list.push_back(json::object{{"event", e.index >= 0 ? json::value(e.index) : json::value(nullptr)},
                                {"field", e.field},
                                {"message", e.message}});
  }
  return list;
}

// 400 for a request whose every item (Segment call, REST event) was refused: the API error shape,
// naming the first item's problem, plus `errors`, the list the answer gives when some are kept.
Response EveryItemRefused(std::string_view item, const std::vector<tracking::EventError>& refused,
                          const std::vector<tracking::EventError>& listed) {
  const tracking::EventError& first = refused.front();
  Error error = Error::InvalidArgument(
      fmt::format("every {} of the request was refused; the first: {}", item, first.message), first.field);
  json::value body = ErrorToJson(error);
  body.as_object()["errors"] = ErrorsJson(listed);
  return Response::Json(400, body);
}

// Hands batches to the engine and waits for their commits (REST handlers run on the blocking pool).
std::vector<engine::TrackOutcome> TrackAndWait(engine::Engine& engine, int64_t store_id,
                                               std::vector<tracking::TrackBatch> batches) {
  std::vector<std::future<engine::TrackOutcome>> futures;
  for (tracking::TrackBatch& batch : batches) {
    auto promise = std::make_shared<std::promise<engine::TrackOutcome>>();
    futures.push_back(promise->get_future());
    engine.Track(store_id, std::move(batch), [promise](engine::TrackOutcome outcome) {
      promise->set_value(std::move(outcome));
    });
  }
  std::vector<engine::TrackOutcome> outcomes;
  for (auto& f : futures) outcomes.push_back(f.get());
  return outcomes;
}

// A REST call about one contact: stores `batch` and answers `status` with the contact and the number of
// events stored, or the error; an item the runtime refused (a purchase id already recorded) is 409.
// A REST request refused whole (its body): answered with the error, and shown in the integration
// check's live view, as the script's and Segment's refusals are.
Response RestRefused(engine::Engine& engine, const http::Request& request, int64_t store_id, const Error& error) {
  engine.RecordRefused(store_id, "api", request.remote_address, "refused: " + error.message,
                       {{-1, error.field, error.message}});
  return Response::FromError(error);
}

Response TrackOne(engine::Engine& engine, const http::Request& request, int64_t store_id,
                  Result<tracking::TrackBatch> batch, int status) {
  if (!batch) return RestRefused(engine, request, store_id, batch.error());
  batch->ip = request.remote_address;
  std::vector<tracking::TrackBatch> batches;
  batches.push_back(std::move(*batch));
  auto outcome = TrackAndWait(engine, store_id, std::move(batches)).front();
  if (!outcome.status) return Response::FromError(outcome.status.error());
  if (!outcome.errors.empty()) {
    const tracking::EventError& e = outcome.errors.front();
    return Response::FromError(Error{ErrorCode::kConflict, e.message, e.field});
  }
  return Response::Json(status, json::object{{"contact_id", outcome.contact_id}, {"events_stored", outcome.events_stored}});
}

// A yes/no query parameter: true/false (also 1/0, yes/no, any case); absent: `fallback`. Anything else is
// refused, naming the parameter, rather than read as false.
Result<bool> QueryFlag(const http::Request& request, std::string_view name, bool fallback) {
  auto value = request.QueryParam(name);
  if (!value) return fallback;
  std::string v = AsciiLower(*value);
  if (v == "true" || v == "1" || v == "yes") return true;
  if (v == "false" || v == "0" || v == "no") return false;
  return Error::InvalidArgument(fmt::format("query parameter `{}`: expected true or false, got `{}`", name, *value),
                                std::string(name));
}

struct ChecklistItem {
  std::string_view key, label;
  std::vector<std::string_view> types;
  // Shown when the latest example belongs to a contact without an email (empty: fine for this item).
  std::string_view anonymous_warning;
};

const std::vector<ChecklistItem>& Checklist() {
  static const std::vector<ChecklistItem> items = {
      {"page_visit", "Page visit", {"page-visit"}, {}},
      {"product_visit", "Product visit", {"product-visited"}, {}},
      {"cart", "Cart", {"cart-product-added", "cart-product-removed"}, {}},
      {"purchase",
       "Purchase",
       {"purchase"},
       "The latest purchase belongs to a visitor without an email or customer ID, so it is tied to no "
       "customer. On the order confirmation page, put `cn_client_info` with the customer's email "
       "(`primary_key`); from a server, name the buyer by email (`POST /api/v1/purchases`) or, with Segment, "
       "by `userId` or `traits.email`."},
      {"login_register",
       "Login / register",
       {"login", "register"},
       "The latest login or registration came from a visitor Starling could not identify. Put `cn_client_info` "
       "with the customer's email (`primary_key`) on the page shown after signing in or up, so that the "
       "visitor's history joins the customer's."},
      {"newsletter", "Newsletter subscription", {"newsletter-subscribe"}, {}},
  };
  return items;
}

// The contact a checklist example belongs to as it is now: followed into the contact it was merged
// into (an anonymous visitor who logged in later), so that an example is flagged only while its
// contact is still unidentified.
std::optional<contacts::ContactView> ExampleContact(db::Database& db, int64_t store_id, int64_t contact_id) {
  for (int hops = 0; contact_id > 0 && hops < 8; ++hops) {
    auto contact = contacts::GetContact(db, store_id, contact_id);
    if (!contact || !*contact) return std::nullopt;
    if (!(*contact)->merged_into) return std::move(**contact);
    contact_id = *(*contact)->merged_into;
  }
  return std::nullopt;
}

json::object LiveJson(const engine::LiveEntry& e) {
  json::array types;
  for (const std::string& t : e.event_types) types.emplace_back(t);
  return json::object{{"seq", e.seq},
                      {"at", IsoFromUs(e.at_us)},
                      {"source", e.source},
                      {"ip", e.ip},
                      {"contact_id", e.contact_id > 0 ? json::value(e.contact_id) : json::value(nullptr)},
                      {"contact_email", e.contact_email.empty() ? json::value(nullptr) : json::value(e.contact_email)},
                      {"contact_external_id", e.contact_external_id.empty() ? json::value(nullptr)
                                                                           : json::value(e.contact_external_id)},
                      {"event_types", std::move(types)},
                      {"errors", ErrorsJson(e.errors)},
                      {"status", e.status}};
}

// The live stream's timings: a comment every 15 s keeps proxies from closing an idle stream; the
// browser reconnects 2 s after a drop; and every 5 minutes the stream ends so that the browser
// reconnects and is authorized again (for a session that merely expired; a sign-out, a removal or a
// role change ends the view at once, through LiveStreams).
constexpr std::chrono::milliseconds kLiveHeartbeat = std::chrono::seconds(15);
constexpr std::chrono::milliseconds kLiveRetry = std::chrono::seconds(2);
constexpr std::chrono::milliseconds kLiveReauthenticate = std::chrono::minutes(5);

// Where a live stream starts: after the `Last-Event-ID` the browser sends when it reconnects, else
// after `?after=` (a new EventSource, resuming), else from the oldest entry kept.
Result<uint64_t> LiveAfter(const http::Request& request) {
  std::string_view field = "after";
  std::optional<std::string> text = request.QueryParam("after");
  if (auto header = request.Header("last-event-id")) {
    field = "Last-Event-ID";
    text = std::string(Trim(*header));
  }
  if (!text || text->empty()) return uint64_t{0};
  uint64_t after = 0;
  auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), after);
  if (ec != std::errc() || end != text->data() + text->size()) {
    return Error::InvalidArgument(
        fmt::format("{}: expected the seq of a live entry (a whole number), got `{}`", field, *text),
        std::string(field));
  }
  return after;
}

// Live entries as server-sent events: `id` is the seq (the browser sends the last one back as
// Last-Event-ID when it reconnects), the data one line of LiveEntry JSON.
std::string LiveEvents(const std::vector<engine::LiveEntry>& entries) {
  std::string text;
  for (const engine::LiveEntry& e : entries) {
    text += fmt::format("id: {}\nevent: entry\ndata: {}\n\n", e.seq, ToJson(LiveJson(e)));
  }
  return text;
}

}  // namespace

// ---- TrackingDirectory ------------------------------------------------------------------------------

Result<std::shared_ptr<const TrackingDirectory::Entry>> TrackingDirectory::Find(std::string_view token) {
  {
    std::lock_guard lock(mutex_);
    if (auto it = by_token_.find(std::string(token)); it != by_token_.end()) return it->second;
  }
  if (token.empty() || token.size() > 64) return std::shared_ptr<const Entry>();
  STARLING_ASSIGN_OR_RETURN(auto store, accounts_.FindStoreByTrackingToken(token));
  if (!store) return std::shared_ptr<const Entry>();
  auto entry = std::make_shared<Entry>();
  entry->store_id = store->id;
  entry->tracking_token = store->tracking_token;
  entry->authorized_domains = store->authorized_domains;
  entry->script_options = store->script_options;
  STARLING_ASSIGN_OR_RETURN(entry->excluded_ips, accounts_.ExcludedIpMatcher(store->id));
  std::lock_guard lock(mutex_);
  by_token_[std::string(token)] = entry;
  return std::shared_ptr<const Entry>(entry);
}

void TrackingDirectory::Invalidate(int64_t store_id) {
  std::lock_guard lock(mutex_);
  for (auto it = by_token_.begin(); it != by_token_.end();) {
    it = it->second->store_id == store_id ? by_token_.erase(it) : std::next(it);
  }
}

bool TrackingDirectory::OriginAllowed(const Entry& entry, std::string_view origin) {
  return accounts::HostAuthorized(entry.authorized_domains, origin);
}

uint64_t LiveStreams::Generation(int64_t user_id) {
  std::lock_guard lock(mutex_);
  auto it = generations_.find(user_id);
  return it == generations_.end() ? 0 : it->second;
}

void LiveStreams::Add(int64_t user_id, uint64_t generation, const std::shared_ptr<http::ResponseStream>& stream) {
  {
    std::lock_guard lock(mutex_);
    auto known = generations_.find(user_id);
    if ((known == generations_.end() ? 0 : known->second) == generation) {
      auto [first, last] = by_user_.equal_range(user_id);
      for (auto it = first; it != last;) it = it->second.expired() ? by_user_.erase(it) : std::next(it);
      by_user_.emplace(user_id, stream);
      return;
    }
  }
  stream->Close();  // the user's access changed after this view was authorized: it asks again
}

void LiveStreams::CloseAll(int64_t user_id) {
  std::vector<std::shared_ptr<http::ResponseStream>> open;
  {
    std::lock_guard lock(mutex_);
    ++generations_[user_id];
    auto [first, last] = by_user_.equal_range(user_id);
    for (auto it = first; it != last; ++it) {
      if (auto stream = it->second.lock()) open.push_back(std::move(stream));
    }
    by_user_.erase(user_id);
  }
  for (auto& stream : open) stream->Close();  // outside the lock: closing runs the stream's callbacks
}

// ---- Routes -------------------------------------------------------------------------------------------

void RegisterTrackingRoutes(http::Router& router, ApiRoutes& routes, TrackingDirectory& directory,
                            engine::Engine& engine, db::Database& db, MetricsRegistry& metrics,
                            TrackingOptions options) {
  auto requests = [&metrics](std::string_view source, std::string_view outcome) -> Counter& {
    return metrics.GetCounter("starling_tracking_requests_total", "Tracking requests by way in and outcome",
                              {{"source", std::string(source)}, {"outcome", std::string(outcome)}});
  };
  auto dropped = [&metrics](std::string_view reason) -> Counter& {
    return metrics.GetCounter("starling_tracking_dropped_total",
                              "Tracking requests answered but not stored (excluded IP, bot)",
                              {{"reason", std::string(reason)}});
  };
  // Resolve the label sets once: the script endpoint is the hot path.
  Counter* script_stored = &requests("script", "stored");
  Counter* script_refused = &requests("script", "refused");
  Counter* dropped_ip = &dropped("excluded_ip");
  Counter* dropped_bot = &dropped("bot");
  // A request (or Segment call) about an excluded IP of the store or a known bot is answered but not
  // stored: counted, and shown in the live view. Returns whether it is such a one.
  auto drop = [&engine, dropped_ip, dropped_bot](const TrackingDirectory::Entry& store, const std::string& source,
                                                 const std::string& ip, std::string_view user_agent) {
    bool bot = IsBot(user_agent);
    if (!bot && !(store.excluded_ips && store.excluded_ips->Contains(std::string_view(ip)))) return false;
    (bot ? dropped_bot : dropped_ip)->Inc();
    engine.RecordDropped(store.store_id, source, ip, bot);
    return true;
  };

  // ---- The tracking script's endpoint -------------------------------------------------------------
  auto script_endpoint = [&directory, &engine, options, script_stored, script_refused, drop](
                             http::Request& request, http::Reply reply) {
    std::string origin(request.Header("origin").value_or(""));
    auto fail = [&](const Error& error, bool cors) {
      script_refused->Inc();
      Response r = Response::FromError(error);
      if (cors) AddCors(r, origin);
      reply(std::move(r));
    };
    auto entry = directory.Find(request.PathParam("token"));
    if (!entry) return fail(entry.error(), false);
    if (!*entry) {
      return fail(Error::NotFound("unknown tracking token: copy the snippet from Store settings › Channels › Web"), false);
    }
    const TrackingDirectory::Entry& store = **entry;
    if (!origin.empty() && !TrackingDirectory::OriginAllowed(store, origin)) {
      engine.RecordRefused(store.store_id, "script", request.remote_address,
                           fmt::format("refused: origin {} is not an authorized domain", origin));
      return fail(Error{ErrorCode::kPermissionDenied,
                        fmt::format("origin `{}` is not an authorized domain of this store: add its host in Store "
                                    "settings › Channels › Web",
                                    origin),
                        {}},
                  // With CORS headers, so that the script can read and log why (it would otherwise see
                  // a network error and retry).
                  true);
    }
    if (request.body.size() > options.max_script_body_bytes) {
      Error too_large{ErrorCode::kPayloadTooLarge,
                      fmt::format("request body is {} bytes; at most {} per request", request.body.size(),
                                  options.max_script_body_bytes),
                      {}};
      engine.RecordRefused(store.store_id, "script", request.remote_address, "refused: " + too_large.message);
      return fail(too_large, true);
    }
    if (drop(store, "script", request.remote_address, request.Header("user-agent").value_or(""))) {
      Response r{200, "application/json", {}, ScriptAnswer("", {})};
      AddCors(r, origin);
      return reply(std::move(r));
    }
    auto batch = tracking::ParseScriptPayload(request.body, {}, &store.authorized_domains);
    if (!batch) {
      engine.RecordRefused(store.store_id, "script", request.remote_address, batch.error().message);
      return fail(batch.error(), true);
    }
    batch->ip = request.remote_address;
    std::vector<tracking::EventError> errors = batch->errors;
    // Nothing to say about this browser: answer without touching the runtime. Events refused for a
    // wrong field still show in the integration check's live view.
    if (batch->events.empty() && !batch->cart && batch->fields.empty() && batch->keys.email.empty() &&
        !batch->push_subscription && !batch->keys.tracker_id.empty()) {
      if (!errors.empty()) {
        engine.RecordRefused(store.store_id, "script", request.remote_address, "not stored: no valid event", errors);
      }
      Response r{200, "application/json", {}, ScriptAnswer(batch->keys.tracker_id, errors)};
      AddCors(r, origin);
      return reply(std::move(r));
    }
    engine.Track(store.store_id, std::move(*batch),
                 [reply, origin, errors = std::move(errors), script_stored](engine::TrackOutcome outcome) {
                   if (!outcome.status) {
                     Response r = Response::FromError(outcome.status.error());
                     AddCors(r, origin);
                     return reply(std::move(r));
                   }
                   script_stored->Inc();
                   std::string answer;
                   if (outcome.errors.empty()) {
                     answer = ScriptAnswer(outcome.tracker_id, errors);
                   } else {  // events the runtime refused (a purchase already recorded)
                     std::vector<tracking::EventError> all = errors;
                     all.insert(all.end(), outcome.errors.begin(), outcome.errors.end());
                     answer = ScriptAnswer(outcome.tracker_id, all);
                   }
                   Response r{200, "application/json", {}, std::move(answer)};
                   AddCors(r, origin);
                   reply(std::move(r));
                 });
  };
  auto preflight = [&directory](http::Request& request) {
    Response r = Response::NoContent();
    std::string origin(request.Header("origin").value_or(""));
    auto entry = directory.Find(request.PathParam("token"));
    if (entry && *entry && !origin.empty() && TrackingDirectory::OriginAllowed(**entry, origin)) {
      AddCors(r, origin);
      r.headers.emplace_back("Access-Control-Allow-Methods", "POST, GET, OPTIONS");
      r.headers.emplace_back("Access-Control-Allow-Headers", "Content-Type");
      r.headers.emplace_back("Access-Control-Max-Age", "86400");
    }
    return r;
  };
  for (std::string_view path : {"/collect/{token}", "/integration-type/system/scrippet-notification/{token}"}) {
    router.AddAsync(Method::kPost, path, script_endpoint);
    router.Add(Method::kOptions, path, preflight);
    routes.Document(Method::kPost, std::string(path), "tracking_token",
                    "The tracking script's request (text/plain JSON, docs/integration.md); answered after commit");
  }
  routes.Document(Method::kGet, "/collect/{token}/config", "tracking_token", "The tracking script's options");
  router.Add(
      Method::kGet, "/collect/{token}/config",
      [&directory](http::Request& request) {
        auto entry = directory.Find(request.PathParam("token"));
        if (!entry) return Response::FromError(entry.error());
        if (!*entry) return Response::FromError(Error::NotFound("unknown tracking token"));
        const TrackingDirectory::Entry& e = **entry;
        json::array include, exclude, domains;
        for (const auto& u : e.script_options.include_urls) include.emplace_back(u);
        for (const auto& u : e.script_options.exclude_urls) exclude.emplace_back(u);
        for (const auto& d : e.authorized_domains) domains.emplace_back(d);
        Response r = Response::Json(200, json::object{{"includeUrls", std::move(include)},
                                                      {"excludeUrls", std::move(exclude)},
                                                      {"sampling", NumberValue(e.script_options.sampling)},
                                                      {"authorizedDomains", std::move(domains)}});
        r.headers.emplace_back("Access-Control-Allow-Origin", "*");
        r.headers.emplace_back("Cache-Control", "public, max-age=300");
        return r;
      },
      http::Dispatch::kBlocking);

  // ---- Segment-spec tracking API ------------------------------------------------------------------
  auto segment = [&directory, &engine, &requests, drop](std::string kind) {
    Counter* stored = &requests("segment", "stored");
    Counter* refused = &requests("segment", "refused");
    return [&directory, &engine, kind, stored, refused, drop](http::Request& request, http::Reply reply) {
      auto fail = [&](Error error) {
        refused->Inc();
        reply(Response::FromError(error));
      };
      std::string_view auth = request.Header("authorization").value_or("");
      std::optional<std::string> decoded;
      if (auth.starts_with("Basic ")) decoded = crypto::Base64Decode(auth.substr(6));
      if (!decoded) {
        return fail(Error{ErrorCode::kUnauthenticated,
                          "send the store's tracking token as the Basic-auth user name (Segment's write key)", {}});
      }
      std::string token = decoded->substr(0, decoded->find(':'));
      auto entry = directory.Find(token);
      if (!entry) return fail(entry.error());
      if (!*entry) return fail(Error{ErrorCode::kUnauthenticated, "unknown write key (tracking token)", {}});
      const TrackingDirectory::Entry& store = **entry;
      int64_t store_id = store.store_id;
      auto parsed = tracking::ParseSegment(kind, request.body, {}, &store.authorized_domains);
      if (!parsed) {
        engine.RecordRefused(store_id, "segment", request.remote_address, parsed.error().message);
        return fail(parsed.error());
      }
      // What to report, in call order: the refused calls, and the refused fields of the kept ones.
      std::vector<tracking::EventError> errors = parsed->refused;
      for (const tracking::TrackBatch& b : parsed->batches) errors.insert(errors.end(), b.errors.begin(), b.errors.end());
      std::stable_sort(errors.begin(), errors.end(), [](const auto& a, const auto& b) { return a.index < b.index; });
      if (!parsed->refused.empty()) {
        // The kept calls' field errors reach the live view with their batches.
        engine.RecordRefused(store_id, "segment", request.remote_address,
                             fmt::format("refused {} of {} calls", parsed->refused.size(), parsed->items),
                             parsed->refused);
      }
      if (!parsed->refused.empty() && parsed->refused.size() == parsed->items) {
        refused->Inc();
        return reply(EveryItemRefused("call", parsed->refused, errors));
      }
      auto success = [](const std::vector<tracking::EventError>& reported) {
        return Response::Json(200, json::object{{"success", true}, {"errors", ErrorsJson(reported)}});
      };
      // Calls about excluded IPs and bots (the visitor's, when the call names them in its context) are
      // answered like the others but not stored, as on the script endpoint.
      std::string_view request_ua = request.Header("user-agent").value_or("");
      std::erase_if(parsed->batches, [&](tracking::TrackBatch& batch) {
        if (batch.ip.empty()) batch.ip = request.remote_address;
        return drop(store, "segment", batch.ip,
                    batch.user_agent.empty() ? request_ua : std::string_view(batch.user_agent));
      });
      if (parsed->batches.empty()) return reply(success(errors));
      // Shared by the batches' completions (they run on engine threads); the last one answers.
      struct Pending {
        std::mutex mutex;
        size_t left;
        Status status;
        std::vector<tracking::EventError> errors;
      };
      auto pending = std::make_shared<Pending>();
      pending->left = parsed->batches.size();
      pending->errors = std::move(errors);
      for (tracking::TrackBatch& batch : parsed->batches) {
        engine.Track(store_id, std::move(batch), [pending, reply, stored, success](engine::TrackOutcome outcome) {
          std::lock_guard lock(pending->mutex);
          if (!outcome.status && pending->status) pending->status = outcome.status;
          // Refused while applied (an order id already recorded).
          pending->errors.insert(pending->errors.end(), outcome.errors.begin(), outcome.errors.end());
          if (--pending->left > 0) return;
          if (!pending->status) return reply(Response::FromError(pending->status.error()));
          stored->Inc();
          reply(success(pending->errors));
        });
      }
    };
  };
  for (std::string kind : {"identify", "track", "page", "screen", "alias", "group", "batch"}) {
    router.AddAsync(Method::kPost, "/v1/" + kind, segment(kind));
    routes.Document(Method::kPost, "/v1/" + kind, "write_key", "Segment-spec `" + kind + "` call (docs/integration.md)");
  }

  // ---- REST: events, purchases (API keys) ---------------------------------------------------------
  using accounts::Access;
  routes.KeyStore(
      Method::kPost, "/api/v1/custom-events/alias/{alias}",
      "Record a custom event for a contact (?createContact=true creates unknown contacts)",
      KeyAccess::Scope("events", Access::kWrite), [&engine](http::Request& request, const StoreContext& ctx) {
        auto create = QueryFlag(request, "createContact", false);
        if (!create) return RestRefused(engine, request, ctx.store_id, create.error());
        return TrackOne(engine, request, ctx.store_id,
                        tracking::ParseCustomEvent(request.PathParam("alias"), request.body, *create), 201);
      });
  routes.KeyStore(Method::kPost, "/api/v1/purchases",
                  "Record a purchase (?triggerPurchaseEvent=false records it without triggering workflows)",
                  KeyAccess::Scope("purchases", Access::kWrite),
                  [&engine](http::Request& request, const StoreContext& ctx) {
                    auto trigger = QueryFlag(request, "triggerPurchaseEvent", true);
                    if (!trigger) return RestRefused(engine, request, ctx.store_id, trigger.error());
                    return TrackOne(engine, request, ctx.store_id, tracking::ParsePurchase(request.body, *trigger), 201);
                  });
  routes.KeyStore(Method::kPost, "/api/v1/carts",
                  "Replace a contact's cart with its whole content (added/removed lines and abandonment follow; "
                  "?createContact=false refuses unknown contacts)",
                  KeyAccess::Scope("events", Access::kWrite), [&engine](http::Request& request, const StoreContext& ctx) {
                    auto create = QueryFlag(request, "createContact", true);
                    if (!create) return RestRefused(engine, request, ctx.store_id, create.error());
                    return TrackOne(engine, request, ctx.store_id, tracking::ParseCartUpdate(request.body, *create), 200);
                  });
  routes.KeyStore(Method::kPost, "/api/v1/events/batch", "Record up to 1,000 events for any contacts",
                  KeyAccess::Scope("events", Access::kWrite),
                  [&engine](http::Request& request, const StoreContext& ctx) {
                    // Purchases have their own scope (POST /api/v1/purchases): a key without it records
                    // no purchase through the batch either.
                    auto parsed = tracking::ParseEventBatch(request.body, ctx.principal.scopes.Allows("purchases", Access::kWrite));
                    if (!parsed) return RestRefused(engine, request, ctx.store_id, parsed.error());
                    if (!parsed->refused.empty()) {
                      engine.RecordRefused(ctx.store_id, "api", request.remote_address,
                                           fmt::format("refused {} of {} events", parsed->refused.size(), parsed->items),
                                           parsed->refused);
                      if (parsed->refused.size() == parsed->items) {
                        return EveryItemRefused("event", parsed->refused, parsed->refused);
                      }
                    }
                    std::vector<std::vector<tracking::EventError>> errors;
                    for (auto& b : parsed->batches) {
                      b.ip = request.remote_address;
                      errors.push_back(b.errors);
                    }
                    auto outcomes = TrackAndWait(engine, ctx.store_id, std::move(parsed->batches));
                    json::array results;
                    for (size_t i = 0; i < outcomes.size(); ++i) {
                      const auto& o = outcomes[i];
                      errors[i].insert(errors[i].end(), o.errors.begin(), o.errors.end());
                      json::object r{{"contact_id", o.contact_id > 0 ? json::value(o.contact_id) : json::value(nullptr)},
                                     {"events_stored", o.events_stored},
                                     {"errors", ErrorsJson(errors[i])}};
                      if (!o.status) r["error"] = ErrorToJson(o.status.error()).at("error");
                      results.push_back(std::move(r));
                    }
                    return Response::Json(200, json::object{{"results", std::move(results)},
                                                            {"errors", ErrorsJson(parsed->refused)}});
                  });

  // ---- Contacts and timelines ---------------------------------------------------------------------
  // Activity counts and timeline heads come from the engine (they are not written with every event).
  auto count_events = [&engine](int64_t store_id, std::vector<contacts::ContactView*> views) -> Status {
    std::vector<int64_t> ids;
    for (const auto* v : views) ids.push_back(v->id);
    STARLING_ASSIGN_OR_RETURN(auto heads, engine.Heads(store_id, ids));
    for (size_t i = 0; i < views.size(); ++i) views[i]->event_count = heads[i].event_count;
    return Ok();
  };
  auto contact_answer = [count_events](Result<std::optional<contacts::ContactView>> found, int64_t store_id,
                                       std::string_view what) {
    if (!found) return Response::FromError(found.error());
    if (!*found) return Response::FromError(Error::NotFound(fmt::format("no contact {} in this store", what)));
    if (Status counted = count_events(store_id, {&**found}); !counted) return Response::FromError(counted.error());
    return Response::Json(200, ContactJson(**found));
  };
  auto timeline = [&db, &engine](http::Request& request, int64_t store_id, int64_t contact_id) {
    auto page = ParsePageRequest(request);
    if (!page) return Response::FromError(page.error());
    std::string type = request.QueryParam("type").value_or("");
    auto heads = engine.Heads(store_id, {contact_id});
    if (!heads) return Response::FromError(heads.error());
    if (heads->front().last_event_id == 0) {  // no event: is there such a contact in this store at all?
      auto found = contacts::GetContact(db, store_id, contact_id);
      if (!found) return Response::FromError(found.error());
      if (!*found) return Response::FromError(Error::NotFound(fmt::format("no contact {} in this store", contact_id)));
    }
    auto activities =
        contacts::ListActivities(db, store_id, contact_id, heads->front().last_event_id, type, page->cursor, page->limit);
    if (!activities) return Response::FromError(activities.error());
    json::array list;
    for (const auto& a : activities->activities) list.push_back(ActivityJson(a));
    return Response::Json(
        200, json::object{{"activities", std::move(list)},
                          {"next_cursor", activities->next_cursor ? json::value(std::to_string(*activities->next_cursor))
                                                                  : json::value(nullptr)}});
  };
  routes.Store(Method::kGet, "/api/v1/stores/{store_id}/contacts",
               "Contacts, newest first (?q= searches emails and external ids; cursor pagination)", accounts::StoreRole::kMarketer,
               KeyAccess::Scope("contacts", Access::kRead),
               [&db, count_events](http::Request& request, const StoreContext& ctx) {
                 auto page = ParsePageRequest(request);
                 if (!page) return Response::FromError(page.error());
                 std::string q = request.QueryParam("q").value_or("");
                 if (auto email = request.QueryParam("email")) q = *email;
                 auto list = contacts::ListContacts(db, ctx.store_id, q, page->cursor, page->limit);
                 if (!list) return Response::FromError(list.error());
                 std::vector<contacts::ContactView*> views;
                 for (auto& c : list->contacts) views.push_back(&c);
                 if (Status counted = count_events(ctx.store_id, views); !counted) return Response::FromError(counted.error());
                 json::array items;
                 for (const auto& c : list->contacts) items.push_back(ContactJson(c));
                 return Response::Json(
                     200, json::object{{"contacts", std::move(items)},
                                       {"next_cursor", list->next_cursor ? json::value(std::to_string(*list->next_cursor))
                                                                         : json::value(nullptr)}});
               });
  routes.Store(Method::kGet, "/api/v1/stores/{store_id}/contacts/{contact_id}",
               "One contact: profile, trackers, cart", accounts::StoreRole::kMarketer,
               KeyAccess::Scope("contacts", Access::kRead),
               [&db, contact_answer](http::Request& request, const StoreContext& ctx) {
                 auto id = PathId(request, "contact_id");
                 if (!id) return Response::FromError(id.error());
                 return contact_answer(contacts::GetContact(db, ctx.store_id, *id), ctx.store_id, std::to_string(*id));
               });
  routes.Store(Method::kGet, "/api/v1/stores/{store_id}/contacts/{contact_id}/activities",
               "A contact's activity timeline, newest first (?type=, cursor pagination)",
               accounts::StoreRole::kMarketer, KeyAccess::Scope("contacts", Access::kRead),
               [timeline](http::Request& request, const StoreContext& ctx) {
                 auto id = PathId(request, "contact_id");
                 if (!id) return Response::FromError(id.error());
                 return timeline(request, ctx.store_id, *id);
               });
  routes.KeyStore(Method::kGet, "/api/v1/contacts/{email_or_id}", "A contact by email (or id)",
                  KeyAccess::Scope("contacts", Access::kRead),
                  [&db, contact_answer](http::Request& request, const StoreContext& ctx) {
                    std::string key(request.PathParam("email_or_id"));
                    int64_t id = 0;
                    auto [end, ec] = std::from_chars(key.data(), key.data() + key.size(), id);
                    if (ec == std::errc() && end == key.data() + key.size()) {
                      return contact_answer(contacts::GetContact(db, ctx.store_id, id), ctx.store_id, key);
                    }
                    return contact_answer(contacts::FindContactByEmail(db, ctx.store_id, AsciiLower(key)), ctx.store_id, key);
                  });
  routes.KeyStore(Method::kGet, "/api/v1/contacts/{contact_id}/activities",
                  "A contact's activity timeline (?type=, cursor pagination)",
                  KeyAccess::Scope("contacts", Access::kRead),
                  [timeline](http::Request& request, const StoreContext& ctx) {
                    auto id = PathId(request, "contact_id");
                    if (!id) return Response::FromError(id.error());
                    return timeline(request, ctx.store_id, *id);
                  });

  // ---- Integration check ----------------------------------------------------------------------------
  routes.Store(Method::kGet, "/api/v1/stores/{store_id}/integration",
               "The snippet to paste, script options and the checklist of event types seen",
               accounts::StoreRole::kAdministrator, KeyAccess::None(),
               [&engine, &db, &routes, options](http::Request&, const StoreContext& ctx) {
                 auto store = routes.auth().accounts().GetStore(ctx.store_id);
                 if (!store) return Response::FromError(store.error());
                 engine::StoreActivity activity = engine.Activity(ctx.store_id, UINT64_MAX);
                 json::array checklist;
                 for (const ChecklistItem& item : Checklist()) {
                   int64_t last_id = 0;
                   json::array types;
                   for (std::string_view t : item.types) {
                     types.emplace_back(t);
                     if (auto it = activity.last_event_id_by_type.find(std::string(t));
                         it != activity.last_event_id_by_type.end()) {
                       last_id = std::max(last_id, it->second);
                     }
                   }
                   json::value last = nullptr, contact = nullptr, warning = nullptr;
                   if (last_id > 0) {
                     auto event = contacts::GetEvent(db, ctx.store_id, last_id);
                     if (event && *event) {
                       last = ActivityJson(**event);
                       if (auto who = ExampleContact(db, ctx.store_id, (*event)->contact_id)) {
                         contact = json::object{
                             {"id", who->id},
                             {"email", who->email.empty() ? json::value(nullptr) : json::value(who->email)},
                             {"external_id", who->external_id.empty() ? json::value(nullptr) : json::value(who->external_id)}};
                         // Known by the shop's own user id (a Segment userId), a contact without
                         // email is identified all the same.
                         bool identified = !who->email.empty() || !who->external_id.empty();
                         if (!identified && !item.anonymous_warning.empty()) warning = json::string(item.anonymous_warning);
                       }
                     }
                   }
                   checklist.push_back(json::object{{"key", item.key},
                                                    {"label", item.label},
                                                    {"types", std::move(types)},
                                                    {"seen", last_id > 0},
                                                    {"last", std::move(last)},
                                                    {"contact", std::move(contact)},
                                                    {"warning", std::move(warning)}});
                 }
                 std::string script_url = options.public_url + "/sdk/starling.js";
                 std::string snippet = fmt::format(R"(<script src="{}" data-token="{}" async></script>)", script_url,
                                                   store->tracking_token);
                 json::array domains;
                 for (const auto& d : store->authorized_domains) domains.emplace_back(d);
                 return Response::Json(200, json::object{{"tracking_token", store->tracking_token},
                                                         {"base_url", options.public_url},
                                                         {"script_url", script_url},
                                                         {"collect_url", options.public_url + "/collect/" + store->tracking_token},
                                                         {"snippet", snippet},
                                                         {"authorized_domains", std::move(domains)},
                                                         {"script_options", accounts::ScriptOptionsJson(store->script_options)},
                                                         {"checklist", std::move(checklist)},
                                                         {"dropped", json::object{{"excluded_ip", activity.dropped_excluded_ip},
                                                                                  {"bot", activity.dropped_bot}}},
                                                         {"live_seq", activity.next_seq - 1}});
               });
  // The live view: server-sent events. Authorized once on the blocking pool; then the engine pushes
  // each published entry into the stream's bounded queue, and no thread waits.
  routes.StoreStream(
      Method::kGet, "/api/v1/stores/{store_id}/integration/events",
      "Incoming requests as server-sent events (`event: entry`, `id:` its seq): the kept ones after "
      "Last-Event-ID (or ?after=<seq>) first, then each as it arrives",
      accounts::StoreRole::kAdministrator, KeyAccess::None(), "text/event-stream",
      {.heartbeat_interval = kLiveHeartbeat, .heartbeat = ": ping\n\n", .max_duration = kLiveReauthenticate},
      [&engine, live_streams = options.live_streams](http::Request& request,
                                                     const StoreContext& ctx) -> Result<http::StreamStart> {
        STARLING_ASSIGN_OR_RETURN(uint64_t after, LiveAfter(request));
        int64_t store_id = ctx.store_id;
        int64_t user_id = ctx.principal.user_id;
        // Read now, just after the authorization: the stream starts later, on its I/O thread.
        uint64_t generation = live_streams != nullptr ? live_streams->Generation(user_id) : 0;
        return http::StreamStart([&engine, store_id, after, live_streams, user_id,
                                  generation](std::shared_ptr<http::ResponseStream> stream) {
          stream->Write(fmt::format("retry: {}\n\n", kLiveRetry.count()));
          if (live_streams != nullptr) live_streams->Add(user_id, generation, stream);
          engine::LiveSubscription subscription =
              engine.Subscribe(store_id, after, [stream](const std::vector<engine::LiveEntry>& entries) {
                // Past the stream's queue limit (a client that does not read), this closes the stream,
                // and OnClose below unsubscribes: ingestion never waits for a reader.
                stream->Write(LiveEvents(entries));
              });
          stream->OnClose([&engine, subscription] { engine.Unsubscribe(subscription); });
        });
      });

  // ---- Test clock -------------------------------------------------------------------------------------
  if (options.test_clock) {
    OffsetClock* clock = options.test_clock;
    routes.Public(Method::kPost, "/api/v1/test/clock",
                  "TEST SERVERS ONLY (test_clock = true): move the server's clock forward",
                  [clock, &engine](http::Request& request) {
                    auto body = ParseBody(request);
                    if (!body) return Response::FromError(body.error());
                    auto seconds = GetInt(*body, "advance_seconds");
                    if (!seconds) return Response::FromError(seconds.error());
                    if (*seconds < 0) {
                      return Response::FromError(Error::InvalidArgument("advance_seconds: the clock only moves forward",
                                                                        "advance_seconds"));
                    }
                    clock->Advance(std::chrono::seconds(*seconds));
                    engine.Poke();
                    return Response::Json(200, json::object{{"now", FormatIsoUtc(clock->Now())}});
                  });
  }
}

}  // namespace starling::api
