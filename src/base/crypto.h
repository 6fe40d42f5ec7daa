// Cryptographic helpers over libsodium: random tokens, hashing of secrets, password hashing.
//
// Secrets handed to users (session cookies, API key secrets, invitation and password-reset tokens) are
// random tokens; only their SHA-256 is stored, so a copy of the database does not let anyone sign in.
// Passwords are hashed with Argon2id (libsodium's crypto_pwhash_str, "interactive" limits by default).
// All functions are thread-safe. InitCrypto() must have succeeded once before any other call (it is
// idempotent and cheap; app/ calls it at start, tests call it in their setup).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "base/result.h"

namespace starling::crypto {

// Initializes libsodium. kInternal if the library cannot start (no entropy source).
Status InitCrypto();

// `length` random characters from [A-Za-z0-9] (about 5.95 bits each): 32 characters ≈ 190 bits.
// Safe for URLs, headers and cookies without escaping.
std::string RandomToken(size_t length = 32);

// A uniformly random integer in [0, upper_bound). `upper_bound` > 0.
uint64_t RandomUniform(uint64_t upper_bound);

// Lower-case hex SHA-256 of `data` (64 characters). For storing tokens, never passwords.
std::string Sha256Hex(std::string_view data);

// Compares in time independent of where the inputs differ (length differences return early).
bool ConstantTimeEquals(std::string_view a, std::string_view b);

// Standard base64 (with or without padding); nullopt when `text` is not base64.
std::optional<std::string> Base64Decode(std::string_view text);
std::string Base64Encode(std::string_view data);

// Argon2id cost. kInteractive is the default for people signing in; kMinimum exists for tests that
// create many users and must never be used by the server.
enum class PasswordCost { kInteractive, kMinimum };

// Encoded Argon2id hash ("$argon2id$v=19$m=…") with a random salt. kInternal when the system lacks the
// memory the cost asks for.
Result<std::string> HashPassword(std::string_view password,
                                 PasswordCost cost = PasswordCost::kInteractive);

// True when `password` matches `encoded_hash`. False for a malformed hash.
bool VerifyPassword(std::string_view encoded_hash, std::string_view password);

}  // namespace starling::crypto
