// Behaviour every page shares, as a file: the Content-Security-Policy allows no inline script.
(function () {
  "use strict";
  // The language switch submits itself when a language is picked (the button is for no-script).
  document.querySelectorAll("form.lang select[name=language]").forEach(function (select) {
    select.addEventListener("change", function () { select.form.submit(); });
  });
  // Read-only fields meant for copying (a new token) select their text when clicked.
  document.querySelectorAll("input[data-select-on-click]").forEach(function (input) {
    input.addEventListener("click", function () { input.select(); });
  });
})();
