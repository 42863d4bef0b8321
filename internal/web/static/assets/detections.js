// detections.js — the Host Detections tab: one block per host with its facts, a severity bar
// and a detection table sortable by QID, severity, port, status and last found.

import { h, clear, copyButton, facts, sevChip, timeEl, plural } from './dom.js';

/** severityCounts counts detections per severity 1..5 (index 0 collects anything else). */
export function severityCounts(detections) {
  const counts = [0, 0, 0, 0, 0, 0];
  for (const d of detections) {
    const s = Number(d.severity);
    counts[s >= 1 && s <= 5 ? s : 0]++;
  }
  return counts;
}

/** sevBar is a stacked bar of detections per severity, widest first from 5 down to 1. */
export function sevBar(counts) {
  const total = counts.reduce((a, b) => a + b, 0);
  const bar = h('div', {
    class: 'sevbar', role: 'img',
    'aria-label': [5, 4, 3, 2, 1].map((s) => `severity ${s}: ${counts[s]}`).join(', '),
  });
  if (!total) {
    bar.classList.add('sevbar-empty');
    return bar;
  }
  for (const s of [5, 4, 3, 2, 1]) {
    if (!counts[s]) continue;
    const seg = h('span', { class: `seg sev-${s}`, title: `Severity ${s}: ${counts[s]}` });
    // CSSOM, not a style attribute: allowed by the page's style-src 'self'.
    seg.style.flexGrow = String(counts[s]);
    bar.appendChild(seg);
  }
  return bar;
}

/** sevCounts is the "5·2 4·3 ..." chip row that goes with a bar. */
export function sevCounts(counts) {
  return h('ul', { class: 'sevcounts' }, [5, 4, 3, 2, 1].filter((s) => counts[s]).map((s) =>
    h('li', { class: `sevcount sev-${s}`, title: `Severity ${s}` }, `S${s} `,
      h('b', { text: counts[s] }))));
}

const COLUMNS = [
  { key: 'severity', label: 'Sev', sortable: true, cls: 'col-sev' },
  { key: 'qid', label: 'QID', sortable: true, cls: 'col-qid' },
  { key: 'title', label: 'Title', sortable: false, cls: 'col-title' },
  { key: 'status', label: 'Status', sortable: true, cls: 'col-status' },
  { key: 'port', label: 'Port', sortable: true, cls: 'col-port' },
  { key: 'qds', label: 'QDS', sortable: false, cls: 'col-qds' },
  { key: 'lastFound', label: 'Last found', sortable: true, cls: 'col-last' },
];

// Columns read naturally low-to-high; the others (severity, last found) start worst/newest first.
const ASCENDING_FIRST = new Set(['qid', 'port', 'status']);

function compare(key, a, b) {
  if (key === 'status') return String(a.status || '').localeCompare(String(b.status || ''));
  if (key === 'lastFound') return Date.parse(a.lastFound || 0) - Date.parse(b.lastFound || 0);
  return (Number(a[key]) || 0) - (Number(b[key]) || 0);
}

/** sortDetections returns a sorted copy; ties fall back to severity desc, then QID asc. */
export function sortDetections(list, key, dir) {
  const sign = dir === 'asc' ? 1 : -1;
  return [...list].sort((a, b) => sign * compare(key, a, b) ||
    (b.severity - a.severity) || (a.qid - b.qid) || ((a.port || 0) - (b.port || 0)));
}

/** detectionTable renders a host's detections; titles maps QID to a KB title when known. */
export function detectionTable(detections, titles) {
  const state = { key: 'severity', dir: 'desc' };
  const table = h('table', { class: 'grid detections' });
  const headRow = h('tr');
  const tbody = h('tbody');
  table.append(h('thead', null, headRow), tbody);

  const draw = () => {
    clear(headRow);
    for (const col of COLUMNS) {
      const th = h('th', { class: col.cls, scope: 'col' });
      if (col.sortable) {
        const active = state.key === col.key;
        th.setAttribute('aria-sort', active ? (state.dir === 'asc' ? 'ascending' : 'descending')
          : 'none');
        const btn = h('button', { type: 'button', class: 'sort', 'data-sort': col.key },
          col.label, h('span', { class: 'sort-ind', 'aria-hidden': 'true',
            text: active ? (state.dir === 'asc' ? '▲' : '▼') : '' }));
        btn.addEventListener('click', () => {
          if (state.key === col.key) {
            state.dir = state.dir === 'asc' ? 'desc' : 'asc';
          } else {
            state.key = col.key;
            state.dir = ASCENDING_FIRST.has(col.key) ? 'asc' : 'desc';
          }
          draw();
          table.querySelector(`button[data-sort="${col.key}"]`).focus();
        });
        th.appendChild(btn);
      } else {
        th.textContent = col.label;
      }
      headRow.appendChild(th);
    }

    clear(tbody);
    for (const d of sortDetections(detections, state.key, state.dir)) {
      tbody.appendChild(row(d, titles));
    }
  };
  draw();
  return table;
}

function row(d, titles) {
  const title = d.title || titles.get(Number(d.qid));
  const flags = [d.type, d.ssl && 'SSL', d.ignored && 'ignored', d.disabled && 'disabled']
    .filter(Boolean);
  const port = d.port ? `${d.port}${d.protocol ? '/' + d.protocol.toLowerCase() : ''}` : '—';
  const results = d.results ? h('details', { class: 'results' },
    h('summary', { text: 'Results' }), h('pre', { text: d.results })) : null;

  return h('tr', { 'data-qid': d.qid, 'data-severity': d.severity },
    h('td', { class: 'col-sev' }, sevChip(d.severity)),
    h('td', { class: 'col-qid' }, h('span', { class: 'mono', text: d.qid }),
      copyButton(String(d.qid), `QID ${d.qid}`)),
    h('td', { class: 'col-title' }, title ? h('span', { text: title }) : null,
      h('span', { class: 'flags', text: flags.join(' · ') }), results),
    h('td', { class: 'col-status' }, h('span', {
      class: `status status-${String(d.status || '').toLowerCase().replace(/[^a-z]/g, '')}`,
      text: d.status || '—',
    })),
    h('td', { class: 'col-port mono', text: port }),
    h('td', { class: 'col-qds' }, d.qds ? h('span', {
      class: `qds qds-${String(d.qdsSeverity || '').toLowerCase()}`,
      title: (d.qdsFactors || []).map((f) => `${f.name}: ${f.value}`).join('\n') ||
        'Qualys Detection Score',
      text: d.qds,
    }) : h('span', { class: 'muted', text: '—' })),
    h('td', { class: 'col-last' }, timeEl(d.lastFound)));
}

// Hosts shown open; the others start collapsed to their one-line summary.
const OPEN_HOSTS = 2;

/** hostsPanel renders every host of a result, each with its bar and table. */
export function hostsPanel(hosts, titles) {
  if (!hosts.length) return h('p', { class: 'empty-note', text: 'No host detections.' });

  const blocks = hosts.map((host, i) => hostBlock(host, titles, i < OPEN_HOSTS));
  const panel = h('div', { class: 'hosts' }, blocks);
  if (hosts.length > OPEN_HOSTS) {
    const toggle = h('button', { type: 'button', class: 'btn btn-ghost expand-all',
      text: `Expand all ${hosts.length} hosts` });
    toggle.addEventListener('click', () => {
      const open = blocks.some((b) => !b.open);
      for (const b of blocks) b.open = open;
      toggle.textContent = open ? 'Collapse all' : `Expand all ${hosts.length} hosts`;
    });
    panel.prepend(toggle);
  }
  return panel;
}

function hostBlock(host, titles, open) {
  const dets = host.detections || [];
  const counts = severityCounts(dets);
  const name = host.dns || host.netbios || '';
  const pairs = [
    ['OS', host.os], ['IPv6', host.ip ? host.ipv6 : ''], ['NetBIOS', host.netbios],
    ['Tracking', host.trackingMethod], ['Host ID', host.id], ['Asset ID', host.assetId],
  ].filter(([, v]) => v);
  pairs.push(['Last scan', timeEl(host.lastScan)]);
  const addr = host.ip || host.ipv6 || `host ${host.id}`;

  return h('details', { class: 'host', 'data-host-id': host.id, open },
    h('summary', { class: 'host-head' },
      h('span', { class: 'host-id' },
        h('span', { class: 'host-ip mono', text: addr }),
        copyButton(addr, addr),
        name ? h('span', { class: 'host-name', text: name }) : null),
      h('span', { class: 'host-sev' }, sevCounts(counts),
        h('span', { class: 'muted small', text: plural(dets.length, 'detection') }))),
    h('div', { class: 'host-body' },
      dets.length ? sevBar(counts) : null,
      facts(pairs),
      dets.length ? h('div', { class: 'table-wrap' }, detectionTable(dets, titles))
        : h('p', { class: 'empty-note', text: 'No detections on this host.' })));
}
