/* The search index (over 1 MB: every page of both languages) is fetched when the
   reader reaches for the search, not by every page as it opens. Material's bundle
   asks for search/search_index.json as soon as a page loads; this script, loaded
   before the bundle, holds that one request back until the pointer goes to the search
   box, the box gets the focus, a search key (/ s f) is pressed, or the address asks
   for a search (?q=) or for highlighting (?h=). Until then Material shows
   "Initializing search"; a query typed meanwhile is answered once the index is in.
   Opened from a file (file://), Material reads search_index.js instead: untouched. */
(function () {
  "use strict";
  var INDEX = /\/search\/search_index\.json$/;
  var proto = XMLHttpRequest.prototype;
  var open = proto.open;
  var send = proto.send;
  var held = typeof WeakSet === "function" ? new WeakSet() : null;
  var release;
  var wanted = new Promise(function (resolve) {
    release = resolve;
  });
  if (!held) return; /* a browser without WeakSet: fetch as Material does */

  proto.open = function (method, url) {
    try {
      if (INDEX.test(new URL(String(url), location.href).pathname)) held.add(this);
    } catch (error) {
      /* not a URL this script can read: leave the request alone */
    }
    return open.apply(this, arguments);
  };
  proto.send = function () {
    if (!held.has(this)) return send.apply(this, arguments);
    var request = this;
    var args = arguments;
    wanted.then(function () {
      send.apply(request, args);
    });
  };

  function want() {
    release();
  }
  function onSearch(event) {
    var target = event.target;
    if (target instanceof Element && target.closest('.md-search, label[for="__search"]')) want();
  }
  var params = new URLSearchParams(location.search);
  if (params.has("q") || params.has("h")) want();
  document.addEventListener("pointerover", onSearch, { passive: true });
  document.addEventListener("pointerdown", onSearch, { passive: true });
  document.addEventListener("focusin", onSearch);
  document.addEventListener("keydown", function (event) {
    if (["/", "s", "S", "f", "F"].indexOf(event.key) >= 0) want();
  });
  document.addEventListener("change", function (event) {
    if (event.target instanceof Element && event.target.id === "__search") want();
  });
})();
