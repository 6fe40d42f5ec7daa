-- Realistic, varied tracking-script payloads (docs/integration.md §4) over CONTACTS visitors and a
-- catalog of PRODUCTS products. Shared by the ingest benchmark's wrk scripts.
local M = {}

M.contacts = tonumber(os.getenv("CONTACTS") or "100000")
M.products = 2000

local categories = {"/Women/Shoes", "/Women/Bags", "/Men/Shoes", "/Men/Shirts", "/Home/Kitchen", "/Home/Garden",
                    "/Kids/Toys", "/Sport/Running", "/Sport/Yoga", "/Beauty/Skin"}
local words = {"red", "blue", "linen", "leather", "classic", "slim", "organic", "trail", "cozy", "summer", "eco", "pro"}

function M.product(n)
  local price = 5 + (n * 37) % 200 + ((n * 13) % 100) / 100
  return string.format(
    '{"productId":"SKU-%d","name":"%s %s item %d","url":"https://shop.example/p/%d","unitPrice":%.2f,' ..
    '"availability":"instock","imageUrl":"https://cdn.shop.example/%d.jpg","categories":["%s"],"brand":"Brand %d",' ..
    '"tags":["%s","%s"],"ratingValue":%.1f,"reviewCount":%d}',
    n, words[n % #words + 1], words[(n * 7) % #words + 1], n, n, price, n, categories[n % #categories + 1], n % 40,
    words[(n * 3) % #words + 1], words[(n * 5) % #words + 1], (n % 50) / 10, n % 300)
end

function M.line(n, quantity)
  local p = M.product(n)
  return p:sub(1, #p - 1) .. string.format(',"quantity":%d}', quantity)
end

function M.tracker(c) return string.format("bench-visitor-%08d", c) end
function M.email(c) return string.format("customer%d@bench.example", c) end

local function page_info(c)
  local n = math.random(M.products)
  return string.format(
    '"browserInfo":{"url":"https://shop.example/c/%d?utm_source=news","referrer":"https://search.example/?q=%s",' ..
    '"language":"es-ES","device":"%s","screenWidth":1920,"screenHeight":1080,"windowWidth":1280,"windowHeight":800},' ..
    '"pageInfo":{"title":"Category %d","categories":["%s"],"tags":["%s"]}',
    n, words[c % #words + 1], (c % 3 == 0) and "mobile" or "desktop", n, categories[n % #categories + 1],
    words[n % #words + 1])
end

-- One event of a random kind; `seq` makes purchase ids unique.
function M.event(c, seq)
  local r = math.random(100)
  if r <= 40 then return '{"type":"page-visit"}' end
  if r <= 65 then return '{"type":"product-visited","product":' .. M.product(math.random(M.products)) .. '}' end
  if r <= 75 then return string.format('{"type":"search","searchText":"%s %s"}', words[math.random(#words)], words[math.random(#words)]) end
  if r <= 85 then
    return string.format('{"type":"custom","eventId":"wishlist-add","payload":{"sku":"SKU-%d","list":"%s"}}',
                         math.random(M.products), words[math.random(#words)])
  end
  if r <= 92 then return '{"type":"login"}' end
  if r <= 96 then return '{"type":"newsletter-subscribe","email":"' .. M.email(c) .. '"}' end
  local a, b = math.random(M.products), math.random(M.products)
  return string.format('{"type":"purchase","purchase":{"purchaseId":"B-%s","paymentMethod":"card","products":[%s,%s]}}',
                       seq, M.line(a, 1), M.line(b, 2))
end

-- The body of one script request for visitor `c` carrying `count` events; about one in ten carries a cart.
function M.body(c, count, seq)
  local parts = {}
  for i = 1, count do parts[#parts + 1] = M.event(c, seq .. "-" .. i) end
  local entity = string.format('"entityInfo":{"trackerId":"%s"', M.tracker(c))
  if c % 2 == 0 then entity = entity .. string.format(',"primaryKey":"%s","_name":"Name%d"', M.email(c), c) end
  entity = entity .. "}"
  local cart = ""
  if math.random(10) == 1 then
    cart = string.format(',"cart":{"cartId":"cart-%d","products":[%s,%s]}', c, M.line(math.random(M.products), 1),
                         M.line(math.random(M.products), math.random(3)))
  end
  return "{" .. entity .. cart .. ',"events":[' .. table.concat(parts, ",") .. "]," .. page_info(c) .. "}"
end

return M
