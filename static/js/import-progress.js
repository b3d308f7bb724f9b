// Import progress: poll the import's status and update the progress bar; reload when finished.
// A file of its own because the Content-Security-Policy allows no inline scripts.
const box = document.querySelector("[data-import-progress]");

if (box) {
  const bar = box.querySelector("progress");
  const text = box.querySelector("[data-progress-text]");
  const url = box.dataset.statusUrl;
  let lastAnnounced = -1;

  const poll = async () => {
    try {
      const response = await fetch(url, { headers: { Accept: "application/json" } });
      if (response.ok) {
        const status = await response.json();
        if (status.finished) {
          window.location.reload();
          return;
        }
        if (status.total) {
          bar.max = status.total;
          bar.value = status.processed;
        }
        // Announce at most every tenth, so screen readers are not flooded.
        const tenth = status.total ? Math.floor((10 * status.processed) / status.total) : 0;
        if (tenth !== lastAnnounced) {
          lastAnnounced = tenth;
          text.textContent = `${status.label}: ${status.processed} of ${status.total || "?"} rows.`;
        }
      }
    } catch (error) {
      // A network hiccup: try again at the next tick.
    }
    window.setTimeout(poll, 1000);
  };

  window.setTimeout(poll, 1000);
}
