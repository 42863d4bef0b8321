// highlight.js — the pasted text shown back with every indicator marked by type. The API gives
// spans as UTF-8 byte offsets; JavaScript strings index UTF-16 code units, so offsets are mapped
// through the same UTF-8 encoding the browser used to send the text.

import { h, clear } from './dom.js';

/** TYPES lists the indicator types in legend order with their labels and CSS class. */
export const TYPES = [
  { type: 'IPv4', label: 'IPv4', cls: 't-ipv4' },
  { type: 'IPv6', label: 'IPv6', cls: 't-ipv6' },
  { type: 'domain', label: 'Domain', cls: 't-domain' },
  { type: 'cve', label: 'CVE', cls: 't-cve' },
  { type: 'qid', label: 'QID', cls: 't-qid' },
  { type: 'customQid', label: 'Custom QID', cls: 't-customqid' },
];

/** typeInfo returns the label and class of an entity type (unknown types get a neutral look). */
export function typeInfo(type) {
  return TYPES.find((t) => t.type === type) || { type, label: type, cls: 't-other' };
}

/**
 * byteToUnit maps each UTF-8 byte offset of text to its UTF-16 index; offsets that fall inside
 * a character map to -1. Lone surrogates count as U+FFFD (3 bytes), as TextEncoder writes them.
 */
export function byteToUnit(text) {
  const byteLen = new TextEncoder().encode(text).length;
  const map = new Int32Array(byteLen + 1).fill(-1);
  let b = 0;
  let u = 0;
  while (u < text.length) {
    map[b] = u;
    const cp = text.codePointAt(u);
    const units = cp > 0xffff ? 2 : 1;
    b += cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
    u += units;
  }
  map[b] = u;
  return map;
}

/**
 * markRanges turns the results' byte spans into sorted, non-overlapping UTF-16 ranges
 * {start, end, index}, where index is the result's position. Bad or overlapping spans are dropped.
 */
export function markRanges(text, results) {
  const map = byteToUnit(text);
  const ranges = [];
  results.forEach((res, index) => {
    for (const span of (res.entity && res.entity.spans) || []) {
      const [bs, be] = span;
      if (!(bs >= 0 && be > bs && be < map.length)) continue;
      const start = map[bs];
      const end = map[be];
      if (start < 0 || end < 0) continue;
      ranges.push({ start, end, index });
    }
  });
  ranges.sort((a, b) => a.start - b.start || b.end - a.end);

  const kept = [];
  let last = 0;
  for (const r of ranges) {
    if (r.start < last) continue;
    kept.push(r);
    last = r.end;
  }
  return kept;
}

/** renderHighlighted fills el with text, each indicator occurrence wrapped in a <mark>. */
export function renderHighlighted(el, text, results, onPick) {
  clear(el);
  let pos = 0;
  for (const r of markRanges(text, results)) {
    if (r.start > pos) el.appendChild(document.createTextNode(text.slice(pos, r.start)));
    const res = results[r.index];
    const info = typeInfo(res.entity.type);
    const mark = h('mark', {
      class: `hl ${info.cls}${res.entity.skip ? ' hl-skipped' : ''}`,
      'data-type': res.entity.type,
      'data-index': r.index,
      tabindex: '0',
      role: 'button',
      title: `${info.label}: ${res.entity.value}${res.entity.skip ? ' (not looked up)' : ''}`,
    }, text.slice(r.start, r.end));
    mark.addEventListener('click', () => onPick(r.index));
    mark.addEventListener('keydown', (ev) => {
      if (ev.key === 'Enter' || ev.key === ' ') {
        ev.preventDefault();
        onPick(r.index);
      }
    });
    el.appendChild(mark);
    pos = r.end;
  }
  if (pos < text.length) el.appendChild(document.createTextNode(text.slice(pos)));
}

/** renderLegend shows the types present in results, with their counts. */
export function renderLegend(el, results) {
  clear(el);
  for (const t of TYPES) {
    const n = results.filter((r) => r.entity.type === t.type).length;
    if (!n) continue;
    el.appendChild(h('li', { class: `legend-item ${t.cls}` },
      h('span', { class: 'swatch', 'aria-hidden': 'true' }), `${t.label} `,
      h('span', { class: 'legend-count', text: n })));
  }
}
