// Starts Swagger UI on /docs (api/docs_pages.py). A file, not an inline script: the page's
// CSP allows scripts from this server only. The same options FastAPI's own /docs uses.
"use strict";
(function () {
  const root = document.getElementById("swagger-ui");
  window.ui = SwaggerUIBundle({
    url: root.dataset.openapiUrl,
    dom_id: "#swagger-ui",
    layout: "BaseLayout",
    deepLinking: true,
    showExtensions: true,
    showCommonExtensions: true,
    presets: [SwaggerUIBundle.presets.apis, SwaggerUIBundle.SwaggerUIStandalonePreset],
    // The online validator would send the document to another site.
    validatorUrl: null,
  });
})();
