// The simulator's chat pane: replies arrive from the worker a moment later, so the pane is
// refreshed (never while a list is open: the sheet would close under the finger). A list's
// sheet closes with its ✕, a tap on the dimmed chat, or Escape. No inline script (CSP).
(function () {
  var pane = document.getElementById("chat");
  if (!pane) return;
  var last = pane.innerHTML;
  function openList() { return pane.querySelector("details.list[open]"); }
  function closeLists() {
    pane.querySelectorAll("details.list[open]").forEach(function (d) { d.open = false; });
  }
  document.addEventListener("click", function (event) {
    if (event.target.closest(".sheet-close")) { closeLists(); return; }
    // A tap on the dimmed chat (the open <details> itself, outside its sheet and button).
    var list = event.target.closest("details.list[open]");
    if (list && event.target === list) { event.preventDefault(); list.open = false; }
  });
  // Only one list open at a time, as on the phone.
  pane.addEventListener("toggle", function (event) {
    if (event.target.open) {
      pane.querySelectorAll("details.list[open]").forEach(function (d) { if (d !== event.target) d.open = false; });
    }
  }, true);
  document.addEventListener("keydown", function (event) { if (event.key === "Escape") closeLists(); });
  setInterval(function () {
    if (openList()) return;
    fetch(pane.dataset.url).then(function (r) { return r.text(); }).then(function (html) {
      if (html !== last && !openList()) { last = html; pane.innerHTML = html; pane.scrollTop = pane.scrollHeight; }
    });
  }, 1500);
  pane.scrollTop = pane.scrollHeight;
})();
