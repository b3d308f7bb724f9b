// Certificates: copy a verification link, and follow a bulk issue's progress.
// Loaded as a file (the site's CSP allows no inline script); without it the pages still work.

function copyButtons() {
  for (const button of document.querySelectorAll("[data-copy-target]")) {
    const input = document.getElementById(button.dataset.copyTarget);
    const status = document.getElementById(button.dataset.copyStatus);
    if (!input || !navigator.clipboard) continue;
    button.hidden = false;
    button.addEventListener("click", async () => {
      try {
        await navigator.clipboard.writeText(input.value);
        status.textContent = "Link copied. Paste it into an email or message to share it.";
      } catch {
        input.select();
        status.textContent = "Copying was blocked: the link is selected, press Ctrl+C or ⌘C to copy it.";
      }
    });
  }
}

function bulkProgress() {
  const region = document.querySelector("[data-bulk-status-url]");
  if (!region) return;
  const bar = region.querySelector("progress");
  const text = region.querySelector("[data-bulk-text]");
  let lastDone = Number(bar.value);
  const poll = async () => {
    let state;
    try {
      const response = await fetch(region.dataset.bulkStatusUrl, {
        headers: { Accept: "application/json" },
        credentials: "same-origin",
      });
      if (!response.ok) {
        // Signed out, or no longer allowed: polling again would not help.
        text.textContent = "This page can no longer follow the progress. Reload it to see where it has got to.";
        return;
      }
      state = await response.json();
    } catch {
      text.textContent = "Lost touch with the server; trying again in a few seconds.";
      window.setTimeout(poll, 3000);
      return;
    }
    if (state.finished) {
      // The finished page lists the certificates and any refusals, and offers the zip.
      window.location.reload();
      return;
    }
    bar.max = state.total;
    bar.value = state.done;
    // The text is a live region: change it only when there is news, so readers are not flooded.
    if (state.done !== lastDone) {
      lastDone = state.done;
      text.textContent = `${state.status_label}: ${state.done} of ${state.total} (${state.percent}%).`;
    }
    window.setTimeout(poll, 1000);
  };
  poll();
}

copyButtons();
bulkProgress();
