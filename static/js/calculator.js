// The calculator page: collects the form as the quote API's JSON and shows its answer.
(function () {
  "use strict";
  const form = document.getElementById("quote");
  const rows = form.querySelector("table.parts tbody");
  const rowTemplate = document.getElementById("part-row");
  const errors = document.getElementById("errors");
  const result = document.getElementById("result");

  function addPart(kind) {
    const row = rowTemplate.content.firstElementChild.cloneNode(true);
    if (kind) row.querySelector("[name=kind]").value = kind;
    row.querySelector(".remove").addEventListener("click", function () {
      if (rows.children.length > 1) row.remove();
    });
    rows.appendChild(row);
  }

  function syncFields() {
    const priceClass = form.price_class.value;
    const metered = form.method.value === "metered";
    const residential = priceClass === "residential";
    form.querySelector("[data-for=metered]").hidden = !metered;
    form.querySelector("[data-for=exchangers]").hidden = metered || !residential;
    form.querySelector("[data-for=low_income]").hidden = !residential;
    rows.querySelectorAll("[name=kind]").forEach(function (select) {
      select.querySelectorAll("option").forEach(function (option) {
        option.disabled = (option.dataset.residential === "1") !== residential;
      });
      if (select.selectedOptions[0].disabled) {
        select.value = residential ? "flat" : "building";
      }
    });
  }

  function payload() {
    const body = {
      price_class: form.price_class.value,
      method: form.method.value,
      parts: Array.from(rows.children).map(function (row) {
        return { kind: row.querySelector("[name=kind]").value, area: row.querySelector("[name=area]").value.trim() };
      }),
    };
    if (form.season.value) body.season = form.season.value;
    if (body.method === "metered") body.heat_gj = form.heat_gj.value.trim();
    if (body.method === "area" && body.price_class === "residential") body.exchangers = form.exchangers.value || "0";
    if (body.price_class === "residential") body.low_income = form.low_income.checked;
    if (form.prepaid.value.trim()) body.prepaid = form.prepaid.value.trim();
    return body;
  }

  function yuan(amount) {
    return amount.startsWith("-") ? "−¥" + amount.slice(1) : "¥" + amount;
  }

  function clearErrors() {
    errors.replaceChildren();
    form.querySelectorAll(".field-error").forEach(function (slot) { slot.textContent = ""; });
    form.querySelectorAll("[aria-invalid]").forEach(function (field) {
      field.removeAttribute("aria-invalid");
      field.removeAttribute("aria-describedby");
    });
  }

  function texts(value) {
    return Array.isArray(value) ? value.filter(function (v) { return typeof v === "string"; }) : [String(value)];
  }

  // Puts a message beside the field it is about (within `scope`: the form or one part's row), in
  // the words the API used; a message about no field on the page goes to the box under the form.
  function place(scope, key, value) {
    const slot = scope.querySelector("[data-error-for=" + key + "]");
    if (!slot) {
      texts(value).forEach(function (text) {
        const p = document.createElement("p");
        p.textContent = text;
        errors.appendChild(p);
      });
      return;
    }
    slot.textContent = texts(value).join(" ");
    const field = scope.querySelector("[name=" + key + "]");
    if (field) {
      slot.id = slot.id || "err-" + key + "-" + Math.random().toString(36).slice(2);
      field.setAttribute("aria-invalid", "true");
      field.setAttribute("aria-describedby", slot.id);
    }
  }

  function showErrors(data) {
    Object.keys(data).forEach(function (key) {
      const value = data[key];
      // A part's errors come keyed by its index ({"0": {"area": [...]}}, or a list of such objects).
      const perPart = key === "parts" && value && typeof value === "object" &&
        !(Array.isArray(value) && value.every(function (v) { return typeof v === "string"; }));
      if (perPart) {
        Object.keys(value).forEach(function (index) {
          const row = rows.children[Number(index)];
          const partErrors = value[index] || {};
          Object.keys(partErrors).forEach(function (field) { place(row || form, field, partErrors[field]); });
        });
      } else {
        place(form, key, value);
      }
    });
    const p = document.createElement("p");
    p.textContent = form.dataset.fix;
    errors.prepend(p);
    const first = form.querySelector("[aria-invalid=true]");
    (first || errors).scrollIntoView({ block: "center" });
    if (first) first.focus();
  }

  function show(data) {
    document.getElementById("result-policy").textContent = data.season + " · " + data.policy;
    ["amount_due", "prepayment", "refund", "balance_due"].forEach(function (key) {
      document.getElementById("r-" + key).textContent = yuan(data[key]);
    });
    document.getElementById("r-billing_area").textContent = data.billing_area + " m²";
    const body = result.querySelector("table.lines tbody");
    body.replaceChildren();
    data.lines.forEach(function (line) {
      const tr = document.createElement("tr");
      const label = document.createElement("td");
      const amount = document.createElement("td");
      label.textContent = line.label;
      amount.textContent = line.amount === null ? "" : yuan(line.amount);
      amount.className = "money";
      tr.append(label, amount);
      body.appendChild(tr);
    });
    result.hidden = false;
    // On a phone the result is below the fold: bring it into view.
    result.scrollIntoView({ block: "start" });
    result.focus({ preventScroll: true });
  }

  form.addEventListener("submit", async function (event) {
    event.preventDefault();
    clearErrors();
    const response = await fetch(form.dataset.url, {
      method: "POST",
      headers: { "Content-Type": "application/json", "Accept-Language": document.documentElement.lang },
      body: JSON.stringify(payload()),
    });
    let data;
    try {
      data = await response.json();
    } catch (error) {
      result.hidden = true;
      place(form, "server", form.dataset.failed + " (" + response.status + ")");
      return;
    }
    if (!response.ok) {
      result.hidden = true;
      showErrors(data);
      return;
    }
    show(data);
  });

  document.getElementById("add-part").addEventListener("click", function () { addPart(); syncFields(); });
  form.price_class.addEventListener("change", syncFields);
  form.method.addEventListener("change", syncFields);
  addPart("flat");
  syncFields();
})();
