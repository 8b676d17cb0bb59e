// Rasad dashboard: map, timeline, filters, table and event panel over the `rasad serve` API.
// Plain browser script (no bundler, no framework): the libraries are vendored globals
// (L, topojson) so the page works with no internet connection.
(function () {
  'use strict';

  const TYPE_COLOURS = {
    'Battles': '#c0392b',
    'Explosions/Remote violence': '#e67e22',
    'Violence against civilians': '#8e44ad',
    'Protests': '#2980b9',
    'Riots': '#16a085',
    'Strategic developments': '#7f8c8d',
  };
  const OTHER_COLOUR = '#34495e';
  const MAP_PAGE = 5000; // the API's largest page: the map shows at most this many events.
  const TABLE_PAGE = 25;
  // Highlight classes in priority order: where spans overlap, the first one listed wins.
  const HL_KINDS = ['trigger', 'actor1', 'actor2', 'location', 'date', 'fatalities'];

  const I18N = window.RASAD_I18N;
  const state = {
    lang: localStorage.getItem('rasad.lang') === 'ar' ? 'ar' : 'en',
    filters: {},
    page: 1,
    total: 0,
    selected: null,
    byDay: [],
  };

  // ---------- helpers ----------
  const $ = (sel) => document.querySelector(sel);
  function t(key, vars) {
    let s = (I18N[state.lang] && I18N[state.lang][key]) || I18N.en[key] || key;
    for (const [k, v] of Object.entries(vars || {})) s = s.replace('{' + k + '}', v);
    return s;
  }
  function esc(s) {
    return String(s == null ? '' : s).replace(/[&<>"']/g, (c) => ({
      '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;',
    }[c]));
  }
  function colourOf(type) { return TYPE_COLOURS[type] || OTHER_COLOUR; }
  /** Marker diameter in pixels: grows with the square root of deaths, capped. */
  function sizeOf(fatalities) {
    const f = Math.max(0, Number(fatalities) || 0);
    return Math.round(Math.min(40, 12 + 4 * Math.sqrt(f)));
  }
  function query(extra) {
    const p = new URLSearchParams();
    for (const [k, v] of Object.entries(Object.assign({}, state.filters, extra || {}))) {
      if (v !== '' && v != null) p.set(k, v);
    }
    return p.toString();
  }
  async function api(path) {
    const r = await fetch(path, { headers: { Accept: 'application/json' } });
    const body = await r.json().catch(() => ({}));
    if (!r.ok) throw new Error((body && body.error) || r.statusText);
    return body;
  }
  function actorName(a) {
    if (!a) return '';
    if (state.lang === 'ar') return a.name_ar || a.name || '';
    return a.name || a.name_ar || '';
  }
  function placeName(e) {
    const l = e.location;
    if (!l) return '';
    if (state.lang === 'ar') return l.name_ar || l.name || '';
    return l.name || l.name_ar || '';
  }

  // ---------- i18n ----------
  function applyLang() {
    const html = document.documentElement;
    html.lang = state.lang;
    html.dir = state.lang === 'ar' ? 'rtl' : 'ltr';
    document.querySelectorAll('[data-i18n]').forEach((el) => { el.textContent = t(el.dataset.i18n); });
    document.querySelectorAll('[data-i18n-placeholder]').forEach((el) => {
      el.placeholder = t(el.dataset.i18nPlaceholder);
    });
    $('#lang-toggle').textContent = state.lang === 'ar' ? 'English' : 'العربية';
    document.querySelectorAll('#f-type option[value]').forEach((o) => {
      if (o.value) o.textContent = t(o.value);
    });
    renderLegend();
  }

  // ---------- map ----------
  const map = L.map('map', { zoomControl: true, worldCopyJump: false, preferCanvas: false, minZoom: 2, maxZoom: 14 });
  map.setView([35, 40], 6);
  map.attributionControl.addAttribution('Natural Earth via world-atlas');
  // event places come from Rasad's gazetteer: Who's On First (CC0) and GeoNames (CC BY 4.0)
  map.attributionControl.addAttribution('Places: <a href="https://whosonfirst.org">Who\'s On First</a> (CC0), <a href="https://www.geonames.org">GeoNames</a> (CC BY 4.0)');
  // With no tiles, a scale bar is the only sense of distance when zoomed in.
  L.control.scale({ metric: true, imperial: false }).addTo(map);
  const clusters = L.markerClusterGroup({
    maxClusterRadius: 40,
    // Past this zoom every event is its own marker; same-place events then overlap
    // and stay clickable one by one through the table.
    disableClusteringAtZoom: 10,
    showCoverageOnHover: false,
    iconCreateFunction(cluster) {
      const n = cluster.getChildCount();
      const d = Math.round(Math.min(48, 22 + 6 * Math.log2(n)));
      // The ring shows the commonest event type inside the cluster.
      const count = {};
      for (const m of cluster.getAllChildMarkers()) count[m.options.evType] = (count[m.options.evType] || 0) + 1;
      const top = Object.entries(count).sort((a, b) => b[1] - a[1])[0];
      return L.divIcon({
        className: 'ev-cluster',
        html: '<span style="width:' + d + 'px;height:' + d + 'px;line-height:' + (d - 6) + 'px;border-color:' +
          colourOf(top && top[0]) + '">' + n + '</span>',
        iconSize: [d, d],
      });
    },
  });
  map.addLayer(clusters);
  const LABEL_ZOOM = 9;
  const toggleLabels = () => $('#map').classList.toggle('labels', map.getZoom() >= LABEL_ZOOM);
  map.on('zoomend', toggleLabels);

  async function loadOutlines() {
    try {
      const r = await fetch('vendor/countries-50m.json');
      const topo = await r.json();
      const countries = topojson.feature(topo, topo.objects.countries);
      // Canvas, not SVG: zoom animations scale a bitmap instead of re-rasterising 240
      // detailed outlines at up to 2^zoom times their size (seconds per zoom in software).
      L.geoJSON(countries, {
        style: { color: '#8a8170', weight: 1, fillColor: '#f4f0e6', fillOpacity: 1 },
        interactive: false,
        renderer: L.canvas({ padding: 0.3 }),
      }).addTo(map).bringToBack();
      window.rasad.outlines = countries.features.length;
    } catch (e) {
      console.warn('country outlines unavailable', e);
    }
  }

  let fittedOnce = false;
  async function loadMap() {
    const fc = await api('/api/events?' + query({ format: 'geojson', per_page: MAP_PAGE, page: 1 }));
    clusters.clearLayers();
    const markers = [];
    for (const f of fc.features || []) {
      if (!f.geometry || !Array.isArray(f.geometry.coordinates)) continue;
      const [lon, lat] = f.geometry.coordinates;
      const p = f.properties || {};
      const d = sizeOf(p.fatalities);
      const title = [p.location && (p.location.name_ar || p.location.name), p.date, p.sub_event_type]
        .filter(Boolean).join(' · ');
      const m = L.marker([lat, lon], {
        title,
        evType: p.event_type,
        icon: L.divIcon({
          className: 'ev-marker',
          html: '<span data-id="' + esc(p.id) + '" data-type="' + esc(p.event_type) + '" style="background:' +
            colourOf(p.event_type) + ';width:' + d + 'px;height:' + d + 'px"></span>' +
            // Place label, shown only when zoomed in (there are no tiles to name places).
            '<b class="lbl" style="left:' + (d + 3) + 'px" dir="auto">' +
            esc(p.location ? (state.lang === 'ar' ? p.location.name_ar || p.location.name : p.location.name || p.location.name_ar) : '') + '</b>',
          iconSize: [d, d],
        }),
        keyboard: true,
      });
      m.on('click', () => selectEvent(p.id));
      markers.push(m);
    }
    clusters.addLayers(markers);
    toggleLabels();
    $('#map').dataset.markers = String(markers.length);
    if (!fittedOnce && markers.length) {
      fittedOnce = true;
      map.fitBounds(L.latLngBounds(markers.map((m) => m.getLatLng())).pad(0.2), { maxZoom: 9, animate: false });
    }
    return markers.length;
  }

  function renderLegend() {
    const rows = Object.entries(TYPE_COLOURS).map(([k, c]) =>
      '<div><i style="background:' + c + '"></i>' + esc(t(k)) + '</div>').join('');
    $('#legend .rows').innerHTML = rows;
  }

  // ---------- timeline with brushing ----------
  function dayNum(s) { return Math.floor(Date.parse(s + 'T00:00:00Z') / 86400000); }
  function dayStr(n) { return new Date(n * 86400000).toISOString().slice(0, 10); }

  // ---------- overview (the panel when no event is open) ----------
  let lastStats = null;
  function renderOverview() {
    const box = $('#overview');
    if (!box || !lastStats) return;
    const s = lastStats;
    const bars = (title, list, label, filterKey) => {
      if (!list || !list.length) return '';
      const max = Math.max(...list.map((b) => b.count));
      return '<h3>' + esc(t(title)) + '</h3><ul class="bars">' + list.slice(0, 8).map((b) =>
        '<li><button type="button" class="bar-row" data-k="' + esc(filterKey) + '" data-v="' + esc(b.key) + '">' +
        '<span class="lbl" dir="auto">' + esc(label(b.key)) + '</span><span class="n">' + b.count + '</span>' +
        '<span class="fill" style="width:' + (100 * b.count / max).toFixed(1) + '%;background:' +
        (filterKey === 'event_type' ? colourOf(b.key) : 'var(--accent)') + '"></span></button></li>').join('') + '</ul>';
    };
    box.innerHTML = '<p class="hint">' + esc(t('panel_hint')) + '</p>' +
      '<div class="kpis"><div><b>' + s.total + '</b><span>' + esc(t('c_events')) + '</span></div>' +
      '<div><b>' + s.fatalities + '</b><span>' + esc(t('c_fat')) + '</span></div></div>' +
      bars('by_type', s.by_type, (k) => t(k), 'event_type') +
      bars('by_admin1', s.by_admin1, (k) => k, 'admin1') +
      bars('by_actor', s.by_actor, (k) => k, 'actor');
  }

  async function loadTimeline() {
    // The histogram ignores the date filter itself, so the brush can widen a selection.
    const [s, inRange] = await Promise.all([
      api('/api/stats?' + query({ from: '', to: '' })),
      state.filters.from || state.filters.to ? api('/api/stats?' + query()) : null,
    ]);
    state.byDay = (s.by_day || []).filter((b) => /^\d{4}-\d{2}-\d{2}$/.test(b.key));
    lastStats = inRange || s;
    renderTimeline();
    renderOverview();
  }

  function renderTimeline() {
    const svg = $('#timeline');
    const W = svg.clientWidth || 600, H = svg.clientHeight || 90, pad = 18;
    svg.setAttribute('viewBox', '0 0 ' + W + ' ' + H);
    const days = state.byDay;
    if (!days.length) { svg.innerHTML = ''; svg.__scale = null; return; }
    let lo = dayNum(days[0].key), hi = dayNum(days[days.length - 1].key);
    for (const b of days) { const n = dayNum(b.key); lo = Math.min(lo, n); hi = Math.max(hi, n); }
    lo -= 1; hi += 1;
    // Bin width: a day for short ranges, a week or a month for long ones, so bars stay visible.
    const span = hi - lo + 1;
    const bin = span <= 200 ? 1 : span <= 1400 ? 7 : 30;
    const nb = Math.ceil(span / bin);
    const counts = new Array(nb).fill(0);
    for (const b of days) counts[Math.floor((dayNum(b.key) - lo) / bin)] += b.count;
    const max = Math.max(1, ...counts);
    const x = (d) => ((d - lo) / span) * W;
    const bw = Math.max(1, W / nb - 1);
    let out = '';
    counts.forEach((c, i) => {
      if (!c) return;
      const h = ((H - pad) * c) / max;
      const d0 = lo + i * bin;
      out += '<rect class="bar" x="' + x(d0).toFixed(1) + '" y="' + (H - pad - h).toFixed(1) + '" width="' +
        bw.toFixed(1) + '" height="' + h.toFixed(1) + '"><title>' + dayStr(d0) + (bin > 1 ? ' +' + (bin - 1) : '') +
        ': ' + c + '</title></rect>';
    });
    out += '<line x1="0" x2="' + W + '" y1="' + (H - pad) + '" y2="' + (H - pad) + '" class="axis"/>';
    const ticks = Math.min(6, Math.max(2, Math.floor(W / 140)));
    for (let i = 0; i <= ticks; i++) {
      const d = Math.round(lo + (span * i) / ticks);
      const anchor = i === 0 ? 'start' : i === ticks ? 'end' : 'middle';
      out += '<text x="' + x(d).toFixed(1) + '" y="' + (H - 4) + '" text-anchor="' + anchor + '">' + dayStr(d) + '</text>';
    }
    const f = state.filters;
    if (f.from || f.to) {
      const a = f.from ? x(dayNum(f.from)) : 0, b = f.to ? x(dayNum(f.to) + 1) : W;
      out += '<rect class="brush" x="' + Math.max(0, a) + '" y="0" width="' + Math.max(2, b - a) + '" height="' + (H - pad) + '"/>';
    }
    out += '<rect class="brush live" x="0" y="0" width="0" height="' + (H - pad) + '" visibility="hidden"/>';
    svg.innerHTML = out;
    svg.__scale = { lo, span, W };
    $('#brush-clear').hidden = !(f.from || f.to);
  }

  function setupBrush() {
    const svg = $('#timeline');
    let start = null;
    const px = (ev) => {
      const r = svg.getBoundingClientRect();
      return Math.max(0, Math.min(r.width, ev.clientX - r.left)) * ((svg.__scale ? svg.__scale.W : r.width) / r.width);
    };
    svg.addEventListener('pointerdown', (ev) => {
      if (!svg.__scale) return;
      start = px(ev);
      svg.setPointerCapture(ev.pointerId);
    });
    svg.addEventListener('pointermove', (ev) => {
      if (start == null) return;
      const live = svg.querySelector('.brush.live');
      const a = Math.min(start, px(ev)), b = Math.max(start, px(ev));
      live.setAttribute('x', a); live.setAttribute('width', b - a); live.setAttribute('visibility', 'visible');
    });
    svg.addEventListener('pointerup', (ev) => {
      if (start == null) return;
      const end = px(ev);
      const { lo, span, W } = svg.__scale;
      const a = Math.min(start, end), b = Math.max(start, end);
      start = null;
      if (b - a < 3) return; // a click, not a drag
      const d0 = lo + Math.floor((a / W) * span), d1 = lo + Math.floor((b / W) * span);
      setFilter({ from: dayStr(d0), to: dayStr(d1) });
    });
    $('#brush-clear').addEventListener('click', () => setFilter({ from: '', to: '' }));
  }

  // ---------- table ----------
  async function loadTable() {
    const body = await api('/api/events?' + query({ format: 'json', per_page: TABLE_PAGE, page: state.page }));
    state.total = body.total || 0;
    const tb = $('#events-table tbody');
    if (!body.events || !body.events.length) {
      tb.innerHTML = '<tr><td colspan="9" class="empty">' + esc(t('no_events')) + '</td></tr>';
    } else {
      tb.innerHTML = body.events.map((e) =>
        '<tr data-id="' + esc(e.id) + '" tabindex="0"' + (e.id === state.selected ? ' class="selected"' : '') + '>' +
        '<td class="nowrap">' + esc(e.date || '') + '</td>' +
        '<td><i class="dot" style="background:' + colourOf(e.event_type) + '"></i>' + esc(t(e.event_type)) + '</td>' +
        '<td>' + esc(t(e.sub_event_type)) + '</td>' +
        '<td>' + esc(actorName(e.actor1)) + '</td><td>' + esc(actorName(e.actor2)) + '</td>' +
        '<td dir="auto">' + esc(placeName(e)) + '</td><td>' + esc(e.admin1 || '') + '</td>' +
        '<td class="num">' + (e.fatalities == null ? '' : e.fatalities) + '</td>' +
        '<td class="num">' + (e.source_count || (e.sources ? e.sources.length : '')) + '</td></tr>').join('');
    }
    const pages = Math.max(1, Math.ceil(state.total / TABLE_PAGE));
    $('#page-info').textContent = t('page', { p: state.page, n: pages });
    $('#prev').disabled = state.page <= 1;
    $('#next').disabled = state.page >= pages;
  }

  // ---------- event panel ----------
  /** HTML of `text` (which starts at character `base` of the article) with `spans` marked. */
  function highlight(text, base, spans) {
    const chars = Array.from(text); // offsets are Unicode scalar values, as Array.from counts
    const kindAt = new Array(chars.length).fill(null);
    for (const kind of HL_KINDS.slice().reverse()) {
      for (const s of spans.filter((x) => x.kind === kind)) {
        for (let i = Math.max(0, s.start - base); i < Math.min(chars.length, s.end - base); i++) kindAt[i] = kind;
      }
    }
    let out = '', i = 0;
    while (i < chars.length) {
      let j = i;
      while (j < chars.length && kindAt[j] === kindAt[i]) j++;
      const seg = esc(chars.slice(i, j).join(''));
      out += kindAt[i] ? '<mark class="hl-' + kindAt[i] + '" title="' + esc(t(kindAt[i] === 'location' ? 'place' : kindAt[i])) + '">' + seg + '</mark>' : seg;
      i = j;
    }
    return out;
  }
  function spanList(spans) {
    const out = [];
    for (const kind of HL_KINDS) {
      const s = spans && spans[kind];
      if (Array.isArray(s) && s.length === 2) out.push({ kind, start: s[0], end: s[1] });
    }
    return out;
  }
  function legendKeys() {
    return '<div class="hl-legend">' + HL_KINDS.map((k) =>
      '<mark class="hl-' + k + '">' + esc(t(k === 'location' ? 'place' : k)) + '</mark>').join(' ') + '</div>';
  }

  async function selectEvent(id) {
    state.selected = id;
    document.querySelectorAll('#events-table tr.selected').forEach((r) => r.classList.remove('selected'));
    const row = document.querySelector('#events-table tr[data-id="' + CSS.escape(id) + '"]');
    if (row) row.classList.add('selected');
    const panel = $('#panel');
    panel.innerHTML = '<p class="hint">' + esc(t('loading')) + '</p>';
    panel.classList.add('open');
    let d;
    try {
      d = await api('/api/events/' + encodeURIComponent(id));
    } catch (e) {
      panel.innerHTML = '<p class="error">' + esc(t('error', { e: e.message })) + '</p>';
      return;
    }
    const e = d.event;
    const loc = e.location || {};
    let h = '<button type="button" class="close" aria-label="' + esc(t('close')) + '">×</button>';
    h += '<h2><i class="dot" style="background:' + colourOf(e.event_type) + '"></i>' + esc(t(e.event_type)) +
      ' — ' + esc(t(e.sub_event_type)) + '</h2>';
    h += '<dl class="facts">';
    const fact = (k, v) => { if (v !== '' && v != null) h += '<dt>' + esc(t(k)) + '</dt><dd>' + v + '</dd>'; };
    fact('date', esc(e.date || '') + (e.time_precision ? ' <small>(' + esc(t('precision')) + ' ' + e.time_precision + ')</small>' : ''));
    fact('place', '<span dir="rtl" lang="ar">' + esc(loc.name_ar || '') + '</span>' + (loc.name ? ' · ' + esc(loc.name) : '') +
      (e.admin1 ? ' · ' + esc(e.admin1) : '') + (e.country ? ' · ' + esc(e.country) : ''));
    fact('actor1', e.actor1 ? esc(e.actor1.name) + (e.actor1.name_ar ? ' · <span dir="rtl" lang="ar">' + esc(e.actor1.name_ar) + '</span>' : '') : '');
    fact('actor2', e.actor2 ? esc(e.actor2.name) + (e.actor2.name_ar ? ' · <span dir="rtl" lang="ar">' + esc(e.actor2.name_ar) + '</span>' : '') : '');
    fact('fatalities', e.fatalities == null ? '' : String(e.fatalities));
    fact('injuries', e.injuries == null ? '' : String(e.injuries));
    fact('status', esc(t(e.status || 'current')));
    fact('confidence', e.confidence == null ? '' : Number(e.confidence).toFixed(2));
    h += '</dl>';
    if (e.notes) h += '<h3>' + esc(t('notes')) + '</h3><p class="notes" dir="ltr" lang="en">' + esc(e.notes) + '</p>';
    h += '<h3>' + esc(t('sources')) + ' (' + (d.sources || []).length + ')</h3>' + legendKeys();
    for (const s of d.sources || []) {
      h += '<div class="source" data-article="' + esc(s.article_id) + '">';
      h += '<div class="src-head"><strong dir="auto">' + esc(s.outlet || s.article_id) + '</strong>' +
        (s.published ? ' · ' + esc(s.published) : '') + ' · <a href="#article=' + encodeURIComponent(s.article_id) +
        '" class="article-link">' + esc(t('open_article')) + '</a>' +
        (s.url ? ' · <a href="' + esc(s.url) + '" target="_blank" rel="noopener noreferrer">' + esc(t('original')) + '</a>' : '') + '</div>';
      if (s.sentence && s.sentence.text) {
        h += '<blockquote class="sentence" dir="rtl" lang="ar">' +
          highlight(s.sentence.text, s.sentence.start, spanList(s.mention && s.mention.spans)) + '</blockquote>';
      } else {
        h += '<p class="hint">' + esc(t('no_sentence')) + '</p>';
      }
      h += '</div>';
    }
    panel.innerHTML = h;
  }

  async function showArticle(id) {
    const panel = $('#panel');
    panel.classList.add('open');
    panel.innerHTML = '<p class="hint">' + esc(t('loading')) + '</p>';
    let d;
    try {
      d = await api('/api/articles/' + encodeURIComponent(id));
    } catch (e) {
      panel.innerHTML = '<p class="error">' + esc(t('error', { e: e.message })) + '</p>';
      return;
    }
    const a = d.article;
    const spans = [];
    for (const ev of d.events || []) spans.push(...spanList(ev.mention && ev.mention.spans));
    let h = '<button type="button" class="close" aria-label="' + esc(t('close')) + '">×</button>';
    h += '<h2 dir="auto">' + esc(a.title || a.outlet || a.id) + '</h2><p class="hint">' + esc(a.outlet || '') +
      (a.published ? ' · ' + esc(a.published) : '') +
      (a.url ? ' · <a href="' + esc(a.url) + '" target="_blank" rel="noopener noreferrer">' + esc(t('original')) + '</a>' : '') + '</p>';
    h += legendKeys();
    h += '<div class="article-text" dir="rtl" lang="ar">' + highlight(a.text, 0, spans) + '</div>';
    h += '<h3>' + esc(t('sources')) + '</h3><ul class="article-events">' + (d.events || []).map((ev) =>
      '<li><a href="#event=' + encodeURIComponent(ev.event_id) + '">' + esc(ev.mention.date || '') + ' · ' +
      esc(t(ev.mention.sub_event_type)) + ' · <span dir="rtl">' + esc((ev.mention.location || {}).name_ar || '') + '</span></a></li>').join('') + '</ul>';
    panel.innerHTML = h;
  }

  // ---------- wiring ----------
  let reloadSeq = 0;
  async function reload() {
    const seq = ++reloadSeq;
    document.body.classList.add('loading');
    try {
      const [onMap] = await Promise.all([loadMap(), loadTable(), loadTimeline()]);
      if (seq !== reloadSeq) return;
      state.onMap = onMap;
      renderSummary();
    } catch (e) {
      $('#summary').textContent = t('error', { e: e.message });
    } finally {
      if (seq === reloadSeq) document.body.classList.remove('loading');
      document.body.dataset.ready = String(seq);
    }
  }

  /** Keep the filters in the address, so a view can be bookmarked or sent to a colleague. */
  function syncUrl() {
    const q = query();
    history.replaceState(null, '', location.pathname + (q ? '?' + q : '') + location.hash);
    const dl = query({ per_page: MAP_PAGE });
    $('#dl-csv').href = '/api/events?' + dl + '&format=csv';
    $('#dl-geojson').href = '/api/events?' + dl + '&format=geojson';
  }
  const FILTER_KEYS = ['event_type', 'actor', 'admin1', 'from', 'to', 'status', 'q'];
  function filtersFromUrl() {
    const p = new URLSearchParams(location.search);
    for (const k of FILTER_KEYS) {
      const v = p.get(k);
      if (v) {
        state.filters[k] = v;
        const el = document.querySelector('#filters [name="' + k + '"]');
        if (el) el.value = v;
      }
    }
  }

  function renderSummary() {
    if (state.onMap == null) return;
    const parts = [t('summary', { n: state.total }), t('on_map', { m: state.onMap })];
    if (state.total > state.onMap && state.onMap < MAP_PAGE) parts.push(t('no_coords', { k: state.total - state.onMap }));
    $('#summary').textContent = parts.join(' · ');
  }

  function setFilter(changes) {
    Object.assign(state.filters, changes);
    for (const [k, v] of Object.entries(changes)) {
      const el = document.querySelector('#filters [name="' + k + '"]');
      if (el && el.value !== v) el.value = v;
    }
    state.page = 1;
    syncUrl();
    reload();
  }

  async function loadOptions() {
    const s = await api('/api/stats');
    const typeSel = $('#f-type');
    for (const b of s.by_type || []) {
      const o = document.createElement('option');
      o.value = b.key; o.textContent = t(b.key) + ' (' + b.count + ')';
      typeSel.appendChild(o);
    }
    const adm = $('#f-admin1');
    for (const b of s.by_admin1 || []) {
      const o = document.createElement('option');
      o.value = b.key; o.textContent = b.key + ' (' + b.count + ')';
      adm.appendChild(o);
    }
    $('#actor-list').innerHTML = (s.by_actor || []).slice(0, 200).map((b) => '<option value="' + esc(b.key) + '">').join('');
  }

  function setupFilters() {
    const form = $('#filters');
    let timer = null;
    const onChange = (ev) => {
      const el = ev.target;
      if (!el.name) return;
      clearTimeout(timer);
      const delay = el.tagName === 'INPUT' && (el.type === 'search' || el.type === 'text' || !el.type) ? 300 : 0;
      timer = setTimeout(() => setFilter({ [el.name]: el.value.trim() }), delay);
    };
    form.addEventListener('input', onChange);
    form.addEventListener('change', onChange);
    form.addEventListener('submit', (ev) => ev.preventDefault());
    form.addEventListener('reset', () => setTimeout(() => {
      state.filters = {};
      state.page = 1;
      syncUrl();
      reload();
    }, 0));
    $('#prev').addEventListener('click', () => { if (state.page > 1) { state.page--; loadTable(); } });
    $('#next').addEventListener('click', () => { state.page++; loadTable(); });
    $('#events-table tbody').addEventListener('click', (ev) => {
      const tr = ev.target.closest('tr[data-id]');
      if (tr) selectEvent(tr.dataset.id);
    });
    $('#events-table tbody').addEventListener('keydown', (ev) => {
      const tr = ev.target.closest('tr[data-id]');
      if (tr && ev.key === 'Enter') selectEvent(tr.dataset.id);
    });
    $('#panel').addEventListener('click', (ev) => {
      if (ev.target.closest('.close')) {
        state.selected = null;
        $('#panel').classList.remove('open');
        $('#panel').innerHTML = '<div id="overview"></div>';
        renderOverview();
        return;
      }
      const bar = ev.target.closest('.bar-row');
      if (bar) setFilter({ [bar.dataset.k]: bar.dataset.v });
    });
    window.addEventListener('hashchange', route);
    $('#lang-toggle').addEventListener('click', () => {
      state.lang = state.lang === 'ar' ? 'en' : 'ar';
      localStorage.setItem('rasad.lang', state.lang);
      applyLang();
      loadTable();
      loadMap();
      renderOverview();
      renderSummary();
      if (state.selected) selectEvent(state.selected);
    });
    window.addEventListener('resize', () => { renderTimeline(); map.invalidateSize(); });
  }

  function route() {
    const h = decodeURIComponent(location.hash.slice(1));
    if (h.startsWith('event=')) selectEvent(h.slice(6));
    else if (h.startsWith('article=')) showArticle(h.slice(8));
  }

  // Exposed for the browser tests and for analysts poking at the console.
  window.rasad = { map, state, reload, selectEvent, setFilter };

  if (window.innerWidth < 800) $('#legend').open = false; // the map is small on a phone
  applyLang();
  setupFilters();
  setupBrush();
  loadOutlines();
  filtersFromUrl();
  syncUrl();
  loadOptions().catch((e) => console.warn(e)).then(() => { applyLang(); filtersFromUrl(); });
  reload().then(route);
})();
