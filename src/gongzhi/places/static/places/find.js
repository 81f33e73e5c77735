// Find a centre: tap the map (or use the phone's location) to fill the hidden lon/lat, then the
// form is submitted; results are drawn as markers. No inline script (CSP).
(function () {
  "use strict";
  var el = document.getElementById("find-map");
  var lon = document.getElementById("pin-lon");
  var lat = document.getElementById("pin-lat");
  var status = document.getElementById("pin-status");
  var form = document.getElementById("find-form");
  if (!el || !lon || !lat) { return; }
  var t = el.dataset;
  var map = null;
  var marker = null;

  function place(lng, la) {
    lon.value = lng.toFixed(6);
    lat.value = la.toFixed(6);
    status.textContent = t.tPlaced + " " + lon.value + ", " + lat.value;
    if (map) {
      if (marker) { marker.setLatLng([la, lng]); } else { marker = L.circleMarker([la, lng], { radius: 9, color: "#c8102e", weight: 3, fillOpacity: 0.5 }).addTo(map); }
    }
  }

  if (window.L) {
    map = L.map(el, { zoomSnap: 0.25 });
    if (t.tileUrl) { L.tileLayer(t.tileUrl, { attribution: t.tileAttribution || "", maxZoom: 19 }).addTo(map); }
    var hasOrigin = t.originLon && t.originLat;
    map.setView([Number(hasOrigin ? t.originLat : t.defaultLat), Number(hasOrigin ? t.originLon : t.defaultLon)], hasOrigin ? 15 : 13);
    if (hasOrigin) { place(Number(t.originLon), Number(t.originLat)); }
    var bounds = [];
    document.querySelectorAll(".centre-row").forEach(function (row) {
      var ll = [Number(row.dataset.lat), Number(row.dataset.lon)];
      bounds.push(ll);
      // circle markers need no icon images (nothing extra to vendor or to 404)
      // a string tooltip is HTML to Leaflet: the centre's name goes in as a text node
      var label = document.createElement("span");
      label.textContent = row.dataset.name;
      L.circleMarker(ll, { radius: 8, color: "#0b5cad", weight: 2, fillOpacity: 0.7 }).addTo(map).bindTooltip(label);
    });
    if (hasOrigin && bounds.length) { bounds.push([Number(t.originLat), Number(t.originLon)]); map.fitBounds(bounds, { padding: [20, 20] }); }
    map.on("click", function (e) { place(e.latlng.lng, e.latlng.lat); });
    el.dataset.ready = "1"; // test hook
  }

  var address = document.getElementById("id_address");
  if (address && form) {
    // typing an address means "search from the address", not from an old pin
    address.addEventListener("input", function () { if (address.value) { lon.value = ""; lat.value = ""; } });
  }
  var locate = document.getElementById("use-my-location");
  if (locate) {
    locate.addEventListener("click", function () {
      if (!navigator.geolocation) { status.textContent = t.tNoGeo; return; }
      status.textContent = t.tLocating;
      navigator.geolocation.getCurrentPosition(function (pos) {
        place(pos.coords.longitude, pos.coords.latitude);
        if (address) { address.value = ""; }
        form.submit();
      }, function () { status.textContent = t.tNoGeo; }, { enableHighAccuracy: true, timeout: 10000 });
    });
  }
})();
