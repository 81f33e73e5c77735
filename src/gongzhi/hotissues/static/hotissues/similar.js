// Resident submit page: once text and a pin (or an address naming a compound/building) are entered,
// ask whether someone already reported it and offer "me too" (附议). Without JavaScript the form works
// as before. Texts come translated with the JSON (data.labels): this file holds no UI strings.
(function () {
  "use strict";
  var me = document.currentScript;
  var form = document.getElementById("submit-form");
  if (!me || !form) { return; }
  var similarUrl = me.dataset.similarUrl;
  var supportUrl = me.dataset.supportUrl; // ends with /0/support/
  var text = form.querySelector("[name=text]");
  var lon = document.getElementById("pin-lon");
  var lat = document.getElementById("pin-lat");
  var category = form.querySelector("[name=category]");
  var address = form.querySelector("[name=address_text]");
  if (!text || !lon || !lat) { return; }
  var box = document.createElement("div");
  box.className = "card similar-appeals";
  box.hidden = true;
  box.setAttribute("aria-live", "polite");
  var button = document.getElementById("submit-appeal");
  (button ? button.parentNode : form).insertAdjacentElement("beforebegin", box);
  var last = "";
  function csrf() {
    var el = form.querySelector("[name=csrfmiddlewaretoken]");
    return el ? el.value : "";
  }
  function show(results, labels) {
    box.textContent = "";
    if (!results.length || !labels) { box.hidden = true; return; }
    var h = document.createElement("p");
    h.className = "strong";
    h.textContent = labels.heading;
    box.appendChild(h);
    results.forEach(function (r) {
      var p = document.createElement("p");
      p.textContent = r.title + " · " + r.status + " · " + r.distance_m + " m · " + labels.supports + " " + r.supports + " ";
      var b = document.createElement("button");
      b.type = "button";
      b.textContent = labels.me_too;
      b.addEventListener("click", function () {
        fetch(supportUrl.replace("/0/", "/" + r.id + "/"), {
          method: "POST", credentials: "same-origin", headers: {"X-CSRFToken": csrf()}
        }).then(function (resp) { return resp.json(); }).then(function (data) {
          if (data.ok) { b.disabled = true; b.textContent = labels.supported + " (" + data.supports + ")"; }
          else { b.textContent = data.detail || labels.failed; }
        }).catch(function () { b.textContent = labels.failed; });
      });
      p.appendChild(b);
      box.appendChild(p);
    });
    box.hidden = false;
  }
  function check() {
    var t = text.value.trim();
    var where = address ? address.value.trim() : "";
    if (t.length < 4 || (!(lon.value && lat.value) && where.length < 2)) { return; }
    var q = "text=" + encodeURIComponent(t.slice(0, 500)) + "&lon=" + encodeURIComponent(lon.value) +
      "&lat=" + encodeURIComponent(lat.value) + "&address=" + encodeURIComponent(where.slice(0, 200)) +
      "&category=" + encodeURIComponent(category ? category.value : "");
    if (q === last) { return; }
    last = q;
    fetch(similarUrl + "?" + q, {credentials: "same-origin"})
      .then(function (resp) { return resp.ok ? resp.json() : {results: []}; })
      .then(function (data) { show(data.results || [], data.labels); })
      .catch(function () { box.hidden = true; });
  }
  text.addEventListener("change", check);
  if (address) { address.addEventListener("change", check); }
  window.setInterval(check, 2000);
})();
