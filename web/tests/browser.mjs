// Browser tests of the dashboard in headless Debian Chromium, driven by playwright-core
// (which never downloads a browser here: it is pointed at /usr/bin/chromium).
//
//   node web/tests/browser.mjs http://127.0.0.1:PORT [ARTIFACT_DIR]
//
// The server must hold the seeded store (seed article + dev + merge sets). Screenshots go
// to ARTIFACT_DIR (default test-artifacts/browser). Every request the page makes must stay
// on the server: anything else is blocked and fails the run (the dashboard works offline).
// Prints one line per check and "N passed, N failed"; exits 1 on any failure.
import { chromium } from 'playwright-core';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const base = (process.argv[2] || 'http://127.0.0.1:8080').replace(/\/$/, '');
const out = process.argv[3] || 'test-artifacts/browser';
mkdirSync(out, { recursive: true });
const CHROMIUM = process.env.RASAD_CHROMIUM || '/usr/bin/chromium';

let passed = 0, failed = 0;
async function check(name, fn) {
  const t = Date.now();
  try {
    await fn();
    passed++;
    console.log(`ok   ${name} (${Date.now() - t} ms)`);
  } catch (e) {
    failed++;
    console.log(`FAIL ${name}: ${e && e.stack ? e.stack.split('\n').slice(0, 3).join(' | ') : e}`);
  }
}
function assert(cond, msg) { if (!cond) throw new Error(msg); }

/** Arabic comparison in the spirit of rasad_text::fold: drop diacritics/tatweel, unify letters. */
function fold(s) {
  return (s || '').normalize('NFKC').replace(/[\u064B-\u065F\u0670\u0640]/g, '')
    .replace(/[أإآٱ]/g, 'ا').replace(/ى/g, 'ي').replace(/ة/g, 'ه').replace(/ؤ/g, 'و').replace(/ئ/g, 'ي');
}

async function api(path) {
  const r = await fetch(base + path);
  if (!r.ok) throw new Error(`${path}: HTTP ${r.status}`);
  return r.json();
}

// The seed's events, from the API itself: the map must show them.
const all = (await api('/api/events?per_page=5000')).events;
const at = (needle) => all.filter((e) => e.location && fold(e.location.name_ar).includes(fold(needle)) && e.location.lat != null);
const omar = at('حقل العمر');
const conoco = at('كونيكو');

const userDataDir = mkdtempSync(join(tmpdir(), 'rasad-chromium-'));
const context = await chromium.launchPersistentContext(userDataDir, {
  executablePath: CHROMIUM,
  headless: true,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  viewport: { width: 1280, height: 800 },
});
const external = [];
const pageErrors = [];
await context.route('**/*', (route) => {
  const u = route.request().url();
  if (u.startsWith(base + '/') || u === base || u.startsWith('data:')) return route.continue();
  external.push(u);
  return route.abort();
});

async function open(page) {
  page.on('pageerror', (e) => pageErrors.push(String(e)));
  page.on('console', (m) => { if (m.type() === 'error') pageErrors.push(m.text()); });
  await page.goto(base + '/', { waitUntil: 'load' });
  await page.waitForFunction(() => document.body.dataset.ready && !document.body.classList.contains('loading'), null, { timeout: 15000 });
  // Country outlines load on their own (drawn on a canvas).
  await page.waitForSelector('.leaflet-overlay-pane canvas', { state: 'attached', timeout: 15000 });
  await page.waitForFunction(() => window.rasad.outlines > 100, null, { timeout: 15000 });
}
async function settled(page, before) {
  await page.waitForFunction((b) => Number(document.body.dataset.ready) > b && !document.body.classList.contains('loading'), before, { timeout: 15000 });
}
const ready = (page) => page.evaluate(() => Number(document.body.dataset.ready));
const markerIds = (page) => page.$$eval('.ev-marker span[data-id]', (els) => els.map((e) => e.dataset.id));

const page = await context.newPage();
try {
  await open(page);

  await check('desktop page loads with outlines, markers, table and timeline', async () => {
    const n = Number(await page.getAttribute('#map', 'data-markers'));
    assert(n > 0, 'no markers on the map');
    assert(await page.evaluate(() => window.rasad.outlines) > 100, 'country outlines missing');
    assert((await page.$$('#events-table tbody tr[data-id]')).length > 0, 'empty table');
    assert((await page.$$('#timeline rect.bar')).length > 0, 'empty timeline');
    assert((await page.$$('.leaflet-tile')).length === 0, 'tiles requested');
    await page.screenshot({ path: join(out, 'desktop-1280x800.png') });
  });

  await check('the seed events at al-Omar and Conoco are on the map', async () => {
    assert(omar.length > 0, 'API has no located event at al-Omar');
    assert(conoco.length > 0, 'API has no located event at Conoco');
    const pts = [...omar, ...conoco].map((e) => [e.location.lat, e.location.lon]);
    // (Braces: evaluate must not return the map object, which playwright would serialise.)
    await page.evaluate((p) => { window.rasad.map.fitBounds(p, { maxZoom: 11, padding: [60, 60], animate: false }); }, pts);
    await page.evaluate(() => { window.rasad.map.setZoom(Math.max(10, window.rasad.map.getZoom()), { animate: false }); });
    await page.waitForTimeout(600);
    const ids = await markerIds(page);
    for (const e of [...omar, ...conoco]) assert(ids.includes(e.id), `marker for ${e.id} (${e.location.name_ar}) not on the map`);
    // Markers are coloured by type and sized by deaths.
    const styles = await page.$$eval('.ev-marker span[data-id]', (els) => els.map((e) => e.getAttribute('style')));
    assert(styles.every((s) => /background:#[0-9a-f]{6}/.test(s) && /width:\d+px/.test(s)), 'marker without colour/size');
    // Zoomed in, markers carry their place names (no tiles name the places).
    const labels = await page.$$eval('#map.labels .ev-marker .lbl', (ls) => ls.filter((l) => l.offsetParent).map((l) => l.textContent));
    assert(labels.some((l) => /omar/i.test(l) || l.includes('العمر')), 'no visible al-Omar label: ' + labels);
    await page.screenshot({ path: join(out, 'seed-markers.png') });
  });

  await check('a filter narrows the seed markers (status = background)', async () => {
    const current = [...omar, ...conoco].filter((e) => e.status === 'current');
    const background = [...omar, ...conoco].filter((e) => e.status === 'background');
    assert(current.length && background.length, 'seed needs current and background events');
    const before = Number(await page.getAttribute('#map', 'data-markers'));
    const r = await ready(page);
    await page.selectOption('#f-status', 'background');
    await settled(page, r);
    await page.waitForTimeout(300);
    const after = Number(await page.getAttribute('#map', 'data-markers'));
    assert(after < before, `markers ${before} -> ${after}`);
    const ids = await markerIds(page);
    for (const e of current) assert(!ids.includes(e.id), `current event ${e.id} still shown`);
    for (const e of background) assert(ids.includes(e.id), `background event ${e.id} hidden`);
    const rows = await page.$$eval('#events-table tbody tr[data-id]', (t) => t.length);
    assert(rows > 0, 'table empty after filter');
    assert(page.url().includes('status=background'), 'filter not kept in the address: ' + page.url());
    const csv = await page.getAttribute('#dl-csv', 'href');
    assert(csv.includes('status=background') && csv.includes('format=csv'), 'download link ignores the filter: ' + csv);
    await page.screenshot({ path: join(out, 'filtered-background.png') });
  });

  await check('clicking the Conoco marker shows the Arabic sentence with highlights', async () => {
    const e = conoco.find((x) => x.status === 'background') || conoco[0];
    const sel = `.ev-marker span[data-id="${e.id}"]`;
    try {
      await page.click(sel, { timeout: 3000 });
    } catch {
      await page.dispatchEvent(sel, 'click'); // overlapped by a same-place marker
    }
    await page.waitForSelector('#panel blockquote.sentence', { timeout: 10000 });
    const q = await page.$('#panel blockquote.sentence');
    assert((await q.getAttribute('dir')) === 'rtl', 'sentence not RTL');
    const text = await q.innerText();
    assert(fold(text).includes(fold('كونيكو')), `sentence lacks كونيكو: ${text}`);
    const kinds = await page.$$eval('#panel blockquote.sentence mark', (ms) => [...new Set(ms.map((m) => m.className))]);
    assert(kinds.includes('hl-trigger'), `no trigger highlight (${kinds})`);
    assert(kinds.includes('hl-location'), `no place highlight (${kinds})`);
    assert(kinds.length >= 3, `only ${kinds} highlighted`);
    const loc = await page.$eval('#panel blockquote.sentence mark.hl-location', (m) => m.textContent);
    assert(fold(loc).includes(fold('كونيكو')), `place highlight is ${loc}`);
    const dir = await page.$eval('#panel blockquote.sentence', (b) => getComputedStyle(b).direction);
    assert(dir === 'rtl', 'computed direction ' + dir);
    assert((await page.$$('#panel .source')).length >= 1, 'no sources listed');
    assert((await page.$$('#panel a.article-link')).length >= 1, 'no link to the source');
    assert(await page.$eval('#panel .notes', (n) => n.textContent.length > 10), 'no English notes');
    await page.screenshot({ path: join(out, 'event-panel.png') });
  });

  await check('the source link opens the full article with highlights', async () => {
    await page.click('#panel a.article-link');
    await page.waitForSelector('#panel .article-text', { timeout: 10000 });
    const marks = await page.$$('#panel .article-text mark');
    assert(marks.length >= 3, 'article without highlights');
    await page.screenshot({ path: join(out, 'article.png') });
  });

  await check('brushing the timeline sets the date filter', async () => {
    let r = await ready(page);
    await page.click('#f-reset');
    await settled(page, r);
    const total0 = Number((await page.textContent('#summary')).match(/\d+/)[0]);
    const box = await (await page.$('#timeline')).boundingBox();
    r = await ready(page);
    await page.mouse.move(box.x + box.width * 0.55, box.y + box.height / 2);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width * 0.8, box.y + box.height / 2, { steps: 5 });
    await page.mouse.up();
    await settled(page, r);
    const from = await page.inputValue('#f-from'), to = await page.inputValue('#f-to');
    assert(/^\d{4}-\d{2}-\d{2}$/.test(from) && /^\d{4}-\d{2}-\d{2}$/.test(to) && from <= to, `from=${from} to=${to}`);
    const total1 = Number((await page.textContent('#summary')).match(/\d+/)[0]);
    assert(total1 < total0, `brush did not narrow (${total0} -> ${total1})`);
    assert(await page.isVisible('#brush-clear'), 'no clear button');
    await page.screenshot({ path: join(out, 'brushed.png') });
    r = await ready(page);
    await page.click('#brush-clear');
    await settled(page, r);
  });

  await check('Arabic UI labels (toggle) and right-to-left layout', async () => {
    await page.click('#lang-toggle');
    assert((await page.getAttribute('html', 'dir')) === 'rtl', 'not rtl');
    const label = await page.textContent('[data-i18n="f_admin1"]');
    assert(label.trim() === 'المحافظة', 'label ' + label);
    await page.click('#events-table tbody tr[data-id]');
    await page.waitForSelector('#panel .facts');
    await page.screenshot({ path: join(out, 'arabic-ui.png') });
    await page.click('#lang-toggle');
    assert((await page.getAttribute('html', 'dir')) === 'ltr', 'not back to ltr');
  });

  await check('phone width: no horizontal scroll, event panel as a sheet', async () => {
    const phone = await context.newPage();
    await phone.setViewportSize({ width: 390, height: 844 });
    await open(phone);
    const overflow = await phone.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert(overflow <= 1, `page scrolls sideways by ${overflow}px`);
    const mapBox = await (await phone.$('#map')).boundingBox();
    assert(mapBox.width >= 300 && mapBox.height >= 250, 'map too small on a phone');
    await phone.screenshot({ path: join(out, 'phone-390.png') });
    await phone.click('#events-table tbody tr[data-id]');
    await phone.waitForSelector('#panel.open .facts');
    const panel = await (await phone.$('#panel')).boundingBox();
    assert(panel.width >= 380 && panel.y > 200, 'panel not a bottom sheet');
    await phone.screenshot({ path: join(out, 'phone-panel.png') });
    await phone.close();
  });

  await check('a bookmarked address restores its filters', async () => {
    const again = await context.newPage();
    again.on('pageerror', (e) => pageErrors.push(String(e)));
    await again.goto(base + '/?status=background&admin1=' + encodeURIComponent('Deir ez-Zor'));
    await again.waitForFunction(() => document.body.dataset.ready && !document.body.classList.contains('loading'));
    await again.waitForFunction(() => document.querySelector('#f-admin1').value === 'Deir ez-Zor', null, { timeout: 10000 });
    assert((await again.inputValue('#f-status')) === 'background', 'status not restored');
    const shown = await again.$$eval('#events-table tbody tr[data-id] td:nth-child(7)', (tds) => tds.map((t) => t.textContent));
    assert(shown.length > 0 && shown.every((x) => x === 'Deir ez-Zor'), 'table not filtered: ' + shown);
    await again.close();
  });

  await check('nothing was fetched from outside the server and no script errors', async () => {
    assert(external.length === 0, 'external requests: ' + external.join(', '));
    assert(pageErrors.length === 0, 'page errors: ' + pageErrors.join(' | '));
  });
} finally {
  await context.close();
  rmSync(userDataDir, { recursive: true, force: true });
}

console.log(`browser: ${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
