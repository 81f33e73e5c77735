// Camera scanning of pickup codes where the browser offers BarcodeDetector (Chromium on Android);
// elsewhere counter staff type the digits or use a handheld scanner, which types them.
(function () {
  "use strict";
  var button = document.getElementById("verify-scan");
  var video = document.getElementById("verify-video");
  var input = document.getElementById("verify-code");
  var form = document.getElementById("verify-form");
  if (!button || !("BarcodeDetector" in window) || !navigator.mediaDevices) { return; }
  button.hidden = false;
  button.addEventListener("click", function () {
    var detector = new window.BarcodeDetector({ formats: ["qr_code"] });
    navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } }).then(function (stream) {
      video.srcObject = stream;
      video.hidden = false;
      video.play();
      var tick = function () {
        detector.detect(video).then(function (codes) {
          if (codes.length) {
            stream.getTracks().forEach(function (t) { t.stop(); });
            input.value = codes[0].rawValue;
            form.submit();
          } else {
            window.requestAnimationFrame(tick);
          }
        }).catch(function () { window.requestAnimationFrame(tick); });
      };
      tick();
    });
  });
})();
