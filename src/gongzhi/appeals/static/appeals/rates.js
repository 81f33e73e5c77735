/* The three rates as a grouped bar chart (ECharts). Data comes from the page's json_script block;
   no inline script, so the CSP nonce on this file's tag is all it needs. */
(function () {
  "use strict";
  var holder = document.getElementById("rates-chart");
  var source = document.getElementById("rates-data");
  if (!holder || !source || typeof echarts === "undefined") return;
  var data = JSON.parse(source.textContent);
  var chart = echarts.init(holder);
  chart.setOption({
    tooltip: { trigger: "axis", valueFormatter: function (v) { return v === null || v === undefined ? "—" : v + "%"; } },
    legend: { top: 0 },
    grid: { left: 40, right: 10, bottom: 80, top: 40 },
    xAxis: { type: "category", data: data.names, axisLabel: { interval: 0, rotate: data.names.length > 4 ? 40 : 0, width: 90, overflow: "truncate" } },
    yAxis: { type: "value", min: 0, max: 100, axisLabel: { formatter: "{value}%" } },
    series: data.series.map(function (s) { return { name: s.name, type: "bar", data: s.data }; })
  });
  window.addEventListener("resize", function () { chart.resize(); });
})();
