// Runs one of the project's map scripts in Node against a recording stand-in for Leaflet and the DOM,
// and prints what each bindTooltip / bindPopup received: a DOM node (text) or a string (HTML to Leaflet).
// Usage: node map_harness.js <script.js> <fixture.json>
"use strict";
const fs = require("fs");
const vm = require("vm");

const [scriptPath, fixturePath] = process.argv.slice(2);
const fixture = JSON.parse(fs.readFileSync(fixturePath, "utf8"));
const received = [];

function stub() {
  const fn = function () { return stub(); };
  return new Proxy(fn, {
    get(target, key) {
      if (key === Symbol.toPrimitive) { return () => ""; }
      if (key === "then") { return undefined; }
      if (!(key in target.__store)) { target.__store[key] = stub(); }
      return target.__store[key];
    },
    set(target, key, value) { target.__store[key] = value; return true; },
    apply() { return stub(); },
    construct() { return stub(); },
  });
}
Object.defineProperty(Function.prototype, "__store", {
  get() { if (!this.__own) { Object.defineProperty(this, "__own", { value: {} }); } return this.__own; },
});

function element(props) {
  const backing = Object.assign({ dataset: {}, textContent: "" }, props || {});
  return new Proxy(backing, {
    get(target, key) { return key in target ? target[key] : stub(); },
    set(target, key, value) { target[key] = value; return true; },
  });
}

function recordingLayer() {
  const layer = stub();
  const record = (content) => {
    received.push(typeof content === "string"
      ? { kind: "html", text: content }
      : { kind: "node", text: content && content.textContent });
    return layer;
  };
  layer.bindTooltip = record;
  layer.bindPopup = record;
  layer.addTo = () => layer;
  return layer;
}

const L = stub();
L.circleMarker = () => recordingLayer();
L.circle = () => recordingLayer();
L.marker = () => recordingLayer();
L.polygon = () => recordingLayer();
L.geoJSON = (data, options) => {
  const group = stub();
  group.addTo = () => group;
  group.clearLayers = () => group;
  group.getBounds = () => ({ isValid: () => false });
  group.addData = (features) => {
    (Array.isArray(features) ? features : [features]).forEach((f) => {
      options.onEachFeature(f, recordingLayer());
    });
    return group;
  };
  return group;
};
L.Control.extend = () => function () { const c = stub(); c.addTo = () => c; return c; };

const elements = {};
for (const [id, props] of Object.entries(fixture.elements || {})) { elements[id] = element(props); }
const document = {
  getElementById: (id) => elements[id] || element(),
  querySelector: () => element(),
  querySelectorAll: (selector) => (fixture.all && fixture.all[selector] || []).map((p) => element(p)),
  createElement: () => element(),
  createTextNode: (text) => element({ textContent: text }),
};
const window = { L, location: { href: "http://x/", search: "" }, addEventListener() {}, alert() {} };
const context = vm.createContext({
  window, document, L, JSON, URLSearchParams, console,
  history: stub(), fetch: stub(), navigator: stub(),
});
vm.runInContext(fs.readFileSync(scriptPath, "utf8"), context, { filename: scriptPath });
process.stdout.write(JSON.stringify(received));
