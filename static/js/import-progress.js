// Import progress: poll the import's status and update the progress bar; reload when finished.
// A file of its own because the Content-Security-Policy allows no inline scripts.
const box = document.querySelector("[data-import-progress]");

if (box) {
  const bar = box.querySelector("progress");
  const text = box.querySelector("[data-progress-text]");
  const url = box.dataset.statusUrl;
  let lastAnnounced = "";

  const poll = async () => {
    try {
      const response = await fetch(url, { headers: { Accept: "application/json" } });
      if (response.ok) {
        const status = await response.json();
        if (status.finished) {
          window.location.reload();
          return;
        }
        if (status.indeterminate) {
          // Saving all rows in one transaction: no count to show, so a busy bar.
          bar.removeAttribute("value");
        } else if (status.total) {
          bar.max = status.total;
          bar.value = status.processed;
        }
        // Announce a new stage, or at most every tenth, so screen readers are not flooded.
        const tenth = status.total ? Math.floor((10 * status.processed) / status.total) : 0;
        const moment = `${status.status}:${status.indeterminate ? "" : tenth}`;
        if (moment !== lastAnnounced) {
          lastAnnounced = moment;
          text.textContent = status.text;
        }
      }
    } catch (error) {
      // A network hiccup: try again at the next tick.
    }
    window.setTimeout(poll, 1000);
  };

  window.setTimeout(poll, 1000);
}
