#include "accounts/validation.h"

#include <gtest/gtest.h>

namespace starling::accounts {
namespace {

TEST(ValidationTest, Emails) {
  EXPECT_EQ(*NormalizeEmail("  Ana.Lopez@Shop.Example "), "ana.lopez@shop.example");
  for (std::string_view bad : {"", "ana", "ana@", "@shop.example", "ana@shop", "ana@@shop.example",
                               "ana lopez@shop.example", "ana@shop..example", "ana@shop.example."}) {
    auto r = NormalizeEmail(bad);
    EXPECT_FALSE(r) << bad;
    if (!r) {
      EXPECT_EQ(r.error().field, "email");
    }
  }
}

TEST(ValidationTest, Passwords) {
  EXPECT_TRUE(ValidatePassword("12345678"));
  EXPECT_FALSE(ValidatePassword("1234567"));
  EXPECT_FALSE(ValidatePassword(std::string(257, 'x')));
  EXPECT_EQ(ValidatePassword("short", "new_password").error().field, "new_password");
}

TEST(ValidationTest, UrlsLanguagesZonesCurrencies) {
  EXPECT_TRUE(ValidateUrl("https://shop.example/fr", "site_url", false));
  EXPECT_TRUE(ValidateUrl("", "logo_url", true));
  EXPECT_FALSE(ValidateUrl("", "site_url", false));
  EXPECT_FALSE(ValidateUrl("shop.example", "site_url", false));
  EXPECT_FALSE(ValidateUrl("ftp://shop.example", "site_url", false));
  EXPECT_FALSE(ValidateUrl("https:///path", "site_url", false));
  EXPECT_EQ(*ValidateLanguage("fr"), "fr");
  EXPECT_EQ(*ValidateLanguage("en-GB"), "en-GB");
  EXPECT_FALSE(ValidateLanguage("French"));
  EXPECT_FALSE(ValidateLanguage("EN"));
  EXPECT_EQ(*ValidateTimeZone("UTC"), "UTC");
  EXPECT_EQ(*ValidateTimeZone("Europe/Madrid"), "Europe/Madrid");
  EXPECT_FALSE(ValidateTimeZone("Europe/Atlantis"));
  EXPECT_FALSE(ValidateTimeZone("../../etc/passwd"));
  EXPECT_FALSE(ValidateTimeZone("/etc/passwd"));
  EXPECT_EQ(*ValidateCurrency("eur"), "EUR");
  EXPECT_FALSE(ValidateCurrency("EURO"));
  EXPECT_FALSE(ValidateCurrency("XYZ"));
}

TEST(ValidationTest, Domains) {
  EXPECT_EQ(*NormalizeDomain("Shop.Example"), "shop.example");
  EXPECT_EQ(*NormalizeDomain("https://www.shop.example/path?q=1"), "www.shop.example");
  EXPECT_EQ(*NormalizeDomain("localhost:8080"), "localhost:8080");
  EXPECT_EQ(*NormalizeDomain("*.shop.example"), "*.shop.example");
  EXPECT_FALSE(NormalizeDomain(""));
  EXPECT_FALSE(NormalizeDomain("shop..example"));
  EXPECT_FALSE(NormalizeDomain("shop.example:99999"));
  EXPECT_FALSE(NormalizeDomain("shop example"));
  EXPECT_EQ(NormalizeDomain("bad domain").error().field, "authorized_domains");
}

TEST(ValidationTest, HostAuthorized) {
  const std::vector<std::string> domains = {"shop.example", "*.cdn.example", "localhost:8080"};
  EXPECT_TRUE(HostAuthorized(domains, "https://shop.example/p/1?x=1#y"));
  EXPECT_TRUE(HostAuthorized(domains, "HTTPS://Shop.Example:443/p"));  // no port in the domain: any port
  EXPECT_TRUE(HostAuthorized(domains, "https://shop.example?x=1"));
  EXPECT_TRUE(HostAuthorized(domains, "https://cdn.example"));
  EXPECT_TRUE(HostAuthorized(domains, "https://img.eu.cdn.example/a.jpg"));
  EXPECT_TRUE(HostAuthorized(domains, "http://localhost:8080"));
  EXPECT_FALSE(HostAuthorized(domains, "http://localhost:9090"));
  EXPECT_FALSE(HostAuthorized(domains, "https://www.shop.example/p"));
  EXPECT_FALSE(HostAuthorized(domains, "https://evilshop.example/p"));
  EXPECT_FALSE(HostAuthorized(domains, "https://shop.example.evil.example/p"));
  EXPECT_FALSE(HostAuthorized(domains, "https://shop.example@evil.example/p"));  // user info, then the host
  EXPECT_FALSE(HostAuthorized(domains, "https://evil.example/shop.example"));
  EXPECT_FALSE(HostAuthorized(domains, "shop.example/p"));
  EXPECT_FALSE(HostAuthorized(domains, "https:///p"));
  EXPECT_FALSE(HostAuthorized({}, "https://shop.example/p"));
}

TEST(ValidationTest, NamesAndText) {
  EXPECT_EQ(*ValidateName("  Acme  ", "name"), "Acme");
  EXPECT_FALSE(ValidateName("   ", "name"));
  EXPECT_FALSE(ValidateName("a\x01", "name"));
  EXPECT_FALSE(ValidateName(std::string(201, 'a'), "name"));
  EXPECT_TRUE(ValidateText("line 1\nline 2", "legal_info", 100));
  EXPECT_FALSE(ValidateText(std::string(101, 'a'), "legal_info", 100));
}

}  // namespace
}  // namespace starling::accounts
