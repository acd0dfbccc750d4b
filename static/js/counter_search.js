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
  // What could be an identity number is posted, never put in a URL (the server matches it by hash).
  var idLike = /^[0-9\uff10-\uff19]{17}[0-9Xx\uff10-\uff19\uff38\uff58]$/;
  function search() {
    var mine = ++asked;
    var url = form.getAttribute("data-fragment");
    var options = { credentials: "same-origin" };
    if (idLike.test(input.value.replace(/\s/g, ""))) {
      options.method = "POST";
      options.body = new FormData(form);
    } else {
      url += "?q=" + encodeURIComponent(input.value);
    }
    fetch(url, options)
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
