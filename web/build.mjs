// Build the dashboard into web/dist: our own sources plus the vendored libraries, copied
// out of node_modules so that the page never fetches anything from the internet.
// No bundler: the sources are plain browser scripts, and the libraries ship ready-built
// files. `rasad-serve`'s build script embeds web/dist into the binary.
import { cpSync, mkdirSync, rmSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { feature } from 'topojson-client';

const here = dirname(fileURLToPath(import.meta.url));
const nm = join(here, 'node_modules');
const dist = join(here, 'dist');

rmSync(dist, { recursive: true, force: true });
mkdirSync(join(dist, 'vendor'), { recursive: true });

cpSync(join(here, 'src'), dist, { recursive: true });

const vendor = [
  ['leaflet/dist/leaflet.js', 'leaflet.js'],
  ['leaflet/dist/leaflet.css', 'leaflet.css'],
  ['leaflet.markercluster/dist/leaflet.markercluster.js', 'leaflet.markercluster.js'],
  ['leaflet.markercluster/dist/MarkerCluster.css', 'MarkerCluster.css'],
  ['topojson-client/dist/topojson-client.min.js', 'topojson-client.min.js'],
  ['world-atlas/countries-50m.json', 'countries-50m.json'],
];
for (const [from, to] of vendor) {
  const src = join(nm, from);
  if (!existsSync(src)) {
    console.error(`missing ${src}: run npm ci in web/ first`);
    process.exit(1);
  }
  cpSync(src, join(dist, 'vendor', to));
}
// Leaflet's CSS refers to marker images relative to itself; copy them beside it.
cpSync(join(nm, 'leaflet/dist/images'), join(dist, 'vendor', 'images'), { recursive: true });

// Sanity check: the atlas must decode into country features, or the map would be blank.
const topo = JSON.parse(readFileSync(join(dist, 'vendor', 'countries-50m.json'), 'utf8'));
const n = feature(topo, topo.objects.countries).features.length;
if (n < 100) {
  console.error(`countries-50m.json decoded to only ${n} countries`);
  process.exit(1);
}
writeFileSync(join(dist, 'BUILD'), `built ${new Date().toISOString()}; ${n} country outlines\n`);
console.log(`web/dist built (${n} country outlines)`);
