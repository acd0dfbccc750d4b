// A season's heat use on a resident's bill: draws the "heat-use-data" figures with Chart.js
// (static/vendor). The table and sentences beside each chart say the same in words.
(function () {
  "use strict";
  const data = document.getElementById("heat-use-data");
  if (!data || typeof Chart === "undefined") return;
  const chart = JSON.parse(data.textContent);
  const numbers = (values) => values.map((v) => (v === null ? null : Number(v)));
  // A long label on two lines ("Building average,", "your area"): on a phone the axis would cut it.
  const wrapped = (label) => (label.length > 12 ? label.split(/(?<=,) |(?=（)/) : label);
  const options = (horizontal) => ({
    indexAxis: horizontal ? "y" : "x",
    responsive: true,
    maintainAspectRatio: false,
    animation: false,
    plugins: { tooltip: { callbacks: { label: (c) => c.dataset.label + ": " + c.formattedValue + " GJ" } } },
    scales: { x: { beginAtZero: true }, y: { beginAtZero: true, title: { display: !horizontal, text: "GJ" } } },
  });

  const intervals = document.getElementById("heat-use-chart");
  if (intervals && chart.labels.length) {
    const datasets = [{ label: chart.this_label, data: numbers(chart.this), backgroundColor: "#b4282d" }];
    if (chart.last.some((v) => v !== null)) {
      datasets.push({ label: chart.last_label, data: numbers(chart.last), backgroundColor: "#8c96a0" });
    }
    new Chart(intervals, { type: "bar", data: { labels: chart.labels, datasets: datasets }, options: options(false) });
  }

  const totals = document.getElementById("heat-use-totals-chart");
  if (totals && chart.totals) {
    const config = options(true);
    config.plugins.legend = { display: false };
    new Chart(totals, {
      type: "bar",
      data: {
        labels: chart.totals.labels.map(wrapped),
        datasets: [{ label: "GJ", data: numbers(chart.totals.values), backgroundColor: ["#b4282d", "#8c96a0", "#3a6ea5"] }],
      },
      options: config,
    });
  }
})();
