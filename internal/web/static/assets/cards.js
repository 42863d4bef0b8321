// cards.js — one card per indicator: its type and value, the server's summary tags, what went
// wrong (skip reason, per-source errors, truncation) and the Host Detections / KnowledgeBase /
// Scans tabs.

import { h, clear, copyButton, cveLink, plural } from './dom.js';
import { typeInfo } from './highlight.js';
import { hostsPanel, severityCounts, sevCounts } from './detections.js';
import { kbPanel } from './kb.js';
import { scansPanel, launchButton, scanLaunch } from './scans.js';

const SKIP_REASONS = {
  unspecified: 'an unspecified address (0.0.0.0 or ::)',
  broadcast: 'the broadcast address',
  loopback: 'a loopback address',
  multicast: 'a multicast address',
  ignored: "on the admin's ignore list",
  invalid: 'no QID Qualys could have (0, or more than 2,147,483,647)',
};

const SOURCES = {
  detections: 'Host detections',
  knowledgeBase: 'KnowledgeBase',
  scans: 'Scans',
  hostSearch: 'Host search',
};

/** kbTitles maps every QID of every KB record in the lookup to its title. */
export function kbTitles(results) {
  const titles = new Map();
  for (const r of results) {
    for (const kb of r.knowledgeBaseRecords || []) titles.set(Number(kb.qid), kb.title);
  }
  return titles;
}

/** card renders result number index of a lookup. */
export function card(result, index, titles) {
  const ent = result.entity;
  const info = typeInfo(ent.type);
  const hosts = result.hostDetections || [];
  const kb = result.knowledgeBaseRecords || [];
  const scans = [...(result.scans || [])];
  const truncated = result.truncated || {};
  const errors = result.errors || [];
  const canLaunch = ent.type === 'IPv4' && !ent.skip && scanLaunch.allowed !== false;
  let tabSet = null;
  const onScan = (scan) => { // a scan launched from this card: shown in its Scans tab
    const i = scans.findIndex((s) => s.ref === scan.ref);
    if (i >= 0) scans[i] = scan; else scans.unshift(scan);
    if (tabSet) tabSet.redraw('scans', scans.length);
  };
  const launch = canLaunch ? launchButton(ent.value, onScan) : null;
  const allDetections = hosts.flatMap((x) => x.detections || []);

  const el = h('article', {
    class: `card ${info.cls}${ent.skip ? ' card-skipped' : ''}`, id: `card-${index}`,
    tabindex: '-1', 'data-type': ent.type, 'data-value': ent.value,
    'aria-labelledby': `card-${index}-title`,
  },
  h('header', { class: 'card-head' },
    h('div', { class: 'card-title' },
      h('span', { class: `type-badge ${info.cls}`, text: info.label }),
      h('h3', { class: 'card-value mono', id: `card-${index}-title`, text: ent.value }),
      copyButton(ent.value, ent.value),
      ent.type === 'cve' ? cveLink(ent.value, 'NVD ↗') : null),
    launch ? h('div', { class: 'card-actions' }, launch.button) : null),
  ent.raw && ent.raw !== ent.value
    ? h('p', { class: 'raw muted small' }, 'Written as ', h('code', { text: ent.raw })) : null,
  h('div', { class: 'card-summary' }, tagList(result.summary || []),
    allDetections.length ? sevCounts(severityCounts(allDetections)) : null),
  ent.skip ? h('p', { class: 'notice notice-skip' },
    h('b', { text: 'Not looked up: ' }), `${SKIP_REASONS[ent.skip] || ent.skip}.`) : null,
  errors.length ? h('ul', { class: 'alerts' }, errors.map((e) => h('li', { class: 'alert' },
    h('b', { text: `${SOURCES[e.source] || e.source}: ` }), e.message,
    e.code ? h('span', { class: 'muted', text: ` (Qualys code ${e.code})` }) : null))) : null,
  launch ? launch.status : null);

  if (!ent.skip) {
    tabSet = tabs(index, [
      { id: 'hosts', label: 'Host Detections', count: hosts.length, cut: truncated.hostDetections,
        unit: 'host', render: () => hostsPanel(hosts, titles) },
      { id: 'kb', label: 'KnowledgeBase', count: kb.length, cut: truncated.knowledgeBaseRecords,
        unit: 'record', render: () => kbPanel(kb) },
      { id: 'scans', label: 'Scans', count: scans.length, cut: truncated.scans, unit: 'scan',
        render: () => scansPanel(scans), hide: ent.type !== 'IPv4' && !scans.length },
    ], defaultTab(ent.type, hosts, kb));
    el.appendChild(tabSet.el);
  }
  return el;
}

function tagList(summary) {
  if (!summary.length) return null;
  return h('ul', { class: 'tags' }, summary.map((t) => h('li', {
    class: `tag${/error|fail|limit/i.test(t) ? ' tag-warn' : ''}`, text: t,
  })));
}

function defaultTab(type, hosts, kb) {
  if ((type === 'cve' || type === 'qid' || type === 'customQid') && kb.length) return 'kb';
  if (!hosts.length && kb.length) return 'kb';
  return 'hosts';
}

/**
 * tabs is an ARIA tab set; panels render on first show. Arrow keys move between tabs. It returns
 * the element and redraw(id, count), which renders a tab's panel again with its new count.
 */
function tabs(index, specs, initial) {
  const list = h('div', { class: 'tablist', role: 'tablist', 'aria-label': 'Result sections' });
  const wrap = h('div', { class: 'tabs' }, list);
  const shown = specs.filter((s) => !s.hide);

  const buttons = shown.map((s) => {
    const id = `card-${index}-${s.id}`;
    const count = h('span');
    const btn = h('button', {
      type: 'button', role: 'tab', id: `${id}-tab`, 'aria-controls': `${id}-panel`,
      'data-tab': s.id, class: 'tab',
    }, s.label, count);
    const panel = h('div', {
      role: 'tabpanel', id: `${id}-panel`, 'aria-labelledby': `${id}-tab`, class: 'tabpanel',
      'data-panel': s.id, tabindex: '0', hidden: true,
    });
    btn.addEventListener('click', () => select(s.id));
    btn.addEventListener('keydown', (ev) => {
      const i = shown.indexOf(s);
      const next = { ArrowRight: i + 1, ArrowLeft: i - 1, Home: 0, End: shown.length - 1 }[ev.key];
      if (next === undefined) return;
      ev.preventDefault();
      const target = shown[(next + shown.length) % shown.length];
      select(target.id);
      wrap.querySelector(`[data-tab="${target.id}"]`).focus();
    });
    list.appendChild(btn);
    wrap.appendChild(panel);
    const tab = { spec: s, btn, count, panel, drawn: false };
    showCount(tab);
    return tab;
  });

  function select(id) {
    for (const b of buttons) {
      const on = b.spec.id === id;
      b.btn.setAttribute('aria-selected', String(on));
      b.btn.tabIndex = on ? 0 : -1;
      b.panel.hidden = !on;
      if (on && !b.drawn) draw(b);
    }
  }

  function redraw(id, count) {
    const b = buttons.find((x) => x.spec.id === id);
    if (!b) return;
    b.spec.count = count;
    showCount(b);
    if (b.drawn) draw(b);
  }

  select(shown.some((s) => s.id === initial) ? initial : shown[0].id);
  return { el: wrap, redraw };
}

function showCount({ spec, count }) {
  count.className = `count${spec.count ? '' : ' count-zero'}`;
  count.textContent = spec.cut ? `≥${spec.count}` : String(spec.count);
  count.title = spec.cut ? `at least ${spec.count}: a page limit cut this list`
    : plural(spec.count, spec.unit);
}

function draw(tab) {
  const { spec, panel } = tab;
  clear(panel);
  if (spec.cut) {
    panel.appendChild(h('p', { class: 'notice notice-cut' },
      h('b', { text: `At least ${plural(spec.count, spec.unit)}. ` }),
      'A page limit cut this list; an admin can raise maxPages to see more.'));
  }
  panel.appendChild(spec.render());
  tab.drawn = true;
}
