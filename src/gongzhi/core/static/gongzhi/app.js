// Send the CSRF token with every htmx request (no inline script: CSP allows only our own files).
document.addEventListener("htmx:configRequest", function (event) {
  var meta = document.querySelector('meta[name="csrf-token"]');
  if (meta) { event.detail.headers["X-CSRFToken"] = meta.content; }
});

// htmx leaves 4xx answers unswapped; forms marked data-swap-errors show the server's message
// fragment (e.g. the reveal form: 400 "请填写查看事由", 403 "无权查看") in their target instead.
document.addEventListener("htmx:beforeSwap", function (event) {
  var status = event.detail.xhr.status;
  var elt = event.detail.requestConfig && event.detail.requestConfig.elt;
  if ((status === 400 || status === 403) && elt && elt.closest("[data-swap-errors]")) {
    event.detail.shouldSwap = true;
    event.detail.isError = false;
  }
});
