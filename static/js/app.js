// The pages' only script, a static file so that the Content-Security-Policy needs no 'unsafe-inline'.
// A <select data-submit-on-change> (the language switch) submits its form when a value is chosen;
// without JavaScript the form's own button (in <noscript>) does the same.
document.addEventListener("change", function (event) {
  var target = event.target;
  if (target instanceof HTMLSelectElement && target.hasAttribute("data-submit-on-change") && target.form) {
    target.form.submit();
  }
});
