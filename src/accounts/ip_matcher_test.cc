#include "accounts/ip_matcher.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

namespace starling::accounts {
namespace {

using ::testing::HasSubstr;

IpAddress Ip(std::string_view text) {
  Result<IpAddress> ip = ParseIpAddress(text);
  EXPECT_TRUE(ip) << text << ": " << ip.error().message;
  return ip.value_or(IpAddress());
}

CidrBlock Cidr(std::string_view text) {
  Result<CidrBlock> block = ParseCidr(text);
  EXPECT_TRUE(block) << text << ": " << block.error().message;
  return block.value_or(CidrBlock::Single(IpAddress()));
}

std::string AddressError(std::string_view text) {
  Result<IpAddress> ip = ParseIpAddress(text);
  if (ip) return "parsed as " + ip->ToString();
  EXPECT_EQ(ip.error().code, ErrorCode::kInvalidArgument);
  return ip.error().message;
}

std::string CidrError(std::string_view text) {
  Result<CidrBlock> block = ParseCidr(text);
  if (block) return "parsed as " + block->ToString();
  EXPECT_EQ(block.error().code, ErrorCode::kInvalidArgument);
  return block.error().message;
}

IpMatcher Matcher(std::initializer_list<std::string_view> texts) {
  std::vector<CidrBlock> blocks;
  for (std::string_view text : texts) blocks.push_back(Cidr(text));
  return IpMatcher(blocks);
}

Uint128 V6Bits(uint64_t high, uint64_t low) { return (Uint128{high} << 64) | low; }

// ---- ParseIpAddress ----

TEST(ParseIpAddressTest, ParsesIpv4) {
  IpAddress ip = Ip("203.0.113.7");
  EXPECT_TRUE(ip.is_v4());
  EXPECT_EQ(ip.family(), IpFamily::kV4);
  EXPECT_EQ(ip.v4_bits(), 0xCB007107u);
  EXPECT_EQ(ip.bits(), Uint128{0xCB007107u});
  EXPECT_EQ(ip.ToString(), "203.0.113.7");
  EXPECT_EQ(Ip("0.0.0.0"), IpAddress::V4(0));
  EXPECT_EQ(Ip("255.255.255.255"), IpAddress::V4(0xffffffffu));
  EXPECT_EQ(IpAddress(), IpAddress::V4(0));
}

TEST(ParseIpAddressTest, TrimsSurroundingWhitespace) {
  EXPECT_EQ(Ip("  10.0.0.1\t\n"), IpAddress::V4(0x0a000001));
  EXPECT_EQ(Ip(" 2001:db8::1 "), Ip("2001:db8::1"));
}

TEST(ParseIpAddressTest, ParsesIpv6InAnyCaseAndForm) {
  IpAddress ip = Ip("2001:db8::1");
  EXPECT_TRUE(ip.is_v6());
  EXPECT_EQ(ip.bits(), V6Bits(0x20010db800000000, 1));
  EXPECT_EQ(Ip("2001:DB8:0:0:0:0:0:1"), ip);
  EXPECT_EQ(Ip("2001:0db8:0000:0000:0000:0000:0000:0001"), ip);
  EXPECT_EQ(Ip("::").bits(), Uint128{0});
  EXPECT_TRUE(Ip("::").is_v6());
  EXPECT_EQ(Ip("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff").bits(), ~Uint128{0});
}

TEST(ParseIpAddressTest, AcceptsBracketsAroundIpv6Only) {
  EXPECT_EQ(Ip("[2001:db8::1]"), Ip("2001:db8::1"));
  EXPECT_EQ(Ip(" [::1] "), Ip("::1"));
  EXPECT_THAT(AddressError("[10.0.0.1]"), HasSubstr("only IPv6 addresses are written in brackets"));
  EXPECT_THAT(AddressError("[2001:db8::1"), HasSubstr("is not an IPv4 or IPv6 address"));
  EXPECT_THAT(AddressError("[]"), HasSubstr("is not an IPv4 or IPv6 address"));
}

TEST(ParseIpAddressTest, MappedIpv4BecomesIpv4) {
  IpAddress mapped = Ip("::ffff:10.0.0.1");
  EXPECT_TRUE(mapped.is_v4());
  EXPECT_EQ(mapped, Ip("10.0.0.1"));
  EXPECT_EQ(mapped.ToString(), "10.0.0.1");
  EXPECT_EQ(Ip("::FFFF:a00:1"), Ip("10.0.0.1"));
  EXPECT_EQ(Ip("[::ffff:10.0.0.1]"), Ip("10.0.0.1"));
  EXPECT_EQ(Ip("0:0:0:0:0:ffff:0.0.0.0"), IpAddress::V4(0));
  EXPECT_EQ(IpAddress::V6(V6Bits(0, 0x0000ffff0a000001)), IpAddress::V4(0x0a000001));
  // Only ::ffff:0:0/96 is mapped: the deprecated IPv4-compatible form and its neighbours stay IPv6.
  EXPECT_TRUE(Ip("::10.0.0.1").is_v6());
  EXPECT_TRUE(Ip("::fffe:a00:1").is_v6());
  EXPECT_TRUE(Ip("::1:ffff:a00:1").is_v6());
}

TEST(ParseIpAddressTest, RefusesEmptyText) {
  EXPECT_THAT(AddressError(""), HasSubstr("empty address"));
  EXPECT_THAT(AddressError("   \t"), HasSubstr("empty address"));
}

TEST(ParseIpAddressTest, RefusesMalformedIpv4WithAHint) {
  EXPECT_THAT(AddressError("300.1.1.1"), HasSubstr("`300.1.1.1` is not an IPv4 or IPv6 address"));
  EXPECT_THAT(AddressError("300.1.1.1"), HasSubstr("four numbers from 0 to 255"));
  EXPECT_THAT(AddressError("1.2.3"), HasSubstr("`1.2.3` is not an IPv4 or IPv6 address"));
  EXPECT_THAT(AddressError("1.2.3.4.5"), HasSubstr("is not an IPv4 or IPv6 address"));
  EXPECT_THAT(AddressError("010.0.0.1"), HasSubstr("without leading zeros"));
  EXPECT_THAT(AddressError("1..2.3"), HasSubstr("is not an IPv4 or IPv6 address"));
  EXPECT_THAT(AddressError("12345"), HasSubstr("is not an IPv4 or IPv6 address"));
}

TEST(ParseIpAddressTest, RefusesGarbage) {
  for (std::string_view text :
       {"hello", "0x0a000001", "2001:db8::g", "1:2:3:4:5:6:7:8:9", "2001:db8:::1", "1.2.3.4 5",
        "::ffff:1.2.3.04", "-1.2.3.4", "localhost"}) {
    EXPECT_THAT(AddressError(text), HasSubstr("is not an IPv4 or IPv6 address")) << text;
  }
  EXPECT_THAT(AddressError("hello"), HasSubstr("examples: `203.0.113.7`, `2001:db8::1`"));
}

TEST(ParseIpAddressTest, RefusesZoneIds) {
  EXPECT_EQ(AddressError("fe80::1%eth0"),
            "`fe80::1%eth0` has a zone id (`%eth0`): a zone id names a network interface of one "
            "machine and cannot be used here; remove it");
  EXPECT_THAT(AddressError("fe80::1%2"), HasSubstr("zone id"));
  EXPECT_FALSE(TryParseIpAddress("fe80::1%eth0"));
}

TEST(ParseIpAddressTest, RefusesPorts) {
  EXPECT_EQ(AddressError("203.0.113.7:8080"), "`203.0.113.7:8080` includes a port: remove `:8080`");
  EXPECT_EQ(AddressError("[2001:db8::1]:443"),
            "`[2001:db8::1]:443` includes a port: remove `:443`");
  // The last group of an IPv6 address is not a port.
  EXPECT_THAT(AddressError("2001:db8::1::2"), HasSubstr("is not an IPv4 or IPv6 address"));
}

TEST(ParseIpAddressTest, RefusesARangeWhereOneAddressIsExpected) {
  EXPECT_THAT(AddressError("10.0.0.0/8"), HasSubstr("`10.0.0.0/8` is a range"));
}

TEST(ParseIpAddressTest, QuotesLongInputShortened) {
  std::string long_text(500, 'x');
  std::string message = AddressError(long_text);
  EXPECT_LT(message.size(), 200u);
  EXPECT_THAT(message, HasSubstr("…`"));
  // Cut on a character boundary: "é" is two bytes, so an odd cut would split one.
  std::string accents;
  for (int i = 0; i < 100; ++i) accents += "é";
  std::string accent_message = AddressError("x" + accents);
  EXPECT_THAT(accent_message, HasSubstr("xéé"));
  EXPECT_THAT(accent_message, HasSubstr("éé…`"));
}

TEST(ParseIpAddressTest, TryParseNeverFailsLoudly) {
  EXPECT_EQ(TryParseIpAddress(" 10.0.0.1 "), IpAddress::V4(0x0a000001));
  EXPECT_EQ(TryParseIpAddress("::ffff:10.0.0.1"), IpAddress::V4(0x0a000001));
  EXPECT_FALSE(TryParseIpAddress(""));
  EXPECT_FALSE(TryParseIpAddress("300.1.1.1"));
  EXPECT_FALSE(TryParseIpAddress(std::string(1000, '1')));
  EXPECT_FALSE(TryParseIpAddress(std::string_view("1.2.3.4\0", 8)));
}

TEST(IpAddressTest, FormatsIpv6CanonicallyPerRfc5952) {
  const std::pair<std::string_view, std::string_view> cases[] = {
      {"2001:0DB8:0000:0000:0000:0000:0000:0001", "2001:db8::1"},
      {"2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1"},     // first of two equal runs
      {"0:0:1:0:0:0:0:1", "0:0:1::1"},                   // longest run wins
      {"2001:db8:0:1:1:1:1:1", "2001:db8:0:1:1:1:1:1"},  // one zero group is not compressed
      {"::", "::"},
      {"::1", "::1"},
      {"1::", "1::"},
      {"::102:304", "::102:304"},  // not the deprecated ::1.2.3.4
      {"fe80::abcd:ef01", "fe80::abcd:ef01"},
      {"ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"},
  };
  for (const auto& [input, canonical] : cases) {
    EXPECT_EQ(Ip(input).ToString(), canonical) << input;
    EXPECT_EQ(Ip(canonical), Ip(input)) << canonical;
  }
}

// ---- ParseCidr and CidrBlock ----

TEST(ParseCidrTest, ParsesIpv4Ranges) {
  CidrBlock block = Cidr("10.0.0.0/8");
  EXPECT_EQ(block.network(), Ip("10.0.0.0"));
  EXPECT_EQ(block.prefix_len(), 8);
  EXPECT_EQ(block.family(), IpFamily::kV4);
  EXPECT_EQ(block.first(), Ip("10.0.0.0"));
  EXPECT_EQ(block.last(), Ip("10.255.255.255"));
  EXPECT_EQ(block.ToString(), "10.0.0.0/8");
  EXPECT_EQ(Cidr(" 192.168.1.0 / 24 ").ToString(), "192.168.1.0/24");
  EXPECT_EQ(Cidr("10.0.0.0/08").ToString(), "10.0.0.0/8");
}

TEST(ParseCidrTest, SingleAddressIsAFullLengthPrefix) {
  CidrBlock single = Cidr("1.2.3.4");
  EXPECT_EQ(single.prefix_len(), 32);
  EXPECT_EQ(single.ToString(), "1.2.3.4");
  EXPECT_EQ(Cidr("1.2.3.4/32"), single);
  EXPECT_EQ(single.first(), single.last());
  EXPECT_EQ(CidrBlock::Single(Ip("1.2.3.4")), single);

  CidrBlock single6 = Cidr("2001:db8::1");
  EXPECT_EQ(single6.prefix_len(), 128);
  EXPECT_EQ(single6.ToString(), "2001:db8::1");
  EXPECT_EQ(Cidr("2001:db8::1/128"), single6);
}

TEST(ParseCidrTest, ParsesIpv6Ranges) {
  CidrBlock block = Cidr("2001:DB8::/32");
  EXPECT_EQ(block.family(), IpFamily::kV6);
  EXPECT_EQ(block.prefix_len(), 32);
  EXPECT_EQ(block.ToString(), "2001:db8::/32");
  EXPECT_EQ(block.last(), Ip("2001:db8:ffff:ffff:ffff:ffff:ffff:ffff"));
  EXPECT_EQ(Cidr("[2001:db8::]/48").ToString(), "2001:db8::/48");
  EXPECT_EQ(Cidr("fe80::/10").last(), Ip("febf:ffff:ffff:ffff:ffff:ffff:ffff:ffff"));
}

TEST(ParseCidrTest, ParsesZeroPrefixes) {
  CidrBlock all4 = Cidr("0.0.0.0/0");
  EXPECT_EQ(all4.ToString(), "0.0.0.0/0");
  EXPECT_EQ(all4.first(), Ip("0.0.0.0"));
  EXPECT_EQ(all4.last(), Ip("255.255.255.255"));
  CidrBlock all6 = Cidr("::/0");
  EXPECT_EQ(all6.ToString(), "::/0");
  EXPECT_EQ(all6.family(), IpFamily::kV6);
  EXPECT_EQ(all6.last().bits(), ~Uint128{0});
}

TEST(ParseCidrTest, MappedIpv4RangesBecomeIpv4) {
  EXPECT_EQ(Cidr("::ffff:10.0.0.0/104"), Cidr("10.0.0.0/8"));
  EXPECT_EQ(Cidr("::ffff:10.0.0.0/104").ToString(), "10.0.0.0/8");
  EXPECT_EQ(Cidr("::ffff:0:0/96"), Cidr("0.0.0.0/0"));
  EXPECT_EQ(Cidr("::ffff:10.0.0.1"), Cidr("10.0.0.1"));
  EXPECT_EQ(Cidr("::ffff:10.0.0.1/128").ToString(), "10.0.0.1");
  EXPECT_EQ(Cidr("[::ffff:192.168.0.0]/112").ToString(), "192.168.0.0/16");
}

TEST(ParseCidrTest, RefusesHostBitsWithASuggestion) {
  EXPECT_EQ(CidrError("10.0.0.1/8"), "`10.0.0.1/8` has host bits set: did you mean `10.0.0.0/8`?");
  EXPECT_EQ(CidrError("192.168.1.77/24"),
            "`192.168.1.77/24` has host bits set: did you mean `192.168.1.0/24`?");
  EXPECT_EQ(CidrError("2001:db8::1/32"),
            "`2001:db8::1/32` has host bits set: did you mean `2001:db8::/32`?");
  EXPECT_EQ(CidrError("1.2.3.4/0"), "`1.2.3.4/0` has host bits set: did you mean `0.0.0.0/0`?");
  // Mapped: the suggestion is in the form the user wrote.
  EXPECT_EQ(CidrError("::ffff:10.0.0.1/104"),
            "`::ffff:10.0.0.1/104` has host bits set: did you mean `::ffff:10.0.0.0/104`?");
  // A mapped address with a prefix shorter than 96 reaches outside the mapped range.
  EXPECT_EQ(CidrError("::ffff:0:0/95"),
            "`::ffff:0.0.0.0/95` has host bits set: did you mean `::fffe:0:0/95`?");
}

TEST(ParseCidrTest, RefusesPrefixLengthsOutOfRange) {
  EXPECT_EQ(CidrError("10.0.0.0/33"), "prefix length `/33` is out of range for IPv4 (0–32)");
  EXPECT_EQ(CidrError("::/129"), "prefix length `/129` is out of range for IPv6 (0–128)");
  EXPECT_EQ(CidrError("::ffff:10.0.0.0/129"),
            "prefix length `/129` is out of range for IPv6 (0–128)");
  EXPECT_THAT(CidrError("10.0.0.0/99999999999999999999"), HasSubstr("is out of range for IPv4"));
}

TEST(ParseCidrTest, RefusesMalformedPrefixes) {
  EXPECT_EQ(CidrError("10.0.0.0/x"),
            "prefix length `/x` is not a number: write the number of network bits, like `/24`");
  EXPECT_THAT(CidrError("10.0.0.0/-1"), HasSubstr("prefix length `/-1` is not a number"));
  EXPECT_THAT(CidrError("10.0.0.0/+8"), HasSubstr("is not a number"));
  EXPECT_THAT(CidrError("10.0.0.0/8/9"), HasSubstr("prefix length `/8/9` is not a number"));
  EXPECT_THAT(CidrError("10.0.0.0/255.0.0.0"), HasSubstr("is not a number"));
  EXPECT_THAT(CidrError("10.0.0.0/"), HasSubstr("has no prefix length after `/`"));
  EXPECT_THAT(CidrError("/8"), HasSubstr("has no address before `/`"));
}

TEST(ParseCidrTest, RefusesBadAddresses) {
  EXPECT_THAT(CidrError(""), HasSubstr("empty address"));
  EXPECT_THAT(CidrError("  "), HasSubstr("empty address"));
  EXPECT_THAT(CidrError("300.0.0.0/8"), HasSubstr("`300.0.0.0` is not an IPv4 or IPv6 address"));
  EXPECT_THAT(CidrError("300.1.1.1"), HasSubstr("`300.1.1.1` is not an IPv4 or IPv6 address"));
  EXPECT_THAT(CidrError("garbage"), HasSubstr("`garbage` is not an IPv4 or IPv6 address"));
  EXPECT_THAT(CidrError("fe80::1%eth0"), HasSubstr("has a zone id"));
  EXPECT_THAT(CidrError("fe80::%eth0/64"), HasSubstr("has a zone id (`%eth0`)"));
  EXPECT_THAT(CidrError("10.0.0.0:80/8"), HasSubstr("includes a port"));
}

TEST(ParseCidrTest, CanonicalTextRoundTrips) {
  for (std::string_view text : {"10.0.0.0/8", "1.2.3.4", "0.0.0.0/0", "::/0", "2001:db8::/32",
                                "2001:db8::1", "::ffff:10.0.0.0/104", "fe80::/10", "::1", "::/1",
                                "8000::/1", "255.255.255.255", "128.0.0.0/1"}) {
    CidrBlock block = Cidr(text);
    EXPECT_EQ(Cidr(block.ToString()), block) << text << " -> " << block.ToString();
  }
}

TEST(CidrBlockTest, OfChecksPrefixAndHostBits) {
  Result<CidrBlock> ok = CidrBlock::Of(Ip("10.0.0.0"), 8);
  ASSERT_TRUE(ok);
  EXPECT_EQ(*ok, Cidr("10.0.0.0/8"));
  Result<CidrBlock> host_bits = CidrBlock::Of(Ip("10.0.0.1"), 8);
  ASSERT_FALSE(host_bits);
  EXPECT_EQ(host_bits.error().message,
            "`10.0.0.1/8` has host bits set: did you mean `10.0.0.0/8`?");
  Result<CidrBlock> too_long = CidrBlock::Of(Ip("10.0.0.0"), 33);
  ASSERT_FALSE(too_long);
  EXPECT_EQ(too_long.error().message, "prefix length `/33` is out of range for IPv4 (0–32)");
  EXPECT_FALSE(CidrBlock::Of(Ip("10.0.0.0"), -1));
  EXPECT_FALSE(CidrBlock::Of(Ip("::"), 129));
  EXPECT_TRUE(CidrBlock::Of(Ip("::"), 0));
}

TEST(CidrBlockTest, ContainsRespectsBoundariesAndFamily) {
  CidrBlock block = Cidr("192.168.1.0/24");
  EXPECT_FALSE(block.Contains(Ip("192.168.0.255")));
  EXPECT_TRUE(block.Contains(Ip("192.168.1.0")));
  EXPECT_TRUE(block.Contains(Ip("192.168.1.255")));
  EXPECT_FALSE(block.Contains(Ip("192.168.2.0")));
  EXPECT_TRUE(block.Contains(Ip("::ffff:192.168.1.9")));
  EXPECT_FALSE(block.Contains(Ip("::c0a8:109")));  // IPv4-compatible, not mapped: IPv6
  EXPECT_FALSE(Cidr("::/0").Contains(Ip("1.2.3.4")));
  EXPECT_FALSE(Cidr("0.0.0.0/0").Contains(Ip("::1")));
}

// ---- IpMatcher ----

TEST(IpMatcherTest, DefaultMatchesNothing) {
  IpMatcher matcher;
  EXPECT_TRUE(matcher.empty());
  EXPECT_EQ(matcher.range_count(), 0u);
  EXPECT_FALSE(matcher.Contains("1.2.3.4"));
  EXPECT_FALSE(matcher.Contains("::"));
  EXPECT_FALSE(matcher.Contains(IpAddress()));
  EXPECT_TRUE(IpMatcher(std::vector<CidrBlock>{}).empty());
}

TEST(IpMatcherTest, Ipv4BoundariesAreInclusive) {
  IpMatcher matcher = Matcher({"192.168.1.0/24", "10.0.0.0/8", "203.0.113.7"});
  EXPECT_EQ(matcher.range_count(), 3u);
  EXPECT_FALSE(matcher.Contains("9.255.255.255"));
  EXPECT_TRUE(matcher.Contains("10.0.0.0"));
  EXPECT_TRUE(matcher.Contains("10.128.3.4"));
  EXPECT_TRUE(matcher.Contains("10.255.255.255"));
  EXPECT_FALSE(matcher.Contains("11.0.0.0"));
  EXPECT_FALSE(matcher.Contains("192.168.0.255"));
  EXPECT_TRUE(matcher.Contains("192.168.1.0"));
  EXPECT_TRUE(matcher.Contains("192.168.1.255"));
  EXPECT_FALSE(matcher.Contains("192.168.2.0"));
  // A /32 holds exactly one address.
  EXPECT_FALSE(matcher.Contains("203.0.113.6"));
  EXPECT_TRUE(matcher.Contains("203.0.113.7"));
  EXPECT_FALSE(matcher.Contains("203.0.113.8"));
  EXPECT_FALSE(matcher.Contains("0.0.0.0"));
  EXPECT_FALSE(matcher.Contains("255.255.255.255"));
}

TEST(IpMatcherTest, Ipv6BoundariesAreInclusive) {
  IpMatcher matcher = Matcher({"2001:db8::/32", "fe80::1"});
  EXPECT_FALSE(matcher.Contains("2001:db7:ffff:ffff:ffff:ffff:ffff:ffff"));
  EXPECT_TRUE(matcher.Contains("2001:db8::"));
  EXPECT_TRUE(matcher.Contains("2001:db8:1234::5"));
  EXPECT_TRUE(matcher.Contains("2001:db8:ffff:ffff:ffff:ffff:ffff:ffff"));
  EXPECT_FALSE(matcher.Contains("2001:db9::"));
  // A /128 holds exactly one address.
  EXPECT_FALSE(matcher.Contains("fe80::"));
  EXPECT_TRUE(matcher.Contains("fe80::1"));
  EXPECT_TRUE(matcher.Contains("[FE80::1]"));
  EXPECT_FALSE(matcher.Contains("fe80::2"));
  EXPECT_FALSE(matcher.Contains("::"));
  EXPECT_FALSE(matcher.Contains("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"));
}

TEST(IpMatcherTest, ZeroPrefixMatchesItsWholeFamilyOnly) {
  IpMatcher all4 = Matcher({"0.0.0.0/0"});
  EXPECT_TRUE(all4.Contains("0.0.0.0"));
  EXPECT_TRUE(all4.Contains("255.255.255.255"));
  EXPECT_TRUE(all4.Contains("::ffff:1.2.3.4"));  // an IPv4 client seen through a dual-stack socket
  EXPECT_FALSE(all4.Contains("::"));
  EXPECT_FALSE(all4.Contains("2001:db8::1"));

  IpMatcher all6 = Matcher({"::/0"});
  EXPECT_TRUE(all6.Contains("::"));
  EXPECT_TRUE(all6.Contains("::1"));
  EXPECT_TRUE(all6.Contains("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"));
  EXPECT_FALSE(all6.Contains("1.2.3.4"));
  EXPECT_FALSE(all6.Contains("::ffff:1.2.3.4"));

  IpMatcher everyone = Matcher({"0.0.0.0/0", "::/0"});
  EXPECT_EQ(everyone.range_count(), 2u);
  EXPECT_TRUE(everyone.Contains("1.2.3.4"));
  EXPECT_TRUE(everyone.Contains("2001:db8::1"));
}

TEST(IpMatcherTest, FamiliesNeverCrossExceptThroughMapping) {
  // 10.0.0.1 as an IPv4-compatible IPv6 address (::a00:1) is an IPv6 address.
  IpMatcher v4_only = Matcher({"10.0.0.0/8"});
  EXPECT_TRUE(v4_only.Contains("10.0.0.1"));
  EXPECT_TRUE(v4_only.Contains("::ffff:10.0.0.1"));
  EXPECT_TRUE(v4_only.Contains("::ffff:a00:1"));
  EXPECT_FALSE(v4_only.Contains("::10.0.0.1"));
  EXPECT_FALSE(v4_only.Contains("::a00:1"));

  IpMatcher v6_only = Matcher({"::/96"});  // contains ::a00:1, whose low 32 bits are 10.0.0.1
  EXPECT_TRUE(v6_only.Contains("::a00:1"));
  EXPECT_FALSE(v6_only.Contains("10.0.0.1"));
  EXPECT_FALSE(v6_only.Contains("::ffff:10.0.0.1"));
}

TEST(IpMatcherTest, MappedRangeMatchesIpv4Clients) {
  IpMatcher matcher = Matcher({"::ffff:10.0.0.0/104", "::ffff:203.0.113.7"});
  EXPECT_EQ(matcher.range_count(), 2u);
  EXPECT_TRUE(matcher.Contains("10.1.2.3"));
  EXPECT_TRUE(matcher.Contains("::ffff:10.1.2.3"));
  EXPECT_TRUE(matcher.Contains("203.0.113.7"));
  EXPECT_FALSE(matcher.Contains("11.0.0.0"));
  EXPECT_FALSE(matcher.Contains("::a01:203"));
  EXPECT_TRUE(matcher.Contains(IpAddress::V6(V6Bits(0, 0x0000ffff0a010203))));
}

TEST(IpMatcherTest, MergesOverlappingAndDuplicateRanges) {
  IpMatcher matcher = Matcher({"10.1.0.0/16", "10.0.0.0/8", "10.1.2.3", "10.0.0.0/8"});
  EXPECT_EQ(matcher.range_count(), 1u);
  EXPECT_TRUE(matcher.Contains("10.0.0.0"));
  EXPECT_TRUE(matcher.Contains("10.255.255.255"));
  EXPECT_FALSE(matcher.Contains("11.0.0.0"));

  IpMatcher v6 = Matcher({"2001:db8::/32", "2001:db8:1::/48", "2001:db8::1"});
  EXPECT_EQ(v6.range_count(), 1u);
}

TEST(IpMatcherTest, MergesAdjacentRanges) {
  IpMatcher halves = Matcher({"10.128.0.0/9", "10.0.0.0/9"});
  EXPECT_EQ(halves.range_count(), 1u);
  EXPECT_TRUE(halves.Contains("10.127.255.255"));
  EXPECT_TRUE(halves.Contains("10.128.0.0"));

  IpMatcher blocks = Matcher({"10.0.1.0/24", "10.0.0.0/24", "10.0.2.0/24", "10.0.4.0/24"});
  EXPECT_EQ(blocks.range_count(), 2u);  // 10.0.0.0–10.0.2.255 and 10.0.4.0/24
  EXPECT_TRUE(blocks.Contains("10.0.2.255"));
  EXPECT_FALSE(blocks.Contains("10.0.3.0"));
  EXPECT_FALSE(blocks.Contains("10.0.3.255"));
  EXPECT_TRUE(blocks.Contains("10.0.4.0"));

  IpMatcher singles = Matcher({"1.2.3.4", "1.2.3.5", "1.2.3.7"});
  EXPECT_EQ(singles.range_count(), 2u);
  EXPECT_FALSE(singles.Contains("1.2.3.6"));

  // A later range bridging two earlier ones.
  IpMatcher bridged = Matcher({"10.0.0.0/24", "10.0.2.0/24", "10.0.1.0/24"});
  EXPECT_EQ(bridged.range_count(), 1u);

  IpMatcher v6 = Matcher({"8000::/1", "::/1"});
  EXPECT_EQ(v6.range_count(), 1u);
  EXPECT_TRUE(v6.Contains("7fff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"));
  EXPECT_TRUE(v6.Contains("8000::"));
}

TEST(IpMatcherTest, MergesAtTheTopOfTheAddressSpaceWithoutWrapping) {
  IpMatcher v4 = Matcher({"255.255.255.255", "255.255.255.254", "0.0.0.0"});
  EXPECT_EQ(v4.range_count(), 2u);
  EXPECT_TRUE(v4.Contains("255.255.255.255"));
  EXPECT_FALSE(v4.Contains("0.0.0.1"));

  IpMatcher full = Matcher({"0.0.0.0/0", "255.255.255.255", "10.0.0.0/8"});
  EXPECT_EQ(full.range_count(), 1u);

  IpMatcher v6 = Matcher({"ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "::", "ffff::/16"});
  EXPECT_EQ(v6.range_count(), 2u);
  EXPECT_TRUE(v6.Contains("::"));
  EXPECT_FALSE(v6.Contains("::1"));
  EXPECT_TRUE(v6.Contains("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"));
}

TEST(IpMatcherTest, UnparsableTextNeverMatches) {
  IpMatcher matcher = Matcher({"0.0.0.0/0", "::/0"});
  for (std::string_view text :
       {"", " ", "garbage", "300.1.1.1", "fe80::1%eth0", "1.2.3.4:80", "10.0.0.0/8", "[1.2.3.4]"}) {
    EXPECT_FALSE(matcher.Contains(text)) << text;
  }
  EXPECT_TRUE(matcher.Contains(" 1.2.3.4 "));
}

// Checks the merged binary search against a plain scan of the blocks, on random ranges that often
// overlap and touch, probing each block's first and last address and their neighbours.
TEST(IpMatcherTest, AgreesWithALinearScanOnRandomRanges) {
  std::mt19937_64 random(20261126);
  for (int round = 0; round < 20; ++round) {
    std::vector<CidrBlock> blocks;
    for (int i = 0; i < 60; ++i) {
      bool v6 = random() % 2 == 0;
      // Addresses concentrated in a small space so that ranges collide.
      if (v6) {
        int prefix = 108 + static_cast<int>(random() % 21);
        Uint128 bits = V6Bits(0x20010db800000000, random() % (1u << 20));
        Uint128 host = prefix == 128 ? 0 : (~Uint128{0} >> prefix);
        blocks.push_back(CidrBlock::Of(IpAddress::V6(bits & ~host), prefix).value());
      } else {
        int prefix = 20 + static_cast<int>(random() % 13);
        uint32_t bits = 0x0a000000u | static_cast<uint32_t>(random() % (1u << 16)) << 4;
        uint32_t host = prefix == 32 ? 0 : (0xffffffffu >> prefix);
        blocks.push_back(CidrBlock::Of(IpAddress::V4(bits & ~host), prefix).value());
      }
    }
    IpMatcher matcher(blocks);
    EXPECT_LE(matcher.range_count(), blocks.size());

    auto expected = [&](const IpAddress& ip) {
      for (const CidrBlock& block : blocks) {
        if (block.Contains(ip)) return true;
      }
      return false;
    };
    std::vector<IpAddress> probes;
    for (const CidrBlock& block : blocks) {
      for (IpAddress edge : {block.first(), block.last()}) {
        if (edge.is_v4()) {
          probes.push_back(IpAddress::V4(edge.v4_bits() - 1));
          probes.push_back(edge);
          probes.push_back(IpAddress::V4(edge.v4_bits() + 1));
        } else {
          probes.push_back(IpAddress::V6(edge.bits() - 1));
          probes.push_back(edge);
          probes.push_back(IpAddress::V6(edge.bits() + 1));
        }
      }
    }
    for (int i = 0; i < 200; ++i) {
      probes.push_back(IpAddress::V4(0x0a000000u | static_cast<uint32_t>(random() % (1u << 20))));
      probes.push_back(IpAddress::V6(V6Bits(0x20010db800000000, 0) | (random() % (1u << 20))));
    }
    int hits = 0;
    for (const IpAddress& probe : probes) {
      hits += expected(probe) ? 1 : 0;
      ASSERT_EQ(matcher.Contains(probe), expected(probe))
          << "round " << round << ", " << probe.ToString();
      ASSERT_EQ(matcher.Contains(probe.ToString()), expected(probe)) << probe.ToString();
    }
    // The data must exercise both answers and real merging.
    EXPECT_GT(hits, static_cast<int>(probes.size()) / 4);
    EXPECT_LT(hits, static_cast<int>(probes.size()) * 3 / 4);
    EXPECT_LT(matcher.range_count(), blocks.size());
  }
}

}  // namespace
}  // namespace starling::accounts
