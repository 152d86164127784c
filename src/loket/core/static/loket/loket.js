// Behaviour shared by every page, kept out of the HTML: the Content-Security-Policy allows
// no inline script or event handler.
// A control marked data-autosubmit sends its form as soon as it changes.
document.addEventListener("change", function (event) {
  var control = event.target.closest && event.target.closest("[data-autosubmit]");
  if (control && control.form) control.form.submit();
});
