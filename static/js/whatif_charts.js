// A price what-if's charts with Chart.js (static/vendor), from the page's "whatif-charts" data: per
// policy, the histogram of the change per household and each company's revenue before and after.
// Each chart repeats a table beside it, which stays the page's words.
(function () {
  "use strict";
  const data = document.getElementById("whatif-charts");
  if (!data || typeof Chart === "undefined") return;
  const options = {
    responsive: true,
    maintainAspectRatio: false,
    animation: false,
    scales: { y: { beginAtZero: true } },
  };
  JSON.parse(data.textContent).forEach(function (chart, i) {
    const n = i + 1;
    const histogram = document.getElementById("histogram-chart-" + n);
    if (histogram && chart.histogram.labels.length) {
      new Chart(histogram, {
        type: "bar",
        data: {
          labels: chart.histogram.labels,
          datasets: [{ label: chart.histogram.label, data: chart.histogram.values, backgroundColor: "#b4282d" }],
        },
        options: Object.assign({}, options, { plugins: { legend: { display: false } } }),
      });
    }
    const revenue = document.getElementById("revenue-chart-" + n);
    if (revenue && chart.revenue.labels.length) {
      new Chart(revenue, {
        type: "bar",
        data: {
          labels: chart.revenue.labels,
          datasets: [
            { label: chart.revenue.before_label, data: chart.revenue.before.map(Number), backgroundColor: "#8a8f98" },
            { label: chart.revenue.after_label, data: chart.revenue.after.map(Number), backgroundColor: "#b4282d" },
          ],
        },
        options: options,
      });
    }
  });
})();
