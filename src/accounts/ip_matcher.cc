#include "accounts/ip_matcher.h"

#include "base/text.h"

#include <arpa/inet.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <cstring>
#include <iterator>

#include "base/check.h"

namespace starling::accounts {
namespace {

constexpr int kV4Bits = 32;
constexpr int kV6Bits = 128;
// The longest IPv6 text: "ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255".
constexpr size_t kMaxAddressText = 45;
// Quoted user text is cut here, so a pasted paragraph does not come back whole in the error.
constexpr size_t kMaxQuoted = 60;

// In ::ffff:0:0/96, the IPv4-mapped addresses.
bool IsMapped(Uint128 bits) { return (bits >> 32) == 0xffff; }

// An address as written, before IPv4-mapped addresses become IPv4: ParseCidr needs the written
// family to read the prefix length against the right width.
struct WrittenAddress {
  bool written_v6;
  Uint128 bits;
};

// `text` must already be trimmed. Copies into a stack buffer because inet_pton wants a C string.
std::optional<WrittenAddress> ParseWritten(std::string_view text) {
  if (text.size() >= 2 && text.front() == '[' && text.back() == ']') {
    text = text.substr(1, text.size() - 2);
    if (text.find(':') == std::string_view::npos) return std::nullopt;  // "[1.2.3.4]"
  }
  if (text.empty() || text.size() > kMaxAddressText) return std::nullopt;
  // inet_pton would stop at an embedded NUL and accept "1.2.3.4\0junk".
  if (text.find('\0') != std::string_view::npos) return std::nullopt;
  char buffer[kMaxAddressText + 1];
  std::memcpy(buffer, text.data(), text.size());
  buffer[text.size()] = '\0';
  if (text.find(':') == std::string_view::npos) {
    unsigned char octets[4];
    if (inet_pton(AF_INET, buffer, octets) != 1) return std::nullopt;
    uint32_t bits = (uint32_t{octets[0]} << 24) | (uint32_t{octets[1]} << 16) |
                    (uint32_t{octets[2]} << 8) | uint32_t{octets[3]};
    return WrittenAddress{false, bits};
  }
  unsigned char octets[16];
  if (inet_pton(AF_INET6, buffer, octets) != 1) return std::nullopt;
  Uint128 bits = 0;
  for (unsigned char octet : octets) bits = (bits << 8) | octet;
  return WrittenAddress{true, bits};
}

IpAddress Normalize(const WrittenAddress& written) {
  return written.written_v6 ? IpAddress::V6(written.bits)
                            : IpAddress::V4(static_cast<uint32_t>(written.bits));
}

std::string FormatV4(uint32_t bits) {
  return std::to_string(bits >> 24) + '.' + std::to_string((bits >> 16) & 0xff) + '.' +
         std::to_string((bits >> 8) & 0xff) + '.' + std::to_string(bits & 0xff);
}

// RFC 5952: lower-case hex without leading zeros, the longest run (first on a tie) of two or more
// zero groups written `::`, and the mixed form only for IPv4-mapped addresses. (glibc's inet_ntop
// also writes the deprecated `::a.b.c.d` form for addresses like ::102:304, hence our own.)
std::string FormatV6(Uint128 bits) {
  if (IsMapped(bits)) return "::ffff:" + FormatV4(static_cast<uint32_t>(bits));
  std::array<uint16_t, 8> groups;
  for (int i = 0; i < 8; ++i) groups[i] = static_cast<uint16_t>(bits >> (16 * (7 - i)));
  int best_start = -1;
  int best_len = 0;
  for (int i = 0; i < 8;) {
    if (groups[i] != 0) {
      ++i;
      continue;
    }
    int j = i;
    while (j < 8 && groups[j] == 0) ++j;
    if (j - i > best_len) {
      best_start = i;
      best_len = j - i;
    }
    i = j;
  }
  if (best_len < 2) best_start = -1;

  std::string out;
  char hex[8];
  for (int i = 0; i < 8; ++i) {
    if (i == best_start) {
      out += "::";
      i += best_len - 1;
      continue;
    }
    if (!out.empty() && out.back() != ':') out += ':';
    auto [end, ec] = std::to_chars(hex, hex + sizeof hex, groups[i], 16);
    out.append(hex, end);
  }
  return out;
}

std::string FormatWritten(const WrittenAddress& written) {
  return written.written_v6 ? FormatV6(written.bits)
                            : FormatV4(static_cast<uint32_t>(written.bits));
}

std::string Quote(std::string_view text) {
  std::string out = "`";
  if (text.size() > kMaxQuoted) {
    size_t cut = kMaxQuoted;
    while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;  // UTF-8
    out.append(text.substr(0, cut));
    out += "…";
  } else {
    out.append(text);
  }
  out += '`';
  return out;
}

// Why `text` (trimmed, non-empty) is not an address, in words that say what to fix.
Error DiagnoseAddress(std::string_view text) {
  size_t percent = text.find('%');
  if (percent != std::string_view::npos) {
    return Error::InvalidArgument(
        Quote(text) + " has a zone id (" + Quote(text.substr(percent)) +
        "): a zone id names a network interface of one machine and cannot be used here; remove it");
  }
  // "203.0.113.7:80" or "[2001:db8::1]:80".
  size_t colon = text.rfind(':');
  if (colon != std::string_view::npos && colon + 1 < text.size() &&
      text.find_first_not_of("0123456789", colon + 1) == std::string_view::npos) {
    std::string_view host = text.substr(0, colon);
    bool bracketed = host.size() >= 2 && host.front() == '[' && host.back() == ']';
    if (bracketed || (host.find(':') == std::string_view::npos && ParseWritten(host))) {
      return Error::InvalidArgument(Quote(text) + " includes a port: remove " +
                                    Quote(text.substr(colon)));
    }
  }
  if (text.front() == '[' && text.back() == ']' && text.find(':') == std::string_view::npos) {
    return Error::InvalidArgument(
        Quote(text) +
        " is not an IPv4 or IPv6 address: only IPv6 addresses are written "
        "in brackets; remove them");
  }
  if (text.find_first_not_of("0123456789.") == std::string_view::npos) {
    return Error::InvalidArgument(
        Quote(text) +
        " is not an IPv4 or IPv6 address: an IPv4 address is four numbers "
        "from 0 to 255 without leading zeros, like `203.0.113.7`");
  }
  return Error::InvalidArgument(Quote(text) +
                                " is not an IPv4 or IPv6 address (examples: `203.0.113.7`, "
                                "`2001:db8::1`)");
}

Uint128 HostMask(int width, int prefix_len) {
  if (prefix_len >= width) return 0;
  Uint128 all = width == kV6Bits ? ~Uint128{0} : Uint128{0xffffffff};
  // prefix_len < width <= 128, so the shift is in range.
  return all >> prefix_len;
}

Error PrefixOutOfRange(std::string_view prefix_text, bool v6) {
  std::string_view range = v6 ? "IPv6 (0–128)" : "IPv4 (0–32)";
  return Error::InvalidArgument("prefix length " + Quote("/" + std::string(prefix_text)) +
                                " is out of range for " + std::string(range));
}

Error HostBitsSet(const WrittenAddress& written, int prefix_len, Uint128 host_mask) {
  WrittenAddress network{written.written_v6, written.bits & ~host_mask};
  std::string prefix = "/" + std::to_string(prefix_len);
  return Error::InvalidArgument(Quote(FormatWritten(written) + prefix) +
                                " has host bits set: did you mean " +
                                Quote(FormatWritten(network) + prefix) + "?");
}

// Checks the host bits of `written` against its written width (the prefix is in range), then
// normalizes: a mapped IPv4 range becomes the IPv4 range.
Result<CidrBlock> MakeBlock(const WrittenAddress& written, int prefix_len) {
  Uint128 host_mask = HostMask(written.written_v6 ? kV6Bits : kV4Bits, prefix_len);
  if ((written.bits & host_mask) != 0) return HostBitsSet(written, prefix_len, host_mask);
  IpAddress network = Normalize(written);
  if (written.written_v6 && network.is_v4()) {
    // A mapped network without host bits: a prefix shorter than 96 would leave the `ffff` of
    // ::ffff:0:0/96 in the host bits, refused above.
    CHECK(prefix_len >= kV6Bits - kV4Bits) << prefix_len;
    return CidrBlock::Of(network, prefix_len - (kV6Bits - kV4Bits));
  }
  return CidrBlock::Of(network, prefix_len);
}

template <typename Range>
void SortAndMerge(std::vector<Range>& ranges) {
  using Bits = decltype(Range::first);
  constexpr Bits kMax = ~Bits{0};
  std::sort(ranges.begin(), ranges.end(),
            [](const Range& a, const Range& b) { return a.first < b.first; });
  size_t kept = 0;
  for (const Range& range : ranges) {
    if (kept > 0) {
      Range& previous = ranges[kept - 1];
      // Overlapping or adjacent (previous.last + 1 == range.first): extend. `kMax` checked first so
      // that + 1 cannot wrap.
      if (previous.last == kMax || range.first <= previous.last + 1) {
        previous.last = std::max(previous.last, range.last);
        continue;
      }
    }
    ranges[kept++] = range;
  }
  ranges.resize(kept);
  ranges.shrink_to_fit();
}

template <typename Range, typename Bits>
bool RangesContain(const std::vector<Range>& ranges, Bits bits) {
  // The first range starting after `bits`; the one before it is the only candidate.
  auto after = std::upper_bound(ranges.begin(), ranges.end(), bits,
                                [](Bits value, const Range& range) { return value < range.first; });
  return after != ranges.begin() && bits <= std::prev(after)->last;
}

}  // namespace

IpAddress IpAddress::V6(Uint128 bits) {
  if (IsMapped(bits)) return V4(static_cast<uint32_t>(bits));
  return IpAddress(IpFamily::kV6, bits);
}

std::string IpAddress::ToString() const { return is_v4() ? FormatV4(v4_bits()) : FormatV6(bits_); }

std::optional<IpAddress> TryParseIpAddress(std::string_view text) {
  std::optional<WrittenAddress> written = ParseWritten(Trim(text));
  if (!written) return std::nullopt;
  return Normalize(*written);
}

Result<IpAddress> ParseIpAddress(std::string_view text) {
  std::string_view trimmed = Trim(text);
  if (trimmed.empty()) {
    return Error::InvalidArgument(
        "empty address: expected an IPv4 or IPv6 address like `203.0.113.7` or `2001:db8::1`");
  }
  if (std::optional<WrittenAddress> written = ParseWritten(trimmed)) return Normalize(*written);
  if (trimmed.find('/') != std::string_view::npos) {
    return Error::InvalidArgument(Quote(trimmed) +
                                  " is a range: expected a single address like `203.0.113.7`");
  }
  return DiagnoseAddress(trimmed);
}

Result<CidrBlock> CidrBlock::Of(IpAddress network, int prefix_len) {
  const int width = network.is_v4() ? kV4Bits : kV6Bits;
  if (prefix_len < 0 || prefix_len > width) {
    return PrefixOutOfRange(std::to_string(prefix_len), network.is_v6());
  }
  Uint128 host_mask = HostMask(width, prefix_len);
  if ((network.bits() & host_mask) != 0) {
    return HostBitsSet(WrittenAddress{network.is_v6(), network.bits()}, prefix_len, host_mask);
  }
  return CidrBlock(network, prefix_len);
}

CidrBlock CidrBlock::Single(IpAddress address) {
  return CidrBlock(address, address.is_v4() ? kV4Bits : kV6Bits);
}

IpAddress CidrBlock::last() const {
  Uint128 bits = network_.bits() | HostMask(network_.is_v4() ? kV4Bits : kV6Bits, prefix_len_);
  return network_.is_v4() ? IpAddress::V4(static_cast<uint32_t>(bits)) : IpAddress::V6(bits);
}

bool CidrBlock::Contains(const IpAddress& address) const {
  if (address.family() != network_.family()) return false;
  const int width = network_.is_v4() ? kV4Bits : kV6Bits;
  return (address.bits() & ~HostMask(width, prefix_len_)) == network_.bits();
}

std::string CidrBlock::ToString() const {
  std::string out = network_.ToString();
  if (prefix_len_ != (network_.is_v4() ? kV4Bits : kV6Bits)) {
    out += '/';
    out += std::to_string(prefix_len_);
  }
  return out;
}

Result<CidrBlock> ParseCidr(std::string_view text) {
  std::string_view trimmed = Trim(text);
  if (trimmed.empty()) {
    return Error::InvalidArgument(
        "empty address: expected an IPv4 or IPv6 address or a CIDR range like `203.0.113.0/24`");
  }
  size_t slash = trimmed.find('/');
  if (slash == std::string_view::npos) {
    STARLING_ASSIGN_OR_RETURN(IpAddress address, ParseIpAddress(trimmed));
    return CidrBlock::Single(address);
  }
  std::string_view address_text = Trim(trimmed.substr(0, slash));
  std::string_view prefix_text = Trim(trimmed.substr(slash + 1));
  if (address_text.empty()) {
    return Error::InvalidArgument(
        Quote(trimmed) + " has no address before `/`: write a range like `203.0.113.0/24`");
  }
  if (prefix_text.empty()) {
    return Error::InvalidArgument(Quote(trimmed) +
                                  " has no prefix length after `/`: write a range like "
                                  "`203.0.113.0/24`");
  }
  std::optional<WrittenAddress> written = ParseWritten(address_text);
  if (!written) return DiagnoseAddress(address_text);

  if (prefix_text.find_first_not_of("0123456789") != std::string_view::npos) {
    return Error::InvalidArgument("prefix length " + Quote("/" + std::string(prefix_text)) +
                                  " is not a number: write the number of network bits, like `/24`");
  }
  int prefix_len = 0;
  auto [end, ec] =
      std::from_chars(prefix_text.data(), prefix_text.data() + prefix_text.size(), prefix_len);
  const int width = written->written_v6 ? kV6Bits : kV4Bits;
  if (ec != std::errc() || end != prefix_text.data() + prefix_text.size() || prefix_len > width) {
    return PrefixOutOfRange(prefix_text, written->written_v6);
  }
  return MakeBlock(*written, prefix_len);
}

IpMatcher::IpMatcher(std::span<const CidrBlock> blocks) {
  for (const CidrBlock& block : blocks) {
    if (block.family() == IpFamily::kV4) {
      v4_.push_back({block.first().v4_bits(), block.last().v4_bits()});
    } else {
      v6_.push_back({block.first().bits(), block.last().bits()});
    }
  }
  SortAndMerge(v4_);
  SortAndMerge(v6_);
}

bool IpMatcher::Contains(const IpAddress& address) const {
  return address.is_v4() ? RangesContain(v4_, address.v4_bits())
                         : RangesContain(v6_, address.bits());
}

bool IpMatcher::Contains(std::string_view address_text) const {
  std::optional<IpAddress> address = TryParseIpAddress(address_text);
  return address && Contains(*address);
}

}  // namespace starling::accounts
