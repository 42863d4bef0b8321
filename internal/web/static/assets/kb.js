// kb.js — the KnowledgeBase tab: one record per QID with its facts, CVE links to NVD and the
// diagnosis, consequence and solution HTML, re-checked by safeHTML before it reaches the page.

import { h, copyButton, facts, sevChip, cveLink, formatTime } from './dom.js';
import { safeHTML } from './sanitize.js';

/** kbPanel renders the KnowledgeBase records of a result. */
export function kbPanel(records) {
  if (!records.length) return h('p', { class: 'empty-note', text: 'No KnowledgeBase records.' });
  return h('div', { class: 'kb-list' }, records.map(kbRecord));
}

function kbRecord(rec) {
  const pairs = [
    ['Type', rec.vulnType],
    ['Category', rec.category],
    ['Patchable', rec.patchable ? 'yes' : 'no'],
    ['CVSS v2', rec.cvssBase || ''],
    ['CVSS v3', rec.cvss3Base || ''],
    ['Published', formatTime(rec.published)],
    ['Modified', formatTime(rec.modified)],
  ].filter(([, v]) => v !== '' && v !== undefined && v !== null);
  const cves = rec.cves || [];
  const intel = rec.threatIntel || [];

  return h('article', { class: 'kb', 'data-qid': rec.qid },
    h('header', { class: 'kb-head' },
      sevChip(rec.severity),
      h('span', { class: 'kb-qid mono', text: `QID ${rec.qid}` }),
      copyButton(String(rec.qid), `QID ${rec.qid}`),
      h('h4', { class: 'kb-title', text: rec.title || '(no title)' })),
    facts(pairs.map(([k, v]) => [k, String(v)])),
    cves.length ? h('div', { class: 'kb-row' }, h('span', { class: 'kb-label', text: 'CVEs' }),
      h('ul', { class: 'cve-list' }, cves.map((c) => h('li', null, cveLink(c))))) : null,
    intel.length ? h('div', { class: 'kb-row' },
      h('span', { class: 'kb-label', text: 'Threat intel' }),
      h('ul', { class: 'tags' }, intel.map((t) => h('li', { class: 'tag tag-intel', text: t }))))
      : null,
    kbSection('Diagnosis', rec.diagnosis, true),
    kbSection('Consequence', rec.consequence, false),
    kbSection('Solution', rec.solution, true));
}

function kbSection(label, html, open) {
  if (!html) return null;
  return h('details', { class: 'kb-section', open },
    h('summary', { text: label }),
    h('div', { class: 'kb-html' }, safeHTML(html)));
}
