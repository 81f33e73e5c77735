// Intake forms: drop a pin on the map (or use the phone's location) into the hidden lon/lat
// inputs, preview chosen photos, and stop a second submit while the first is on its way.
// No inline script (CSP); data-* attributes carry the translated strings.
(function () {
  "use strict";
  var el = document.getElementById("pin-map");
  var lon = document.getElementById("pin-lon");
  var lat = document.getElementById("pin-lat");
  var status = document.getElementById("pin-status");
  var t = el ? el.dataset : {};
  var marker = null;
  var map = null;

  function place(lng, la) {
    lon.value = lng.toFixed(6);
    lat.value = la.toFixed(6);
    status.textContent = t.tPlaced + " " + lon.value + ", " + lat.value;
    if (map) {
      if (marker) { marker.setLatLng([la, lng]); } else { marker = L.circleMarker([la, lng], { radius: 10, color: "#c8102e", weight: 3, fillOpacity: 0.5 }).addTo(map); }
    }
  }

  if (el && window.L && lon && lat) {
    map = L.map(el, { zoomSnap: 0.25 });
    if (t.tileUrl) { L.tileLayer(t.tileUrl, { attribution: t.tileAttribution || "", maxZoom: 19 }).addTo(map); }
    if (t.bbox) {
      var b = t.bbox.split(",").map(Number);
      map.fitBounds([[b[1], b[0]], [b[3], b[2]]]);
      L.rectangle([[b[1], b[0]], [b[3], b[2]]], { color: "#0b5cad", weight: 1, fill: false, interactive: false }).addTo(map);
    } else {
      map.setView([22.75, 113.93], 12);
    }
    map.on("click", function (e) { place(e.latlng.lng, e.latlng.lat); });
    if (lon.value && lat.value) { place(Number(lon.value), Number(lat.value)); }
    el.dataset.ready = "1"; // test hook: the map is drawn and listens for taps
  }

  var locate = document.getElementById("use-my-location");
  function useMyLocation() {
    if (!navigator.geolocation) { status.textContent = t.tNoGeo; return; }
    status.textContent = t.tLocating;
    navigator.geolocation.getCurrentPosition(function (pos) {
      place(pos.coords.longitude, pos.coords.latitude);
      if (map) { map.setView([pos.coords.latitude, pos.coords.longitude], Math.max(map.getZoom(), 16)); }
    }, function () { status.textContent = t.tNoGeo; }, { enableHighAccuracy: true, timeout: 10000 });
  }
  if (locate && lon) { locate.addEventListener("click", useMyLocation); }
  var auto = document.querySelector("form[data-auto-locate]");
  if (auto && lon && !lon.value) { useMyLocation(); }

  var files = document.getElementById("id_photos");
  var preview = document.getElementById("photo-preview");
  if (files && preview) {
    files.addEventListener("change", function () {
      preview.replaceChildren();
      var max = Number(files.dataset.max || 9);
      if (files.files.length > max) {
        preview.textContent = files.dataset.tTooMany;
        files.value = "";
        return;
      }
      Array.prototype.forEach.call(files.files, function (file) {
        if (!/^image\//.test(file.type)) { return; }
        var reader = new FileReader(); // data: URLs (CSP allows data: images, not blob:)
        reader.onload = function () {
          var img = document.createElement("img");
          img.src = reader.result;
          img.alt = file.name;
          preview.appendChild(img);
        };
        reader.readAsDataURL(file);
      });
    });
  }

  // Category: ~500 leaves are too many for one list on a phone. Two small selects (大类, 小类)
  // narrow the real one; without JavaScript the real one still works, grouped by <optgroup>.
  var cascade = document.querySelector("[data-cascade-for]");
  var target = cascade && document.getElementById(cascade.dataset.cascadeFor);
  if (cascade && target) {
    var c = cascade.dataset;
    var empty = target.querySelector("option[value='']");
    var groups = Array.prototype.map.call(target.querySelectorAll("optgroup"), function (g) {
      var parts = g.label.split(" › ");
      return { node: g, level1: parts[0], level2: parts[1] || parts[0] };
    });
    var pick = function (label) {
      var wrap = document.createElement("label");
      wrap.className = "check cascade-level";
      wrap.appendChild(document.createTextNode(label));
      var s = document.createElement("select");
      wrap.appendChild(s);
      cascade.appendChild(wrap);
      return s;
    };
    var fill = function (select, names) {
      select.replaceChildren(new Option(c.tAll, ""));
      names.forEach(function (n) { select.appendChild(new Option(n, n)); });
    };
    var unique = function (list) { return list.filter(function (v, i) { return list.indexOf(v) === i; }); };
    var one = pick(c.tLevel1);
    var two = pick(c.tLevel2);
    fill(one, unique(groups.map(function (g) { return g.level1; })));
    fill(two, []);
    var show = function () {
      var chosen = target.value;
      target.replaceChildren(empty);
      groups.forEach(function (g) {
        if ((!one.value || g.level1 === one.value) && (!two.value || g.level2 === two.value)) { target.appendChild(g.node); }
      });
      target.value = chosen;
      if (target.value !== chosen) { target.value = ""; }
    };
    one.addEventListener("change", function () {
      fill(two, unique(groups.filter(function (g) { return g.level1 === one.value; }).map(function (g) { return g.level2; })));
      show();
    });
    two.addEventListener("change", show);
    cascade.hidden = false;
  }

  // One tap, one appeal: the server's token makes a repeat harmless; this just spares the wait.
  Array.prototype.forEach.call(document.querySelectorAll("form.appeal-form"), function (form) {
    form.addEventListener("submit", function () {
      var button = form.querySelector("button[type=submit]");
      if (button) { window.setTimeout(function () { button.disabled = true; }, 0); }
    });
  });
}());
