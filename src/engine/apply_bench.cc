// The I/O threads' share of ingesting a tracking-script request, without HTTP and without the database:
// parse the body (tracking::ParseScriptPayload) and apply it to a store's runtime
// (StoreRuntime::Apply: identity, carts, catalog, the events' rows), the write plan then dropped. The
// product urls are checked against the store's authorized domains, as the script endpoint does.
// Run: build/release/src/engine/apply_bench
//
// Data, from a fixed seed: 100,000 visitors created first (half of them identified by email, as
// bench/ingest/run.sh's warm-up does), then 20,000 one-event request bodies with the mix of
// bench/ingest/payloads.lua (page visits with browser and page context, product visits from 2,000
// products, searches, custom events, logins, newsletter sign-ups, purchases of two lines, a full cart
// on one request in ten). The benchmarks cycle through the bodies.
#include <benchmark/benchmark.h>

#include <fmt/format.h>

#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "base/check.h"
#include "base/clock.h"
#include "db/migrations.h"
#include "db/open.h"
#include "engine/store_runtime.h"
#include "tracking/parse.h"

namespace starling::engine {
namespace {

constexpr int kContacts = 100'000;
constexpr int kProducts = 2'000;
constexpr int kBodies = 20'000;

// bench/ingest/payloads.lua, in C++.
class Payloads {
 public:
  std::string Product(int n) const {
    double price = 5 + (n * 37) % 200 + ((n * 13) % 100) / 100.0;
    return fmt::format(
        R"({{"productId":"SKU-{0}","name":"{1} {2} item {0}","url":"https://shop.example/p/{0}","unitPrice":{3:.2f},)"
        R"("availability":"instock","imageUrl":"https://cdn.shop.example/{0}.jpg","categories":["{4}"],"brand":"Brand {5}",)"
        R"("tags":["{6}","{7}"],"ratingValue":{8:.1f},"reviewCount":{9}}})",
        n, Word(n), Word(n * 7), price, Category(n), n % 40, Word(n * 3), Word(n * 5), (n % 50) / 10.0, n % 300);
  }
  std::string Line(int n, int quantity) const {
    std::string p = Product(n);
    p.pop_back();
    return p + fmt::format(R"(,"quantity":{}}})", quantity);
  }
  static std::string Tracker(int c) { return fmt::format("bench-visitor-{:08d}", c); }
  static std::string Email(int c) { return fmt::format("customer{}@bench.example", c); }

  std::string Event(int c, int seq) {
    int r = Random(100);
    if (r <= 40) return R"({"type":"page-visit"})";
    if (r <= 65) return R"({"type":"product-visited","product":)" + Product(Random(kProducts)) + "}";
    if (r <= 75) return fmt::format(R"({{"type":"search","searchText":"{} {}"}})", Word(Random(12)), Word(Random(12)));
    if (r <= 85) {
      return fmt::format(R"({{"type":"custom","eventId":"wishlist-add","payload":{{"sku":"SKU-{}","list":"{}"}}}})",
                         Random(kProducts), Word(Random(12)));
    }
    if (r <= 92) return R"({"type":"login"})";
    if (r <= 96) return R"({"type":"newsletter-subscribe","email":")" + Email(c) + "\"}";
    return fmt::format(R"({{"type":"purchase","purchase":{{"purchaseId":"B-{}","paymentMethod":"card","products":[{},{}]}}}})",
                       seq, Line(Random(kProducts), 1), Line(Random(kProducts), 2));
  }

  std::string Body(int c, int seq) {
    std::string event = Event(c, seq);
    std::string entity = R"("entityInfo":{"trackerId":")" + Tracker(c) + "\"";
    if (c % 2 == 0) entity += fmt::format(R"(,"primaryKey":"{}","_name":"Name{}")", Email(c), c);
    entity += "}";
    std::string cart;
    if (Random(10) == 1) {
      cart = fmt::format(R"(,"cart":{{"cartId":"cart-{}","products":[{},{}]}})", c, Line(Random(kProducts), 1),
                         Line(Random(kProducts), Random(3)));
    }
    int n = Random(kProducts);
    std::string page = fmt::format(
        R"("browserInfo":{{"url":"https://shop.example/c/{0}?utm_source=news","referrer":"https://search.example/?q={1}",)"
        R"("language":"es-ES","device":"{2}","screenWidth":1920,"screenHeight":1080,"windowWidth":1280,"windowHeight":800}},)"
        R"("pageInfo":{{"title":"Category {0}","categories":["{3}"],"tags":["{4}"]}})",
        n, Word(c), c % 3 == 0 ? "mobile" : "desktop", Category(n), Word(n));
    return "{" + entity + cart + R"(,"events":[)" + event + "]," + page + "}";
  }

  int Random(int n) { return std::uniform_int_distribution<int>(1, n)(random_); }

 private:
  static std::string_view Word(int n) {
    static constexpr std::string_view kWords[] = {"red", "blue", "linen", "leather", "classic", "slim",
                                                  "organic", "trail", "cozy", "summer", "eco", "pro"};
    return kWords[n % 12];
  }
  static std::string_view Category(int n) {
    static constexpr std::string_view kCategories[] = {"/Women/Shoes", "/Women/Bags",  "/Men/Shoes",
                                                       "/Men/Shirts",  "/Home/Kitchen", "/Home/Garden",
                                                       "/Kids/Toys",   "/Sport/Running", "/Sport/Yoga",
                                                       "/Beauty/Skin"};
    return kCategories[n % 10];
  }

  std::mt19937 random_{42};
};

// A migrated database in a scratch directory (the runtime loads from it once), the runtime with its
// visitors, and the bodies.
struct Fixture {
  Fixture() : dir(std::filesystem::temp_directory_path() / fmt::format("starling-apply-bench-{}", ::getpid())) {
    std::filesystem::create_directories(dir);
    auto database = db::OpenDatabase("sqlite:" + (dir / "bench.db").string(), {});
    CHECK(database) << "open the scratch database";
    CHECK(db::Migrate(**database)) << "migrate the scratch database";
    {
      auto writer = (*database)->Writer();
      CHECK(writer) << "writer";
      CHECK(runtime.Load(**writer, RuntimeSettings{})) << "load the runtime";
    }
    database->reset();
    std::filesystem::remove_all(dir);

    Payloads payloads;
    for (int c = 1; c <= kContacts; ++c) {
      std::string body = R"({"entityInfo":{"trackerId":")" + Payloads::Tracker(c) + "\"";
      if (c % 2 == 0) body += R"(,"primaryKey":")" + Payloads::Email(c) + "\"";
      body += R"(},"events":[{"type":"page-visit"}]})";
      Apply(body);
    }
    for (int i = 0; i < kBodies; ++i) bodies.push_back(payloads.Body(payloads.Random(kContacts), i));
  }

  void Apply(std::string_view body) {
    auto batch = tracking::ParseScriptPayload(body, {}, &domains);
    CHECK(batch) << "a benchmark body does not parse";
    WritePlan plan;
    benchmark::DoNotOptimize(runtime.Apply(*batch, plan));
  }

  std::filesystem::path dir;
  SystemClock clock;
  std::atomic<int64_t> next_event_id{1};
  StoreRuntime runtime{1, clock, next_event_id};
  std::vector<std::string> bodies;
  // The store's authorized domains, which the script endpoint checks product urls against.
  std::vector<std::string> domains = {"shop.example"};
};

Fixture& GetFixture() {
  static Fixture* fixture = new Fixture();
  return *fixture;
}

void BM_ParseScriptPayload(benchmark::State& state) {
  Fixture& f = GetFixture();
  size_t i = 0;
  for (auto _ : state) {
    auto batch = tracking::ParseScriptPayload(f.bodies[i++ % f.bodies.size()], {}, &f.domains);
    benchmark::DoNotOptimize(batch);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ParseScriptPayload);

void BM_Apply(benchmark::State& state) {
  Fixture& f = GetFixture();
  std::vector<tracking::TrackBatch> batches;
  for (const std::string& body : f.bodies) batches.push_back(*tracking::ParseScriptPayload(body, {}, &f.domains));
  size_t i = 0;
  for (auto _ : state) {
    WritePlan plan;
    benchmark::DoNotOptimize(f.runtime.Apply(batches[i++ % batches.size()], plan));
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_Apply);

void BM_ParseAndApply(benchmark::State& state) {
  Fixture& f = GetFixture();
  size_t i = 0;
  for (auto _ : state) f.Apply(f.bodies[i++ % f.bodies.size()]);
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ParseAndApply);

}  // namespace
}  // namespace starling::engine

BENCHMARK_MAIN();
