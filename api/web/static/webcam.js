// Enroll from the browser's camera: a still goes into the photo form's file field and is sent
// like an uploaded file, through the same quality gate.
(function () {
  "use strict";
  const start = document.getElementById("webcam-start");
  if (!start) return;
  const video = document.getElementById("webcam-video");
  const shoot = document.getElementById("webcam-shoot");
  const error = document.getElementById("webcam-error");
  const form = document.getElementById("photo-form");
  const input = document.getElementById("photo-file");

  start.addEventListener("click", async () => {
    try {
      video.srcObject = await navigator.mediaDevices.getUserMedia({
        video: { width: { ideal: 1280 }, height: { ideal: 720 } }, audio: false,
      });
      video.hidden = false;
      shoot.hidden = false;
      start.hidden = true;
    } catch (err) {
      error.hidden = false;
    }
  });

  shoot.addEventListener("click", () => {
    const canvas = document.createElement("canvas");
    canvas.width = video.videoWidth;
    canvas.height = video.videoHeight;
    canvas.getContext("2d").drawImage(video, 0, 0);
    canvas.toBlob((blob) => {
      const files = new DataTransfer();
      files.items.add(new File([blob], "webcam.jpg", { type: "image/jpeg" }));
      input.files = files.files;
      for (const track of video.srcObject.getTracks()) track.stop();
      form.submit();
    }, "image/jpeg", 0.92);
  });
})();
