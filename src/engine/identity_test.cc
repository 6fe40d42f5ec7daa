// The identity rules of PRODUCT.md §2 as a table.
#include "engine/identity.h"

#include <gtest/gtest.h>

#include <map>

namespace starling::engine {
namespace {

// Contacts 1 (anonymous, tracker "anon-tracker-1", push endpoint kAnonPush), 2 (ana@x.example, tracker
// "ana-tracker-2", external id "cust-2", push endpoint kAnaPush), 3 (bo@x.example, no tracker), 4 (no
// email, external id "cust-4", tracker "cust-tracker-4").
constexpr const char* kAnonPush = "https://push.example/send/anon-1";
constexpr const char* kAnaPush = "https://push.example/send/ana-2";

class FakeIndex final : public ContactIndex {
 public:
  std::optional<int64_t> FindByEmail(const std::string& email) const override {
    if (email == "ana@x.example") return 2;
    if (email == "bo@x.example") return 3;
    return std::nullopt;
  }
  std::optional<int64_t> FindByTracker(const std::string& tracker) const override {
    if (tracker == "anon-tracker-1") return 1;
    if (tracker == "ana-tracker-2") return 2;
    if (tracker == "cust-tracker-4") return 4;
    return std::nullopt;
  }
  std::optional<int64_t> FindByPushEndpoint(const std::string& endpoint) const override {
    if (endpoint == kAnonPush) return 1;
    if (endpoint == kAnaPush) return 2;
    return std::nullopt;
  }
  std::string EmailOf(int64_t id) const override {
    return id == 2 ? "ana@x.example" : id == 3 ? "bo@x.example" : "";
  }
  std::optional<int64_t> FindByExternalId(const std::string& external_id) const override {
    if (external_id == "cust-2") return 2;
    if (external_id == "cust-4") return 4;
    return std::nullopt;
  }
  std::string ExternalIdOf(int64_t id) const override { return id == 2 ? "cust-2" : id == 4 ? "cust-4" : ""; }
};

struct Row {
  const char* name;
  std::string tracker;
  std::string email;
  IdentityDecision::Kind kind;
  int64_t contact_id;
  int64_t merged;
  std::string answer_tracker;
  bool bind;
  std::string external = "";  // the request's external id
  std::string push = {};      // the request's push subscription endpoint
};

// Resolves each row against FakeIndex (generated tracker ids: generated-0001…) and checks the decision.
void ExpectRows(const std::vector<Row>& rows) {
  FakeIndex index;
  for (const Row& row : rows) {
    int counter = 0;
    IdentityDecision d = ResolveIdentity(
        index, row.tracker, row.email, row.external,
        [&] {
          char buf[32];
          std::snprintf(buf, sizeof buf, "generated-%04d", ++counter);
          return std::string(buf);
        },
        row.push);
    EXPECT_EQ(d.kind, row.kind) << row.name;
    EXPECT_EQ(d.contact_id, row.contact_id) << row.name;
    EXPECT_EQ(d.merged_contact_id, row.merged) << row.name;
    EXPECT_EQ(d.tracker_id, row.answer_tracker) << row.name;
    EXPECT_EQ(d.bind_tracker, row.bind) << row.name;
  }
}

TEST(IdentityTest, RulesTable) {
  using K = IdentityDecision::Kind;
  const std::vector<Row> rows = {
      {"no key → new anonymous", "", "", K::kNewAnonymous, 0, 0, "generated-0001", true},
      {"unknown tracker → new anonymous owning it", "unknown-tracker", "", K::kNewAnonymous, 0, 0, "unknown-tracker", true},
      {"known tracker → its contact", "anon-tracker-1", "", K::kExisting, 1, 0, "anon-tracker-1", false},
      {"known email → that contact, tracker bound", "", "bo@x.example", K::kExisting, 3, 0, "generated-0001", true},
      {"known email + unknown tracker → bound", "fresh-tracker", "bo@x.example", K::kExisting, 3, 0, "fresh-tracker", true},
      {"known email + its own tracker", "ana-tracker-2", "ana@x.example", K::kExisting, 2, 0, "ana-tracker-2", false},
      {"known email + anonymous tracker → merge", "anon-tracker-1", "ana@x.example", K::kMerge, 2, 1, "anon-tracker-1", true},
      {"known email + other identified tracker → rebind", "ana-tracker-2", "bo@x.example", K::kExisting, 3, 0, "ana-tracker-2", true},
      {"new email, no tracker → new identified", "", "new@x.example", K::kNewIdentified, 0, 0, "generated-0001", true},
      {"new email + unknown tracker → new identified", "fresh-tracker", "new@x.example", K::kNewIdentified, 0, 0, "fresh-tracker", true},
      {"new email + anonymous tracker → identify it", "anon-tracker-1", "new@x.example", K::kIdentify, 1, 0, "anon-tracker-1", false},
      {"new email + identified tracker → new contact", "ana-tracker-2", "new@x.example", K::kNewIdentified, 0, 0, "ana-tracker-2", true},
      // External ids (Segment's non-email userId).
      {"known external id → its contact, tracker bound", "", "", K::kExisting, 4, 0, "generated-0001", true, "cust-4"},
      {"known external id + its own tracker", "cust-tracker-4", "", K::kExisting, 4, 0, "cust-tracker-4", false, "cust-4"},
      {"known external id + another contact's tracker → rebound", "anon-tracker-1", "", K::kExisting, 4, 0, "anon-tracker-1", true, "cust-4"},
      {"unknown external id + tracker of a contact without one → that contact", "anon-tracker-1", "", K::kExisting, 1, 0, "anon-tracker-1", false, "cust-new"},
      {"unknown external id + tracker of a contact with another → new anonymous", "cust-tracker-4", "", K::kNewAnonymous, 0, 0, "cust-tracker-4", true, "cust-new"},
      {"unknown external id, no tracker → new anonymous", "", "", K::kNewAnonymous, 0, 0, "generated-0001", true, "cust-new"},
      {"new email + external id of a contact without email → identify it", "", "new@x.example", K::kIdentify, 4, 0, "generated-0001", true, "cust-4"},
      {"new email + external id and tracker of one contact → identify it", "cust-tracker-4", "new@x.example", K::kIdentify, 4, 0, "cust-tracker-4", false, "cust-4"},
      {"known email decides over the external id", "", "bo@x.example", K::kExisting, 3, 0, "generated-0001", true, "cust-4"},
      {"new email + external id of an identified contact → new contact", "", "new@x.example", K::kNewIdentified, 0, 0, "generated-0001", true, "cust-2"},
      {"known email + anonymous tracker + external id → merge (email rules)", "anon-tracker-1", "ana@x.example", K::kMerge, 2, 1, "anon-tracker-1", true, "cust-4"},
      // A shared device: the browser's contact holds another user's external id.
      {"new email + tracker of a contact with another external id → new identified", "cust-tracker-4", "new@x.example", K::kNewIdentified, 0, 0, "cust-tracker-4", true, "cust-new"},
      {"known email + tracker of a contact with another external id → the email's, no merge", "cust-tracker-4", "ana@x.example", K::kExisting, 2, 0, "cust-tracker-4", true, "cust-9"},
      // Contacts that hold different external ids are two users: never merged (ana holds cust-2).
      {"known email of a contact with another external id + tracker of the id's contact → no merge", "cust-tracker-4", "ana@x.example", K::kExisting, 2, 0, "cust-tracker-4", true, "cust-4"},
      {"known email + tracker of a contact with another external id, none given → no merge", "cust-tracker-4", "ana@x.example", K::kExisting, 2, 0, "cust-tracker-4", true},
      {"known email without external id + tracker of a contact with one → merge", "cust-tracker-4", "bo@x.example", K::kMerge, 3, 4, "cust-tracker-4", true},
  };
  ExpectRows(rows);
}

// The push subscription as the browser's second key (identity.h).
TEST(IdentityTest, PushSubscriptionRulesTable) {
  using K = IdentityDecision::Kind;
  const std::string unknown_push = "https://push.example/send/unknown";
  const std::vector<Row> rows = {
      {"unknown push, no other key → new anonymous", "", "", K::kNewAnonymous, 0, 0, "generated-0001", true, "", unknown_push},
      {"known push, no tracker → its contact, new tracker bound", "", "", K::kExisting, 1, 0, "generated-0001", true, "", kAnonPush},
      {"known push + unknown tracker → its contact, tracker bound", "fresh-tracker", "", K::kExisting, 1, 0, "fresh-tracker", true, "", kAnonPush},
      {"push of an identified contact, no email → that contact", "", "", K::kExisting, 2, 0, "generated-0001", true, "", kAnaPush},
      {"known tracker wins over another contact's push", "anon-tracker-1", "", K::kExisting, 1, 0, "anon-tracker-1", false, "", kAnaPush},
      {"push of an anonymous contact + new email → identify it", "", "new@x.example", K::kIdentify, 1, 0, "generated-0001", true, "", kAnonPush},
      {"push of an identified contact + new email → new identified", "", "new@x.example", K::kNewIdentified, 0, 0, "generated-0001", true, "", kAnaPush},
      {"push of an identified contact + its email → that contact", "", "ana@x.example", K::kExisting, 2, 0, "generated-0001", true, "", kAnaPush},
      {"push of an identified contact + another known email → the email's", "", "bo@x.example", K::kExisting, 3, 0, "generated-0001", true, "", kAnaPush},
      {"push of an anonymous contact + known email → merge", "", "ana@x.example", K::kMerge, 2, 1, "generated-0001", true, "", kAnonPush},
      {"identified tracker + anonymous push + new email → tracker decides", "ana-tracker-2", "new@x.example", K::kNewIdentified, 0, 0, "ana-tracker-2", true, "", kAnonPush},
      {"email + its own tracker + another contact's push → that contact", "ana-tracker-2", "ana@x.example", K::kExisting, 2, 0, "ana-tracker-2", false, "", kAnonPush},
  };
  ExpectRows(rows);
}

}  // namespace
}  // namespace starling::engine
