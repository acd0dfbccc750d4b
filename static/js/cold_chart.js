// Complaints oversight: heat complaints and measurements below the minimum per building, drawn with
// Chart.js (static/vendor) from the page's "cold-chart-data"; the table beside it stays the page's words.
(function () {
  "use strict";
  const data = document.getElementById("cold-chart-data");
  const canvas = document.getElementById("cold-chart");
  if (!data || !canvas || typeof Chart === "undefined") return;
  const chart = JSON.parse(data.textContent);
  if (!chart.labels.length) return;
  const BAR = 36;  // px per building: a long list stays legible at 360 px
  canvas.parentElement.style.height = Math.max(160, chart.labels.length * BAR + 80) + "px";
  new Chart(canvas, {
    type: "bar",
    data: {
      labels: chart.labels,
      datasets: [
        { label: chart.complaints_label, data: chart.complaints, backgroundColor: "#b4282d" },
        { label: chart.below_label, data: chart.below, backgroundColor: "#1f5f99" },
      ],
    },
    options: {
      indexAxis: "y",
      responsive: true,
      maintainAspectRatio: false,
      animation: false,
      scales: { x: { beginAtZero: true, ticks: { precision: 0 } } },
    },
  });
})();
