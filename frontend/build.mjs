// Builds the front-end assets into static/dist/ (git-ignored):
//
//   app.css                 frontend/scss/app.scss, GOV.UK Frontend included, compressed
//   govuk-frontend.min.js   GOV.UK Frontend's ES module bundle
//   app.js                  frontend/js/app.js, which imports the bundle and starts it
//   map.js                  frontend/js/map.js, the service page's map, which app.js loads only there
//   location.js             frontend/js/location.js, "Use my location" by a search box, loaded only there
//   leaflet.js, leaflet.css Leaflet's ES module and stylesheet (its rules that load images dropped: the map draws
//                           its markers as vectors, and has no layers control)
//
// Run with `npm run build` (the Makefile runs it after `npm ci`). It fails if
// the CSS would load a font or image file, or name the GDS Transport font.

import { copyFile, mkdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { performance } from "node:perf_hooks";
import * as sass from "sass";

const started = performance.now();
const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const out = join(root, "static", "dist");
const nodeModules = join(root, "node_modules");
const govukDist = join(nodeModules, "govuk-frontend", "dist", "govuk");

await rm(out, { recursive: true, force: true });
await mkdir(out, { recursive: true });

// 1. Stylesheet
const css = sass.compile(join(root, "frontend", "scss", "app.scss"), {
  loadPaths: [nodeModules],
  style: "compressed",
  sourceMap: false,
  // Deprecation warnings from GOV.UK Frontend are theirs to fix, not ours.
  quietDeps: true,
  // A stray deprecation in our own Sass should stop the build, not scroll past.
  fatalDeprecations: ["import", "global-builtin", "slash-div"].filter(
    (id) => id in sass.deprecations,
  ),
}).css;

const forbidden = [
  [/GDS Transport/i, "the GDS Transport font"],
  [/@font-face/i, "an @font-face rule"],
  [/\.woff2?\b/i, "a font file"],
  [/url\(/i, "a url() (no image or font files are shipped)"],
];
for (const [pattern, what] of forbidden) {
  if (pattern.test(css)) {
    throw new Error(`static/dist/app.css contains ${what}; check frontend/scss/app.scss`);
  }
}
await writeFile(join(out, "app.css"), css + "\n");

// 2. GOV.UK Frontend's JavaScript (an ES module). Its source map is not shipped,
// so drop the comment that points to it: Django's ManifestStaticFilesStorage
// (and browsers' dev tools) would otherwise look for the missing file.
const bundle = await readFile(join(govukDist, "govuk-frontend.min.js"), "utf8");
await writeFile(
  join(out, "govuk-frontend.min.js"),
  bundle.replace(/\n?\/\/# sourceMappingURL=\S+\s*$/, "") + "\n",
);

// 3. Our entry module, and the map's
await copyFile(join(root, "frontend", "js", "app.js"), join(out, "app.js"));
await copyFile(join(root, "frontend", "js", "map.js"), join(out, "map.js"));
await copyFile(join(root, "frontend", "js", "location.js"), join(out, "location.js"));

// 4. Leaflet, for the map. Its rules with url() would load image files we do not ship (and make collectstatic's
// manifest look for them), so they go; its source map comment goes too, as GOV.UK Frontend's does.
const leafletDist = join(nodeModules, "leaflet", "dist");
const leaflet = await readFile(join(leafletDist, "leaflet-src.esm.js"), "utf8");
await writeFile(join(out, "leaflet.js"), leaflet.replace(/\n?\/\/# sourceMappingURL=\S+\s*$/, "") + "\n");
const leafletCss = await readFile(join(leafletDist, "leaflet.css"), "utf8");
await writeFile(join(out, "leaflet.css"), leafletCss.replace(/[^;{}]*url\([^)]*\)[^;{}]*;?/g, ""));

const elapsed = performance.now() - started;
const files = ["app.css", "govuk-frontend.min.js", "app.js", "map.js", "location.js", "leaflet.js", "leaflet.css"];
for (const name of files) {
  const { size } = await stat(join(out, name));
  console.log(`  ${relative(root, join(out, name)).padEnd(36)} ${(size / 1024).toFixed(1).padStart(6)} KiB`);
}
console.log(`Built front-end assets in ${(elapsed / 1000).toFixed(2)} s`);
