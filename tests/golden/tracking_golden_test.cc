// Golden wire-format cases: each file in tests/golden/tracking/ is one case — script requests and
// Segment-spec calls in (and clock moves), stored contacts and events out. The requests go through the real parser and the real
// engine on a real SQLite file, with a fake clock. Adding a case costs one file.
//
// File format (JSON):
//   {"description": "…",
//    "settings": {"cart_abandonment_minutes": 30,            // optional
//                 "authorized_domains": ["shop.example"]},    // optional: the script endpoint's check
//                                                             // of product urls (none without it)
//    "steps": [
//      {"request": {…script wire format…}, "tracker_as": "A",   // remember the answered tracker id as $A
//       "expect_errors": ["events[0].product.unitPrice"]},      // fields refused by the parser, then by the
//                                                               // runtime (a purchase id already recorded)
//      {"segment": {…a Segment call, or {"batch": […]}}, "kind": "track",  // a Segment-spec request
//       "expect_errors": ["batch[1].userId"]},                  //   (kind: identify, track, page, batch…)
//      {"advance_minutes": 31}],                                // move the clock, fire due timers
//    "expect": {
//      "contacts": [{"id": 1, "email": "ana@x.example", "merged_into": null, "fields": {…}}],  // every contact, by id
//      "events":   [{"id": 1, "contact": 1, "type": "entity-created", "data": {…}}]},          // every event, by id
//      "push_subscriptions": [{"contact": 1, "endpoint": "https://…", "p256dh": "…", "auth": "…"}]},  // optional, by endpoint
//   }
// In requests, the string "$A" stands for the tracker id remembered as A. In expectations, `data` and
// `fields` are compared whole; "*" as a value accepts anything.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <functional>
#include <fstream>
#include <future>
#include <map>
#include <optional>
#include <sstream>
#include <thread>

#include "base/crypto.h"
#include "base/json.h"
#include "db/group_commit.h"
#include "db/migrations.h"
#include "db/test_util.h"
#include "engine/engine.h"
#include "tracking/parse.h"

namespace starling {
namespace {

namespace fs = std::filesystem;

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Replaces "$X" strings with remembered tracker ids, recursively.
void Substitute(json::value& v, const std::map<std::string, std::string>& trackers) {
  if (v.is_string()) {
    std::string s(v.as_string());
    if (s.size() > 1 && s[0] == '$') {
      if (auto it = trackers.find(s.substr(1)); it != trackers.end()) v = it->second;
    }
  } else if (v.is_array()) {
    for (auto& item : v.as_array()) Substitute(item, trackers);
  } else if (v.is_object()) {
    for (auto& [k, item] : v.as_object()) Substitute(item, trackers);
  }
}

// `want` matches `got` when equal, or when `want` is "*".
bool Matches(const json::value& want, const json::value& got, std::string& why, const std::string& path) {
  if (want.is_string() && want.as_string() == "*") return true;
  if (want.is_object() && got.is_object()) {
    const auto& w = want.as_object();
    const auto& g = got.as_object();
    for (const auto& [k, v] : w) {
      auto it = g.find(k);
      if (it == g.end()) {
        why = path + "." + std::string(k) + " missing";
        return false;
      }
      if (!Matches(v, it->value(), why, path + "." + std::string(k))) return false;
    }
    for (const auto& [k, v] : g) {
      if (!w.contains(k)) {
        why = path + "." + std::string(k) + " not expected (got " + ToJson(v) + ")";
        return false;
      }
    }
    return true;
  }
  if (want.is_array() && got.is_array()) {
    if (want.as_array().size() != got.as_array().size()) {
      why = path + ": " + std::to_string(got.as_array().size()) + " items, want " +
            std::to_string(want.as_array().size());
      return false;
    }
    for (size_t i = 0; i < want.as_array().size(); ++i) {
      if (!Matches(want.as_array()[i], got.as_array()[i], why, path + "[" + std::to_string(i) + "]")) return false;
    }
    return true;
  }
  if (want.is_number() && got.is_number()) {
    if (want.to_number<double>() == got.to_number<double>()) return true;
  } else if (want == got) {
    return true;
  }
  why = path + ": got " + ToJson(got) + ", want " + ToJson(want);
  return false;
}

class GoldenCase : public ::testing::TestWithParam<fs::path> {};

TEST_P(GoldenCase, StoredStateMatches) {
  ASSERT_TRUE(crypto::InitCrypto());
  auto spec_text = ReadFile(GetParam());
  auto spec = ParseJsonObject(spec_text);
  ASSERT_TRUE(spec) << GetParam() << ": " << spec.error().message;

  db::testing::TempDir dir;
  auto database = db::testing::OpenTestDatabase(dir);
  ASSERT_TRUE(database);
  FakeClock clock(TimePoint(std::chrono::seconds(1'790'000'000)));
  ASSERT_TRUE(db::Migrate(*database, clock));
  int64_t abandonment = 30;
  std::optional<std::vector<std::string>> domains;
  if (auto it = spec->find("settings"); it != spec->end()) {
    if (auto m = it->value().as_object().find("cart_abandonment_minutes"); m != it->value().as_object().end()) {
      abandonment = m->value().as_int64();
    }
    if (auto m = it->value().as_object().find("authorized_domains"); m != it->value().as_object().end()) {
      domains.emplace();
      for (const auto& d : m->value().as_array()) domains->emplace_back(d.as_string());
    }
  }
  db::GroupCommitter committer(*database, {});
  engine::Engine engine(*database, committer, clock,
                        [abandonment](int64_t) -> Result<engine::RuntimeSettings> {
                          return engine::RuntimeSettings{abandonment};
                        },
                        {.workers = 1});

  std::map<std::string, std::string> trackers;
  int step_no = 0;
  for (json::value step : spec->at("steps").as_array()) {
    ++step_no;
    json::object& s = step.as_object();
    if (auto it = s.find("advance_minutes"); it != s.end()) {
      clock.Advance(std::chrono::minutes(it->value().as_int64()));
      engine.Poke();
      // The due timers are deleted in the transaction that stores what they fired, and a cart's (its
      // active row) leaves the state `active`: wait for that.
      int64_t now_us = std::chrono::duration_cast<std::chrono::microseconds>(clock.Now().time_since_epoch()).count();
      bool fired = false;
      for (int i = 0; i < 500 && !fired; ++i) {
        auto reader = database->Reader();
        ASSERT_TRUE(reader);
        auto left = (*reader)->QueryOne(
            "SELECT (SELECT COUNT(*) FROM timers WHERE due_at <= ?) + "
            "(SELECT COUNT(*) FROM carts WHERE state = 'active' AND updated_at <= ?)",
            {now_us, now_us - abandonment * 60 * 1'000'000});
        ASSERT_TRUE(left);
        fired = (*left)->GetInt64(0) == 0;
        if (!fired) std::this_thread::sleep_for(std::chrono::milliseconds(10));
      }
      ASSERT_TRUE(fired) << GetParam().filename() << " step " << step_no << ": due timers did not fire";
      continue;
    }
    std::vector<tracking::TrackBatch> batches;
    std::vector<tracking::EventError> errors;
    if (auto segment = s.find("segment"); segment != s.end()) {
      json::value request = segment->value();
      Substitute(request, trackers);
      auto parsed = tracking::ParseSegment(s.at("kind").as_string(), ToJson(request));
      ASSERT_TRUE(parsed) << GetParam().filename() << " step " << step_no << ": " << parsed.error().message;
      errors = parsed->refused;
      batches = std::move(parsed->batches);
    } else {
      json::value request = s.at("request");
      Substitute(request, trackers);
      auto batch = tracking::ParseScriptPayload(ToJson(request), {}, domains ? &*domains : nullptr);
      ASSERT_TRUE(batch) << GetParam().filename() << " step " << step_no << ": " << batch.error().message;
      batches.push_back(std::move(*batch));
    }
    for (const auto& b : batches) errors.insert(errors.end(), b.errors.begin(), b.errors.end());
    for (tracking::TrackBatch& batch : batches) {
      std::promise<engine::TrackOutcome> done;
      auto future = done.get_future();
      engine.Track(1, std::move(batch), [&done](engine::TrackOutcome o) { done.set_value(std::move(o)); });
      engine::TrackOutcome outcome = future.get();
      ASSERT_TRUE(outcome.status) << GetParam().filename() << " step " << step_no << ": "
                                  << outcome.status.error().message;
      // Refused by the parser, then by the runtime (a purchase id already recorded).
      errors.insert(errors.end(), outcome.errors.begin(), outcome.errors.end());
      if (auto it = s.find("tracker_as"); it != s.end()) trackers[std::string(it->value().as_string())] = outcome.tracker_id;
    }
    // A Segment batch's in call order (its refused calls come apart from its kept ones).
    if (s.contains("segment")) {
      std::stable_sort(errors.begin(), errors.end(), [](const auto& a, const auto& b) { return a.index < b.index; });
    }
    std::vector<std::string> error_fields;
    for (const auto& e : errors) error_fields.push_back(e.field);
    std::vector<std::string> want_errors;
    if (auto it = s.find("expect_errors"); it != s.end()) {
      for (const auto& f : it->value().as_array()) want_errors.emplace_back(f.as_string());
    }
    EXPECT_EQ(error_fields, want_errors) << GetParam().filename() << " step " << step_no;
  }
  engine.Stop();
  committer.Stop();

  const json::object& expect = spec->at("expect").as_object();
  auto reader = database->Reader();
  ASSERT_TRUE(reader);
  // Each table the case lists: its rows, as JSON objects, must match.
  auto expect_rows = [&](const char* key, const char* sql, const std::function<json::value(const db::Row&)>& to_json) {
    auto it = expect.find(key);
    if (it == expect.end()) return;
    json::array got;
    ASSERT_TRUE((*reader)->QueryEach(sql, {}, [&](const db::Row& row) -> Status {
      got.push_back(to_json(row));
      return Ok();
    }));
    std::string why;
    EXPECT_TRUE(Matches(it->value(), got, why, key)) << GetParam().filename() << ": " << why << "\nall: " << ToJson(got);
  };
  expect_rows("contacts", "SELECT id, email, fields, merged_into FROM contacts WHERE store_id = 1 ORDER BY id",
              [](const db::Row& row) -> json::value {
                return json::object{
                    {"id", row.GetInt64(0)},
                    {"email", row.IsNull(1) ? json::value(nullptr) : json::value(row.GetText(1))},
                    {"fields", *ParseJson(row.GetText(2))},
                    {"merged_into", row.IsNull(3) ? json::value(nullptr) : json::value(row.GetInt64(3))}};
              });
  if (auto it = expect.find("events"); it != expect.end()) {
    json::array got;
    ASSERT_TRUE((*reader)->QueryEach("SELECT id, contact_id, type, data FROM events WHERE store_id = 1 ORDER BY id", {},
                                     [&](const db::Row& row) -> Status {
                                       got.push_back(json::object{{"id", row.GetInt64(0)},
                                                                  {"contact", row.GetInt64(1)},
                                                                  {"type", row.GetText(2)},
                                                                  {"data", *ParseJson(row.GetText(3))}});
                                       return Ok();
                                     }));
    std::string why;
    EXPECT_TRUE(Matches(it->value(), got, why, "events")) << GetParam().filename() << ": " << why << "\nall: " << ToJson(got);
  }
  // Every case: each contact's events form one chain, newest first, through prev_id (merges relink the
  // two chains into one).
  {
    std::map<int64_t, std::vector<int64_t>> by_contact;   // newest first
    std::map<int64_t, int64_t> prev_of;
    ASSERT_TRUE((*reader)->QueryEach("SELECT id, contact_id, prev_id FROM events WHERE store_id = 1 ORDER BY id DESC", {},
                                     [&](const db::Row& row) -> Status {
                                       by_contact[row.GetInt64(1)].push_back(row.GetInt64(0));
                                       prev_of[row.GetInt64(0)] = row.GetInt64(2);
                                       return Ok();
                                     }));
    for (const auto& [contact, ids] : by_contact) {
      std::vector<int64_t> chain;
      for (int64_t id = ids.front(); id != 0 && chain.size() <= ids.size(); id = prev_of[id]) chain.push_back(id);
      EXPECT_EQ(chain, ids) << GetParam().filename() << ": the event chain of contact " << contact;
    }
  }
  expect_rows("carts",
              "SELECT contact_id, cart_id, state, total_quantity, total_price FROM carts WHERE store_id = 1 "
              "ORDER BY contact_id",
              [](const db::Row& row) -> json::value {
                return json::object{{"contact", row.GetInt64(0)},
                                    {"cart_id", row.GetText(1)},
                                    {"state", row.GetText(2)},
                                    {"total_quantity", row.GetDouble(3)},
                                    {"total_price", row.GetDouble(4)}};
              });
  expect_rows("push_subscriptions",
              "SELECT contact_id, endpoint, p256dh, auth FROM push_subscriptions WHERE store_id = 1 ORDER BY endpoint",
              [](const db::Row& row) -> json::value {
                return json::object{{"contact", row.GetInt64(0)},
                                    {"endpoint", row.GetText(1)},
                                    {"p256dh", row.GetText(2)},
                                    {"auth", row.GetText(3)}};
              });
  expect_rows("products", "SELECT product_id, data FROM products WHERE store_id = 1 ORDER BY product_id",
              [](const db::Row& row) -> json::value { return *ParseJson(row.GetText(1)); });
}

std::vector<fs::path> Cases() {
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(STARLING_GOLDEN_DIR "/tracking")) {
    if (entry.path().extension() == ".json") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

INSTANTIATE_TEST_SUITE_P(Tracking, GoldenCase, ::testing::ValuesIn(Cases()), [](const auto& param_info) {
  std::string name = param_info.param.stem().string();
  for (char& c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  }
  return name;
});

}  // namespace
}  // namespace starling
