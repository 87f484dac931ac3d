// Loaded as <script type="module" src="/static/dist/app.js">. Browsers that
// cannot run ES modules never run this, so they get the plain, no-JavaScript
// page, which works; the others mark the body as supported and start GOV.UK
// Frontend's components. No inline script is needed.
import { initAll } from "./govuk-frontend.min.js";

document.body.classList.add("js-enabled", "govuk-frontend-supported");
initAll();

// Print buttons (shortlists): hidden in the HTML, shown only here, where they
// can work; without JavaScript the print page's link and the browser's own
// print command remain.
for (const button of document.querySelectorAll("[data-app-print]")) {
  button.hidden = false;
  button.addEventListener("click", () => window.print());
}

// The service page's map, and Leaflet with it, load only on a page that has one.
if (document.querySelector("[data-app-map]")) {
  import("./map.js").then(({ startMaps }) => startMaps());
}

// "Use my location" beside a search box, where there is one.
if (document.querySelector("[data-app-use-location]")) {
  import("./location.js").then(({ startUseMyLocation }) => startUseMyLocation());
}
