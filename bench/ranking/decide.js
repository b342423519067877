// Drives bench/ranking/decide-worker.js: ranking inside a Worker, against a plain dot product. (A
// decide() from the page, round trip included, is measured warm in bench/first-offer/first-offer.js.)
function inWorker(params) {
  return new Promise((resolve, reject) => {
    const w = new Worker('/bench/ranking/decide-worker.js');
    w.onmessage = ({ data }) => {
      w.terminate();
      if (data.error) reject(new Error(`decide-worker.js: ${data.error}`));
      else resolve(data.value);
    };
    w.onerror = (e) => reject(new Error(e.message));
    w.postMessage(params);
  });
}

window.runBench = async ({ sizes, iterations }) => ({ ranking: await inWorker({ sizes, iterations }) });
window.benchReady = true;
