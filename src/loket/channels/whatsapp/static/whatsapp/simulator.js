// The simulator's chat pane: replies arrive from the worker a moment later, so the pane is
// refreshed; a reply button also sends its title, as WhatsApp does.
(function () {
  var pane = document.getElementById("chat");
  if (!pane) return;
  document.addEventListener("click", function (event) {
    var button = event.target.closest("button[data-title]");
    if (button && button.form && button.form.button_title) button.form.button_title.value = button.dataset.title;
  });
  setInterval(function () {
    fetch(pane.dataset.url).then(function (r) { return r.text(); }).then(function (html) {
      if (html !== pane.innerHTML) { pane.innerHTML = html; pane.scrollTop = pane.scrollHeight; }
    });
  }, 1500);
  pane.scrollTop = pane.scrollHeight;
})();
