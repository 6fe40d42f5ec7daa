#include "accounts/model.h"

#include <gtest/gtest.h>

namespace starling::accounts {
namespace {

TEST(RolesTest, ParseAndOrder) {
  EXPECT_EQ(*ParseStoreRole("administrator"), StoreRole::kAdministrator);
  EXPECT_EQ(*ParseStoreRole("marketer"), StoreRole::kMarketer);
  EXPECT_LT(StoreRole::kMarketer, StoreRole::kAdministrator);
  auto bad = ParseStoreRole("admin");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().field, "role");
  EXPECT_NE(bad.error().message.find("`administrator` or `marketer`"), std::string::npos);
  EXPECT_EQ(*ParseOrgRole("owner"), OrgRole::kOwner);
  EXPECT_GT(OrgRole::kOwner, OrgRole::kAdministrator);
  EXPECT_FALSE(ParseOrgRole("Owner"));
  EXPECT_EQ(RoleName(OrgRole::kMember), "member");
}

TEST(ScopeSetTest, WriteImpliesRead) {
  std::vector<std::string> items = {"contacts:write", "events:read"};
  auto scopes = ScopeSet::Parse(items);
  ASSERT_TRUE(scopes);
  EXPECT_TRUE(scopes->Allows("contacts", Access::kRead));
  EXPECT_TRUE(scopes->Allows("contacts", Access::kWrite));
  EXPECT_TRUE(scopes->Allows("events", Access::kRead));
  EXPECT_FALSE(scopes->Allows("events", Access::kWrite));
  EXPECT_FALSE(scopes->Allows("products", Access::kRead));
  EXPECT_EQ(scopes->Names(), (std::vector<std::string>{"contacts:read", "contacts:write", "events:read"}));
  EXPECT_FALSE(scopes->IsAll());
}

TEST(ScopeSetTest, AllAndStorageRoundTrip) {
  std::vector<std::string> all = {"all"};
  auto scopes = ScopeSet::Parse(all);
  ASSERT_TRUE(scopes);
  EXPECT_TRUE(scopes->IsAll());
  EXPECT_EQ(scopes->Names().size(), kScopeResources.size() * 2);
  EXPECT_EQ(ScopeSet::FromStorage(scopes->ToStorage()), *scopes);
  EXPECT_EQ(ScopeSet::FromStorage("contacts:read nonsense imports:write"),
            *ScopeSet::Parse(std::vector<std::string>{"contacts:read", "imports:write"}));
}

TEST(ScopeSetTest, RefusesUnknownAndEmpty) {
  auto unknown = ScopeSet::Parse(std::vector<std::string>{"contacts:read", "contact:write"});
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().field, "scopes");
  EXPECT_NE(unknown.error().message.find("`contact:write`"), std::string::npos);
  EXPECT_FALSE(ScopeSet::Parse(std::vector<std::string>{"contacts:delete"}));
  EXPECT_FALSE(ScopeSet::Parse(std::vector<std::string>{}));
}

}  // namespace
}  // namespace starling::accounts
