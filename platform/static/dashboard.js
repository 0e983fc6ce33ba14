/* Dashboard and public-data panels (Đ.3.7, Đ.18.6).
 *
 * Each .baocao-panel names the URL of its numbers (data-url) and of its CSV
 * (data-csv); the page's filters (from, to, unit) are passed on from the
 * address bar. Charts are drawn by the vendored Chart.js without animation, on
 * a white background, so that "Tải PNG" saves exactly what is shown. Numbers
 * are written the Vietnamese way: 1.234,5, in both languages; the words follow
 * the page's language (#bc-i18n-dashboard).
 */
(function () {
  "use strict";

  var number = new Intl.NumberFormat("vi-VN", { maximumFractionDigits: 2 });
  var TEXT = pageStrings("bc-i18n-dashboard", {
    empty: "Chưa có số liệu đã tiếp nhận trong phạm vi đã chọn.",
    rows: "{count} dòng số liệu",
    unit: "đơn vị tính:",
    failed: "Không tải được số liệu của biểu đồ. Hãy kiểm tra bộ lọc (kỳ dạng 2026-M03) rồi tải lại trang."
  });
  var COLOURS = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b"];

  /* Words in the page's language, embedded by the template (views/script_strings.py);
   * the Vietnamese texts stay when the page gives none. */
  function pageStrings(id, fallback) {
    var node = document.getElementById(id);
    var given = {};
    try { given = node ? JSON.parse(node.textContent) : {}; } catch (e) { given = {}; }
    var text = {};
    Object.keys(fallback).forEach(function (key) {
      text[key] = typeof given[key] === "string" ? given[key] : fallback[key];
    });
    return text;
  }

  function format(value) {
    return value === null || value === undefined || value === "" ? "—" : number.format(value);
  }

  function filterQuery() {
    var wanted = new URLSearchParams(window.location.search);
    var kept = new URLSearchParams();
    ["from", "to", "unit"].forEach(function (name) {
      if (wanted.get(name)) { kept.set(name, wanted.get(name)); }
    });
    var text = kept.toString();
    return text ? "?" + text : "";
  }

  var whiteBackground = {
    id: "baocaoWhiteBackground",
    beforeDraw: function (chart) {
      var ctx = chart.ctx;
      ctx.save();
      ctx.globalCompositeOperation = "destination-over";
      ctx.fillStyle = "#ffffff";
      ctx.fillRect(0, 0, chart.width, chart.height);
      ctx.restore();
    }
  };

  function chartConfig(data) {
    var horizontal = Boolean(data.horizontal);
    var valueAxis = {
      beginAtZero: true,
      ticks: { callback: function (v) { return format(v) + (data.percent ? " %" : ""); } }
    };
    return {
      type: data.chart,
      data: {
        labels: data.labels,
        datasets: data.datasets.map(function (set, i) {
          return {
            label: set.label,
            data: set.data,
            borderColor: COLOURS[i % COLOURS.length],
            backgroundColor: COLOURS[i % COLOURS.length] + (data.chart === "line" ? "33" : "cc"),
            fill: data.chart === "line",
            tension: 0.2,
            spanGaps: true
          };
        })
      },
      options: {
        animation: false,
        responsive: true,
        maintainAspectRatio: false,
        indexAxis: horizontal ? "y" : "x",
        scales: horizontal ? { x: valueAxis } : { y: valueAxis },
        plugins: {
          tooltip: { callbacks: { label: function (item) {
            return item.dataset.label + ": " + format(item.raw) + (data.unit_of_measure ? " " + data.unit_of_measure : "");
          } } },
          legend: { display: data.datasets.length > 1 || data.chart === "line" }
        }
      },
      plugins: [whiteBackground]
    };
  }

  function drawTable(box, data) {
    var table = document.createElement("table");
    table.className = "table table-condensed table-striped";
    var head = table.createTHead().insertRow();
    data.columns.forEach(function (name) {
      var th = document.createElement("th");
      th.textContent = name;
      head.appendChild(th);
    });
    var body = table.createTBody();
    data.rows.forEach(function (row) {
      var tr = body.insertRow();
      row.forEach(function (value) {
        var td = tr.insertCell();
        td.textContent = typeof value === "number" ? format(value) : (value === null ? "—" : value);
        if (typeof value === "number") { td.className = "text-right"; }
      });
    });
    box.innerHTML = "";
    box.appendChild(table);
  }

  function savePng(panel) {
    var canvas = panel.querySelector("canvas");
    var link = document.createElement("a");
    link.download = "bieu-do-" + panel.dataset.panel + ".png";
    link.href = canvas.toDataURL("image/png");
    document.body.appendChild(link);
    link.click();
    link.remove();
  }

  function show(panel, data) {
    var status = panel.querySelector(".baocao-panel-status");
    var chartBox = panel.querySelector(".baocao-chart");
    var title = panel.querySelector(".baocao-panel-title");
    title.textContent = data.title;
    var empty = data.rows.length === 0;
    if (data.chart === "table") {
      chartBox.style.display = "none";
      panel.querySelector(".baocao-png").style.display = "none";
      drawTable(panel.querySelector(".baocao-table"), data);
    } else if (!empty) {
      chartBox.style.height = data.horizontal ? Math.max(220, 22 * data.labels.length) + "px" : "280px";
      if (panel.chart) { panel.chart.destroy(); }
      panel.chart = new window.Chart(panel.querySelector("canvas"), chartConfig(data));
    }
    status.textContent = empty ? TEXT.empty
      : TEXT.rows.replace("{count}", data.rows.length) + (data.unit_of_measure ? " · " + TEXT.unit + " " + data.unit_of_measure : "");
    panel.dataset.drawn = empty ? "empty" : "1";
  }

  function load(panel) {
    var query = filterQuery();
    panel.querySelector(".baocao-csv").href = panel.dataset.csv + query;
    panel.querySelector(".baocao-png").addEventListener("click", function () { savePng(panel); });
    fetch(panel.dataset.url + query, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) { throw new Error("HTTP " + response.status); }
        return response.json();
      })
      .then(function (data) { show(panel, data); })
      .catch(function () {
        panel.querySelector(".baocao-panel-status").textContent = TEXT.failed;
        panel.dataset.drawn = "error";
      });
  }

  document.querySelectorAll(".baocao-panel").forEach(load);
})();
