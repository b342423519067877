// The floor of any call to an engine in a Worker (area 3 of npm run bench): a Worker that
// sends every message straight back, so the page measures postMessage there and back alone.
self.onmessage = (event) => self.postMessage(event.data);
