#include "engine/cart.h"

#include <algorithm>
#include <cmath>
#include <map>

namespace starling::engine {
namespace {

constexpr double kEpsilon = 1e-9;

// Sums lines per product, keeping the first line's product and the last price.
std::vector<CartItem> Merge(const std::vector<CartItem>& items) {
  std::vector<CartItem> merged;
  for (const CartItem& item : items) {
    auto it = std::find_if(merged.begin(), merged.end(), [&](const CartItem& m) { return m.product_id == item.product_id; });
    if (it == merged.end()) {
      merged.push_back(item);
    } else {
      it->quantity += item.quantity;
      it->price = item.price;
      it->product_json = item.product_json;
    }
  }
  return merged;
}

}  // namespace

std::vector<CartChange> DiffCarts(const std::vector<CartItem>& before_lines, const std::vector<CartItem>& after_lines) {
  std::vector<CartItem> before = Merge(before_lines), after = Merge(after_lines);
  std::vector<CartChange> changes;
  for (const CartItem& now : after) {
    auto old = std::find_if(before.begin(), before.end(), [&](const CartItem& b) { return b.product_id == now.product_id; });
    double was = old == before.end() ? 0 : old->quantity;
    double delta = now.quantity - was;
    if (delta > kEpsilon) changes.push_back({true, now, delta});
    if (delta < -kEpsilon) changes.push_back({false, now, -delta});
  }
  for (const CartItem& old : before) {
    bool kept = std::any_of(after.begin(), after.end(), [&](const CartItem& a) { return a.product_id == old.product_id; });
    if (!kept && old.quantity > kEpsilon) changes.push_back({false, old, old.quantity});
  }
  return changes;
}

void ApplyCartChange(std::vector<CartItem>& items, const CartItem& line, bool added) {
  auto it = std::find_if(items.begin(), items.end(), [&](const CartItem& i) { return i.product_id == line.product_id; });
  if (added) {
    if (it == items.end()) {
      items.push_back(line);
    } else {
      it->quantity += line.quantity;
      it->price = line.price;
      it->product_json = line.product_json;
    }
    return;
  }
  if (it == items.end()) return;
  it->quantity -= line.quantity;
  if (it->quantity <= kEpsilon) items.erase(it);
}

}  // namespace starling::engine
