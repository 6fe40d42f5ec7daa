// The Accounts service on a real SQLite file, with a fake clock.
#include "accounts/accounts.h"

#include <gtest/gtest.h>

#include "db/migrations.h"
#include "db/test_util.h"

namespace starling::accounts {
namespace {

using std::chrono::hours;
using std::chrono::minutes;

class AccountsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(crypto::InitCrypto());
    db_ = db::testing::OpenTestDatabase(dir_);
    ASSERT_TRUE(db_);
    ASSERT_TRUE(db::Migrate(*db_, clock_));
    accounts_ = std::make_unique<Accounts>(
        *db_, clock_, AccountsOptions{.public_url = "https://starling.example/", .password_cost = crypto::PasswordCost::kMinimum});
  }

  User MakeUser(std::string email, std::string password = "password-1") {
    auto user = accounts_->CreateUser(email, password, "", Actor::Cli());
    EXPECT_TRUE(user) << user.error().message;
    return user ? *user : User{};
  }

  // An organization owned by `owner` with one store.
  std::pair<Organization, StoreSettings> MakeStore(const User& owner, std::string name = "Shop") {
    auto org = accounts_->CreateOrganization(name + " org", owner.id, Actor::ForUser(owner.id, owner.email));
    EXPECT_TRUE(org);
    StorePatch fields;
    fields.name = name;
    fields.site_url = "https://" + name + ".example";
    auto store = accounts_->CreateStore(org->id, fields, 0, Actor::ForUser(owner.id, owner.email));
    EXPECT_TRUE(store) << store.error().message;
    return {*org, *store};
  }

  db::testing::TempDir dir_;
  std::unique_ptr<db::Database> db_;
  FakeClock clock_;
  std::unique_ptr<Accounts> accounts_;
};

TEST_F(AccountsTest, CreateUserNormalizesAndRefusesDuplicates) {
  User ana = MakeUser(" Ana@Shop.Example ");
  EXPECT_EQ(ana.email, "ana@shop.example");
  auto dup = accounts_->CreateUser("ANA@shop.example", "password-2", "", Actor::Cli());
  ASSERT_FALSE(dup);
  EXPECT_EQ(dup.error().code, ErrorCode::kConflict);
  EXPECT_EQ(dup.error().field, "email");
  auto weak = accounts_->CreateUser("bo@shop.example", "short", "", Actor::Cli());
  ASSERT_FALSE(weak);
  EXPECT_EQ(weak.error().field, "password");
  EXPECT_EQ(*accounts_->CountUsers(), 1);
}

TEST_F(AccountsTest, LoginSessionsExpireAndEnd) {
  MakeUser("ana@shop.example", "password-1");
  auto wrong = accounts_->Login("ana@shop.example", "password-2", "127.0.0.1", "test");
  ASSERT_FALSE(wrong);
  EXPECT_EQ(wrong.error().code, ErrorCode::kUnauthenticated);
  EXPECT_EQ(wrong.error().message, "wrong email or password");
  auto unknown = accounts_->Login("nobody@shop.example", "password-1", "127.0.0.1", "test");
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().message, wrong.error().message);  // does not tell which

  auto session = accounts_->Login("ANA@shop.example", "password-1", "127.0.0.1", "test");
  ASSERT_TRUE(session) << session.error().message;
  auto principal = accounts_->AuthenticateSession(session->token);
  ASSERT_TRUE(principal);
  EXPECT_EQ(principal->email, "ana@shop.example");
  EXPECT_EQ(principal->csrf_token, session->principal.csrf_token);
  EXPECT_FALSE(accounts_->AuthenticateSession(session->token + "x"));

  // Idle for a day: still valid, and the use slides the idle window.
  clock_.Advance(hours(24 * 6));
  EXPECT_TRUE(accounts_->AuthenticateSession(session->token));
  clock_.Advance(hours(24 * 6));
  EXPECT_TRUE(accounts_->AuthenticateSession(session->token));
  // Idle for longer than a week: ended.
  clock_.Advance(hours(24 * 8));
  EXPECT_FALSE(accounts_->AuthenticateSession(session->token));

  auto second = accounts_->Login("ana@shop.example", "password-1", "127.0.0.1", "test");
  ASSERT_TRUE(second);
  ASSERT_TRUE(accounts_->Logout(second->token));
  EXPECT_FALSE(accounts_->AuthenticateSession(second->token));
}

TEST_F(AccountsTest, PasswordResetIsSingleUseAndExpires) {
  User ana = MakeUser("ana@shop.example", "password-1");
  auto session = accounts_->Login("ana@shop.example", "password-1", "", "");
  ASSERT_TRUE(session);
  EXPECT_FALSE(*accounts_->CreatePasswordResetLink("nobody@shop.example"));
  auto link = accounts_->CreatePasswordResetLink("ana@shop.example");
  ASSERT_TRUE(link && *link);
  ASSERT_TRUE((*link)->starts_with("https://starling.example/reset-password?token="));
  std::string token = (*link)->substr((*link)->find('=') + 1);
  auto too_short = accounts_->ResetPassword(token, "short");
  ASSERT_FALSE(too_short);
  EXPECT_EQ(too_short.error().field, "password");
  ASSERT_TRUE(accounts_->ResetPassword(token, "password-new"));
  EXPECT_FALSE(accounts_->AuthenticateSession(session->token));  // every session ended
  EXPECT_TRUE(accounts_->Login("ana@shop.example", "password-new", "", ""));
  auto reused = accounts_->ResetPassword(token, "password-again");
  ASSERT_FALSE(reused);
  EXPECT_EQ(reused.error().field, "token");

  auto late = accounts_->CreatePasswordResetLink("ana@shop.example");
  clock_.Advance(minutes(61));
  EXPECT_FALSE(accounts_->ResetPassword((*late)->substr((*late)->find('=') + 1), "password-late"));
  (void)ana;
}

TEST_F(AccountsTest, EffectiveRolesFollowOrganizationAndStoreMembership) {
  User owner = MakeUser("owner@shop.example");
  User marketer = MakeUser("marketer@shop.example");
  User outsider = MakeUser("outsider@shop.example");
  auto [org, store] = MakeStore(owner);
  EXPECT_EQ(*accounts_->EffectiveStoreRole(owner.id, store.id), StoreRole::kAdministrator);
  EXPECT_FALSE(*accounts_->EffectiveStoreRole(outsider.id, store.id));
  EXPECT_FALSE(*accounts_->EffectiveStoreRole(owner.id, store.id + 100));

  auto added = accounts_->AddStoreMember(store.id, "marketer@shop.example", StoreRole::kMarketer, Actor::Cli());
  ASSERT_TRUE(added) << added.error().message;
  EXPECT_EQ(added->status, "active");
  EXPECT_EQ(*accounts_->EffectiveStoreRole(marketer.id, store.id), StoreRole::kMarketer);
  // The store member became an organization member.
  EXPECT_EQ(*accounts_->OrganizationRoleOf(marketer.id, org.id), OrgRole::kMember);
  auto dup = accounts_->AddStoreMember(store.id, "marketer@shop.example", StoreRole::kAdministrator, Actor::Cli());
  ASSERT_FALSE(dup);
  EXPECT_EQ(dup.error().code, ErrorCode::kConflict);

  ASSERT_TRUE(accounts_->ChangeStoreMemberRole(store.id, marketer.id, StoreRole::kAdministrator, Actor::Cli()));
  EXPECT_EQ(*accounts_->EffectiveStoreRole(marketer.id, store.id), StoreRole::kAdministrator);
  ASSERT_TRUE(accounts_->RemoveStoreMember(store.id, marketer.id, Actor::Cli()));
  EXPECT_FALSE(*accounts_->EffectiveStoreRole(marketer.id, store.id));

  auto orgs = accounts_->ListUserOrganizations(owner.id);
  ASSERT_TRUE(orgs);
  ASSERT_EQ(orgs->size(), 1u);
  EXPECT_EQ((*orgs)[0].role, OrgRole::kOwner);
  ASSERT_EQ((*orgs)[0].stores.size(), 1u);
  EXPECT_EQ((*orgs)[0].stores[0].role, StoreRole::kAdministrator);
}

// Every change that may take access away tells the listeners whose (the live views close on it); a
// failed change, or a sign-out with an unknown token, tells nobody.
TEST_F(AccountsTest, AccessChangesAreAnnouncedPerUser) {
  std::vector<int64_t> told;
  accounts_->AddUserAccessListener([&told](int64_t user_id) { told.push_back(user_id); });
  User owner = MakeUser("owner@shop.example");
  User mia = MakeUser("mia@shop.example");
  auto [org, store] = MakeStore(owner);
  ASSERT_TRUE(accounts_->AddStoreMember(store.id, "mia@shop.example", StoreRole::kAdministrator, Actor::Cli()));
  EXPECT_TRUE(told.empty());  // nothing taken away yet

  ASSERT_TRUE(accounts_->ChangeStoreMemberRole(store.id, mia.id, StoreRole::kMarketer, Actor::Cli()));
  ASSERT_TRUE(accounts_->RemoveStoreMember(store.id, mia.id, Actor::Cli()));
  EXPECT_FALSE(accounts_->RemoveStoreMember(store.id, mia.id, Actor::Cli()));  // not a member any more
  ASSERT_TRUE(accounts_->ChangeOrganizationMemberRole(org.id, mia.id, OrgRole::kAdministrator, OrgRole::kOwner,
                                                      Actor::Cli()));
  ASSERT_TRUE(accounts_->RemoveOrganizationMember(org.id, mia.id, OrgRole::kOwner, Actor::Cli()));
  EXPECT_EQ(told, (std::vector<int64_t>{mia.id, mia.id, mia.id, mia.id}));

  told.clear();
  auto session = accounts_->Login("owner@shop.example", "password-1", "", "");
  ASSERT_TRUE(session);
  ASSERT_TRUE(accounts_->Logout(session->token));
  ASSERT_TRUE(accounts_->Logout("no-such-session"));
  ASSERT_TRUE(accounts_->ChangePassword(owner.id, "password-1", "password-2", ""));
  ASSERT_TRUE(accounts_->EndSessions(owner.id, ""));
  auto link = accounts_->CreatePasswordResetLink("owner@shop.example");
  ASSERT_TRUE(link && *link);
  ASSERT_TRUE(accounts_->ResetPassword((*link)->substr((*link)->find("token=") + 6), "password-3"));
  EXPECT_EQ(told, (std::vector<int64_t>{owner.id, owner.id, owner.id, owner.id}));
}

TEST_F(AccountsTest, InvitationsCreateUsersAndExpire) {
  User owner = MakeUser("owner@shop.example");
  auto [org, store] = MakeStore(owner);
  Actor by_owner = Actor::ForUser(owner.id, owner.email);
  auto invited = accounts_->AddStoreMember(store.id, "New@Shop.example", StoreRole::kMarketer, by_owner);
  ASSERT_TRUE(invited);
  EXPECT_EQ(invited->status, "invited");
  ASSERT_TRUE(invited->invitation_url.starts_with("https://starling.example/invitations/"));
  std::string token = invited->invitation_url.substr(invited->invitation_url.rfind('/') + 1);
  auto again = accounts_->AddStoreMember(store.id, "new@shop.example", StoreRole::kMarketer, by_owner);
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code, ErrorCode::kConflict);

  auto preview = accounts_->PreviewInvitation(token);
  ASSERT_TRUE(preview);
  EXPECT_EQ(preview->email, "new@shop.example");
  EXPECT_EQ(preview->store_name, "Shop");
  EXPECT_EQ(preview->invited_by, "owner@shop.example");
  EXPECT_FALSE(preview->user_exists);
  EXPECT_EQ(accounts_->PreviewInvitation("nope").error().code, ErrorCode::kNotFound);

  EXPECT_EQ(accounts_->AcceptInvitation(token, "short", "New", "", "").error().field, "password");
  auto session = accounts_->AcceptInvitation(token, "password-new", "New Person", "", "");
  ASSERT_TRUE(session) << session.error().message;
  EXPECT_EQ(session->principal.email, "new@shop.example");
  EXPECT_EQ(*accounts_->EffectiveStoreRole(session->principal.user_id, store.id), StoreRole::kMarketer);
  auto used = accounts_->AcceptInvitation(token, "password-new", "", "", "");
  ASSERT_FALSE(used);
  EXPECT_NE(used.error().message.find("already been accepted"), std::string::npos);

  // Expired invitation.
  auto late = accounts_->AddStoreMember(store.id, "late@shop.example", StoreRole::kMarketer, by_owner);
  ASSERT_TRUE(late);
  clock_.Advance(hours(24 * 8));
  auto expired = accounts_->PreviewInvitation(late->invitation_url.substr(late->invitation_url.rfind('/') + 1));
  ASSERT_FALSE(expired);
  EXPECT_EQ(expired.error().field, "token");
  EXPECT_NE(expired.error().message.find("expired"), std::string::npos);
  // An expired invitation no longer blocks a new one.
  EXPECT_TRUE(accounts_->AddStoreMember(store.id, "late@shop.example", StoreRole::kMarketer, by_owner));
}

TEST_F(AccountsTest, ExistingUsersConfirmTheirPasswordAndRevokedInvitationsStop) {
  User owner = MakeUser("owner@shop.example");
  auto [org, store] = MakeStore(owner);
  auto [org2, store2] = MakeStore(MakeUser("other@shop.example"), "Other");
  // `other` is a user already: invite them to the first organization.
  auto invited = accounts_->AddOrganizationMember(org.id, "x@shop.example", OrgRole::kAdministrator, Actor::Cli());
  ASSERT_TRUE(invited);
  std::string token = invited->invitation_url.substr(invited->invitation_url.rfind('/') + 1);
  ASSERT_TRUE(accounts_->RevokeInvitation(org.id, std::nullopt, invited->invitation_id, Actor::Cli()));
  EXPECT_NE(accounts_->PreviewInvitation(token).error().message.find("revoked"), std::string::npos);
  // Revoking through another organization or a store is refused.
  EXPECT_EQ(accounts_->RevokeInvitation(org2.id, std::nullopt, invited->invitation_id, Actor::Cli()).error().code,
            ErrorCode::kNotFound);

  // An existing user whose email is invited by link must confirm with their own password.
  auto user_exists = accounts_->CreateUser("bo@shop.example", "password-bo", "Bo", Actor::Cli());
  ASSERT_TRUE(user_exists);
  // The direct path adds existing users at once; build an invitation before the account existed.
  auto pending = accounts_->AddStoreMember(store.id, "carla@shop.example", StoreRole::kAdministrator, Actor::Cli());
  ASSERT_TRUE(pending);
  ASSERT_TRUE(accounts_->CreateUser("carla@shop.example", "password-carla", "Carla", Actor::Cli()));
  std::string carla_token = pending->invitation_url.substr(pending->invitation_url.rfind('/') + 1);
  EXPECT_TRUE(accounts_->PreviewInvitation(carla_token)->user_exists);
  auto wrong = accounts_->AcceptInvitation(carla_token, "password-wrong", "", "", "");
  ASSERT_FALSE(wrong);
  EXPECT_EQ(wrong.error().code, ErrorCode::kUnauthenticated);
  auto right = accounts_->AcceptInvitation(carla_token, "password-carla", "", "", "");
  ASSERT_TRUE(right) << right.error().message;
  EXPECT_EQ(*accounts_->EffectiveStoreRole(right->principal.user_id, store.id), StoreRole::kAdministrator);
}

TEST_F(AccountsTest, OrganizationKeepsAnOwner) {
  User owner = MakeUser("owner@shop.example");
  User admin = MakeUser("admin@shop.example");
  auto [org, store] = MakeStore(owner);
  ASSERT_TRUE(accounts_->AddOrganizationMember(org.id, "admin@shop.example", OrgRole::kAdministrator, Actor::Cli()));
  // Only owners touch owners.
  auto by_admin = accounts_->ChangeOrganizationMemberRole(org.id, owner.id, OrgRole::kMember, OrgRole::kAdministrator,
                                                          Actor::Cli());
  ASSERT_FALSE(by_admin);
  EXPECT_EQ(by_admin.error().code, ErrorCode::kPermissionDenied);
  // The last owner can neither step down nor be removed.
  auto last = accounts_->ChangeOrganizationMemberRole(org.id, owner.id, OrgRole::kMember, OrgRole::kOwner, Actor::Cli());
  ASSERT_FALSE(last);
  EXPECT_EQ(last.error().code, ErrorCode::kConflict);
  EXPECT_EQ(accounts_->RemoveOrganizationMember(org.id, owner.id, OrgRole::kOwner, Actor::Cli()).error().code,
            ErrorCode::kConflict);
  // With a second owner, the first may go.
  ASSERT_TRUE(accounts_->ChangeOrganizationMemberRole(org.id, admin.id, OrgRole::kOwner, OrgRole::kOwner, Actor::Cli()));
  ASSERT_TRUE(accounts_->RemoveOrganizationMember(org.id, owner.id, OrgRole::kOwner, Actor::Cli()));
  EXPECT_FALSE(*accounts_->EffectiveStoreRole(owner.id, store.id));
  EXPECT_EQ(*accounts_->EffectiveStoreRole(admin.id, store.id), StoreRole::kAdministrator);
}

TEST_F(AccountsTest, StoreSettingsValidateAndAudit) {
  User owner = MakeUser("owner@shop.example");
  auto [org, store] = MakeStore(owner);
  EXPECT_EQ(store.authorized_domains, std::vector<std::string>{"shop.example"});
  EXPECT_EQ(store.cart_abandonment_minutes, 30);
  EXPECT_EQ(store.tracking_token.size(), 24u);
  Actor actor = Actor::ForUser(owner.id, owner.email);

  StorePatch bad;
  bad.cart_abandonment_minutes = 2;
  auto refused = accounts_->UpdateStore(store.id, bad, actor);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().field, "ecommerce.cart_abandonment_minutes");
  EXPECT_EQ(accounts_->GetStore(store.id)->cart_abandonment_minutes, 30);  // nothing changed

  StorePatch patch;
  patch.currency = "usd";
  patch.cart_abandonment_minutes = 45;
  patch.authorized_domains = std::vector<std::string>{"https://www.shop.example/", "shop.example", "shop.example"};
  auto updated = accounts_->UpdateStore(store.id, patch, actor);
  ASSERT_TRUE(updated) << updated.error().message;
  EXPECT_EQ(updated->currency, "USD");
  EXPECT_EQ(updated->authorized_domains, (std::vector<std::string>{"shop.example", "www.shop.example"}));
  EXPECT_EQ(accounts_->GetStore(store.id)->authorized_domains, updated->authorized_domains);

  auto rotated = accounts_->RotateTrackingToken(store.id, actor);
  ASSERT_TRUE(rotated);
  EXPECT_NE(rotated->tracking_token, store.tracking_token);
  EXPECT_FALSE(*accounts_->FindStoreByTrackingToken(store.tracking_token));
  EXPECT_EQ((*accounts_->FindStoreByTrackingToken(rotated->tracking_token))->id, store.id);

  auto page = accounts_->ListStoreAudit(store.id, std::nullopt, 2);
  ASSERT_TRUE(page);
  ASSERT_EQ(page->entries.size(), 2u);
  EXPECT_EQ(page->entries[0].action, "store.tracking_token_rotated");
  EXPECT_EQ(page->entries[1].action, "store.updated");
  EXPECT_EQ(page->entries[1].actor_label, "owner@shop.example");
  ASSERT_TRUE(page->next_cursor);
  auto rest = accounts_->ListStoreAudit(store.id, page->next_cursor, 50);
  ASSERT_TRUE(rest);
  ASSERT_EQ(rest->entries.size(), 1u);
  EXPECT_EQ(rest->entries[0].action, "store.created");
  EXPECT_FALSE(rest->next_cursor);
}

TEST_F(AccountsTest, ApiKeysAuthenticateUntilRevoked) {
  User owner = MakeUser("owner@shop.example");
  auto [org, store] = MakeStore(owner);
  auto [org2, store2] = MakeStore(owner, "Second");
  auto scopes = ScopeSet::Parse(std::vector<std::string>{"contacts:write"});
  auto created = accounts_->CreateApiKey(store.id, "ERP", *scopes, Actor::ForUser(owner.id, owner.email));
  ASSERT_TRUE(created);
  EXPECT_EQ(created->key.id.size(), 16u);
  auto principal = accounts_->AuthenticateApiKey(created->key.id, created->secret);
  ASSERT_TRUE(principal);
  EXPECT_EQ(principal->key_store_id, store.id);
  EXPECT_TRUE(principal->scopes.Allows("contacts", Access::kWrite));
  EXPECT_FALSE(accounts_->AuthenticateApiKey(created->key.id, created->secret + "x"));
  EXPECT_FALSE(accounts_->AuthenticateApiKey("0123456789abcdef", created->secret));

  auto listed = accounts_->ListApiKeys(store.id);
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_TRUE((*listed)[0].last_used_at.has_value());
  EXPECT_EQ((*listed)[0].created_by.email, "owner@shop.example");
  EXPECT_TRUE(accounts_->ListApiKeys(store2.id)->empty());

  // Revoking through another store does nothing.
  EXPECT_EQ(accounts_->RevokeApiKey(store2.id, created->key.id, Actor::Cli()).error().code, ErrorCode::kNotFound);
  EXPECT_TRUE(accounts_->AuthenticateApiKey(created->key.id, created->secret));
  ASSERT_TRUE(accounts_->RevokeApiKey(store.id, created->key.id, Actor::Cli()));
  auto revoked = accounts_->AuthenticateApiKey(created->key.id, created->secret);
  ASSERT_FALSE(revoked);
  EXPECT_EQ(revoked.error().code, ErrorCode::kUnauthenticated);
}

TEST_F(AccountsTest, ExcludedIpsFeedTheMatcher) {
  User owner = MakeUser("owner@shop.example");
  auto [org, store] = MakeStore(owner);
  auto matcher = accounts_->ExcludedIpMatcher(store.id);
  ASSERT_TRUE(matcher);
  EXPECT_FALSE((*matcher)->Contains("203.0.113.7"));

  auto bad = accounts_->AddExcludedIp(store.id, "203.0.113.7/24", "", Actor::Cli());
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().field, "ip");
  EXPECT_NE(bad.error().message.find("203.0.113.0/24"), std::string::npos);

  auto added = accounts_->AddExcludedIp(store.id, " 203.0.113.0/24 ", "Office", Actor::Cli());
  ASSERT_TRUE(added);
  EXPECT_EQ(added->ip, "203.0.113.0/24");
  EXPECT_EQ(accounts_->AddExcludedIp(store.id, "203.0.113.0/24", "", Actor::Cli()).error().code, ErrorCode::kConflict);
  ASSERT_TRUE(accounts_->AddExcludedIp(store.id, "2001:db8::/32", "VPN", Actor::Cli()));
  matcher = accounts_->ExcludedIpMatcher(store.id);
  EXPECT_TRUE((*matcher)->Contains("203.0.113.7"));
  EXPECT_TRUE((*matcher)->Contains("::ffff:203.0.113.200"));
  EXPECT_TRUE((*matcher)->Contains("2001:db8::1"));
  EXPECT_FALSE((*matcher)->Contains("198.51.100.1"));

  ASSERT_TRUE(accounts_->RemoveExcludedIp(store.id, added->id, Actor::Cli()));
  EXPECT_FALSE((*accounts_->ExcludedIpMatcher(store.id))->Contains("203.0.113.7"));
  EXPECT_EQ(accounts_->ListExcludedIps(store.id)->size(), 1u);
}

}  // namespace
}  // namespace starling::accounts
