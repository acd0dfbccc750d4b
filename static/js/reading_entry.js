// The reading-entry page: keyboard-first entry of a building's or a route's meter readings.
// The page only warns; the server's answer (readings_ingest, all or nothing) is what counts.
(function () {
  "use strict";
  const form = document.getElementById("entry");
  if (!form) return;
  const texts = JSON.parse(document.getElementById("entry-texts").textContent);
  const rows = Array.from(form.querySelectorAll("tbody tr[data-serial]"));
  const inputs = rows.map(function (row) { return row.querySelector("input.value"); });
  const readAt = document.getElementById("read-at");
  const saveButton = document.getElementById("save");
  // The same words at both ends of a long route: after a save the focus goes back to the top.
  const summaries = [document.getElementById("summary"), document.getElementById("summary-top")];
  const csrf = form.querySelector("[name=csrfmiddlewaretoken]").value;
  const NUMBER = /^\d+(\.\d{1,6})?$/;
  let busy = false;
  let queue = Promise.resolve();  // one request at a time, in order

  // Values in millionths of a GJ, as BigInt: the register has six decimals and floats would lie.
  function micro(text) {
    const parts = text.split(".");
    return BigInt(parts[0]) * 1000000n + BigInt(((parts[1] || "") + "000000").slice(0, 6));
  }

  function gjText(value) {
    const negative = value < 0n;
    const size = negative ? -value : value;
    const fraction = (size % 1000000n).toString().padStart(6, "0").replace(/0+$/, "");
    return (negative ? "-" : "") + (size / 1000000n).toString() + "." + (fraction || "0");
  }

  function fill(template, value) {
    return template.replace("%s", value);
  }

  function say(text, isError) {
    summaries.forEach(function (summary) {
      summary.textContent = text;
      summary.classList.toggle("error", Boolean(isError));
    });
  }

  function mark(row, state, message) {
    row.classList.remove("bad", "warn", "saved", "pending");
    if (state) row.classList.add(state);
    row.querySelector("input.value").setAttribute("aria-invalid", state === "bad" ? "true" : "false");
    row.querySelector(".note").textContent = message || "";
  }

  // The rules' last word on this row's value (from a check), kept until the value changes: judging
  // the page again (e.g. before a save) must not erase what only the server could tell.
  function remember(row, value, state, message) {
    row.dataset.checkedValue = value;
    row.dataset.checkedState = state;
    row.dataset.checkedMessage = message;
  }

  function markChecked(row, text) {
    if (row.dataset.checkedValue === text) mark(row, row.dataset.checkedState, row.dataset.checkedMessage);
    else mark(row, "", "");
  }

  // What can be told from the page alone, at once: the implied use and a value below the last one.
  function assess(row) {
    const text = row.querySelector("input.value").value.trim();
    const use = row.querySelector(".use");
    use.textContent = "";
    if (!text) {
      mark(row, "", "");
      return "empty";
    }
    if (!NUMBER.test(text)) {
      mark(row, "bad", texts.invalid);
      return "bad";
    }
    const previous = row.dataset.previous;
    if (previous) {
      const used = micro(text) - micro(previous);
      use.textContent = (used > 0n ? "+" : "") + gjText(used);
      if (used < 0n) {
        mark(row, "bad", fill(texts.below, previous));
        return "bad";
      }
    }
    markChecked(row, text);
    return "ok";
  }

  function payload(selected) {
    return JSON.stringify({
      read_at: readAt.value,
      rows: selected.map(function (row) {
        return { serial: row.dataset.serial, value: row.querySelector("input.value").value.trim() };
      }),
    });
  }

  function post(url, body) {
    const request = queue.then(function () {
      return fetch(url, {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRFToken": csrf, Accept: "application/json" },
        body: body,
      }).then(function (response) {
        return response.json().then(function (answer) { return { ok: response.ok, answer: answer }; });
      });
    });
    queue = request.catch(function () {});
    return request;
  }

  // The rules' own opinion of a typed value (implausible use, a later reading, …), nothing stored.
  function check(row) {
    const sent = row.querySelector("input.value").value.trim();
    // Nothing to ask about an emptied row (e.g. just saved), and a bad one is already marked.
    if (!sent || assess(row) !== "ok") return;
    post(form.dataset.checkUrl, payload([row])).then(function (result) {
      const answer = result.answer.rows && result.answer.rows[0];
      if (!answer || row.querySelector("input.value").value.trim() !== sent) return;
      if (answer.status === "rejected") remember(row, sent, "bad", answer.message);
      else if (answer.flagged) remember(row, sent, "warn", texts.high);
      else remember(row, sent, "", "");
      markChecked(row, sent);
    }).catch(function () {});
  }

  function showAnswer(row, answer, saved) {
    const input = row.querySelector("input.value");
    if (saved) remember(row, "", "", "");  // a new value is judged afresh against what is now stored
    if (answer.status === "rejected") {
      mark(row, "bad", answer.message);
    } else if (!saved) {
      mark(row, answer.flagged ? "warn" : "", answer.message || texts.unsaved);
    } else if (answer.status === "stored") {
      mark(row, answer.flagged ? "pending" : "saved", answer.flagged ? texts.pending : texts.saved);
      if (!answer.flagged) {
        row.dataset.previous = answer.value;
        row.querySelector(".prev-value").textContent = answer.value;
        row.querySelector(".prev-at").textContent = answer.at;
      }
      input.value = "";
    } else {
      mark(row, "saved", texts.duplicate);
      input.value = "";
    }
  }

  function save() {
    if (busy) return;
    const filled = rows.filter(function (row) { return row.querySelector("input.value").value.trim() !== ""; });
    if (!filled.length) {
      say(texts.nothing, true);
      return;
    }
    const bad = filled.filter(function (row) { return assess(row) === "bad"; });
    if (bad.length) {
      say(fill(texts.blocked, bad.length), true);
      bad[0].querySelector("input.value").focus();
      return;
    }
    busy = true;
    saveButton.disabled = true;
    say(texts.saving);
    post(form.dataset.saveUrl, payload(filled)).then(function (result) {
      const answer = result.answer;
      if (!answer.rows) {
        say(fill(texts.failed, answer.error || ""), true);
        return;
      }
      answer.rows.forEach(function (rowAnswer, i) { showAnswer(filled[i], rowAnswer, answer.saved); });
      if (answer.saved) {
        say(fill(texts.savedAll, answer.rows.filter(function (r) { return r.status === "stored"; }).length));
        inputs[0].focus();
      } else {
        say(texts.refused, true);
        const first = filled.find(function (row) { return row.classList.contains("bad"); });
        if (first) first.querySelector("input.value").focus();
      }
    }).catch(function (error) {
      say(fill(texts.failed, error.message || error), true);
    }).finally(function () {
      busy = false;
      saveButton.disabled = false;
    });
  }

  inputs.forEach(function (input, i) {
    input.addEventListener("input", function () { assess(rows[i]); });
    input.addEventListener("change", function () { check(rows[i]); });
    input.addEventListener("focus", function () { input.select(); });
  });

  document.addEventListener("keydown", function (event) {
    if (event.key !== "Enter" || event.isComposing) return;
    if (event.ctrlKey || event.metaKey) {
      event.preventDefault();
      save();
    } else if (event.target === readAt || inputs.indexOf(event.target) >= 0) {
      event.preventDefault();
      const next = event.target === readAt ? inputs[0] : inputs[inputs.indexOf(event.target) + 1];
      (next || saveButton).focus();
    }
  });

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    save();
  });

  if (inputs.length) inputs[0].focus();
})();
