// Console helpers: document zoom/rotate, canned replies, keyboard shortcuts.
(function () {
  document.addEventListener("click", function (event) {
    var button = event.target.closest(".doc-tools button");
    if (!button) return;
    var figure = button.closest("figure.doc");
    var zoom = parseFloat(figure.dataset.zoom), rotate = parseInt(figure.dataset.rotate, 10);
    if (button.dataset.act === "zoom-in") zoom = Math.min(4, zoom + 0.5);
    if (button.dataset.act === "zoom-out") zoom = Math.max(0.5, zoom - 0.5);
    if (button.dataset.act === "rotate") rotate = (rotate + 90) % 360;
    figure.dataset.zoom = zoom; figure.dataset.rotate = rotate;
    figure.querySelector("img").style.transform = "scale(" + zoom + ") rotate(" + rotate + "deg)";
  });
  document.addEventListener("change", function (event) {
    if (event.target.id !== "canned" || !event.target.value) return;
    var box = document.getElementById(event.target.dataset.target);
    box.value = event.target.value; box.focus();
  });
  // Opening a box by its shortcut moves the focus into it: to its first field a person can
  // type in or tick (not the form's hidden CSRF field, which cannot take focus).
  function open(id) {
    var d = document.getElementById(id);
    if (!d) return;
    d.open = true;
    var f = d.querySelector("input:not([type=hidden]), select, textarea, button");
    if (f) f.focus();
  }
  // Single-key shortcuts, only for a person who left them on (/console/pengaturan/). None
  // of them acts on its own: S opens the approval's confirmation page, K and T open a box.
  document.addEventListener("keydown", function (event) {
    if (document.body.dataset.shortcuts !== "on") return;
    var tag = (event.target.tagName || "").toLowerCase();
    if (tag === "input" || tag === "textarea" || tag === "select" || event.target.isContentEditable) return;
    if (event.ctrlKey || event.metaKey || event.altKey || event.repeat) return;
    var key = event.key.toLowerCase();
    if (key === "k") { open("correction-box"); event.preventDefault(); }
    else if (key === "t") { open("reject-box"); event.preventDefault(); }
    else if (key === "b") { var r = document.getElementById("reply-text"); if (r) { r.focus(); event.preventDefault(); } }
    else if (key === "s") { var a = document.getElementById("approve"); if (a) a.click(); }  // the confirmation page asks first
    else if (key === "n") { var n = document.getElementById("take-next"); if (n) n.click(); }
  });
})();
