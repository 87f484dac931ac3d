// The service page's small map (templates/directory/_service_content.html): Leaflet, with tiles from the
// MAP_TILE_URL setting, drawn into each [data-app-map] whose section the server rendered (only when tiles are set).
// The section is `hidden` until here, so without JavaScript the page keeps its address and directions link alone.
// The map is described in words beside it; it takes keyboard focus once (arrow keys pan, + and - zoom) and Tab
// moves on, so it never traps the keyboard. Markers are drawn as vectors: no image files, no inline styles.
import * as L from "./leaflet.js";

function addStylesheet() {
  if (document.querySelector("link[data-leaflet-css]")) return;
  const link = document.createElement("link");
  link.rel = "stylesheet";
  link.href = new URL("./leaflet.css", import.meta.url).href;
  link.dataset.leafletCss = "";
  document.head.appendChild(link);
}

function drawMap(element) {
  const points = JSON.parse(element.dataset.points || "[]");
  if (!points.length || !element.dataset.tileUrl) return;
  element.closest("[data-app-map-section]").hidden = false;
  const map = L.map(element, { scrollWheelZoom: false, keyboard: true, attributionControl: true });
  map.attributionControl.setPrefix('<a href="https://leafletjs.com">Leaflet</a>');
  L.tileLayer(element.dataset.tileUrl, { attribution: element.dataset.attribution || "", maxZoom: 18 }).addTo(map);
  const style = { color: "#1d70b8", weight: 3, fillOpacity: 0.15, interactive: false };
  const radius = Number(element.dataset.radius || 0);
  if (radius) {
    const circle = L.circle(points[0], { ...style, radius }).addTo(map);
    map.fitBounds(circle.getBounds());
  } else {
    const markers = points.map((point) => L.circleMarker(point, { ...style, radius: 9, fillOpacity: 0.6 }).addTo(map));
    if (points.length === 1) map.setView(points[0], 15);
    else map.fitBounds(L.featureGroup(markers).getBounds(), { padding: [20, 20] });
  }
  // Leaflet's zoom buttons are links with href="#"; give them names a screen reader can say.
  element.querySelectorAll(".leaflet-control-zoom a").forEach((link) => link.setAttribute("role", "button"));
}

export function startMaps() {
  const maps = document.querySelectorAll("[data-app-map]");
  if (!maps.length) return;
  addStylesheet();
  maps.forEach(drawMap);
}
