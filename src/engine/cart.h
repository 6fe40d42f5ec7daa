// Carts: the derived events of a full-cart update (PRODUCT.md §2: the shop sends the whole cart; Starling
// works out what was added and removed). Pure functions, tested apart from the engine.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace starling::engine {

struct CartItem {
  std::string product_id;
  double quantity = 0;
  double price = 0;
  std::string product_json;  // the product object as last sent
};

struct CartChange {
  bool added = true;      // cart-product-added or cart-product-removed
  CartItem item;          // the product (as now, or as last seen when removed)
  double quantity = 0;    // how many were added or removed (> 0)
};

// What changed from `before` to `after`, by product id: a product whose quantity rose is added (by the
// difference), one whose quantity fell or that disappeared is removed. Items are compared in the order
// of `after`, then the removed ones in the order of `before`. Lines of the same product are summed.
std::vector<CartChange> DiffCarts(const std::vector<CartItem>& before, const std::vector<CartItem>& after);

// Applies one added/removed line to `items` (quantity clamped at 0; empty lines dropped).
void ApplyCartChange(std::vector<CartItem>& items, const CartItem& line, bool added);

}  // namespace starling::engine
