// Excluded IPs of a store: IP addresses, CIDR ranges, and a matcher that answers "is this client
// excluded?" on every tracked request.
//
// Text forms accepted by ParseIpAddress and ParseCidr (leading and trailing whitespace is ignored):
// - IPv4 dotted decimal, four numbers 0–255 without leading zeros: `203.0.113.7` (`010.0.0.1` is
//   refused: some tools read it as octal).
// - IPv6 in any RFC 4291 form, upper or lower case: `2001:db8::1`, `::`, `::ffff:10.0.0.1`.
// - An IPv6 address in brackets, as it appears in URLs and `Forwarded` headers: `[2001:db8::1]`.
//   Brackets around IPv4 are refused.
// - Refused, each with a message that says what to fix: zone ids (`fe80::1%eth0`: they name a
// network
//   interface of one machine, which means nothing in a stored setting), ports (`203.0.113.7:80`),
//   and a range where one address is expected.
//
// IPv4-mapped IPv6 addresses (`::ffff:a.b.c.d`, what a dual-stack socket reports for an IPv4
// client) are IPv4 here: ParseIpAddress("::ffff:10.0.0.1") equals ParseIpAddress("10.0.0.1"), and
// the mapped CIDR
// `::ffff:10.0.0.0/104` is `10.0.0.0/8`. Other IPv6 ranges never contain an IPv4 address: `::/0` is
// "every IPv6 client"; to exclude everyone, list both `0.0.0.0/0` and `::/0`.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace starling::accounts {

// `__extension__` keeps -Wpedantic quiet about the GCC/Clang 128-bit integer.
__extension__ using Uint128 = unsigned __int128;

enum class IpFamily : uint8_t { kV4, kV6 };

// One IPv4 or IPv6 address. A value type; IPv4-mapped IPv6 addresses are always stored as IPv4, so
// two IpAddress values are equal exactly when they name the same client.
class IpAddress final {
 public:
  IpAddress() = default;  // 0.0.0.0

  static IpAddress V4(uint32_t bits) { return IpAddress(IpFamily::kV4, bits); }
  // `::ffff:a.b.c.d` becomes the IPv4 address a.b.c.d.
  static IpAddress V6(Uint128 bits);

  IpFamily family() const { return family_; }
  bool is_v4() const { return family_ == IpFamily::kV4; }
  bool is_v6() const { return family_ == IpFamily::kV6; }
  // Host byte order; an IPv4 address is in the low 32 bits, the rest zero.
  Uint128 bits() const { return bits_; }
  uint32_t v4_bits() const { return static_cast<uint32_t>(bits_); }  // meaningful when is_v4()

  // "203.0.113.7"; IPv6 in the RFC 5952 canonical form: "2001:db8::1".
  std::string ToString() const;

  friend bool operator==(const IpAddress&, const IpAddress&) = default;

 private:
  IpAddress(IpFamily family, Uint128 bits) : family_(family), bits_(bits) {}

  IpFamily family_ = IpFamily::kV4;
  Uint128 bits_ = 0;
};

// Parses one address (forms above). On failure: `invalid_argument` whose message quotes the text
// and says what to fix; `field` is left empty for the caller to name.
Result<IpAddress> ParseIpAddress(std::string_view text);

// The same parse without a message: never allocates, for the per-request path. nullopt when
// ParseIpAddress would fail.
std::optional<IpAddress> TryParseIpAddress(std::string_view text);

// A CIDR range: a network address and a prefix length. Invariants, kept by every way to make one:
// 0 <= prefix_len <= 32 (IPv4) or 128 (IPv6), and no bit after the prefix is set in the network.
class CidrBlock final {
 public:
  // `network`/`prefix_len`; errors: prefix out of range, host bits set ("did you mean …?").
  static Result<CidrBlock> Of(IpAddress network, int prefix_len);
  // The range holding exactly `address` (/32 or /128).
  static CidrBlock Single(IpAddress address);

  const IpAddress& network() const { return network_; }
  int prefix_len() const { return prefix_len_; }
  IpFamily family() const { return network_.family(); }
  IpAddress first() const { return network_; }
  IpAddress last() const;
  bool Contains(const IpAddress& address) const;

  // Canonical text: "10.0.0.0/8", "2001:db8::/32", and a single address without /32 or /128
  // ("203.0.113.7"). ParseCidr(block.ToString()) == block; use it to store and compare ranges.
  std::string ToString() const;

  friend bool operator==(const CidrBlock&, const CidrBlock&) = default;

 private:
  CidrBlock(IpAddress network, int prefix_len) : network_(network), prefix_len_(prefix_len) {}

  IpAddress network_;
  int prefix_len_ = 0;
};

// Parses "10.0.0.0/8", "2001:db8::/32", "::/0", "0.0.0.0/0", or an address alone ("1.2.3.4" is
// 1.2.3.4/32). A mapped IPv4 range with a prefix of at least 96 becomes the IPv4 range
// (`::ffff:10.0.0.0/104` is `10.0.0.0/8`). Errors (`invalid_argument`, `field` empty) say what to
// fix:
// "`10.0.0.1/8` has host bits set: did you mean `10.0.0.0/8`?",
// "prefix length `/33` is out of range for IPv4 (0–32)".
Result<CidrBlock> ParseCidr(std::string_view text);

// The set of excluded ranges of one store, built once and then only read.
//
// Overlapping and adjacent ranges are merged, IPv4 and IPv6 kept apart, so Contains() is one binary
// search over sorted disjoint ranges: O(log n), no allocation, no lock. Immutable after
// construction: any number of threads may call the const methods at once. To change the list, build
// a new matcher and publish it (e.g. an atomically swapped std::shared_ptr<const IpMatcher>).
class IpMatcher final {
 public:
  IpMatcher() = default;  // matches nothing
  explicit IpMatcher(std::span<const CidrBlock> blocks);

  bool Contains(const IpAddress& address) const;
  // False for text that TryParseIpAddress refuses (garbage never counts as excluded). Never
  // allocates.
  bool Contains(std::string_view address_text) const;

  // Disjoint ranges after merging (IPv4 and IPv6 together); for tests and metrics.
  size_t range_count() const { return v4_.size() + v6_.size(); }
  bool empty() const { return v4_.empty() && v6_.empty(); }

 private:
  struct V4Range {
    uint32_t first;
    uint32_t last;  // inclusive
  };
  struct V6Range {
    Uint128 first;
    Uint128 last;  // inclusive
  };

  std::vector<V4Range> v4_;  // sorted, disjoint, never adjacent
  std::vector<V6Range> v6_;
};

}  // namespace starling::accounts
