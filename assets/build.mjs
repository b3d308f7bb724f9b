// Build the NHS.UK frontend assets into static/nhsuk/ (git-ignored).
//
//   npm ci && npm run build
//
// Output:
//   static/nhsuk/css/main.css               assets/scss/main.scss, compressed, no source map
//   static/nhsuk/js/nhsuk-frontend.min.js   nhsuk-frontend ES module bundle (exports initAll, …)
//   static/nhsuk/js/nhsuk-init.js           imports ./nhsuk-frontend.min.js and calls initAll()
//   static/nhsuk/js/nhsuk-body-class.js     adds js-enabled / nhsuk-frontend-supported to <body>
//   static/nhsuk/assets/images/*            icons referenced by the CSS, favicons, logo icons
//   static/nhsuk/assets/manifest.json       web app manifest (relative icon paths)
//
// The two small init scripts exist because the site's CSP (default-src 'self')
// blocks nhsuk-frontend's recommended inline <script> snippets.

import { cp, mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";
import * as sass from "sass";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const require = createRequire(import.meta.url);
const nhsukPkg = require("nhsuk-frontend/package.json");
const nhsukDist = path.join(path.dirname(require.resolve("nhsuk-frontend/package.json")), "dist", "nhsuk");
const out = path.join(root, "static", "nhsuk");

const started = performance.now();

await rm(out, { recursive: true, force: true });
await mkdir(path.join(out, "css"), { recursive: true });
await mkdir(path.join(out, "js"), { recursive: true });

// 1. CSS
const entry = path.join(root, "assets", "scss", "main.scss");
const result = await sass.compileAsync(entry, {
  style: "compressed",
  sourceMap: false,
  importers: [new sass.NodePackageImporter(root)],
  quietDeps: true,
});
const css = result.css;

// Guard the CSP requirements: no remote hosts, no absolute /assets/ paths, no @font-face.
const urls = [...new Set([...css.matchAll(/url\(\s*(['"]?)([^'")]+)\1\s*\)/g)].map((m) => m[2]))];
const problems = [];
for (const url of urls) {
  if (/^data:/.test(url)) continue;
  if (/^([a-z][a-z0-9+.-]*:|\/\/|\/)/i.test(url)) problems.push(`non-relative url(): ${url}`);
}
if (/@font-face/i.test(css)) problems.push("@font-face present");
if (problems.length) {
  console.error(`CSS check failed:\n  ${problems.join("\n  ")}`);
  process.exit(1);
}
await writeFile(path.join(out, "css", "main.css"), `${css}\n`);

// 2. JavaScript (ES module bundle; must be loaded with type="module")
// The source map is not shipped: drop its comment, otherwise Django's
// ManifestStaticFilesStorage fails collectstatic on the missing .map file.
const bundle = await readFile(path.join(nhsukDist, "nhsuk-frontend.min.js"), "utf8");
await writeFile(
  path.join(out, "js", "nhsuk-frontend.min.js"),
  `${bundle.replace(/\n?\/\/# sourceMappingURL=\S+\s*$/, "").trimEnd()}\n`,
);
await writeFile(
  path.join(out, "js", "nhsuk-init.js"),
  'import { initAll } from "./nhsuk-frontend.min.js";\n\ninitAll();\n',
);
await writeFile(
  path.join(out, "js", "nhsuk-body-class.js"),
  "document.body.className += ' js-enabled' + ('noModule' in HTMLScriptElement.prototype ? ' nhsuk-frontend-supported' : '');\n",
);

// 3. Images: everything under dist/nhsuk/assets (icons, favicons, manifest).
await cp(path.join(nhsukDist, "assets"), path.join(out, "assets"), { recursive: true });

// Every url() in the CSS must now resolve to a file next to it.
const cssDir = path.join(out, "css");
for (const url of urls) {
  if (/^data:/.test(url)) continue;
  const file = path.resolve(cssDir, url.split(/[?#]/)[0]);
  try {
    await readFile(file);
  } catch {
    problems.push(`missing file for url(${url}): ${path.relative(root, file)}`);
  }
}
if (problems.length) {
  console.error(`Asset check failed:\n  ${problems.join("\n  ")}`);
  process.exit(1);
}

const ms = Math.round(performance.now() - started);
console.log(
  `nhsuk-frontend ${nhsukPkg.version}: static/nhsuk/css/main.css (${Math.round(css.length / 1024)} KiB, ` +
    `${urls.length} url() refs OK), js/, assets/ built in ${ms} ms`,
);
