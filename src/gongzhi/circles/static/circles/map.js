// Maps of the resource library and of service-circle coverage. Data comes from a json_script
// block (#circles-data); strings from data-t-* attributes. No inline script (CSP); no basemap
// unless MAP_TILE_URL is set.
(function () {
  "use strict";
  var el = document.getElementById("circles-map");
  var dataEl = document.getElementById("circles-data");
  if (!el || !dataEl || !window.L) { return; }
  var t = el.dataset;
  var data = JSON.parse(dataEl.textContent);
  var map = L.map(el, { zoomSnap: 0.25 });
  if (t.tileUrl) {
    L.tileLayer(t.tileUrl, { attribution: t.tileAttribution || "", maxZoom: 19 }).addTo(map);
  }
  var bounds = [];
  // Leaflet treats a string tooltip as HTML: names go in as text nodes, never markup
  function asText(s) { var span = document.createElement("span"); span.textContent = s; return span; }
  function add(lon, lat, opts, label) {
    var m = L.circleMarker([lat, lon], opts).addTo(map);
    if (label) { m.bindTooltip(asText(label)); }
    bounds.push([lat, lon]);
    return m;
  }
  if (t.mode === "resources") {
    (data.resources || []).forEach(function (r) {
      add(r[0], r[1], { radius: 7, color: "#0b5cad", fillOpacity: 0.6 }, r[2] + " · " + r[3]);
    });
  } else {
    (data.buildings || []).forEach(function (b) {
      var covered = b[3];
      add(b[0], b[1], {
        radius: covered ? 3 : 5, weight: 1,
        color: covered ? "#1d7a3a" : "#c8102e", fillOpacity: covered ? 0.4 : 0.8
      }, b[4] + " · " + (covered ? t.tCovered : t.tUncovered) + " · " + t.tResidents + " " + b[2]);
    });
    (data.sites || []).forEach(function (s) {
      L.circle([s[1], s[0]], { radius: data.radius, color: "#0b5cad", weight: 1, fillOpacity: 0.05 }).addTo(map);
      add(s[0], s[1], { radius: 7, color: "#0b5cad", fillOpacity: 0.9 }, s[2]);
    });
    (data.suggestions || []).forEach(function (s) {
      L.circle([s.lat, s.lon], { radius: data.radius, color: "#8a4f00", dashArray: "4 4", weight: 2, fillOpacity: 0.05 }).addTo(map);
      add(s.lon, s.lat, { radius: 9, color: "#8a4f00", fillOpacity: 0.9 }, t.tSuggested + " " + s.rank + " · +" + s.residents);
    });
  }
  if (bounds.length) { map.fitBounds(bounds, { padding: [20, 20], maxZoom: 17 }); } else { map.setView([22.77, 113.93], 13); }
}());
