// The counter's search as the clerk types: the results fragment replaces the list, the last answer
// wins. Without this script the form submits and the page shows the same list.
(function () {
  "use strict";
  var form = document.querySelector("form.counter-search");
  if (!form) return;
  var input = form.querySelector("input[name=q]");
  var results = document.getElementById("counter-results");
  var timer = null;
  var asked = 0;
  function search() {
    var mine = ++asked;
    var url = form.getAttribute("data-fragment") + "?q=" + encodeURIComponent(input.value);
    fetch(url, { headers: { "X-Requested-With": "fetch" }, credentials: "same-origin" })
      .then(function (response) { return response.text(); })
      .then(function (html) { if (mine === asked) results.innerHTML = html; })
      .catch(function () { /* the form still works by submitting */ });
  }
  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(search, 200);
  });
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    clearTimeout(timer);
    search();
  });
})();
