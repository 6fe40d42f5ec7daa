#include "engine/cart.h"

#include <gtest/gtest.h>

namespace starling::engine {
namespace {

CartItem Item(std::string id, double quantity, double price = 10) {
  return CartItem{std::move(id), quantity, price, "{}"};
}

TEST(CartDiffTest, AddsRemovesAndChangesQuantities) {
  auto changes = DiffCarts({Item("a", 1), Item("b", 2), Item("c", 1)}, {Item("a", 3), Item("b", 1), Item("d", 1)});
  ASSERT_EQ(changes.size(), 4u);
  EXPECT_TRUE(changes[0].added);
  EXPECT_EQ(changes[0].item.product_id, "a");
  EXPECT_DOUBLE_EQ(changes[0].quantity, 2);
  EXPECT_FALSE(changes[1].added);
  EXPECT_EQ(changes[1].item.product_id, "b");
  EXPECT_DOUBLE_EQ(changes[1].quantity, 1);
  EXPECT_TRUE(changes[2].added);
  EXPECT_EQ(changes[2].item.product_id, "d");
  EXPECT_FALSE(changes[3].added);
  EXPECT_EQ(changes[3].item.product_id, "c");
}

TEST(CartDiffTest, EmptiedCartRemovesEverythingAndSameCartNothing) {
  EXPECT_TRUE(DiffCarts({Item("a", 1)}, {Item("a", 1)}).empty());
  auto emptied = DiffCarts({Item("a", 1), Item("b", 2)}, {});
  ASSERT_EQ(emptied.size(), 2u);
  EXPECT_FALSE(emptied[0].added);
  EXPECT_FALSE(emptied[1].added);
  EXPECT_DOUBLE_EQ(emptied[1].quantity, 2);
}

TEST(CartDiffTest, DuplicateLinesOfOneProductAreSummed) {
  auto changes = DiffCarts({Item("a", 1)}, {Item("a", 1), Item("a", 1)});
  ASSERT_EQ(changes.size(), 1u);
  EXPECT_DOUBLE_EQ(changes[0].quantity, 1);
}

TEST(CartDiffTest, ApplyLineChanges) {
  std::vector<CartItem> items;
  ApplyCartChange(items, Item("a", 2), true);
  ApplyCartChange(items, Item("a", 1), true);
  ApplyCartChange(items, Item("b", 1), true);
  ASSERT_EQ(items.size(), 2u);
  EXPECT_DOUBLE_EQ(items[0].quantity, 3);
  ApplyCartChange(items, Item("a", 5), false);
  ASSERT_EQ(items.size(), 1u);
  EXPECT_EQ(items[0].product_id, "b");
  ApplyCartChange(items, Item("zzz", 1), false);
  EXPECT_EQ(items.size(), 1u);
}

}  // namespace
}  // namespace starling::engine
