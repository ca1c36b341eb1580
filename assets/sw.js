// kpilab's service worker: after one visit the app works offline.
// `make dist` (Trunk's post_build hook, scripts/sw-precache.sh) writes the build id
// and the list of built files below; a new deploy means a new id, so the next visit
// installs the new files into a new cache and deletes the old ones on activate.
// Only same-origin GETs are answered (cache first); nothing goes to another origin.
const BUILD_ID = "dev";
const FILES = [];
const CACHE = `kpilab-${BUILD_ID}`;

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches
      .open(CACHE)
      .then((cache) => cache.addAll(["./", ...FILES]))
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) => Promise.all(keys.filter((k) => k.startsWith("kpilab-") && k !== CACHE).map((k) => caches.delete(k))))
      .then(() => self.clients.claim()),
  );
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET" || new URL(request.url).origin !== self.location.origin) return;
  event.respondWith(answer(request));
});

async function answer(request) {
  const cache = await caches.open(CACHE);
  // A page address with a query (?view=evaluate, a plan permalink) is the same index.html.
  const cached = await cache.match(request, { ignoreSearch: request.mode === "navigate" });
  if (cached) return cached;
  const response = await fetch(request);
  if (response.ok && response.type === "basic") await cache.put(request, response.clone());
  return response;
}
