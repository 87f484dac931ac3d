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

// The search page's filters, after MOJ's filter pattern. Without JavaScript, a
// "Show filters" link jumps to them, after the results. With it, on a small
// screen, the link becomes a button that opens them in place, under it; from
// the desktop breakpoint they stay a column beside the results.
const DESKTOP = window.matchMedia("(min-width: 48.0625em)");

function startFilters() {
  const layout = document.querySelector("[data-app-filter-layout]");
  const link = layout?.querySelector("[data-app-filter-toggle]");
  const panel = layout?.querySelector("[data-app-filters]");
  if (!link || !panel) return;

  const count = link.dataset.count;
  const button = document.createElement("button");
  button.type = "button";
  button.className = "govuk-button govuk-button--secondary app-filter-toggle";
  button.setAttribute("aria-controls", panel.id);
  const holder = link.parentElement;
  holder.replaceWith(button);

  // Open from the start when an answer in the filters needs correcting.
  let open = panel.hasAttribute("data-open");

  function show() {
    if (DESKTOP.matches) {
      layout.append(panel);
      panel.hidden = false;
      button.hidden = true;
      return;
    }
    button.after(panel);
    panel.hidden = !open;
    button.hidden = false;
    button.setAttribute("aria-expanded", String(open));
    button.textContent = `${open ? "Hide" : "Show"} filters${count ? ` (${count})` : ""}`;
  }

  button.addEventListener("click", () => {
    open = !open;
    show();
  });
  DESKTOP.addEventListener("change", show);
  show();
}

startFilters();

// The service page's map, and Leaflet with it, load only on a page that has one.
if (document.querySelector("[data-app-map]")) {
  import("./map.js").then(({ startMaps }) => startMaps());
}

// "Use my location" beside a search box, where there is one.
if (document.querySelector("[data-app-use-location]")) {
  import("./location.js").then(({ startUseMyLocation }) => startUseMyLocation());
}
