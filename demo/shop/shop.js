// Fern & Kiln — Starling's demo shop. A static shop: the catalog is below, the cart and the signed-in
// customer live in localStorage. It talks to Starling ONLY the way any shop would (docs/integration.md):
//   - each page renders the hidden HTML tags (cn_client_info, cn_cart, cn_product_visited, cn_search, …)
//     synchronously, BEFORE /demo/loader.js inserts the tracking script that reads them;
//   - actions that stay on the page (add to cart, change a quantity, remove, newsletter) call
//     starling.sendEvents();
//   - actions that go to another page (register, login, order) leave a note in sessionStorage and the
//     next page renders the matching tag (cn_register, cn_login, cn_purchase).
(function () {
  'use strict';

  var CURRENCY = '€';
  var CATEGORIES = {
    kitchen: { name: 'Kitchen', path: '/Home/Kitchen', blurb: 'Stoneware, linen and everything for slow breakfasts.' },
    living: { name: 'Living', path: '/Home/Living', blurb: 'Candles and pots that make a room feel lived in.' },
    stationery: { name: 'Stationery', path: '/Stationery', blurb: 'Paper goods for lists, sketches and letters.' },
  };
  var CATALOG = [
    {
      id: 'FK-MUG-01', slug: 'stoneware-mug', name: 'Stoneware Mug', price: 18, image: 'img/mug.svg', category: 'kitchen',
      sub: '/Home/Kitchen/Mugs', tags: ['handmade', 'bestseller'], rating: 4.8, reviews: 126, stock: 'instock',
      related: ['FK-POT-02', 'FK-APR-03'],
      description: 'Wheel-thrown stoneware with a sage glaze and a speckled rim. Holds 350 ml; dishwasher safe.',
    },
    {
      id: 'FK-POT-02', slug: 'speckled-teapot', name: 'Speckled Teapot', price: 46, image: 'img/teapot.svg', category: 'kitchen',
      sub: '/Home/Kitchen/Tea', tags: ['handmade'], rating: 4.6, reviews: 41, stock: 'instock',
      related: ['FK-MUG-01'],
      description: 'A one-litre teapot in speckled white clay with a stainless steel infuser and a navy band.',
    },
    {
      id: 'FK-APR-03', slug: 'linen-apron', name: 'Linen Apron', price: 32, originalPrice: 40, image: 'img/apron.svg',
      category: 'kitchen', sub: '/Home/Kitchen/Textiles', tags: ['sale', 'linen'], rating: 4.5, reviews: 58, stock: 'instock',
      related: ['FK-MUG-01', 'FK-POT-02'],
      description: 'Stonewashed European linen, adjustable neck strap and a deep front pocket. One size.',
    },
    {
      id: 'FK-CAN-04', slug: 'cedar-soy-candle', name: 'Cedar Soy Candle', price: 24, image: 'img/candle.svg', category: 'living',
      sub: '/Home/Living/Candles', tags: ['bestseller'], rating: 4.9, reviews: 212, stock: 'instock',
      related: ['FK-PLT-05'],
      description: 'Hand-poured soy wax scented with cedarwood and vetiver. About 45 hours of burn time.',
    },
    {
      id: 'FK-PLT-05', slug: 'terracotta-plant-pot', name: 'Terracotta Plant Pot', price: 21, image: 'img/pot.svg',
      category: 'living', sub: '/Home/Living/Plants', tags: ['garden'], rating: 4.4, reviews: 19, stock: 'outofstock',
      related: ['FK-CAN-04'],
      description: 'Unglazed terracotta with a drainage hole and a matching saucer. 16 cm across.',
    },
    {
      id: 'FK-NTB-06', slug: 'dot-grid-notebook', name: 'Dot Grid Notebook', price: 14.5, image: 'img/notebook.svg',
      category: 'stationery', sub: '/Stationery/Notebooks', tags: ['new'], rating: 4.7, reviews: 87, stock: 'instock',
      related: ['FK-MUG-01'],
      description: 'A5, 160 pages of 100 g/m² paper that takes fountain pens, lay-flat binding, linen cover.',
    },
  ];

  var KEYS = { cart: 'demo.cart', customer: 'demo.customer', accounts: 'demo.accounts', order: 'demo.lastOrder', note: 'demo.note' };

  // ---------------------------------------------------------------- storage

  function read(store, key, fallback) {
    try {
      var raw = store.getItem(key);
      return raw === null ? fallback : JSON.parse(raw);
    } catch (e) {
      return fallback;
    }
  }
  function write(store, key, value) {
    try {
      if (value === null) store.removeItem(key);
      else store.setItem(key, JSON.stringify(value));
    } catch (e) {
      /* storage disabled: the shop still shows its pages */
    }
  }

  function customer() { return read(localStorage, KEYS.customer, null); }
  function accounts() { return read(localStorage, KEYS.accounts, {}); }
  /** The cart: { cartId, lines: [{ id, qty }], closed }. A closed cart was ordered; the next add opens a new one. */
  function storedCart() { return read(localStorage, KEYS.cart, null); }
  /** A note from the previous page for this one ({ type: 'login' | 'register' | 'purchase', … }); read once. */
  function takeNote() {
    var note = read(sessionStorage, KEYS.note, null);
    write(sessionStorage, KEYS.note, null);
    return note;
  }
  function leaveNote(note) { write(sessionStorage, KEYS.note, note); }

  // ---------------------------------------------------------------- catalog and cart data

  function byId(id) {
    for (var i = 0; i < CATALOG.length; i++) if (CATALOG[i].id === id) return CATALOG[i];
    return null;
  }
  function bySlug(slug) {
    for (var i = 0; i < CATALOG.length; i++) if (CATALOG[i].slug === slug) return CATALOG[i];
    return null;
  }
  function absolute(path) { return new URL(path, location.href).href; }
  function productUrl(p) { return absolute('product.html?p=' + p.slug); }
  function money(n) { return CURRENCY + ' ' + n.toFixed(2); }
  function round(n) { return Math.round(n * 100) / 100; }
  function param(name) { return new URLSearchParams(location.search).get(name); }

  /** A product in Starling's wire format (docs/integration.md §4). */
  function productData(p) {
    var data = {
      productId: p.id, name: p.name, url: productUrl(p), unitPrice: p.price,
      availability: p.stock, imageUrl: absolute(p.image), description: p.description,
      categories: [p.sub], tags: p.tags, brand: 'Fern & Kiln', ratingValue: p.rating, reviewCount: p.reviews,
      relatedExternalProductIds: p.related,
    };
    if (p.originalPrice) data.unitPriceOriginal = p.originalPrice;
    return data;
  }
  /** A cart or order line: the product, how many, and the price paid for one. */
  function lineData(line) {
    var p = byId(line.id);
    return { productId: p.id, name: p.name, url: productUrl(p), unitPrice: p.price, imageUrl: absolute(p.image),
      categories: [p.sub], quantity: line.qty, price: p.price };
  }
  function validLines(lines) { return lines.filter(function (l) { return byId(l.id) && l.qty > 0; }); }
  function totals(lines) {
    var quantity = 0, price = 0;
    lines.forEach(function (l) { quantity += l.qty; price += l.qty * byId(l.id).price; });
    return { quantity: quantity, price: round(price) };
  }
  /** The full cart as Starling wants it, or null when this browser has no cart yet. */
  function cartData() {
    var cart = storedCart();
    if (!cart) return null;
    var lines = validLines(cart.lines);
    var t = totals(lines);
    return { cartId: cart.cartId, totalQuantity: t.quantity, totalPrice: t.price, products: lines.map(lineData) };
  }

  // ---------------------------------------------------------------- Starling: tags and sendEvents

  var LIST_CLASSES = { categories: 'category', tags: 'tag', relatedExternalProductIds: 'related_external_product_id' };
  function snake(key) { return key.replace(/[A-Z0-9]/g, function (c) { return '_' + c.toLowerCase(); }); }

  /** Appends the children of a Starling tag for `fields` (camelCase keys → child classes). */
  function fillTag(el, fields) {
    Object.keys(fields).forEach(function (key) {
      var value = fields[key];
      if (value === undefined || value === null) return;
      if (key === 'products') {
        value.forEach(function (item) {
          var holder = document.createElement('div');
          holder.className = 'product_basket_item';
          fillTag(holder, item);
          el.appendChild(holder);
        });
      } else if (Array.isArray(value)) {
        value.forEach(function (v) { el.appendChild(child(LIST_CLASSES[key] || snake(key), v)); });
      } else {
        el.appendChild(child(key === 'primaryKey' ? 'primary_key' : snake(key), value));
      }
    });
    return el;
  }
  function child(cls, value) {
    var span = document.createElement('span');
    span.className = cls;
    span.textContent = String(value);
    return span;
  }
  /** A hidden Starling tag, e.g. tag('cn_cart', cart). */
  function tag(cls, fields) {
    var el = document.createElement('div');
    el.className = cls;
    el.hidden = true;
    document.getElementById('starling-tags').appendChild(el);
    return fillTag(el, fields || {});
  }

  /** starling.sendEvents, or after the script has loaded; resolves when sent (or after 2 s at most). */
  function track(events, options) {
    var send = function () { return window.starling.sendEvents(events, options); };
    var sent = window.starling
      ? send()
      : new Promise(function (resolve) {
          document.addEventListener('starling:loaded', function () { resolve(send()); }, { once: true });
        });
    return Promise.race([sent, new Promise(function (resolve) { setTimeout(resolve, 2000); })]);
  }

  function saveCart(cart) {
    write(localStorage, KEYS.cart, cart);
    renderCartCount();
    return track([], { cart: cartData() });
  }
  function openCart() {
    var cart = storedCart();
    if (!cart || cart.closed) cart = { cartId: 'cart-' + Date.now().toString(36) + Math.random().toString(36).slice(2, 6), lines: [] };
    return cart;
  }
  function addToCart(id, qty) {
    var cart = openCart();
    var line = cart.lines.filter(function (l) { return l.id === id; })[0];
    if (line) line.qty += qty;
    else cart.lines.push({ id: id, qty: qty });
    return saveCart(cart);
  }
  function setQuantity(id, qty) {
    var cart = openCart();
    cart.lines = cart.lines
      .map(function (l) { return l.id === id ? { id: l.id, qty: qty } : l; })
      .filter(function (l) { return l.qty > 0; });
    return saveCart(cart);
  }

  // ---------------------------------------------------------------- rendering helpers

  function h(tagName, attrs, children) {
    var el = document.createElement(tagName);
    Object.keys(attrs || {}).forEach(function (k) {
      if (k === 'text') el.textContent = attrs[k];
      else if (k === 'html') el.innerHTML = attrs[k];
      else if (k.slice(0, 2) === 'on') el.addEventListener(k.slice(2), attrs[k]);
      else el.setAttribute(k, attrs[k]);
    });
    (children || []).forEach(function (c) { if (c) el.appendChild(typeof c === 'string' ? document.createTextNode(c) : c); });
    return el;
  }
  function stars(rating) {
    var full = Math.round(rating);
    return h('span', { class: 'stars', 'aria-label': rating + ' out of 5', text: '★★★★★'.slice(0, full) + '☆☆☆☆☆'.slice(0, 5 - full) });
  }
  function price(p) {
    return h('p', { class: 'price' }, [
      h('span', { text: money(p.price) }),
      p.originalPrice ? h('s', { class: 'was', text: money(p.originalPrice) }) : null,
    ]);
  }
  function card(p) {
    return h('a', { class: 'card', href: 'product.html?p=' + p.slug }, [
      h('div', { class: 'card-image' }, [
        h('img', { src: p.image, alt: '', width: '400', height: '400' }),
        p.originalPrice ? h('span', { class: 'badge', text: 'Sale' }) : null,
        p.stock === 'outofstock' ? h('span', { class: 'badge badge-muted', text: 'Sold out' }) : null,
      ]),
      h('h3', { text: p.name }),
      price(p),
    ]);
  }
  function grid(products) { return h('div', { class: 'grid' }, products.map(card)); }
  function toast(message, link) {
    var old = document.querySelector('.toast');
    if (old) old.remove();
    var el = h('div', { class: 'toast', role: 'status' }, [h('span', { text: message }), link || null]);
    document.body.appendChild(el);
    setTimeout(function () { el.classList.add('toast-out'); }, 3500);
  }
  function renderCartCount() {
    var data = cartData();
    var count = data ? data.totalQuantity : 0;
    var badge = document.getElementById('cart-count');
    if (badge) {
      badge.textContent = String(count);
      badge.hidden = count === 0;
    }
  }
  function field(label, input) { return h('label', { class: 'field' }, [h('span', { text: label }), input]); }
  function input(attrs) { return h('input', attrs); }
  function setTitle(title) { document.title = title + ' · Fern & Kiln'; }

  // ---------------------------------------------------------------- header, footer, newsletter

  function renderChrome() {
    var who = customer();
    var account = document.getElementById('account-link');
    if (who) {
      account.textContent = 'Hi, ' + (who.name || who.email);
      account.setAttribute('href', '#');
      account.addEventListener('click', function (e) {
        e.preventDefault();
        write(localStorage, KEYS.customer, null);
        location.href = 'index.html';
      });
      account.setAttribute('title', 'Sign out');
    }
    var search = document.getElementById('search-input');
    if (search && param('q')) search.value = param('q');
    renderCartCount();

    var form = document.getElementById('newsletter-form');
    form.addEventListener('submit', function (e) {
      e.preventDefault();
      var email = form.elements.email.value.trim();
      track([{ type: 'newsletter-subscribe', email: email }]);
      form.replaceWith(h('p', { class: 'newsletter-done', role: 'status', text: 'Thanks! ' + email + ' is on the list.' }));
    });
  }

  // ---------------------------------------------------------------- pages

  var main = document.getElementById('main');

  var PAGES = {
    home: function () {
      setTitle('Home goods, made slowly');
      main.append(
        h('section', { class: 'hero' }, [
          h('div', {}, [
            h('p', { class: 'eyebrow', text: 'Spring collection' }),
            h('h1', { text: 'Home goods, made slowly.' }),
            h('p', { text: 'Stoneware, linen and candles from small workshops. Free shipping from € 50.' }),
            h('a', { class: 'button', href: 'category.html?c=kitchen', text: 'Shop the kitchen' }),
          ]),
          h('img', { src: 'img/teapot.svg', alt: '', width: '400', height: '400' }),
        ]),
        h('div', { id: 'home-banner', class: 'cn_banner_placeholder' }),
        h('h2', { text: 'Bestsellers' }),
        grid(CATALOG)
      );
      tag('cn_page_category', {}).textContent = '/Home';
    },

    category: function () {
      var key = CATEGORIES[param('c')] ? param('c') : 'kitchen';
      var category = CATEGORIES[key];
      setTitle(category.name);
      main.append(
        h('nav', { class: 'crumbs', 'aria-label': 'Breadcrumb' }, [h('a', { href: 'index.html', text: 'Home' }), ' / ', category.name]),
        h('h1', { text: category.name }),
        h('p', { class: 'lead', text: category.blurb }),
        grid(CATALOG.filter(function (p) { return p.category === key; }))
      );
      tag('cn_page_category', {}).textContent = category.path;
    },

    product: function () {
      var p = bySlug(param('p')) || CATALOG[0];
      var category = CATEGORIES[p.category];
      setTitle(p.name);
      var qty = input({ type: 'number', min: '1', max: '10', value: '1', id: 'qty', 'aria-label': 'Quantity' });
      var add = h('button', {
        class: 'button', type: 'button', id: 'add-to-cart', text: p.stock === 'instock' ? 'Add to cart' : 'Sold out',
        onclick: function () {
          var n = Math.max(1, Math.min(10, parseInt(qty.value, 10) || 1));
          addToCart(p.id, n);
          toast(n + ' × ' + p.name + ' added to your cart.', h('a', { href: 'cart.html', text: 'View cart' }));
        },
      });
      if (p.stock !== 'instock') add.disabled = true;
      main.append(
        h('nav', { class: 'crumbs', 'aria-label': 'Breadcrumb' }, [
          h('a', { href: 'index.html', text: 'Home' }), ' / ',
          h('a', { href: 'category.html?c=' + p.category, text: category.name }), ' / ', p.name,
        ]),
        h('article', { class: 'product' }, [
          h('div', { class: 'product-image' }, [h('img', { src: p.image, alt: p.name, width: '400', height: '400' })]),
          h('div', { class: 'product-info' }, [
            h('p', { class: 'eyebrow', text: 'Fern & Kiln' }),
            h('h1', { text: p.name }),
            h('p', { class: 'rating' }, [stars(p.rating), ' ' + p.rating + ' · ' + p.reviews + ' reviews']),
            price(p),
            h('p', { text: p.description }),
            h('p', { class: p.stock === 'instock' ? 'stock' : 'stock stock-out', text: p.stock === 'instock' ? 'In stock — ships in 2 days' : 'Out of stock' }),
            h('div', { class: 'buy' }, [qty, add]),
          ]),
        ]),
        h('h2', { text: 'You may also like' }),
        grid(p.related.map(byId)),
        h('div', { id: 'product-banner', class: 'cn_banner_placeholder' })
      );
      tag('cn_product_visited', productData(p));
      tag('cn_page_category', {}).textContent = p.sub;
      p.tags.forEach(function (t) { tag('cn_page_tag', {}).textContent = t; });
    },

    search: function () {
      var q = (param('q') || '').trim();
      var words = q.toLowerCase().split(/\s+/).filter(Boolean);
      var found = CATALOG.filter(function (p) {
        var text = (p.name + ' ' + p.description + ' ' + p.tags.join(' ') + ' ' + p.sub).toLowerCase();
        return words.length > 0 && words.every(function (w) { return text.indexOf(w) >= 0; });
      });
      setTitle('Search: ' + q);
      main.append(h('h1', { text: found.length ? 'Results for “' + q + '”' : 'Nothing found for “' + q + '”' }));
      if (found.length) {
        main.append(h('p', { class: 'lead', text: found.length + (found.length === 1 ? ' product' : ' products') }), grid(found));
      } else {
        main.append(h('p', { class: 'lead', text: 'Try “mug”, “linen” or “candle” — or browse our bestsellers.' }), grid(CATALOG.slice(0, 3)));
      }
      if (q === '') return;
      tag('cn_search', { searchText: q });
      if (found.length) {
        var searched = tag('cn_product_searched', { searchText: q });
        found.forEach(function (p) {
          var el = document.createElement('div');
          el.className = 'cn_product';
          searched.appendChild(fillTag(el, productData(p)));
        });
      } else {
        tag('cn_product_not_found', { searchText: q });
      }
    },

    cart: function () {
      setTitle('Your cart');
      main.append(h('h1', { text: 'Your cart' }));
      var body = h('div', { id: 'cart-body' });
      main.append(body);
      function render() {
        body.textContent = '';
        var data = cartData();
        var lines = data ? data.products : [];
        if (lines.length === 0) {
          body.append(h('div', { class: 'empty' }, [
            h('p', { text: 'Your cart is empty.' }),
            h('a', { class: 'button', href: 'index.html', text: 'Continue shopping' }),
          ]));
          return;
        }
        var rows = lines.map(function (line) {
          var qty = input({ type: 'number', min: '0', max: '10', value: String(line.quantity), 'aria-label': 'Quantity of ' + line.name });
          qty.addEventListener('change', function () {
            setQuantity(line.productId, Math.max(0, Math.min(10, parseInt(qty.value, 10) || 0)));
            render();
          });
          return h('tr', { 'data-product': line.productId }, [
            h('td', {}, [h('div', { class: 'line-product' }, [
              h('img', { src: byId(line.productId).image, alt: '', width: '64', height: '64' }),
              h('a', { href: line.url, text: line.name }),
            ])]),
            h('td', { text: money(line.price) }),
            h('td', {}, [qty]),
            h('td', { class: 'num', text: money(round(line.price * line.quantity)) }),
            h('td', {}, [h('button', { class: 'link', type: 'button', text: 'Remove', onclick: function () { setQuantity(line.productId, 0); render(); } })]),
          ]);
        });
        body.append(
          h('table', { class: 'cart-table' }, [
            h('thead', {}, [h('tr', {}, ['Product', 'Price', 'Quantity', 'Total', ''].map(function (t) { return h('th', { text: t }); }))]),
            h('tbody', {}, rows),
          ]),
          h('div', { class: 'summary' }, [
            h('p', {}, ['Subtotal ', h('strong', { id: 'cart-total', text: money(data.totalPrice) })]),
            h('a', { class: 'button', href: 'checkout.html', text: 'Checkout' }),
          ])
        );
      }
      render();
    },

    checkout: function () {
      setTitle('Checkout');
      var data = cartData();
      main.append(h('h1', { text: 'Checkout' }));
      if (!data || data.products.length === 0) {
        main.append(h('p', {}, ['Your cart is empty. ', h('a', { href: 'index.html', text: 'Continue shopping' })]));
        return;
      }
      var who = customer();
      var form = h('form', { class: 'form checkout', id: 'checkout-form' }, [
        h('fieldset', {}, [
          h('legend', { text: 'Contact and delivery' }),
          field('Email', input({ name: 'email', type: 'email', required: '', value: who ? who.email : '', autocomplete: 'email' })),
          field('Full name', input({ name: 'name', required: '', value: who ? (who.name + ' ' + who.surname).trim() : '', autocomplete: 'name' })),
          field('Address', input({ name: 'address', required: '', autocomplete: 'street-address' })),
        ]),
        h('fieldset', {}, [h('legend', { text: 'Payment' })].concat(
          [['card', 'Card'], ['paypal', 'PayPal'], ['bank_transfer', 'Bank transfer']].map(function (m, i) {
            var radio = input({ type: 'radio', name: 'payment', value: m[0] });
            if (i === 0) radio.checked = true;
            return h('label', { class: 'radio' }, [radio, ' ' + m[1]]);
          })
        )),
        h('button', { class: 'button', type: 'submit', text: 'Place order · ' + money(data.totalPrice) }),
      ]);
      form.addEventListener('submit', function (e) {
        e.preventDefault();
        var cart = storedCart();
        var order = {
          id: 'FK-' + Date.now().toString(36).toUpperCase(), cartId: cart.cartId, email: form.elements.email.value.trim(),
          payment: form.elements.payment.value, lines: validLines(cart.lines), at: new Date().toISOString(),
        };
        write(localStorage, KEYS.order, order);
        write(localStorage, KEYS.cart, { cartId: cart.cartId, lines: [], closed: true });
        leaveNote({ type: 'purchase', orderId: order.id });
        location.href = 'order.html';
      });
      main.append(h('div', { class: 'checkout-layout' }, [
        form,
        h('aside', { class: 'summary-box' }, [h('h2', { text: 'Order summary' })].concat(
          data.products.map(function (l) { return h('p', { class: 'summary-line' }, [h('span', { text: l.quantity + ' × ' + l.name }), h('span', { text: money(round(l.price * l.quantity)) })]); }),
          [h('p', { class: 'summary-line total' }, [h('span', { text: 'Total' }), h('strong', { text: money(data.totalPrice) })])]
        )),
      ]));
    },

    order: function (note) {
      setTitle('Thank you');
      var order = read(localStorage, KEYS.order, null);
      if (!order) {
        main.append(h('h1', { text: 'No order yet' }), h('a', { class: 'button', href: 'index.html', text: 'Start shopping' }));
        return;
      }
      var t = totals(order.lines);
      main.append(
        h('div', { class: 'confirmation' }, [
          h('h1', { text: 'Thank you for your order!' }),
          h('p', { class: 'lead' }, ['Order ', h('strong', { id: 'order-id', text: order.id }), ' is confirmed. A receipt is on its way to ' + order.email + '.']),
          h('p', { text: t.quantity + (t.quantity === 1 ? ' item' : ' items') + ' · ' + money(t.price) }),
          h('a', { class: 'button', href: 'index.html', text: 'Back to the shop' }),
        ])
      );
      // The purchase is told once: on the page the checkout leads to, not on a reload.
      if (note && note.type === 'purchase' && note.orderId === order.id) {
        tag('cn_purchase', {
          purchaseId: order.id, totalQuantity: t.quantity, totalPrice: t.price, paymentMethod: order.payment,
          products: order.lines.map(lineData),
        });
        if (!customer()) tag('cn_client_info', { primaryKey: order.email });
      }
    },

    login: function () {
      setTitle('Sign in');
      var error = h('p', { class: 'error', role: 'alert', hidden: '' });
      var form = h('form', { class: 'form narrow', id: 'login-form' }, [
        h('h1', { text: 'Sign in' }),
        field('Email', input({ name: 'email', type: 'email', required: '', autocomplete: 'email' })),
        field('Password', input({ name: 'password', type: 'password', required: '', autocomplete: 'current-password' })),
        error,
        h('button', { class: 'button', type: 'submit', text: 'Sign in' }),
        h('p', {}, ['New here? ', h('a', { href: 'register.html', text: 'Create an account' })]),
      ]);
      form.addEventListener('submit', function (e) {
        e.preventDefault();
        var email = form.elements.email.value.trim().toLowerCase();
        var account = accounts()[email];
        if (account && account.password !== form.elements.password.value) {
          error.textContent = 'Wrong email or password.';
          error.hidden = false;
          return;
        }
        // Accounts live in the browser that created them (there is no shop server): an email this browser
        // does not know is a customer who registered on another device, and signs in as that customer.
        write(localStorage, KEYS.customer, { email: email, name: account ? account.name : '', surname: account ? account.surname : '' });
        leaveNote({ type: 'login' });
        location.href = 'index.html';
      });
      main.append(form);
    },

    register: function () {
      setTitle('Create an account');
      var form = h('form', { class: 'form narrow', id: 'register-form' }, [
        h('h1', { text: 'Create an account' }),
        field('First name', input({ name: 'name', required: '', autocomplete: 'given-name' })),
        field('Last name', input({ name: 'surname', required: '', autocomplete: 'family-name' })),
        field('Email', input({ name: 'email', type: 'email', required: '', autocomplete: 'email' })),
        field('Password', input({ name: 'password', type: 'password', required: '', minlength: '6', autocomplete: 'new-password' })),
        h('label', { class: 'radio' }, [input({ type: 'checkbox', name: 'newsletter' }), ' Send me the newsletter']),
        h('button', { class: 'button', type: 'submit', text: 'Create account' }),
        h('p', {}, ['Already a customer? ', h('a', { href: 'login.html', text: 'Sign in' })]),
      ]);
      form.addEventListener('submit', function (e) {
        e.preventDefault();
        var f = form.elements;
        var email = f.email.value.trim().toLowerCase();
        var all = accounts();
        all[email] = { name: f.name.value.trim(), surname: f.surname.value.trim(), password: f.password.value };
        write(localStorage, KEYS.accounts, all);
        write(localStorage, KEYS.customer, { email: email, name: all[email].name, surname: all[email].surname });
        leaveNote({ type: 'register', newsletter: f.newsletter.checked });
        location.href = 'index.html';
      });
      main.append(form);
    },
  };

  // ---------------------------------------------------------------- the page

  var page = document.body.getAttribute('data-page');
  var note = takeNote();
  renderChrome();
  (PAGES[page] || PAGES.home)(note);

  // Tags every page carries: the signed-in customer and the cart; then what the previous page left.
  var who = customer();
  // A customer signed in from another device has no name here: only what is known is sent.
  if (who) tag('cn_client_info', { primaryKey: who.email, _name: who.name || null, _surname: who.surname || null });
  var cart = cartData();
  if (cart) tag('cn_cart', cart);
  if (note && note.type === 'login') {
    tag('cn_login');
    toast('Welcome back, ' + (who.name || who.email) + '.');
  }
  if (note && note.type === 'register') {
    tag('cn_register');
    if (note.newsletter) tag('cn_newsletter_subscribe', { email: who.email });
    toast('Welcome, ' + who.name + '! Your account is ready.');
  }
})();
