#include <gtest/gtest.h>

#include <memory>

#include "api/tracking_handlers.h"

namespace starling::api {
namespace {

class FakeStream final : public http::ResponseStream {
 public:
  bool Write(std::string) override { return !closed_; }
  void Close() override { closed_ = true; }
  bool closed() const override { return closed_; }
  void OnClose(std::function<void()> callback) override {
    if (closed_) callback();
  }

 private:
  bool closed_ = false;
};

// The views of a user whose access changed end; other users' views go on.
TEST(LiveStreamsTest, CloseAllEndsTheUsersViewsOnly) {
  LiveStreams live;
  auto ana1 = std::make_shared<FakeStream>(), ana2 = std::make_shared<FakeStream>();
  auto bob = std::make_shared<FakeStream>();
  live.Add(1, live.Generation(1), ana1);
  live.Add(1, live.Generation(1), ana2);
  live.Add(2, live.Generation(2), bob);
  live.CloseAll(1);
  EXPECT_TRUE(ana1->closed());
  EXPECT_TRUE(ana2->closed());
  EXPECT_FALSE(bob->closed());
  // A later view of the same user, authorized after the change, stays open until the next one.
  auto ana3 = std::make_shared<FakeStream>();
  live.Add(1, live.Generation(1), ana3);
  EXPECT_FALSE(ana3->closed());
  live.CloseAll(1);
  EXPECT_TRUE(ana3->closed());
}

// A view authorized before an access change but started after it (its stream starts later, on an I/O
// thread) is closed as it starts, instead of running on until its 5-minute cut.
TEST(LiveStreamsTest, AViewAuthorizedBeforeAChangeIsClosedWhenItStarts) {
  LiveStreams live;
  uint64_t authorized_at = live.Generation(7);
  live.CloseAll(7);  // e.g. the user was removed from the store meanwhile
  auto late = std::make_shared<FakeStream>();
  live.Add(7, authorized_at, late);
  EXPECT_TRUE(late->closed());
}

}  // namespace
}  // namespace starling::api
