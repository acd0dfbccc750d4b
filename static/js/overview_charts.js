// The manager's overview: draws the season's figures with Chart.js (static/vendor) from the page's
// "overview-charts" data. Each chart repeats a table beside it, which stays the page's words.
(function () {
  "use strict";
  const data = document.getElementById("overview-charts");
  if (!data || typeof Chart === "undefined") return;
  const charts = JSON.parse(data.textContent);
  const BAR = 28;  // px per bar: a building list of any length stays legible, even at 360 px

  function draw(id, chart, horizontal, max) {
    const canvas = document.getElementById(id);
    if (!canvas || !chart.labels.length) return;
    if (horizontal) {
      canvas.parentElement.style.height = Math.max(160, chart.labels.length * BAR + 60) + "px";
    }
    new Chart(canvas, {
      type: "bar",
      data: {
        labels: chart.labels,
        datasets: [{ label: chart.label, data: chart.values.map(Number), backgroundColor: "#b4282d" }],
      },
      options: {
        indexAxis: horizontal ? "y" : "x",
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        plugins: { legend: { display: false } },
        scales: {
          x: { beginAtZero: true, suggestedMax: horizontal ? max : undefined },
          y: { beginAtZero: true },
        },
      },
    });
  }

  draw("collection-chart", charts.collection, true, 100);  // a rate: the axis reaches 100%
  draw("routes-chart", charts.routes, true);
  draw("takings-chart", charts.takings, false);
})();
