// The API's docs page (/api/v1/docs): Swagger UI on the schema named in the page's JSON island.
// No inline script, so the site's Content-Security-Policy holds here too.
(function () {
  const config = JSON.parse(document.getElementById("swagger-settings").textContent);
  config.dom_id = "#swagger-ui";
  config.presets = [SwaggerUIBundle.presets.apis];
  window.ui = SwaggerUIBundle(config);
})();
