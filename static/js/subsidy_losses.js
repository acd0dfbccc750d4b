// The subsidy queue: the claims' losses by cause, a stacked bar a company and season, drawn with
// Chart.js (static/vendor) from the page's "loss-chart" data. The table beside it says the same.
(function () {
  "use strict";
  const data = document.getElementById("loss-chart");
  const canvas = document.getElementById("losses-chart");
  if (!data || !canvas || typeof Chart === "undefined") return;
  const chart = JSON.parse(data.textContent);
  if (!chart.labels.length) return;
  const COLOURS = ["#b4282d", "#e08a1e", "#3b6ea5"];
  const BAR = 36;  // px per bar: any number of claims stays legible, even at 360 px
  canvas.parentElement.style.height = Math.max(160, chart.labels.length * BAR + 80) + "px";
  new Chart(canvas, {
    type: "bar",
    data: {
      labels: chart.labels,
      datasets: chart.datasets.map((set, i) => ({
        label: set.label,
        data: set.values.map(Number),
        backgroundColor: COLOURS[i % COLOURS.length],
      })),
    },
    options: {
      indexAxis: "y",
      responsive: true,
      maintainAspectRatio: false,
      animation: false,
      scales: { x: { stacked: true, beginAtZero: true }, y: { stacked: true } },
    },
  });
})();
