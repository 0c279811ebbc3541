// A photo with several faces: clicking a face in the photo chooses it, as its button below does.
(function () {
  "use strict";
  const photo = document.querySelector(".face-overview");
  if (!photo) return;
  const boxes = JSON.parse(photo.dataset.boxes || "[]");
  photo.addEventListener("click", (event) => {
    const shown = photo.getBoundingClientRect();
    const x = (event.clientX - shown.left) * (photo.naturalWidth / shown.width);
    const y = (event.clientY - shown.top) * (photo.naturalHeight / shown.height);
    // The face under the click; between faces, the nearest centre.
    let best = -1;
    let bestDistance = Infinity;
    boxes.forEach(([bx, by, bw, bh], index) => {
      const inside = x >= bx && x <= bx + bw && y >= by && y <= by + bh;
      const distance = Math.hypot(x - (bx + bw / 2), y - (by + bh / 2)) - (inside ? 1e6 : 0);
      if (distance < bestDistance) { bestDistance = distance; best = index; }
    });
    const button = document.querySelectorAll(".face-buttons .face-button")[best];
    if (button) button.click();
  });
})();
