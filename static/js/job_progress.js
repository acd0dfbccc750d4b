// The progress of a long job (templates/heating/jobs/_progress.html): while the job is queued or
// running, polls its progress and shows the counts, the state and any error. The job's id is in the
// page and its state on the server, so a reloaded page carries on where the job is. A component with
// data-job-reload shows the page again once the job ends, for the page to show the outcome.
// A separate file, no inline script: the pages are served under a Content-Security-Policy.
(function () {
  "use strict";
  if (window.jobProgressStarted) return;
  window.jobProgressStarted = true;
  var EVERY_MS = 1500;
  var ACTIVE = ["queued", "running"];
  var numbers = new Intl.NumberFormat(document.documentElement.lang || undefined);

  document.querySelectorAll("[data-job-progress]").forEach(function (box) {
    var bar = box.querySelector("progress");
    var counts = box.querySelector("[data-job-counts]");
    var label = box.querySelector("[data-job-state-label]");
    var error = box.querySelector("[data-job-error]");

    function show(job) {
      bar.max = Math.max(job.total, 1);
      bar.value = job.done;
      bar.textContent = job.done + " / " + job.total;
      counts.textContent = numbers.format(job.done) + " / " + numbers.format(job.total);
      label.textContent = job.state_label;
      box.dataset.jobState = job.state;
      if (job.error) {
        error.textContent = job.error;
        error.hidden = false;
      }
    }

    function poll() {
      fetch(box.dataset.jobProgress, { headers: { Accept: "application/json" }, credentials: "same-origin" })
        .then(function (response) {
          if (!response.ok) throw new Error(String(response.status));
          return response.json();
        })
        .then(function (job) {
          show(job);
          if (ACTIVE.indexOf(job.state) >= 0) {
            window.setTimeout(poll, EVERY_MS);
          } else if (box.hasAttribute("data-job-reload")) {
            window.location.reload();
          }
        })
        .catch(function () { window.setTimeout(poll, EVERY_MS * 4); });
    }

    if (ACTIVE.indexOf(box.dataset.jobState) >= 0) window.setTimeout(poll, EVERY_MS);
  });
})();
