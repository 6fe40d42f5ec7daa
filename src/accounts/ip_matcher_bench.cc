// IpMatcher::Contains on a store with 1,000 excluded ranges, against a plain scan of the ranges
// (the baseline, same run). Run: build/release/src/accounts/ip_matcher_bench
//
// Data, from a fixed seed: 700 IPv4 ranges (/16 to /32) and 300 IPv6 ranges (/32 to /128), and 4,096
// client addresses: half inside a random range, a quarter random IPv4, a quarter random IPv6.
#include <benchmark/benchmark.h>

#include <random>
#include <string>
#include <vector>

#include "accounts/ip_matcher.h"

namespace starling::accounts {
namespace {

constexpr int kRanges = 1000;
constexpr int kProbes = 4096;

struct Data {
  std::vector<CidrBlock> blocks;
  std::vector<IpAddress> probes;
  std::vector<std::string> probe_texts;
};

Uint128 Random128(std::mt19937_64& random) { return (Uint128{random()} << 64) | random(); }

CidrBlock RandomBlock(std::mt19937_64& random, bool v6) {
  if (v6) {
    int prefix = 32 + static_cast<int>(random() % 97);
    Uint128 host = prefix == 128 ? 0 : (~Uint128{0} >> prefix);
    Uint128 bits = (Uint128{0x2001} << 112) | (Random128(random) >> 16);
    return CidrBlock::Of(IpAddress::V6(bits & ~host), prefix).value();
  }
  int prefix = 16 + static_cast<int>(random() % 17);
  uint32_t host = prefix == 32 ? 0 : (0xffffffffu >> prefix);
  return CidrBlock::Of(IpAddress::V4(static_cast<uint32_t>(random()) & ~host), prefix).value();
}

const Data& GetData() {
  static const Data data = [] {
    Data d;
    std::mt19937_64 random(42);
    for (int i = 0; i < kRanges; ++i) d.blocks.push_back(RandomBlock(random, i % 10 >= 7));
    for (int i = 0; i < kProbes; ++i) {
      bool v6 = i % 2 == 1;
      IpAddress probe;
      if (i % 4 < 2) {  // inside a random range
        const CidrBlock& block = d.blocks[random() % d.blocks.size()];
        Uint128 span = block.last().bits() - block.first().bits();
        Uint128 offset = span == ~Uint128{0} ? Random128(random) : Random128(random) % (span + 1);
        Uint128 bits = block.first().bits() + offset;
        probe = block.family() == IpFamily::kV4 ? IpAddress::V4(static_cast<uint32_t>(bits))
                                                : IpAddress::V6(bits);
      } else {
        probe = v6 ? IpAddress::V6((Uint128{0x2001} << 112) | (Random128(random) >> 16))
                   : IpAddress::V4(static_cast<uint32_t>(random()));
      }
      d.probes.push_back(probe);
      d.probe_texts.push_back(probe.ToString());
    }
    return d;
  }();
  return data;
}

void BM_IpMatcherContains(benchmark::State& state) {
  const Data& data = GetData();
  IpMatcher matcher(data.blocks);
  size_t i = 0;
  int64_t hits = 0;
  for (auto _ : state) {
    hits += matcher.Contains(data.probes[i++ % kProbes]);
  }
  benchmark::DoNotOptimize(hits);
  state.SetItemsProcessed(state.iterations());
  state.counters["ranges_after_merge"] = static_cast<double>(matcher.range_count());
}
BENCHMARK(BM_IpMatcherContains);

// Baseline: what a matcher without merging and sorting would do.
void BM_LinearScanContains(benchmark::State& state) {
  const Data& data = GetData();
  size_t i = 0;
  int64_t hits = 0;
  for (auto _ : state) {
    const IpAddress& probe = data.probes[i++ % kProbes];
    bool found = false;
    for (const CidrBlock& block : data.blocks) {
      if (block.Contains(probe)) {
        found = true;
        break;
      }
    }
    hits += found;
  }
  benchmark::DoNotOptimize(hits);
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_LinearScanContains);

// The per-request call: parse the peer address text, then match.
void BM_IpMatcherContainsText(benchmark::State& state) {
  const Data& data = GetData();
  IpMatcher matcher(data.blocks);
  size_t i = 0;
  int64_t hits = 0;
  for (auto _ : state) {
    hits += matcher.Contains(std::string_view(data.probe_texts[i++ % kProbes]));
  }
  benchmark::DoNotOptimize(hits);
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_IpMatcherContainsText);

// The parse alone, to show its share of the text call.
void BM_TryParseIpAddress(benchmark::State& state) {
  const Data& data = GetData();
  size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(TryParseIpAddress(data.probe_texts[i++ % kProbes]));
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_TryParseIpAddress);

// Building the matcher (sort and merge), done when a store's list changes.
void BM_IpMatcherBuild(benchmark::State& state) {
  const Data& data = GetData();
  for (auto _ : state) {
    IpMatcher matcher(data.blocks);
    benchmark::DoNotOptimize(matcher);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_IpMatcherBuild);

}  // namespace
}  // namespace starling::accounts

BENCHMARK_MAIN();
