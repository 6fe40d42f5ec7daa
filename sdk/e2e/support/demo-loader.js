// Test stand-in for the server's /demo/loader.js: the real one inserts the script with the demo store's token.
(function () {
  var s = document.createElement('script');
  s.src = '/sdk/starling.js';
  s.async = true;
  s.setAttribute('data-token', 'demo-store-token');
  document.head.appendChild(s);
})();
