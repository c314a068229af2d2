/* Bimtek scanner service worker: keeps the scanner page, its assets and the last sync data available offline.
 * Served from /checkin/sw.js with Service-Worker-Allowed: /manage/events/ so it can control the scanner pages.
 * It touches nothing else: every other request goes to the network as usual. */
"use strict";

var CACHE = "bimtek-checkin-v1";
var SCANNER_PAGE = /^\/manage\/events\/\d+\/scan$/;
var SYNC = /^\/api\/v1\/events\/\d+\/checkin-sync$/;
var ASSET = /^\/static\/(css\/(app|checkin)\.css|js\/checkin-scan\.js|vendor\/jsqr\/jsQR\.js)$/;

self.addEventListener("install", function () { self.skipWaiting(); });
self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (keys) {
    return Promise.all(keys.filter(function (k) { return k.indexOf("bimtek-checkin-") === 0 && k !== CACHE; })
      .map(function (k) { return caches.delete(k); }));
  }).then(function () { return self.clients.claim(); }));
});

function fromCache(request, fallback) {
  return caches.match(request, { ignoreSearch: true }).then(function (hit) {
    return hit || fallback || Response.error();
  });
}

function networkFirst(request) {
  return fetch(request).then(function (resp) {
    if (resp.ok) {
      var copy = resp.clone();
      caches.open(CACHE).then(function (cache) { cache.put(request, copy); });
      return resp;
    }
    // A hotel gateway or a restarting server answers 5xx: the cached scanner is more useful.
    return resp.status >= 500 ? fromCache(request, resp) : resp;
  }).catch(function () { return fromCache(request); });
}

function cacheFirst(request) {
  return caches.match(request, { ignoreSearch: true }).then(function (hit) {
    var refresh = fetch(request).then(function (resp) {
      if (resp.ok) {
        var copy = resp.clone();
        caches.open(CACHE).then(function (cache) { cache.put(request, copy); });
      }
      return resp;
    }).catch(function () { return hit || Response.error(); });
    return hit || refresh;
  });
}

self.addEventListener("fetch", function (event) {
  var req = event.request;
  if (req.method !== "GET") return;
  var url = new URL(req.url);
  if (url.origin !== self.location.origin) return;
  if (SCANNER_PAGE.test(url.pathname) || SYNC.test(url.pathname)) {
    event.respondWith(networkFirst(req));
  } else if (ASSET.test(url.pathname)) {
    event.respondWith(cacheFirst(req));
  }
});
