// Scan the receipt's QR with the device camera where the browser has BarcodeDetector
// (Chrome/Edge on Android and desktop; needs https or localhost). Elsewhere the text
// field takes the code: a USB scanner types it and presses Enter.
(function () {
  const form = document.getElementById("scan-form");
  const input = document.getElementById("code");
  const start = document.getElementById("camera-start");
  const video = document.getElementById("camera");
  const note = document.getElementById("camera-note");
  if (!form || !start) return;
  if (!("BarcodeDetector" in window) || !navigator.mediaDevices) {
    note.textContent = "Kamera tidak didukung di peramban ini: gunakan pemindai USB atau ketik kodenya.";
    return;
  }
  start.hidden = false;
  start.addEventListener("click", async function () {
    let stream;
    try {
      stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } });
    } catch (err) {
      note.textContent = "Kamera tidak bisa dibuka. Izinkan kamera, atau gunakan pemindai USB.";
      return;
    }
    const detector = new BarcodeDetector({ formats: ["qr_code"] });
    video.hidden = false;
    video.srcObject = stream;
    await video.play();
    note.textContent = "Arahkan kamera ke kode QR pada bukti.";
    const tick = async function () {
      try {
        const codes = await detector.detect(video);
        if (codes.length) {
          stream.getTracks().forEach(function (t) { t.stop(); });
          input.value = codes[0].rawValue;
          form.submit();
          return;
        }
      } catch (err) { /* a frame that cannot be read: try the next one */ }
      requestAnimationFrame(tick);
    };
    tick();
  });
})();
