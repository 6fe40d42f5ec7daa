#include "tracking/parse.h"

#include <fmt/format.h>
#include <simdjson.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>

#include "accounts/ip_matcher.h"
#include "accounts/validation.h"
#include "base/clock.h"
#include "base/json.h"
#include "base/json_writer.h"
#include "base/text.h"

namespace starling::tracking {
namespace {

using simdjson::dom::array;
using simdjson::dom::element;
using simdjson::dom::element_type;
using simdjson::dom::object;

constexpr std::array<std::string_view, 14> kClientEventTypes = {
    "page-visit", "product-visited", "product-searched", "product-not-found", "login",
    "register",   "search",          "newsletter-subscribe", "purchase", "form-submitted",
    "custom",     "web-content-opened", "web-content-clicked", "web-content-closed"};

// A field's name for error messages ("events[2].product.unitPrice"), put together only when a message
// needs it: a request's fields are read far more often than they are refused.
struct Path {
  Path(std::string_view whole) : text(whole) {}    // NOLINT: implicit from any text
  Path(const std::string& whole) : text(whole) {}  // NOLINT
  Path(const char* whole) : text(whole) {}         // NOLINT
  Path(const Path& parent_path, std::string_view member) : parent(&parent_path), text(member) {}
  Path(const Path& parent_path, size_t element) : parent(&parent_path), index(static_cast<int64_t>(element)) {}
  std::string str() const {
    std::string out = parent ? parent->str() : std::string();
    if (index >= 0) return fmt::format("{}[{}]", out, index);
    if (!out.empty() && !text.empty()) out += '.';
    out += text;
    return out;
  }
  const Path* parent = nullptr;  // outlives this Path
  std::string_view text;
  int64_t index = -1;
};

Error Invalid(const Path& field, std::string message) {
  std::string name = field.str();
  return Error::InvalidArgument(fmt::format("{}: {}", name, message), name);
}

// The normalized email at `path`, its error worded as this parser's others ("path: what is wrong").
Result<std::string> EmailAt(std::string_view text, const Path& path) {
  std::string email;
  if (auto problem = accounts::EmailProblem(text, email)) return Invalid(path, std::move(*problem));
  return email;
}

// A short rendering of a JSON value for messages: "\"abc\"", "12", "an object".
std::string Show(element e) {
  switch (e.type()) {
    case element_type::OBJECT: return "an object";
    case element_type::ARRAY: return "an array";
    case element_type::NULL_VALUE: return "null";
    default: break;
  }
  std::string text = simdjson::minify(e);
  if (text.size() > 40) text = text.substr(0, 37) + "…";
  return text;
}

Result<simdjson::dom::element> ParseDocument(simdjson::dom::parser& parser, std::string_view body) {
  element doc;
  auto error = parser.parse(body.data(), body.size()).get(doc);
  if (error) {
    // simdjson says what, not where; the slow parser says where (refused bodies only).
    return Error::InvalidArgument(InvalidJsonMessage("request body is not valid JSON", body, simdjson::error_message(error)));
  }
  return doc;
}

simdjson::dom::parser& ThreadParser() {
  thread_local simdjson::dom::parser parser;
  return parser;
}

// ---- Typed readers --------------------------------------------------------------------------------

Result<std::string> Text(element e, const Path& field, size_t max) {
  std::string_view s;
  if (e.get_string().get(s)) return Invalid(field, fmt::format("expected a string, got {}", Show(e)));
  if (s.size() > max) return Invalid(field, fmt::format("at most {} characters, got {}", max, s.size()));
  return std::string(s);
}

// Identifiers may come as strings or integers (shops often number their products and orders).
Result<std::string> IdText(element e, const Path& field) {
  int64_t i;
  uint64_t u;
  if (!e.get_int64().get(i)) return std::to_string(i);
  if (!e.get_uint64().get(u)) return std::to_string(u);
  std::string_view s;
  if (e.get_string().get(s)) return Invalid(field, fmt::format("expected a string or an integer, got {}", Show(e)));
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  if (s.empty()) return Invalid(field, "must not be empty");
  if (s.size() > 256) return Invalid(field, "at most 256 characters");
  return std::string(s);
}

// Numbers; numeric strings ("29.90") are accepted because HTML tags and many shops produce them.
Result<double> Number(element e, const Path& field, double min, double max) {
  double d;
  std::string_view s;
  if (e.get_double().get(d)) {
    if (e.get_string().get(s)) return Invalid(field, fmt::format("expected a number, got {}", Show(e)));
    std::string_view trimmed = s;
    while (!trimmed.empty() && trimmed.front() == ' ') trimmed.remove_prefix(1);
    while (!trimmed.empty() && trimmed.back() == ' ') trimmed.remove_suffix(1);
    auto [end, ec] = std::from_chars(trimmed.data(), trimmed.data() + trimmed.size(), d);
    if (ec != std::errc() || end != trimmed.data() + trimmed.size() || trimmed.empty()) {
      return Invalid(field, fmt::format("expected a number, got {}", Show(e)));
    }
  }
  if (!std::isfinite(d) || d < min || d > max) {
    if (max >= 1e300) return Invalid(field, fmt::format("expected a number ≥ {}, got {}", min, Show(e)));
    return Invalid(field, fmt::format("expected a number from {} to {}, got {}", min, max, Show(e)));
  }
  return d;
}

Result<int64_t> Integer(element e, const Path& field, int64_t min) {
  STARLING_ASSIGN_OR_RETURN(double d, Number(e, field, static_cast<double>(min), 9e15));
  if (d != std::floor(d)) return Invalid(field, fmt::format("expected an integer, got {}", Show(e)));
  return static_cast<int64_t>(d);
}

Result<std::string> Url(element e, const Path& field) {
  STARLING_ASSIGN_OR_RETURN(std::string s, Text(e, field, 2048));
  auto url = accounts::ValidateUrl(s, "url", false);
  if (!url) return Invalid(field, fmt::format("expected an absolute http(s) URL, got {}", Show(e)));
  return *url;
}

Result<std::vector<std::string>> TextArray(element e, const Path& field, size_t max_items, bool ids) {
  array a;
  if (e.get_array().get(a)) return Invalid(field, fmt::format("expected an array of strings, got {}", Show(e)));
  std::vector<std::string> out;
  size_t i = 0;
  for (element item : a) {
    if (i >= max_items) return Invalid(field, fmt::format("at most {} items", max_items));
    Path item_field(field, i++);
    if (ids) {
      STARLING_ASSIGN_OR_RETURN(std::string v, IdText(item, item_field));
      out.push_back(std::move(v));
    } else {
      STARLING_ASSIGN_OR_RETURN(std::string v, Text(item, item_field, 500));
      out.push_back(std::move(v));
    }
  }
  return out;
}

Result<int64_t> Time(element e, const Path& field) {
  STARLING_ASSIGN_OR_RETURN(std::string s, Text(e, field, 40));
  auto t = ParseRfc3339(s);
  if (!t) return Invalid(field, t.error().message);
  return std::chrono::duration_cast<std::chrono::microseconds>(t->time_since_epoch()).count();
}

// "Women/Shoes/" → "/Women/Shoes".
std::string CategoryPath(std::string text) {
  if (text.empty() || text.front() != '/') text.insert(text.begin(), '/');
  while (text.size() > 1 && text.back() == '/') text.pop_back();
  return text;
}

std::optional<element> Field(const object& o, std::string_view key) {
  element e;
  if (o.at_key(key).get(e) || e.is_null()) return std::nullopt;
  return e;
}

// An absent object (std::nullopt) has no fields.
std::optional<element> Field(const std::optional<object>& o, std::string_view key) {
  if (!o) return std::nullopt;
  return Field(*o, key);
}

// The members of an object among `names`, found in one pass over the object: Field (simdjson's
// at_key) walks the object on every call, and a product has twenty optional members to look for.
// Same answers as Field: the first of repeated names counts, and null is absent.
template <size_t N>
class Members {
 public:
  Members(const object& o, const std::array<std::string_view, N>& names) {
    std::array<bool, N> seen{};
    for (auto [key, value] : o) {
      for (size_t i = 0; i < N; ++i) {
        if (key != names[i]) continue;
        if (!seen[i]) {
          seen[i] = true;
          if (!value.is_null()) values_[i] = value;
        }
        break;
      }
    }
  }
  const std::optional<element>& operator[](size_t i) const { return values_[i]; }

 private:
  std::array<std::optional<element>, N> values_;
};

// ---- Products -------------------------------------------------------------------------------------

// The members of a product that Starling reads (docs/integration.md), in the order they are written.
constexpr std::array<std::string_view, 25> kProductMembers = {
    "productId",    "name",          "url",           "unitPrice",         "availability",
    "imageUrl",     "thumbnailUrl",  "description",   "brand",             "customField1",
    "customField2", "customField3",  "priority",      "reviewCount",       "ratingCount",
    "stock",        "ratingValue",   "unitPriceOriginal", "unitPriceWithoutVat", "discountedAmount",
    "discountedPercentage", "categories", "tags",     "relatedExternalProductIds", "publishedAt"};

// The position of a member in kProductMembers, at compile time.
consteval size_t ProductMember(std::string_view key) {
  for (size_t i = 0; i < kProductMembers.size(); ++i) {
    if (kProductMembers[i] == key) return i;
  }
  throw "not in kProductMembers";
}

// What a product must carry. The script and the REST API send catalog products; Segment's spec makes
// url and price optional, and server-side libraries seldom have a url.
enum class ProductNeeds { kCatalogFields, kIdAndName };

Result<Product> ParseProduct(element e, const Path& path, const ParseLimits& limits,
                             ProductNeeds needs = ProductNeeds::kCatalogFields) {
  object o;
  if (e.get_object().get(o)) return Invalid(path, fmt::format("expected a product object, got {}", Show(e)));
  auto at = [&](std::string_view key) { return Path(path, key); };
  const Members members(o, kProductMembers);
  Product p;
  auto id = members[ProductMember("productId")];
  if (!id) return Invalid(at("productId"), "a product needs its productId");
  STARLING_ASSIGN_OR_RETURN(p.id, IdText(*id, at("productId")));
  auto name = members[ProductMember("name")];
  if (!name) return Invalid(at("name"), "a product needs its name");
  STARLING_ASSIGN_OR_RETURN(p.name, Text(*name, at("name"), limits.max_text));
  // A blank name (a gift card, a fee) is named by its id rather than refused: refusing it would drop
  // the whole cart or purchase it is a line of.
  if (Trim(p.name).empty()) p.name = p.id;
  const bool catalog = needs == ProductNeeds::kCatalogFields;
  auto url = members[ProductMember("url")];
  if (!url && catalog) return Invalid(at("url"), "a product needs its url");
  if (url) {
    STARLING_ASSIGN_OR_RETURN(p.url, Url(*url, at("url")));
  }
  auto price = members[ProductMember("unitPrice")];
  if (!price && catalog) return Invalid(at("unitPrice"), "a product needs its unitPrice");
  if (price) {
    STARLING_ASSIGN_OR_RETURN(p.unit_price, Number(*price, at("unitPrice"), 0, 1e300));
  }
  p.update_catalog = url && price;

  JsonWriter w;
  w.BeginObject();
  w.Key("productId");
  w.String(p.id);
  w.Key("name");
  w.String(p.name);
  if (url) {
    w.Key("url");
    w.String(p.url);
  }
  if (price) {
    w.Key("unitPrice");
    w.Number(p.unit_price);
  }
  if (auto v = members[ProductMember("availability")]) {
    STARLING_ASSIGN_OR_RETURN(std::string a, Text(*v, at("availability"), 40));
    if (a != "instock" && a != "outofstock" && a != "unverified" && a != "discontinued") {
      return Invalid(at("availability"),
                     fmt::format("expected instock, outofstock, unverified or discontinued, got {}", Show(*v)));
    }
    w.Key("availability");
    w.String(a);
  }
  for (size_t i : {ProductMember("imageUrl"), ProductMember("thumbnailUrl")}) {
    std::string_view key = kProductMembers[i];
    if (auto v = members[i]) {
      STARLING_ASSIGN_OR_RETURN(std::string u, Url(*v, at(key)));
      w.Key(key);
      w.String(u);
    }
  }
  if (auto v = members[ProductMember("description")]) {
    STARLING_ASSIGN_OR_RETURN(std::string d, Text(*v, at("description"), limits.max_long_text));
    w.Key("description");
    w.String(d);
  }
  for (size_t i : {ProductMember("brand"), ProductMember("customField1"), ProductMember("customField2"),
                   ProductMember("customField3")}) {
    std::string_view key = kProductMembers[i];
    if (auto v = members[i]) {
      STARLING_ASSIGN_OR_RETURN(std::string t, Text(*v, at(key), limits.max_text));
      w.Key(key);
      w.String(t);
    }
  }
  for (size_t i : {ProductMember("priority"), ProductMember("reviewCount"), ProductMember("ratingCount"),
                   ProductMember("stock")}) {
    std::string_view key = kProductMembers[i];
    if (auto v = members[i]) {
      STARLING_ASSIGN_OR_RETURN(int64_t n, Integer(*v, at(key), key == "priority" ? INT64_MIN / 2 : 0));
      w.Key(key);
      w.Integer(n);
    }
  }
  if (auto v = members[ProductMember("ratingValue")]) {
    STARLING_ASSIGN_OR_RETURN(double r, Number(*v, at("ratingValue"), 0, 5));
    w.Key("ratingValue");
    w.Number(r);
  }
  for (size_t i : {ProductMember("unitPriceOriginal"), ProductMember("unitPriceWithoutVat"),
                   ProductMember("discountedAmount")}) {
    std::string_view key = kProductMembers[i];
    if (auto v = members[i]) {
      STARLING_ASSIGN_OR_RETURN(double n, Number(*v, at(key), 0, 1e300));
      w.Key(key);
      w.Number(n);
    }
  }
  if (auto v = members[ProductMember("discountedPercentage")]) {
    STARLING_ASSIGN_OR_RETURN(double n, Number(*v, at("discountedPercentage"), 0, 100));
    w.Key("discountedPercentage");
    w.Number(n);
  }
  if (auto v = members[ProductMember("categories")]) {
    STARLING_ASSIGN_OR_RETURN(auto list, TextArray(*v, at("categories"), 50, false));
    w.Key("categories");
    w.BeginArray();
    for (std::string& c : list) w.String(CategoryPath(std::move(c)));
    w.EndArray();
  }
  if (auto v = members[ProductMember("tags")]) {
    STARLING_ASSIGN_OR_RETURN(auto list, TextArray(*v, at("tags"), 100, false));
    w.Key("tags");
    w.BeginArray();
    for (const std::string& t : list) w.String(t);
    w.EndArray();
  }
  if (auto v = members[ProductMember("relatedExternalProductIds")]) {
    STARLING_ASSIGN_OR_RETURN(auto list, TextArray(*v, at("relatedExternalProductIds"), 100, true));
    w.Key("relatedExternalProductIds");
    w.BeginArray();
    for (const std::string& t : list) w.String(t);
    w.EndArray();
  }
  if (auto v = members[ProductMember("publishedAt")]) {
    STARLING_ASSIGN_OR_RETURN(int64_t us, Time(*v, at("publishedAt")));
    w.Key("publishedAt");
    w.String(FormatIsoUtc(TimePoint(std::chrono::microseconds(us))));
  }
  w.EndObject();
  p.json = w.Take();
  return p;
}

Result<CartLine> ParseLine(element e, const Path& path, const ParseLimits& limits,
                           ProductNeeds needs = ProductNeeds::kCatalogFields) {
  STARLING_ASSIGN_OR_RETURN(Product product, ParseProduct(e, path, limits, needs));
  CartLine line;
  line.price = product.unit_price;
  object o;
  if (e.get_object().get(o)) return Invalid(path, "expected a product object");
  if (auto v = Field(o, "quantity")) {
    STARLING_ASSIGN_OR_RETURN(line.quantity, Number(*v, Path(path, "quantity"), 0, 1e9));
  }
  if (auto v = Field(o, "price")) {
    STARLING_ASSIGN_OR_RETURN(line.price, Number(*v, Path(path, "price"), 0, 1e300));
  }
  line.product = std::move(product);
  return line;
}

Result<std::vector<CartLine>> ParseLines(const object& o, std::string_view key, const Path& path,
                                         const ParseLimits& limits) {
  std::vector<CartLine> lines;
  auto v = Field(o, key);
  if (!v) return lines;
  array a;
  Path field(path, key);
  if (v->get_array().get(a)) return Invalid(field, fmt::format("expected an array of products, got {}", Show(*v)));
  size_t i = 0;
  for (element item : a) {
    if (i >= limits.max_products) return Invalid(field, fmt::format("at most {} products", limits.max_products));
    STARLING_ASSIGN_OR_RETURN(CartLine line, ParseLine(item, Path(field, i++), limits));
    lines.push_back(std::move(line));
  }
  return lines;
}

void WriteLines(JsonWriter& w, const std::vector<CartLine>& lines) {
  w.BeginArray();
  for (const CartLine& line : lines) {
    w.BeginObject();
    w.Key("product");
    w.Raw(line.product.json);
    w.Key("quantity");
    w.Number(line.quantity);
    w.Key("price");
    w.Number(line.price);
    w.EndObject();
  }
  w.EndArray();
}

Result<Cart> ParseCart(element e, const Path& path, const ParseLimits& limits) {
  object o;
  if (e.get_object().get(o)) return Invalid(path, fmt::format("expected a cart object, got {}", Show(e)));
  Cart cart;
  auto id = Field(o, "cartId");
  if (!id) return Invalid(Path(path, "cartId"), "a cart needs its cartId");
  STARLING_ASSIGN_OR_RETURN(cart.cart_id, IdText(*id, Path(path, "cartId")));
  STARLING_ASSIGN_OR_RETURN(cart.lines, ParseLines(o, "products", path, limits));
  double quantity = 0, total = 0;
  for (const CartLine& line : cart.lines) {
    quantity += line.quantity;
    total += line.quantity * line.price;
  }
  cart.total_quantity = quantity;
  cart.total_price = total;
  if (auto v = Field(o, "totalQuantity")) {
    STARLING_ASSIGN_OR_RETURN(cart.total_quantity, Number(*v, Path(path, "totalQuantity"), 0, 1e12));
  }
  if (auto v = Field(o, "totalPrice")) {
    STARLING_ASSIGN_OR_RETURN(cart.total_price, Number(*v, Path(path, "totalPrice"), 0, 1e300));
  }
  return cart;
}

Result<Purchase> ParsePurchaseObject(element e, const Path& path, const ParseLimits& limits) {
  object o;
  if (e.get_object().get(o)) return Invalid(path, fmt::format("expected a purchase object, got {}", Show(e)));
  Purchase p;
  auto id = Field(o, "purchaseId");
  if (!id) return Invalid(Path(path, "purchaseId"), "a purchase needs its purchaseId");
  STARLING_ASSIGN_OR_RETURN(p.purchase_id, IdText(*id, Path(path, "purchaseId")));
  STARLING_ASSIGN_OR_RETURN(p.lines, ParseLines(o, "products", path, limits));
  for (const CartLine& line : p.lines) {
    p.total_quantity += line.quantity;
    p.total_price += line.quantity * line.price;
  }
  if (auto v = Field(o, "totalQuantity")) {
    STARLING_ASSIGN_OR_RETURN(p.total_quantity, Number(*v, Path(path, "totalQuantity"), 0, 1e12));
  }
  if (auto v = Field(o, "totalPrice")) {
    STARLING_ASSIGN_OR_RETURN(p.total_price, Number(*v, Path(path, "totalPrice"), 0, 1e300));
  }
  if (auto v = Field(o, "paymentMethod")) {
    STARLING_ASSIGN_OR_RETURN(p.payment_method, Text(*v, Path(path, "paymentMethod"), 200));
  }
  if (auto v = Field(o, "source")) {
    STARLING_ASSIGN_OR_RETURN(p.source, Text(*v, Path(path, "source"), 40));
    static constexpr std::array<std::string_view, 5> kSources = {"marketplace", "digital-store", "point-of-sale",
                                                                 "third-party", "other"};
    if (std::find(kSources.begin(), kSources.end(), p.source) == kSources.end()) {
      return Invalid(Path(path, "source"),
                     fmt::format("expected marketplace, digital-store, point-of-sale, third-party or other, got {}",
                                 Show(*v)));
    }
  }
  for (std::string_view key : {"purchasedAt", "purchaseDate"}) {
    if (auto v = Field(o, key)) {
      STARLING_ASSIGN_OR_RETURN(p.purchased_at_us, Time(*v, Path(path, key)));
    }
  }
  return p;
}

std::string PurchaseJson(const Purchase& p) {
  JsonWriter w;
  w.BeginObject();
  w.Key("purchaseId");
  w.String(p.purchase_id);
  w.Key("totalPrice");
  w.Number(p.total_price);
  w.Key("totalQuantity");
  w.Number(p.total_quantity);
  if (!p.payment_method.empty()) {
    w.Key("paymentMethod");
    w.String(p.payment_method);
  }
  if (!p.source.empty()) {
    w.Key("source");
    w.String(p.source);
  }
  w.Key("products");
  WriteLines(w, p.lines);
  w.EndObject();
  return w.Take();
}

// ---- Contact fields -------------------------------------------------------------------------------

bool ValidFieldId(std::string_view id) {
  return !id.empty() && id.size() <= 64 && std::all_of(id.begin(), id.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-';
  });
}

bool ValidTrackerId(std::string_view id) {
  return id.size() >= 8 && id.size() <= 64 && std::all_of(id.begin(), id.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-';
  });
}

// One profile field: system fields are checked, custom ones must be scalars.
Result<std::string> FieldValue(std::string_view key, element v, const Path& path) {
  if (key == kExternalIdField) {
    return Invalid(path, "the external id identifies the contact: send it as a Segment `userId`; it is not a field "
                         "the page or traits can set");
  }
  auto one_of = [&](std::initializer_list<std::string_view> allowed) -> Result<std::string> {
    STARLING_ASSIGN_OR_RETURN(std::string s, Text(v, path, 40));
    for (std::string_view a : allowed) {
      if (s == a) {
        std::string out;
        JsonWriter::AppendQuoted(out, s);
        return out;
      }
    }
    std::string list;
    for (std::string_view a : allowed) list += fmt::format("{}{}", list.empty() ? "" : ", ", a);
    return Invalid(path, fmt::format("expected one of {}, got {}", list, Show(v)));
  };
  if (key == "_birthdate") {
    STARLING_ASSIGN_OR_RETURN(std::string s, Text(v, path, 10));
    bool ok = s.size() == 10 && s[4] == '-' && s[7] == '-' && ParseIsoUtc(s + "T00:00:00Z");
    if (!ok) return Invalid(path, fmt::format("expected a date like 1990-05-01, got {}", Show(v)));
    return "\"" + s + "\"";
  }
  if (key == "_email_status") return one_of({"active", "bounced", "paused", "banned"});
  if (key == "_newsletter_subscription_status" || key == "_sms_subscription_status") {
    return one_of({"subscribed", "unsubscribed", "none"});
  }
  if (key == "_mobile_phone_status") return one_of({"active", "bounced", "paused", "banned"});
  if (key == "_mobile_phone") {
    STARLING_ASSIGN_OR_RETURN(std::string s, IdText(v, path));
    std::string digits;
    for (char c : s) {
      if (std::isdigit(static_cast<unsigned char>(c)) || (c == '+' && digits.empty())) digits.push_back(c);
      else if (c != ' ' && c != '-' && c != '(' && c != ')' && c != '.') {
        return Invalid(path, fmt::format("expected a phone number like +34600111222, got {}", Show(v)));
      }
    }
    if (digits.size() < 6 || digits.size() > 16) {
      return Invalid(path, fmt::format("expected a phone number like +34600111222, got {}", Show(v)));
    }
    return "\"" + digits + "\"";
  }
  if (key == "_points") {
    STARLING_ASSIGN_OR_RETURN(double n, Number(v, path, -1e12, 1e12));
    JsonWriter w;
    w.Number(n);
    return w.Take();
  }
  switch (v.type()) {
    case element_type::OBJECT:
    case element_type::ARRAY:
      return Invalid(path, "a contact field holds a string, a number, a boolean or null, not " + Show(v));
    case element_type::STRING: {
      STARLING_ASSIGN_OR_RETURN(std::string s, Text(v, path, 2000));
      std::string out;
      JsonWriter::AppendQuoted(out, s);
      return out;
    }
    default:
      return simdjson::minify(v);
  }
}

// entityInfo → keys and fields; problems recorded as request-level errors (the events still count).
void ParseEntityInfo(element e, TrackBatch& batch) {
  object o;
  if (e.get_object().get(o)) {
    batch.errors.push_back({-1, "entityInfo", fmt::format("entityInfo: expected an object, got {}", Show(e))});
    return;
  }
  for (auto [key, value] : o) {
    if (value.is_null()) continue;
    // The field's name for messages, put together only when one is needed (Path).
    auto field_path = [key = key] { return fmt::format("entityInfo.{}", key); };
    if (key == "trackerId") {
      std::string_view t;
      if (value.get_string().get(t) || !ValidTrackerId(t)) {
        std::string path = field_path();
        batch.errors.push_back({-1, path, fmt::format("{}: expected 8 to 64 letters, digits, _ or -, got {}", path, Show(value))});
      } else {
        batch.keys.tracker_id = std::string(t);
      }
      continue;
    }
    if (key == "primaryKey" || key == "email") {
      std::string_view s;
      if (value.get_string().get(s)) {
        std::string path = field_path();
        batch.errors.push_back({-1, path, fmt::format("{}: expected an email, got {}", path, Show(value))});
        continue;
      }
      if (s.empty()) continue;
      auto email = EmailAt(s, key == "email" ? "entityInfo.email" : "entityInfo.primaryKey");
      if (!email) {
        batch.errors.push_back({-1, field_path(), email.error().message});
      } else {
        batch.keys.email = *email;
      }
      continue;
    }
    if (!ValidFieldId(key)) {
      std::string path = field_path();
      batch.errors.push_back({-1, path, fmt::format("{}: a field id has 1 to 64 letters, digits, _ or -", path)});
      continue;
    }
    auto field = FieldValue(key, value, Path(Path("entityInfo"), key));
    if (!field) {
      batch.errors.push_back({-1, field_path(), field.error().message});
      continue;
    }
    batch.fields.emplace_back(std::string(key), std::move(*field));
  }
}

// ---- Push subscription ------------------------------------------------------------------------------

// How many bytes `text` decodes to as base64url (PushSubscription.toJSON()) or standard base64, padding
// optional; nullopt when it is neither.
std::optional<size_t> Base64Bytes(std::string_view text) {
  if (text.ends_with("==")) {
    text.remove_suffix(2);
  } else if (text.ends_with("=")) {
    text.remove_suffix(1);
  }
  if (text.empty() || text.size() % 4 == 1) return std::nullopt;
  bool alphabet = std::all_of(text.begin(), text.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '+' || c == '/';
  });
  if (!alphabet) return std::nullopt;
  return text.size() * 6 / 8;
}

// keys.p256dh or keys.auth: base64 text of `min_bytes`…`max_bytes` bytes; `what` names it in messages.
Result<std::string> PushKey(const object& keys, std::string_view name, const Path& keys_path, size_t min_bytes,
                            size_t max_bytes, std::string_view what) {
  Path path(keys_path, name);
  auto v = Field(keys, name);
  if (!v) return Invalid(path, fmt::format("missing: expected {} in base64url", what));
  STARLING_ASSIGN_OR_RETURN(std::string text, Text(*v, path, 200));
  auto bytes = Base64Bytes(text);
  if (!bytes || *bytes < min_bytes || *bytes > max_bytes) {
    return Invalid(path, fmt::format("expected {} in base64url, got {}", what, Show(*v)));
  }
  return text;
}

Result<PushSubscription> ParsePushSubscription(element e, const Path& path) {
  object o;
  if (e.get_object().get(o)) {
    return Invalid(path, fmt::format("expected the object of PushSubscription.toJSON(), {{\"endpoint\": …, "
                                     "\"keys\": {{\"p256dh\": …, \"auth\": …}}}}, got {}",
                                     Show(e)));
  }
  PushSubscription sub;
  Path endpoint_path(path, "endpoint");
  auto endpoint = Field(o, "endpoint");
  if (!endpoint) return Invalid(endpoint_path, "missing: a push subscription needs its endpoint (an https URL)");
  STARLING_ASSIGN_OR_RETURN(sub.endpoint, Text(*endpoint, endpoint_path, 2048));
  bool https = sub.endpoint.size() > 8 &&
               std::equal(sub.endpoint.begin(), sub.endpoint.begin() + 8, "https://",
                          [](char a, char b) { return std::tolower(static_cast<unsigned char>(a)) == b; });
  auto url = accounts::ValidateUrl(sub.endpoint, "endpoint", false);  // trims: a padded URL is refused
  if (!https || !url || *url != sub.endpoint) {
    return Invalid(endpoint_path, fmt::format("expected the https URL of a push service, got {}", Show(*endpoint)));
  }
  // The web-push channel will send to this URL from the server: a host of the public internet only,
  // never an address, a local name or credentials (a page could otherwise make the server call inside
  // its own network).
  std::string host = AsciiLower(UrlAuthority(sub.endpoint));
  if (size_t colon = host.rfind(':'); colon != std::string::npos && host.find(']') == std::string::npos) host.resize(colon);
  auto ends_with = [&](std::string_view suffix) { return host == suffix.substr(1) || host.ends_with(suffix); };
  if (host.find('@') != std::string::npos || host.find('.') == std::string::npos || host.starts_with('[') ||
      accounts::TryParseIpAddress(host) || ends_with(".localhost") || ends_with(".local") || ends_with(".internal") ||
      ends_with(".home.arpa")) {
    return Invalid(endpoint_path,
                   fmt::format("expected the URL of a push service on the public internet (such as "
                               "https://fcm.googleapis.com/fcm/send/…), got {}",
                               Show(*endpoint)));
  }
  Path keys_path(path, "keys");
  auto keys = Field(o, "keys");
  object k;
  if (!keys) return Invalid(keys_path, "missing: a push subscription needs its keys {\"p256dh\", \"auth\"}");
  if (keys->get_object().get(k)) {
    return Invalid(keys_path, fmt::format("expected an object {{\"p256dh\", \"auth\"}}, got {}", Show(*keys)));
  }
  STARLING_ASSIGN_OR_RETURN(sub.p256dh,
                            PushKey(k, "p256dh", keys_path, 65, 65, "the browser's P-256 public key (65 bytes)"));
  STARLING_ASSIGN_OR_RETURN(sub.auth, PushKey(k, "auth", keys_path, 16, 64, "the authentication secret (16 bytes)"));
  return sub;
}

// A request-level part (cart, push subscription): kept when valid, else recorded as the request's error
// (the rest of the request still counts).
template <typename T>
void KeepPart(Result<T> parsed, std::optional<T>& into, TrackBatch& batch) {
  if (parsed) {
    into = std::move(*parsed);
  } else {
    batch.errors.push_back({-1, parsed.error().field, parsed.error().message});
  }
}

// ---- Events -----------------------------------------------------------------------------------------

std::string ReadPage(const object& root);

// The page's context (pageInfo + browserInfo), added to the data of page-visit events: read at the
// first page visit, so that requests without one never pay for it.
class PageContext {
 public:
  PageContext() = default;  // no page context (REST batches)
  explicit PageContext(const object& root) : root_(&root) {}
  // The members to add (without braces), may be empty.
  const std::string& json_fields() const {
    if (!json_fields_) json_fields_ = root_ != nullptr ? ReadPage(*root_) : std::string();
    return *json_fields_;
  }

 private:
  const object* root_ = nullptr;
  mutable std::optional<std::string> json_fields_;
};

Result<Event> ParseEvent(element e, const Path& path, const ParseLimits& limits, const PageContext& page,
                         TrackBatch& batch) {
  object o;
  if (e.get_object().get(o)) return Invalid(path, fmt::format("expected an event object, got {}", Show(e)));
  auto type_el = Field(o, "type");
  if (!type_el) return Invalid(Path(path, "type"), "an event needs its type");
  STARLING_ASSIGN_OR_RETURN(std::string type, Text(*type_el, Path(path, "type"), 64));
  Event event;
  event.type = type;
  if (auto v = Field(o, "occurredAt")) {
    STARLING_ASSIGN_OR_RETURN(event.occurred_at_us, Time(*v, Path(path, "occurredAt")));
  }
  auto at = [&](std::string_view key) { return Path(path, key); };
  JsonWriter w;
  w.BeginObject();
  auto text_member = [&](std::string_view key, bool required, size_t max) -> Status {
    auto v = Field(o, key);
    if (!v) {
      if (required) return Invalid(at(key), fmt::format("a {} event needs {}", type, key));
      return Ok();
    }
    STARLING_ASSIGN_OR_RETURN(std::string s, Text(*v, at(key), max));
    w.Key(key);
    w.String(s);
    return Ok();
  };
  if (type == "page-visit") {
    // Its data is the page's context, set below.
  } else if (type == "product-visited") {
    auto v = Field(o, "product");
    if (!v) return Invalid(at("product"), "a product-visited event needs its product");
    STARLING_ASSIGN_OR_RETURN(Product product, ParseProduct(*v, at("product"), limits));
    w.Key("product");
    w.Raw(product.json);
    event.products.push_back(std::move(product));
  } else if (type == "product-searched") {
    STARLING_TRY(text_member("searchText", false, limits.max_text));
    STARLING_ASSIGN_OR_RETURN(auto lines, ParseLines(o, "products", path, limits));
    w.Key("products");
    w.BeginArray();
    for (CartLine& line : lines) {
      w.Raw(line.product.json);
      event.products.push_back(std::move(line.product));
    }
    w.EndArray();
  } else if (type == "product-not-found") {
    STARLING_TRY(text_member("searchText", false, limits.max_text));
    if (auto v = Field(o, "productId")) {
      STARLING_ASSIGN_OR_RETURN(std::string id, IdText(*v, at("productId")));
      w.Key("productId");
      w.String(id);
    }
  } else if (type == "search") {
    STARLING_TRY(text_member("searchText", true, limits.max_text));
  } else if (type == "newsletter-subscribe") {
    auto v = Field(o, "email");
    std::string email = batch.keys.email;
    if (v) {
      std::string_view s;
      if (v->get_string().get(s)) return Invalid(at("email"), fmt::format("expected an email, got {}", Show(*v)));
      auto normalized = EmailAt(s, at("email"));
      if (!normalized) return normalized.error();
      email = *normalized;
    }
    if (email.empty()) return Invalid(at("email"), "a newsletter-subscribe event needs the email that subscribed");
    // The engine records the subscription on that email's contact, and identifies an anonymous visitor
    // by it (never a signed-in customer who subscribes another address).
    event.subscriber_email = email;
    w.Key("email");
    w.String(email);
  } else if (type == "purchase") {
    auto v = Field(o, "purchase");
    if (!v) return Invalid(at("purchase"), "a purchase event needs its purchase");
    STARLING_ASSIGN_OR_RETURN(Purchase purchase, ParsePurchaseObject(*v, at("purchase"), limits));
    w.Key("purchase");
    w.Raw(PurchaseJson(purchase));
    for (const CartLine& line : purchase.lines) event.products.push_back(line.product);
    event.purchase = std::move(purchase);
  } else if (type == "form-submitted") {
    STARLING_TRY(text_member("formId", false, 200));
    if (auto v = Field(o, "fields")) {
      if (!v->is_object()) return Invalid(at("fields"), fmt::format("expected an object, got {}", Show(*v)));
      std::string fields = simdjson::minify(*v);
      if (fields.size() > limits.max_long_text) return Invalid(at("fields"), "too large");
      w.Key("fields");
      w.Raw(fields);
    }
  } else if (type == "custom") {
    auto id = Field(o, "eventId");
    if (!id) return Invalid(at("eventId"), "a custom event needs its eventId");
    STARLING_ASSIGN_OR_RETURN(std::string event_id, IdText(*id, at("eventId")));
    w.Key("eventId");
    w.String(event_id);
    if (auto v = Field(o, "payload")) {
      if (!v->is_object()) return Invalid(at("payload"), fmt::format("expected an object, got {}", Show(*v)));
      std::string payload = simdjson::minify(*v);
      if (payload.size() > limits.max_long_text) {
        return Invalid(at("payload"), fmt::format("at most {} bytes", limits.max_long_text));
      }
      w.Key("payload");
      w.Raw(payload);
    }
  } else if (type == "web-content-opened" || type == "web-content-clicked" || type == "web-content-closed") {
    auto id = Field(o, "webContentId");
    if (!id) return Invalid(at("webContentId"), fmt::format("a {} event needs its webContentId", type));
    STARLING_ASSIGN_OR_RETURN(std::string content, IdText(*id, at("webContentId")));
    w.Key("webContentId");
    w.String(content);
    STARLING_TRY(text_member("url", false, 2048));
  } else if (type == "login" || type == "register") {
    // No fields of their own: the contact is identified by entityInfo.
  } else {
    return Invalid(at("type"), fmt::format("unknown event type {}; known types: page-visit, product-visited, "
                                           "product-searched, product-not-found, search, login, register, "
                                           "newsletter-subscribe, purchase, form-submitted, custom, "
                                           "web-content-opened, web-content-clicked, web-content-closed",
                                           Show(*type_el)));
  }
  w.EndObject();
  event.data_json = w.Take();
  if (type == "page-visit" && !page.json_fields().empty()) {
    event.data_json = "{" + page.json_fields() + "}";
  }
  return event;
}

// pageInfo + browserInfo → the members of page-visit data (without braces).
std::string ReadPage(const object& root) {
  JsonWriter w;
  w.BeginObject();
  auto copy_text = [&](const object& o, std::string_view from, std::string_view to, size_t max) {
    if (auto v = Field(o, from)) {
      std::string_view s;
      if (!v->get_string().get(s)) {
        w.Key(to);
        w.String(s.substr(0, max));
      }
    }
  };
  auto copy_list = [&](const object& o, std::string_view key, bool category) {
    if (auto v = Field(o, key)) {
      array a;
      if (v->get_array().get(a)) return;
      w.Key(key);
      w.BeginArray();
      size_t n = 0;
      for (element item : a) {
        std::string_view s;
        if (n++ < 50 && !item.get_string().get(s)) w.String(category ? CategoryPath(std::string(s.substr(0, 500))) : s.substr(0, 500));
      }
      w.EndArray();
    }
  };
  if (auto browser = Field(root, "browserInfo")) {
    object b;
    if (!browser->get_object().get(b)) {
      copy_text(b, "url", "url", 2048);
      copy_text(b, "referrer", "referrer", 2048);
      copy_text(b, "language", "language", 35);
      copy_text(b, "device", "device", 20);
      for (std::string_view key : {"screenWidth", "screenHeight", "windowWidth", "windowHeight"}) {
        if (auto v = Field(b, key)) {
          int64_t n;
          if (!v->get_int64().get(n)) {
            w.Key(key);
            w.Integer(n);
          }
        }
      }
    }
  }
  if (auto page = Field(root, "pageInfo")) {
    object p;
    if (!page->get_object().get(p)) {
      copy_text(p, "title", "title", 500);
      copy_list(p, "categories", true);
      copy_list(p, "tags", false);
      copy_list(p, "keywords", false);
    }
  }
  w.EndObject();
  std::string json = w.Take();
  return json.size() > 2 ? json.substr(1, json.size() - 2) : "";
}

// A product from the public script endpoint whose url is on none of the store's authorized domains:
// kept where it was sent, not written to the catalog (anyone who reads the token from a page could
// otherwise rename or reprice the store's products, which emails show later).
// `field_name()` names the url in the request; it is called only for a product refused (this runs for
// every product of every script request).
template <typename FieldName>
void CheckCatalogDomain(Product& product, const FieldName& field_name, int index, std::string_view kept,
                        const std::vector<std::string>& domains, TrackBatch& batch) {
  if (product.url.empty() || accounts::HostAuthorized(domains, product.url)) return;
  product.update_catalog = false;
  std::string url_field = field_name();
  batch.errors.push_back(
      {index, url_field,
       fmt::format("{}: `{}` is not on an authorized domain of this store: the {} was stored, but product `{}` "
                   "was not updated in the catalog (add the host in Store settings › Channels › Web)",
                   url_field, product.url, kept, product.id)});
}

void CheckCatalogDomains(Event& event, int index, const std::vector<std::string>& domains, TrackBatch& batch) {
  for (size_t j = 0; j < event.products.size(); ++j) {
    auto field = [&] {
      return event.type == "product-visited" ? fmt::format("events[{}].product.url", index)
             : event.purchase                 ? fmt::format("events[{}].purchase.products[{}].url", index, j)
                                              : fmt::format("events[{}].products[{}].url", index, j);
    };
    CheckCatalogDomain(event.products[j], field, index, "event", domains, batch);
  }
}

void ParseEvents(const object& root, std::string_view key, const ParseLimits& limits, const PageContext& page,
                 TrackBatch& batch, const std::vector<std::string>* catalog_domains = nullptr) {
  auto v = Field(root, key);
  if (!v) return;
  array events;
  if (v->get_array().get(events)) {
    batch.errors.push_back({-1, std::string(key), fmt::format("{}: expected an array of events, got {}", key, Show(*v))});
    return;
  }
  int i = 0;
  for (element e : events) {
    Path events_path(key);
    Path path(events_path, static_cast<size_t>(i));
    auto event = ParseEvent(e, path, limits, page, batch);
    if (event) {
      if (catalog_domains != nullptr) CheckCatalogDomains(*event, i, *catalog_domains, batch);
      batch.events.push_back(std::move(*event));
    } else {
      batch.errors.push_back({i, event.error().field, event.error().message});
      ++batch.events_refused;
    }
    ++i;
  }
}

}  // namespace

bool IsClientEventType(std::string_view type) {
  return std::find(kClientEventTypes.begin(), kClientEventTypes.end(), type) != kClientEventTypes.end();
}

Result<TrackBatch> ParseScriptPayload(std::string_view body, const ParseLimits& limits,
                                      const std::vector<std::string>* catalog_domains) {
  STARLING_ASSIGN_OR_RETURN(element doc, ParseDocument(ThreadParser(), body));
  object root;
  if (doc.get_object().get(root)) {
    return Error::InvalidArgument(fmt::format("request body: expected a JSON object, got {}", Show(doc)));
  }
  if (auto events = Field(root, "events")) {
    array a;
    if (!events->get_array().get(a) && a.size() > limits.max_events) {
      return Error{ErrorCode::kPayloadTooLarge,
                   fmt::format("events: at most {} events per request, got {}; send them in several requests",
                               limits.max_events, a.size()),
                   "events"};
    }
  }
  TrackBatch batch;
  batch.source = "script";
  batch.keeps_tracker = true;
  if (auto entity = Field(root, "entityInfo")) ParseEntityInfo(*entity, batch);
  if (auto cart = Field(root, "cart")) {
    KeepPart(ParseCart(*cart, "cart", limits), batch.cart, batch);
    for (size_t j = 0; batch.cart && catalog_domains != nullptr && j < batch.cart->lines.size(); ++j) {
      CheckCatalogDomain(batch.cart->lines[j].product, [j] { return fmt::format("cart.products[{}].url", j); }, -1, "cart",
                         *catalog_domains, batch);
    }
  }
  if (auto push = Field(root, "pushSubscription")) {
    KeepPart(ParsePushSubscription(*push, "pushSubscription"), batch.push_subscription, batch);
  }
  ParseEvents(root, "events", limits, PageContext(root), batch, catalog_domains);
  return batch;
}

namespace {

// Whom a REST call (or one event of a batch) is about: `email`, `contactId` or `trackerId`, at least
// one. `prefix` starts the field names ("" or "events[3]."); `what` names the call in the error.
Result<ContactKeys> RestContactKeys(const object& o, const std::string& prefix, std::string_view what) {
  ContactKeys keys;
  if (auto v = Field(o, "email")) {
    std::string_view s;
    if (v->get_string().get(s)) return Invalid(prefix + "email", fmt::format("expected an email, got {}", Show(*v)));
    STARLING_ASSIGN_OR_RETURN(keys.email, EmailAt(s, prefix + "email"));
  }
  if (auto v = Field(o, "contactId")) {
    STARLING_ASSIGN_OR_RETURN(keys.contact_id, Integer(*v, prefix + "contactId", 1));
  }
  if (auto v = Field(o, "trackerId")) {
    std::string_view s;
    if (v->get_string().get(s) || !ValidTrackerId(s)) {
      return Invalid(prefix + "trackerId", fmt::format("expected a tracker id, got {}", Show(*v)));
    }
    keys.tracker_id = std::string(s);
  }
  if (keys.email.empty() && keys.contact_id == 0 && keys.tracker_id.empty()) {
    return Invalid(prefix + "email",
                   fmt::format("say which contact {} is for with `email`, `contactId` or `trackerId`", what));
  }
  return keys;
}

// The body of a REST call about one contact: a JSON object naming it (RestContactKeys).
Result<object> RestContactBody(std::string_view body, std::string_view what, TrackBatch& batch) {
  STARLING_ASSIGN_OR_RETURN(element doc, ParseDocument(ThreadParser(), body));
  object root;
  if (doc.get_object().get(root)) {
    return Error::InvalidArgument(fmt::format("request body: expected a JSON object, got {}", Show(doc)));
  }
  batch.source = "api";
  STARLING_ASSIGN_OR_RETURN(batch.keys, RestContactKeys(root, "", what));
  return root;
}

}  // namespace

Result<TrackBatch> ParseCustomEvent(std::string_view alias, std::string_view body, bool create_contact,
                                    const ParseLimits& limits) {
  if (alias.empty() || alias.size() > 256) {
    return Error::InvalidArgument("the custom event alias in the path must have 1 to 256 characters", "alias");
  }
  TrackBatch batch;
  batch.create_contact = create_contact;
  STARLING_ASSIGN_OR_RETURN(object root, RestContactBody(body, "the event", batch));
  JsonWriter w;
  w.BeginObject();
  w.Key("eventId");
  w.String(alias);
  if (auto v = Field(root, "payload")) {
    if (!v->is_object()) return Invalid("payload", fmt::format("expected an object, got {}", Show(*v)));
    std::string payload = simdjson::minify(*v);
    if (payload.size() > limits.max_long_text) return Invalid("payload", fmt::format("at most {} bytes", limits.max_long_text));
    w.Key("payload");
    w.Raw(payload);
  }
  w.EndObject();
  Event event;
  event.type = "custom";
  event.data_json = w.Take();
  if (auto v = Field(root, "occurredAt")) {
    STARLING_ASSIGN_OR_RETURN(event.occurred_at_us, Time(*v, "occurredAt"));
  }
  batch.events.push_back(std::move(event));
  return batch;
}

Result<TrackBatch> ParseCartUpdate(std::string_view body, bool create_contact, const ParseLimits& limits) {
  TrackBatch batch;
  batch.create_contact = create_contact;
  STARLING_ASSIGN_OR_RETURN(object root, RestContactBody(body, "the cart", batch));
  auto cart = Field(root, "cart");
  if (!cart) {
    return Error::InvalidArgument(
        "cart: send the whole cart, {\"cartId\": …, \"products\": […]} (an empty `products` for an emptied cart)",
        "cart");
  }
  STARLING_ASSIGN_OR_RETURN(batch.cart, ParseCart(*cart, "cart", limits));
  return batch;
}

Result<TrackBatch> ParsePurchase(std::string_view body, bool trigger_event, const ParseLimits& limits) {
  STARLING_ASSIGN_OR_RETURN(element doc, ParseDocument(ThreadParser(), body));
  object root;
  if (doc.get_object().get(root)) {
    return Error::InvalidArgument(fmt::format("request body: expected a JSON object, got {}", Show(doc)));
  }
  TrackBatch batch;
  batch.source = "api";
  auto email = Field(root, "email");
  if (!email) return Error::InvalidArgument("email: a purchase needs the buyer's email", "email");
  std::string_view s;
  if (email->get_string().get(s)) return Invalid("email", fmt::format("expected an email, got {}", Show(*email)));
  STARLING_ASSIGN_OR_RETURN(batch.keys.email, EmailAt(s, "email"));
  STARLING_ASSIGN_OR_RETURN(Purchase purchase, ParsePurchaseObject(doc, "purchase", limits));
  Event event;
  event.type = "purchase";
  event.occurred_at_us = purchase.purchased_at_us;
  // Without the event trigger, the purchase is recorded (and closes the cart) but workflows must not
  // react to it: the stored event says so.
  event.data_json = "{\"purchase\":" + PurchaseJson(purchase) + (trigger_event ? "}" : ",\"triggerEvent\":false}");
  for (const CartLine& line : purchase.lines) event.products.push_back(line.product);
  event.purchase = std::move(purchase);
  batch.events.push_back(std::move(event));
  return batch;
}

Result<BatchRequest> ParseEventBatch(std::string_view body, bool purchases_allowed, const ParseLimits& limits) {
  STARLING_ASSIGN_OR_RETURN(element doc, ParseDocument(ThreadParser(), body));
  object root;
  array events;
  if (doc.get_object().get(root)) return Error::InvalidArgument("request body: expected {\"events\": […]}");
  auto v = Field(root, "events");
  if (!v || v->get_array().get(events)) return Error::InvalidArgument("events: expected an array of events", "events");
  if (events.size() > limits.max_batch_events) {
    return Error{ErrorCode::kPayloadTooLarge,
                 fmt::format("events: at most {} events per batch, got {}", limits.max_batch_events, events.size()),
                 "events"};
  }
  BatchRequest request;
  std::vector<TrackBatch>& batches = request.batches;
  // Whom an event is about; an error refuses that event only.
  auto event_keys = [](element e, const std::string& path) -> Result<ContactKeys> {
    object o;
    if (e.get_object().get(o)) return Invalid(path, fmt::format("expected an event object, got {}", Show(e)));
    return RestContactKeys(o, path + ".", "each event");
  };
  int i = 0;
  for (element e : events) {
    std::string path = fmt::format("events[{}]", i);
    auto found = event_keys(e, path);
    if (!found) {
      request.refused.push_back({i++, found.error().field, found.error().message});
      continue;
    }
    ContactKeys& keys = *found;
    bool same = !batches.empty() && batches.back().keys.email == keys.email &&
                batches.back().keys.tracker_id == keys.tracker_id && batches.back().keys.contact_id == keys.contact_id;
    if (!same) {
      batches.emplace_back();
      batches.back().keys = keys;
      batches.back().source = "api";
    }
    TrackBatch& batch = batches.back();
    auto event = ParseEvent(e, path, limits, PageContext{}, batch);
    if (!event) {
      batch.errors.push_back({i, event.error().field, event.error().message});
      ++batch.events_refused;
    } else if (event->type == "purchase" && !purchases_allowed) {
      batch.errors.push_back({i, path + ".type",
                              "a purchase needs an API key with the scope `purchases:write`: give this key that scope, "
                              "or send purchases with a key that has it"});
      ++batch.events_refused;
    } else {
      batch.events.push_back(std::move(*event));
    }
    ++i;
  }
  request.items = static_cast<size_t>(i);
  return request;
}

// ---- Segment spec -------------------------------------------------------------------------------------

namespace {

// The external id is not a field update here: the engine stores it where the identity rules put it.
Result<ContactKeys> SegmentIdentity(const object& call, const std::string& path) {
  ContactKeys out;
  auto take_email = [&](element v, const std::string& field) -> Status {
    std::string_view s;
    if (v.get_string().get(s)) return Invalid(field, fmt::format("expected a string, got {}", Show(v)));
    STARLING_ASSIGN_OR_RETURN(out.email, EmailAt(s, field));
    return Ok();
  };
  if (auto v = Field(call, "userId")) {
    STARLING_ASSIGN_OR_RETURN(std::string user, IdText(*v, path + "userId"));
    if (user.find('@') != std::string::npos) {
      STARLING_TRY(take_email(*v, path + "userId"));
    } else {
      out.external_id = user;
    }
  }
  if (auto v = Field(call, "anonymousId")) {
    STARLING_ASSIGN_OR_RETURN(std::string anon, IdText(*v, path + "anonymousId"));
    // Segment libraries make UUIDs; keep only what a tracker id may hold.
    std::string tracker;
    for (char c : anon) {
      if (std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-') tracker.push_back(c);
    }
    if (ValidTrackerId(tracker)) {
      out.tracker_id = tracker;
    } else if (out.email.empty() && out.external_id.empty()) {
      // Nothing else names the user: say what is wrong with this one (an ignored anonymousId is no error
      // when the userId is there).
      return Invalid(path + "anonymousId",
                     fmt::format("an anonymousId needs 8 to 64 letters, digits, `_` or `-` (others are left out), "
                                 "got {}",
                                 Show(*v)));
    }
  }
  for (std::string_view holder : {"traits", "context"}) {
    auto v = Field(call, holder);
    object o;
    if (!v || v->get_object().get(o)) continue;
    if (holder == "context") {
      auto traits = Field(o, "traits");
      if (!traits || traits->get_object().get(o)) continue;
    }
    if (auto email = Field(o, "email"); email && out.email.empty()) {
      STARLING_TRY(take_email(*email, path + (holder == "context" ? "context.traits" : "traits") + ".email"));
    }
  }
  if (out.email.empty() && out.tracker_id.empty() && out.external_id.empty()) {
    return Invalid(path + "userId",
                   "a Segment call needs a userId (an email, or your own id of the user) or an anonymousId");
  }
  return out;
}

// Segment traits → Starling contact fields.
void SegmentTraits(const object& traits, const std::string& path, TrackBatch& batch) {
  static const std::array<std::pair<std::string_view, std::string_view>, 8> kMap = {{
      {"firstName", "_name"}, {"first_name", "_name"}, {"lastName", "_surname"}, {"last_name", "_surname"},
      {"birthday", "_birthdate"}, {"phone", "_mobile_phone"}, {"name", "name"}, {"email", ""}}};
  for (auto [key, value] : traits) {
    std::string target(key);
    for (auto [from, to] : kMap) {
      if (key == from) target = std::string(to);
    }
    if (target.empty() || value.is_null()) continue;
    if (target == "name") {
      continue;  // full name: firstName/lastName carry it
    }
    std::string field_path = fmt::format("{}traits.{}", path, key);
    if (target == "_birthdate") {
      std::string_view s;
      if (!value.get_string().get(s) && s.size() >= 10) {
        std::string date(s.substr(0, 10));
        if (ParseIsoUtc(date + "T00:00:00Z")) batch.fields.emplace_back("_birthdate", "\"" + date + "\"");
        continue;
      }
    }
    if (!ValidFieldId(target)) continue;
    auto field = FieldValue(target, value, field_path);
    if (field) {
      batch.fields.emplace_back(target, std::move(*field));
    } else if (value.type() != element_type::OBJECT && value.type() != element_type::ARRAY) {
      batch.errors.push_back({-1, field.error().field, field.error().message});
    }
  }
}

// A Segment e-commerce product (snake_case spec fields) → a Starling product object text for ParseProduct.
// `context_page`: the page the call was made on, whose url is the product's when the product has none
// (only for the single-product events: a list of products is sent from a cart or checkout page).
std::string SegmentProductJson(const object& p, const std::optional<object>& context_page) {
  JsonWriter w;
  w.BeginObject();
  auto copy = [&](std::string_view from, std::string_view to) {
    if (auto v = Field(p, from)) {
      w.Key(to);
      w.Raw(simdjson::minify(*v));
      return true;
    }
    return false;
  };
  if (!copy("product_id", "productId")) {
    if (!copy("sku", "productId")) copy("id", "productId");
  }
  copy("name", "name");
  if (!copy("url", "url")) {
    if (auto v = Field(context_page, "url")) {
      w.Key("url");
      w.Raw(simdjson::minify(*v));
    }
  }
  copy("price", "unitPrice");
  copy("image_url", "imageUrl");
  copy("brand", "brand");
  copy("quantity", "quantity");
  if (auto v = Field(p, "category")) {
    std::string_view c;
    if (!v->get_string().get(c)) {
      w.Key("categories");
      w.BeginArray();
      w.String(c);
      w.EndArray();
    }
  }
  w.EndObject();
  return w.Take();
}

Result<CartLine> SegmentLine(const object& p, const std::optional<object>& page, const std::string& path,
                             const ParseLimits& limits) {
  std::string json = SegmentProductJson(p, page);
  simdjson::dom::parser parser;
  element e;
  if (parser.parse(json).get(e)) return Invalid(path, "unreadable product");
  return ParseLine(e, path, limits, ProductNeeds::kIdAndName);
}

// properties.products of a Segment call, as lines.
Result<std::vector<CartLine>> SegmentLines(const std::optional<object>& properties, const std::string& path,
                                           const ParseLimits& limits) {
  std::vector<CartLine> lines;
  auto v = Field(properties, "products");
  array a;
  if (!v || v->get_array().get(a)) return lines;
  int i = 0;
  for (element item : a) {
    object p;
    if (item.get_object().get(p)) continue;
    STARLING_ASSIGN_OR_RETURN(CartLine line,
                              SegmentLine(p, std::nullopt, fmt::format("{}properties.products[{}]", path, i++), limits));
    lines.push_back(std::move(line));
  }
  return lines;
}

// Calls Segment libraries send that Starling has no use for: accepted, nothing stored. (An alias's
// previousId may be an anonymous id or an earlier userId; identify with userId and anonymousId covers
// the first, and the identity rules have nothing for the second.)
constexpr std::array<std::string_view, 2> kIgnoredSegmentCalls = {"alias", "group"};

Status SegmentCall(const object& call, std::string_view kind, const std::string& path, const ParseLimits& limits,
                   std::vector<TrackBatch>& out) {
  if (std::find(kIgnoredSegmentCalls.begin(), kIgnoredSegmentCalls.end(), kind) != kIgnoredSegmentCalls.end()) {
    return Ok();
  }
  if (kind != "identify" && kind != "track" && kind != "page" && kind != "screen") {
    return Invalid(path + "type", fmt::format("unsupported Segment call type `{}`: expected identify, track, page, "
                                              "screen, alias or group",
                                              kind));
  }
  STARLING_ASSIGN_OR_RETURN(ContactKeys keys, SegmentIdentity(call, path));
  TrackBatch batch;
  batch.source = "segment";
  batch.keys = std::move(keys);
  // A retried call comes again with its messageId: the runtime stores it once. A malformed id is
  // reported and the call kept (without that protection).
  if (auto v = Field(call, "messageId")) {
    auto id = IdText(*v, path + "messageId");
    if (id) {
      batch.dedupe_key = std::move(*id);
    } else {
      batch.errors.push_back({-1, id.error().field, id.error().message});
    }
  }
  int64_t at_us = 0;
  if (auto v = Field(call, "timestamp")) {
    // A time that cannot be read is reported; the call is kept, at the time it arrived.
    auto t = Time(*v, path + "timestamp");
    if (t) {
      at_us = *t;
    } else {
      batch.errors.push_back({-1, t.error().field, t.error().message});
    }
  }
  object properties_object;
  if (auto v = Field(call, "properties"); v && v->get_object().get(properties_object)) {
    return Invalid(path + "properties", fmt::format("expected an object, got {}", Show(*v)));
  }
  std::optional<object> properties;
  if (Field(call, "properties")) properties = properties_object;
  std::optional<object> page;
  if (auto ctx = Field(call, "context")) {
    object c, p;
    if (!ctx->get_object().get(c)) {
      if (auto pv = Field(c, "page"); pv && !pv->get_object().get(p)) page = p;
      // The visitor's address and browser, which a server-side library sends for them: excluded IPs
      // and bots are recognized by these (an address that does not parse is ignored).
      std::string_view text;
      if (auto ip = Field(c, "ip"); ip && !ip->get_string().get(text) && accounts::TryParseIpAddress(text)) {
        batch.ip = std::string(text);
      }
      if (auto ua = Field(c, "userAgent"); ua && !ua->get_string().get(text) && text.size() <= 2000) {
        batch.user_agent = std::string(text);
      }
    }
  }
  auto add = [&](std::string type, std::string data_json) {
    Event e;
    e.type = std::move(type);
    e.data_json = std::move(data_json);
    e.occurred_at_us = at_us;
    batch.events.push_back(std::move(e));
  };
  if (kind == "identify") {
    if (auto v = Field(call, "traits")) {
      object traits;
      if (!v->get_object().get(traits)) SegmentTraits(traits, path, batch);
    }
  } else if (kind == "page" || kind == "screen") {
    JsonWriter w;
    w.BeginObject();
    for (const std::optional<object>* source : {&properties, &page}) {
      for (std::string_view key : {"url", "title", "referrer"}) {
        if (auto v = Field(*source, key); v && v->is_string()) {
          if (source == &page && Field(properties, key)) continue;
          w.Key(key);
          w.Raw(simdjson::minify(*v));
        }
      }
    }
    w.EndObject();
    add("page-visit", w.Take());
  } else {  // track
    auto name_el = Field(call, "event");
    if (!name_el) return Invalid(path + "event", "a track call needs its event name");
    STARLING_ASSIGN_OR_RETURN(std::string name, Text(*name_el, path + "event", 200));
    std::string props = Field(call, "properties") ? simdjson::minify(*Field(call, "properties")) : "{}";
    if (name == "Product Viewed") {
      if (!properties) return Invalid(path + "properties", "Product Viewed needs the product in properties");
      STARLING_ASSIGN_OR_RETURN(CartLine line, SegmentLine(*properties, page, path + "properties", limits));
      Event e;
      e.type = "product-visited";
      e.data_json = "{\"product\":" + line.product.json + "}";
      e.occurred_at_us = at_us;
      e.products.push_back(std::move(line.product));
      batch.events.push_back(std::move(e));
    } else if (name == "Product Added" || name == "Product Removed") {
      if (!properties) return Invalid(path + "properties", fmt::format("{} needs the product in properties", name));
      STARLING_ASSIGN_OR_RETURN(CartLine line, SegmentLine(*properties, page, path + "properties", limits));
      CartLineChange change;
      if (auto v = Field(properties, "cart_id")) {
        auto id = IdText(*v, path + "properties.cart_id");
        if (id) change.cart_id = *id;
      }
      change.added = name == "Product Added";
      change.line = std::move(line);
      batch.cart_changes.push_back(std::move(change));
    } else if (name == "Cart Viewed") {
      Cart cart;
      if (auto v = Field(properties, "cart_id")) {
        auto id = IdText(*v, path + "properties.cart_id");
        if (id) cart.cart_id = *id;
      }
      STARLING_ASSIGN_OR_RETURN(cart.lines, SegmentLines(properties, path, limits));
      for (const CartLine& line : cart.lines) {
        cart.total_quantity += line.quantity;
        cart.total_price += line.quantity * line.price;
      }
      if (cart.cart_id.empty()) cart.cart_id = "segment";
      batch.cart = std::move(cart);
    } else if (name == "Order Completed") {
      Purchase purchase;
      auto id = Field(properties, "order_id");
      if (!id) id = Field(properties, "checkout_id");
      if (!id) return Invalid(path + "properties.order_id", "Order Completed needs its order_id");
      STARLING_ASSIGN_OR_RETURN(purchase.purchase_id, IdText(*id, path + "properties.order_id"));
      STARLING_ASSIGN_OR_RETURN(purchase.lines, SegmentLines(properties, path, limits));
      for (const CartLine& line : purchase.lines) {
        purchase.total_quantity += line.quantity;
        purchase.total_price += line.quantity * line.price;
      }
      for (std::string_view key : {"total", "revenue"}) {
        if (auto v = Field(properties, key)) {
          STARLING_ASSIGN_OR_RETURN(purchase.total_price, Number(*v, fmt::format("{}properties.{}", path, key), 0, 1e300));
          break;
        }
      }
      Event e;
      e.type = "purchase";
      e.occurred_at_us = at_us;
      e.data_json = "{\"purchase\":" + PurchaseJson(purchase) + "}";
      for (const CartLine& line : purchase.lines) e.products.push_back(line.product);
      e.purchase = std::move(purchase);
      batch.events.push_back(std::move(e));
    } else if (name == "Products Searched") {
      JsonWriter w;
      w.BeginObject();
      if (auto v = Field(properties, "query"); v && v->is_string()) {
        w.Key("searchText");
        w.Raw(simdjson::minify(*v));
      }
      w.EndObject();
      add("search", w.Take());
    } else if (name == "Signed Up") {
      add("register", "{}");
    } else if (name == "Signed In") {
      add("login", "{}");
    } else {
      std::string event_id = name == "Checkout Started" ? "checkout-started" : name;
      JsonWriter w;
      w.BeginObject();
      w.Key("eventId");
      w.String(event_id);
      w.Key("payload");
      w.Raw(props.size() <= limits.max_long_text ? props : "{}");
      w.EndObject();
      add("custom", w.Take());
    }
  }
  out.push_back(std::move(batch));
  return Ok();
}

// The Segment API takes the same public token as the script: its products' urls are checked the same
// way before they may change the catalog. `path` is the call's ("batch[2]." in a batch).
void CheckSegmentCatalogDomains(TrackBatch& batch, const std::string& path, const std::vector<std::string>& domains) {
  for (Event& e : batch.events) {
    bool list = e.purchase.has_value();
    for (size_t j = 0; j < e.products.size(); ++j) {
      CheckCatalogDomain(
          e.products[j],
          [&] { return list ? fmt::format("{}properties.products[{}].url", path, j) : path + "properties.url"; }, -1,
          "event", domains, batch);
    }
  }
  for (size_t j = 0; batch.cart && j < batch.cart->lines.size(); ++j) {
    CheckCatalogDomain(
        batch.cart->lines[j].product, [&] { return fmt::format("{}properties.products[{}].url", path, j); }, -1, "cart",
        domains, batch);
  }
  for (CartLineChange& change : batch.cart_changes) {
    CheckCatalogDomain(change.line.product, [&] { return path + "properties.url"; }, -1, "cart", domains, batch);
  }
}

}  // namespace

Result<BatchRequest> ParseSegment(std::string_view kind, std::string_view body, const ParseLimits& limits,
                                  const std::vector<std::string>* catalog_domains) {
  STARLING_ASSIGN_OR_RETURN(element doc, ParseDocument(ThreadParser(), body));
  object root;
  if (doc.get_object().get(root)) return Error::InvalidArgument("request body: expected a JSON object");
  BatchRequest request;
  // The refused fields of a kept call carry the call's position.
  auto number_errors = [&request](size_t first_batch, int index) {
    for (size_t b = first_batch; b < request.batches.size(); ++b) {
      for (EventError& e : request.batches[b].errors) e.index = index;
    }
  };
  auto check_domains = [&](size_t first_batch, const std::string& path) {
    for (size_t b = first_batch; catalog_domains != nullptr && b < request.batches.size(); ++b) {
      CheckSegmentCatalogDomains(request.batches[b], path, *catalog_domains);
    }
  };
  if (kind != "batch") {
    request.items = 1;
    STARLING_TRY(SegmentCall(root, kind, "", limits, request.batches));
    check_domains(0, "");
    number_errors(0, 0);
    return request;
  }
  auto v = Field(root, "batch");
  array calls;
  if (!v || v->get_array().get(calls)) return Error::InvalidArgument("batch: expected an array of calls", "batch");
  if (calls.size() > limits.max_batch_events) {
    return Error{ErrorCode::kPayloadTooLarge,
                 fmt::format("batch: at most {} calls, got {}", limits.max_batch_events, calls.size()), "batch"};
  }
  // One refused call drops only itself: Segment libraries do not retry a 400, so refusing the whole
  // batch would lose every valid call flushed with it.
  auto batch_call = [&](element e, const std::string& path) -> Status {
    object call;
    if (e.get_object().get(call)) {
      return Invalid(path.substr(0, path.size() - 1), fmt::format("expected a call object, got {}", Show(e)));
    }
    auto type = Field(call, "type");
    std::string_view t;
    if (!type || type->get_string().get(t)) return Invalid(path + "type", "each call needs its type");
    return SegmentCall(call, t, path, limits, request.batches);
  };
  int i = 0;
  for (element e : calls) {
    int index = i++;
    size_t first_batch = request.batches.size();
    std::string path = fmt::format("batch[{}].", index);
    Status status = batch_call(e, path);
    if (!status) {
      request.refused.push_back({index, status.error().field, status.error().message});
      continue;
    }
    check_domains(first_batch, path);
    number_errors(first_batch, index);
  }
  request.items = static_cast<size_t>(i);
  return request;
}

}  // namespace starling::tracking
