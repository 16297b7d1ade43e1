// The pages' only script, a static file so that the Content-Security-Policy needs no 'unsafe-inline'.
// A <select data-submit-on-change> (the language switch) submits its form when a value is chosen;
// without JavaScript the form's own button (in <noscript>) does the same.
document.addEventListener("change", function (event) {
  var target = event.target;
  if (target instanceof HTMLSelectElement && target.hasAttribute("data-submit-on-change") && target.form) {
    target.form.submit();
  }
});

// The navigation's to-do count (我的待办), asked once the page is shown so that no page pays for it;
// without JavaScript the link is there without its number.
document.addEventListener("DOMContentLoaded", function () {
  var badge = document.querySelector("[data-todo-count]");
  if (!badge || !window.fetch) return;
  fetch(badge.getAttribute("data-todo-count"), { credentials: "same-origin", headers: { Accept: "application/json" } })
    .then(function (response) { return response.ok ? response.json() : null; })
    .then(function (data) {
      if (data && data.count > 0) {
        badge.textContent = String(data.count);
        badge.hidden = false;
      }
    })
    .catch(function () {});
});
