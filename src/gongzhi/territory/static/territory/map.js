// The territory map: draws the visible children of one node and drills down on click.
// Data: /api/v1/territory/nodes/<id>/children.geojson (scoped by the server). No inline script
// (CSP), no basemap unless MAP_TILE_URL is set. The side list mirrors the polygons and is the
// keyboard / test path: every link with data-node-id drills down too.
(function () {
  "use strict";
  var el = document.getElementById("map");
  var dataEl = document.getElementById("map-data");
  if (!el || !dataEl || !window.L) { return; }
  var t = el.dataset; // data-t-* attributes carry the translated strings (tUp, tResidents, ...)
  var side = document.querySelector(".map-side");
  var list = document.getElementById("map-children");
  var crumb = document.getElementById("map-breadcrumb");
  var title = document.getElementById("map-title");
  var up = document.getElementById("map-up");
  var nodeLink = document.getElementById("map-node-link");
  var current = null;
  var loading = 0;

  var map = L.map(el, { zoomSnap: 0.25 });
  if (t.tileUrl) {
    L.tileLayer(t.tileUrl, { attribution: t.tileAttribution || "", maxZoom: 19 }).addTo(map);
  }

  var palette = ["#c8102e", "#0b5cad", "#1d7a3a", "#8a4f00", "#6b2fa3", "#00747a", "#a3005c"];
  var layer = L.geoJSON(null, {
    style: function (feature) {
      var c = palette[feature.properties.id % palette.length];
      return { color: c, weight: 2, fillColor: c, fillOpacity: 0.12 };
    },
    pointToLayer: function (feature, latlng) {
      return L.circleMarker(latlng, { radius: 8 });
    },
    onEachFeature: function (feature, lyr) {
      var p = feature.properties;
      // a string tooltip is HTML to Leaflet: the territory's name goes in as a text node
      var label = document.createElement("span");
      label.textContent = p.name;
      lyr.bindTooltip(label, { permanent: true, direction: "center", className: "map-label" });
      lyr.on("click", function (e) {
        L.DomEvent.stopPropagation(e);
        drill(p.id, true);
      });
    }
  }).addTo(map);

  var UpControl = L.Control.extend({
    options: { position: "topleft" },
    onAdd: function () {
      var b = L.DomUtil.create("button", "map-up-control");
      b.type = "button";
      b.textContent = "↑ " + t.tUp;
      b.title = t.tUp;
      L.DomEvent.disableClickPropagation(b);
      L.DomEvent.on(b, "click", function () {
        if (current && current.parent) { drill(current.parent.id, true); }
      });
      this.button = b;
      return b;
    }
  });
  var upControl = new UpControl().addTo(map);

  function muted(tag, text) {
    var el = document.createElement(tag);
    el.className = "muted";
    el.textContent = text;
    return el;
  }

  function link(ref) {
    var a = document.createElement("a");
    a.href = ref.map_url;
    a.dataset.nodeId = ref.id;
    a.textContent = ref.name;
    return a;
  }

  function render(data) {
    current = data;
    el.dataset.loadedNode = data.node.id;  // test hook: this node's children are drawn
    // breadcrumb
    crumb.replaceChildren();
    data.breadcrumb.forEach(function (ref) { crumb.appendChild(link(ref)); });
    var here = document.createElement("span");
    here.setAttribute("aria-current", "page");
    here.textContent = data.node.name;
    crumb.appendChild(here);
    // title, up, node page
    title.replaceChildren(document.createTextNode(data.node.name + " "));
    var lv = document.createElement("span");
    lv.className = "muted";
    lv.textContent = data.node.level_label;
    title.appendChild(lv);
    if (data.parent) {
      up.hidden = false;
      up.href = data.parent.map_url;
      up.dataset.nodeId = data.parent.id;
    } else {
      up.hidden = true;
      up.removeAttribute("href");
      up.dataset.nodeId = "";
    }
    upControl.button.hidden = !data.parent;
    nodeLink.href = data.node.node_url;
    // children list
    list.replaceChildren();
    data.features.forEach(function (f) {
      var li = document.createElement("li");
      li.appendChild(link(f.properties));
      li.appendChild(muted("span", " " + f.properties.level_label + " · " + t.tResidents + " " + f.properties.resident_count));
      list.appendChild(li);
    });
    if (!data.features.length) {
      list.appendChild(muted("li", t.tNone));
    }
    // polygons
    layer.clearLayers();
    layer.addData(data.features.filter(function (f) { return f.geometry; }));
    var bounds = layer.getBounds();
    if (bounds.isValid()) {
      map.fitBounds(bounds, { padding: [16, 16], maxZoom: 19 });
    } else if (data.bbox) {
      map.fitBounds([[data.bbox[1], data.bbox[0]], [data.bbox[3], data.bbox[2]]], { maxZoom: 19 });
    } else if (!map._loaded) {
      map.setView([22.75, 113.93], 12);
    }
  }

  function drill(id, push) {
    loading += 1;
    side.setAttribute("aria-busy", "true");
    fetch(t.geojsonUrl.replace("/nodes/0/", "/nodes/" + id + "/"), {
      credentials: "same-origin",
      headers: { Accept: "application/json" }
    }).then(function (r) {
      if (!r.ok) { throw new Error(r.status); }
      return r.json();
    }).then(function (data) {
      render(data);
      if (push) { history.pushState({ node: data.node.id }, "", data.node.map_url); }
    }).catch(function () {
      window.alert(t.tError);
    }).finally(function () {
      loading -= 1;
      if (!loading) { side.removeAttribute("aria-busy"); }
    });
  }

  side.addEventListener("click", function (e) {
    var a = e.target.closest("a[data-node-id]");
    if (!a || !a.dataset.nodeId || e.ctrlKey || e.metaKey || e.shiftKey || e.button !== 0) { return; }
    e.preventDefault();
    drill(a.dataset.nodeId, true);
  });

  window.addEventListener("popstate", function (e) {
    var id = (e.state && e.state.node) || new URLSearchParams(window.location.search).get("node");
    if (id) { drill(id, false); }
  });

  // Point lookup: click on empty map to fill the form, submit to ask the server.
  var form = document.getElementById("lookup-form");
  var lon = document.getElementById("lookup-lon");
  var lat = document.getElementById("lookup-lat");
  var result = document.getElementById("lookup-result");
  map.on("click", function (e) {
    lon.value = e.latlng.lng.toFixed(6);
    lat.value = e.latlng.lat.toFixed(6);
  });
  form.addEventListener("submit", function (e) {
    e.preventDefault();
    var q = new URLSearchParams({ lon: lon.value.trim(), lat: lat.value.trim() });
    fetch(t.lookupUrl + "?" + q.toString(), { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.json(); })
      .then(function (data) {
        result.replaceChildren();
        ["street", "community", "grid"].forEach(function (level) {
          var n = data[level];
          if (!n) { return; }
          var li = document.createElement("li");
          li.appendChild(document.createTextNode(t["t" + level.charAt(0).toUpperCase() + level.slice(1)] + ": "));
          var a = document.createElement("a");
          a.href = t.nodeUrl.replace("/0/", "/" + n.id + "/");
          a.textContent = n.name + " (" + n.code + ")";
          li.appendChild(a);
          result.appendChild(li);
        });
        if (!result.children.length) {
          result.appendChild(muted("li", t.tNothing));
        }
      })
      .catch(function () { window.alert(t.tError); });
  });

  var initial = JSON.parse(dataEl.textContent);
  history.replaceState({ node: initial.node.id }, "", window.location.href);
  render(initial);
}());
