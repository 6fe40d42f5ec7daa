#include "base/crypto.h"

#include <gtest/gtest.h>

#include <set>

namespace starling::crypto {
namespace {

class CryptoTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(InitCrypto()); }
};

TEST_F(CryptoTest, RandomTokensAreAlphanumericAndDistinct) {
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) {
    std::string token = RandomToken(24);
    ASSERT_EQ(token.size(), 24u);
    for (char c : token) EXPECT_TRUE(std::isalnum(static_cast<unsigned char>(c))) << token;
    seen.insert(token);
  }
  EXPECT_EQ(seen.size(), 1000u);
}

TEST_F(CryptoTest, RandomUniformStaysBelowTheBound) {
  for (uint64_t bound : {uint64_t{1}, uint64_t{7}, uint64_t{1} << 40, UINT64_MAX}) {
    for (int i = 0; i < 200; ++i) EXPECT_LT(RandomUniform(bound), bound);
  }
}

TEST_F(CryptoTest, Sha256MatchesKnownVectors) {
  EXPECT_EQ(Sha256Hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(Sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST_F(CryptoTest, Base64RoundTrip) {
  EXPECT_EQ(Base64Encode("writekey:"), "d3JpdGVrZXk6");
  EXPECT_EQ(*Base64Decode("d3JpdGVrZXk6"), "writekey:");
  EXPECT_EQ(*Base64Decode("YQ"), "a");
  EXPECT_EQ(*Base64Decode("YQ=="), "a");
  EXPECT_FALSE(Base64Decode("not base64!"));
}

TEST_F(CryptoTest, ConstantTimeEquals) {
  EXPECT_TRUE(ConstantTimeEquals("", ""));
  EXPECT_TRUE(ConstantTimeEquals("secret", "secret"));
  EXPECT_FALSE(ConstantTimeEquals("secret", "secreT"));
  EXPECT_FALSE(ConstantTimeEquals("secret", "secret!"));
}

TEST_F(CryptoTest, PasswordHashRoundTrip) {
  auto hash = HashPassword("correct horse", PasswordCost::kMinimum);
  ASSERT_TRUE(hash) << hash.error().message;
  EXPECT_TRUE(hash->starts_with("$argon2id$")) << *hash;
  EXPECT_TRUE(VerifyPassword(*hash, "correct horse"));
  EXPECT_FALSE(VerifyPassword(*hash, "correct horse "));
  EXPECT_FALSE(VerifyPassword(*hash, ""));
  EXPECT_FALSE(VerifyPassword("", "correct horse"));
  EXPECT_FALSE(VerifyPassword("$argon2id$garbage", "correct horse"));
  // Same password, new salt.
  EXPECT_NE(*hash, *HashPassword("correct horse", PasswordCost::kMinimum));
}

TEST_F(CryptoTest, InteractiveCostIsArgon2id) {
  auto hash = HashPassword("pw-interactive");
  ASSERT_TRUE(hash);
  EXPECT_NE(hash->find("m=65536"), std::string::npos) << *hash;  // 64 MiB
  EXPECT_TRUE(VerifyPassword(*hash, "pw-interactive"));
}

}  // namespace
}  // namespace starling::crypto
