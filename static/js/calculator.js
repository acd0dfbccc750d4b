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
    if (form.season.value.trim()) body.season = form.season.value.trim();
    if (body.method === "metered") body.heat_gj = form.heat_gj.value.trim();
    if (body.method === "area" && body.price_class === "residential") body.exchangers = form.exchangers.value || "0";
    if (body.price_class === "residential") body.low_income = form.low_income.checked;
    if (form.prepaid.value.trim()) body.prepaid = form.prepaid.value.trim();
    return body;
  }

  function yuan(amount) {
    return amount.startsWith("-") ? "−¥" + amount.slice(1) : "¥" + amount;
  }

  function flatten(value, prefix, out) {
    if (Array.isArray(value) && value.every(function (v) { return typeof v === "string"; })) {
      out.push((prefix ? prefix + ": " : "") + value.join(" "));
    } else if (value && typeof value === "object") {
      Object.keys(value).forEach(function (key) {
        flatten(value[key], prefix ? prefix + "." + key : key, out);
      });
    } else if (value !== null && value !== undefined) {
      out.push((prefix ? prefix + ": " : "") + value);
    }
    return out;
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
  }

  form.addEventListener("submit", async function (event) {
    event.preventDefault();
    errors.replaceChildren();
    const response = await fetch(form.dataset.url, {
      method: "POST",
      headers: { "Content-Type": "application/json", "Accept-Language": document.documentElement.lang },
      body: JSON.stringify(payload()),
    });
    let data;
    try {
      data = await response.json();
    } catch (error) {
      data = { error: [form.dataset.failed + " (" + response.status + ")"] };
    }
    if (!response.ok) {
      result.hidden = true;
      flatten(data, "", []).forEach(function (text) {
        const p = document.createElement("p");
        p.textContent = text;
        errors.appendChild(p);
      });
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
