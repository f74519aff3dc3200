// Redoc at /api/redoc/ (templates/api/redoc.html) without an inline script: the schema's address
// comes from the container, the CSP nonce from this script's own tag (the nonce attribute is
// hidden from the page, the property is not), so the <style> elements Redoc adds carry it.
(() => {
  "use strict";

  // Redoc's side menu always shows the Redocly logo from cdn.redoc.ly; this site loads nothing
  // from another host. An empty src makes the image fail at once, and Redoc then drops it.
  const REDOCLY_CDN = "https://cdn.redoc.ly/";
  const src = Object.getOwnPropertyDescriptor(HTMLImageElement.prototype, "src");
  Object.defineProperty(HTMLImageElement.prototype, "src", {
    ...src,
    set(value) {
      src.set.call(this, String(value).startsWith(REDOCLY_CDN) ? "" : value);
    },
  });

  const container = document.getElementById("redoc-container");
  Redoc.init(container.dataset.specUrl, { nonce: document.currentScript.nonce }, container);
})();
