#include "base/metrics.h"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

namespace starling {
namespace {

TEST(MetricsTest, RendersCountersAndHistogramsInPrometheusFormat) {
  MetricsRegistry registry;
  registry.GetCounter("http_requests_total", "Requests.", {{"route", "/a"}, {"status", "200"}}).Inc(3);
  registry.GetCounter("http_requests_total", "Requests.", {{"route", "/a"}, {"status", "404"}}).Inc();
  Histogram& h = registry.GetHistogram("latency_seconds", "Latency.", {}, {0.1, 1});
  h.Observe(0.05);
  h.Observe(0.5);
  h.Observe(5);
  std::string text = registry.RenderPrometheus();
  EXPECT_NE(text.find("# TYPE http_requests_total counter"), std::string::npos);
  EXPECT_NE(text.find("http_requests_total{route=\"/a\",status=\"200\"} 3\n"), std::string::npos);
  EXPECT_NE(text.find("http_requests_total{route=\"/a\",status=\"404\"} 1\n"), std::string::npos);
  EXPECT_NE(text.find("latency_seconds_bucket{le=\"0.1\"} 1\n"), std::string::npos);
  EXPECT_NE(text.find("latency_seconds_bucket{le=\"1\"} 2\n"), std::string::npos);
  EXPECT_NE(text.find("latency_seconds_bucket{le=\"+Inf\"} 3\n"), std::string::npos);
  EXPECT_NE(text.find("latency_seconds_count 3\n"), std::string::npos);
  EXPECT_NE(text.find("latency_seconds_sum 5.55\n"), std::string::npos);
}

TEST(MetricsTest, SameSeriesIsReturnedAndCountsConcurrently) {
  MetricsRegistry registry;
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 10000; ++i) registry.GetCounter("c", "C.", {{"k", "v"}}).Inc();
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(registry.GetCounter("c", "C.", {{"k", "v"}}).Value(), 40000u);
}

TEST(MetricsTest, EscapesLabelValues) {
  MetricsRegistry registry;
  registry.GetCounter("c", "C.", {{"path", "a\"b\\c"}}).Inc();
  EXPECT_NE(registry.RenderPrometheus().find("c{path=\"a\\\"b\\\\c\"} 1"), std::string::npos);
}

}  // namespace
}  // namespace starling
