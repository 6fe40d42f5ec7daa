#include "base/crypto.h"

#include <sodium.h>

#include <array>

namespace starling::crypto {

Status InitCrypto() {
  if (sodium_init() < 0) return Error::Internal("libsodium could not be initialized");
  return Ok();
}

std::string RandomToken(size_t length) {
  static constexpr std::string_view kAlphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  std::string token(length, '\0');
  for (char& c : token) c = kAlphabet[randombytes_uniform(static_cast<uint32_t>(kAlphabet.size()))];
  return token;
}

uint64_t RandomUniform(uint64_t upper_bound) {
  if (upper_bound <= UINT32_MAX) return randombytes_uniform(static_cast<uint32_t>(upper_bound));
  // Rejection sampling over 64 bits: the largest multiple of upper_bound below 2^64.
  const uint64_t limit = UINT64_MAX - (UINT64_MAX % upper_bound);
  uint64_t value;
  do {
    randombytes_buf(&value, sizeof value);
  } while (value >= limit);
  return value % upper_bound;
}

std::string Sha256Hex(std::string_view data) {
  std::array<unsigned char, crypto_hash_sha256_BYTES> digest;
  crypto_hash_sha256(digest.data(), reinterpret_cast<const unsigned char*>(data.data()), data.size());
  std::string hex(digest.size() * 2 + 1, '\0');
  sodium_bin2hex(hex.data(), hex.size(), digest.data(), digest.size());
  hex.pop_back();  // sodium writes a terminating NUL
  return hex;
}

bool ConstantTimeEquals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  if (a.empty()) return true;
  return sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

std::optional<std::string> Base64Decode(std::string_view text) {
  std::string out(text.size() * 3 / 4 + 3, '\0');
  size_t length = 0;
  if (sodium_base642bin(reinterpret_cast<unsigned char*>(out.data()), out.size(), text.data(), text.size(), nullptr,
                        &length, nullptr, sodium_base64_VARIANT_ORIGINAL) != 0) {
    if (sodium_base642bin(reinterpret_cast<unsigned char*>(out.data()), out.size(), text.data(), text.size(), nullptr,
                          &length, nullptr, sodium_base64_VARIANT_ORIGINAL_NO_PADDING) != 0) {
      return std::nullopt;
    }
  }
  out.resize(length);
  return out;
}

std::string Base64Encode(std::string_view data) {
  std::string out(sodium_base64_ENCODED_LEN(data.size(), sodium_base64_VARIANT_ORIGINAL), '\0');
  sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(data.data()), data.size(),
                    sodium_base64_VARIANT_ORIGINAL);
  out.pop_back();  // NUL
  return out;
}

Result<std::string> HashPassword(std::string_view password, PasswordCost cost) {
  unsigned long long ops = crypto_pwhash_OPSLIMIT_INTERACTIVE;
  size_t mem = crypto_pwhash_MEMLIMIT_INTERACTIVE;
  if (cost == PasswordCost::kMinimum) {
    ops = crypto_pwhash_OPSLIMIT_MIN;
    mem = crypto_pwhash_MEMLIMIT_MIN;
  }
  std::array<char, crypto_pwhash_STRBYTES> out{};
  if (crypto_pwhash_str_alg(out.data(), password.data(), password.size(), ops, mem,
                            crypto_pwhash_ALG_ARGON2ID13) != 0) {
    return Error::Internal("password hashing failed: not enough memory for Argon2id");
  }
  return std::string(out.data());
}

bool VerifyPassword(std::string_view encoded_hash, std::string_view password) {
  if (encoded_hash.empty() || encoded_hash.size() >= crypto_pwhash_STRBYTES) return false;
  std::string hash(encoded_hash);  // needs a NUL-terminated string
  return crypto_pwhash_str_verify(hash.c_str(), password.data(), password.size()) == 0;
}

}  // namespace starling::crypto
