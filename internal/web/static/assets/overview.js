// overview.js — the indicator index beside the text: one line per indicator with its worst
// severity and any warning, so an analyst sees the whole alert at a glance and jumps to a card.

import { h, clear, sevChip } from './dom.js';
import { typeInfo } from './highlight.js';

/** worstSeverity is the highest severity among the result's detections and KB records. */
export function worstSeverity(result) {
  let worst = 0;
  for (const host of result.hostDetections || []) {
    for (const d of host.detections || []) worst = Math.max(worst, Number(d.severity) || 0);
  }
  for (const kb of result.knowledgeBaseRecords || []) {
    worst = Math.max(worst, Number(kb.severity) || 0);
  }
  return worst;
}

function status(result) {
  if (result.entity.skip) return h('span', { class: 'ov-note', text: 'not looked up' });
  const notes = [];
  if ((result.errors || []).length) {
    notes.push(h('span', { class: 'ov-note ov-error', text: 'error' }));
  }
  if (result.truncated && Object.values(result.truncated).some(Boolean)) {
    notes.push(h('span', { class: 'ov-note ov-cut', text: 'cut' }));
  }
  const hosts = (result.hostDetections || []).length;
  notes.push(h('span', { class: 'ov-note', text: `${hosts} ${hosts === 1 ? 'host' : 'hosts'}` }));
  return notes;
}

/** renderOverview lists results in el; picking one calls onPick with its index. */
export function renderOverview(el, results, onPick) {
  clear(el);
  results.forEach((r, i) => {
    const info = typeInfo(r.entity.type);
    const worst = worstSeverity(r);
    const btn = h('button', { type: 'button', class: `ov-item ${info.cls}`, 'data-index': i },
      h('span', { class: `type-badge ${info.cls}`, text: info.label }),
      h('span', { class: 'ov-value mono', text: r.entity.value }),
      h('span', { class: 'ov-status' }, status(r)),
      worst ? sevChip(worst)
        : h('span', { class: 'sev sev-none', text: '–', title: 'no severity' }));
    btn.addEventListener('click', () => onPick(i));
    el.appendChild(h('li', null, btn));
  });
}
