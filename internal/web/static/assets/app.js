// app.js — the analyst page: paste text, look it up, read the highlighted text and the cards.

import { api, showUser } from './api.js';
import { h, clear, plural } from './dom.js';
import { renderHighlighted, renderLegend } from './highlight.js';
import { card, kbTitles } from './cards.js';
import { scanLaunch } from './scans.js';
import { renderOverview } from './overview.js';

const $ = (id) => document.getElementById(id);

const els = {
  form: $('lookup-form'),
  text: $('text'),
  button: $('lookup'),
  editor: $('editor'),
  viewer: $('viewer'),
  highlight: $('highlighted'),
  legend: $('legend'),
  edit: $('edit-text'),
  clear: $('clear-text'),
  banner: $('banner'),
  stats: $('stats'),
  cards: $('cards'),
  empty: $('empty'),
  results: $('results'),
  overview: $('overview'),
  overviewList: $('overview-list'),
};

function showBanner(message) {
  els.banner.textContent = message;
  els.banner.hidden = !message;
}

function setBusy(busy) {
  els.button.disabled = busy;
  els.button.classList.toggle('busy', busy);
  els.button.querySelector('.label').textContent = busy ? 'Looking up…' : 'Look up';
  els.results.setAttribute('aria-busy', String(busy));
  els.results.classList.toggle('loading', busy);
}

function showEditor(focus) {
  els.viewer.hidden = true;
  els.editor.hidden = false;
  if (focus) els.text.focus();
}

function pick(index) {
  const target = $(`card-${index}`);
  if (!target) return;
  target.scrollIntoView({ behavior: 'smooth', block: 'start' });
  target.focus({ preventScroll: true });
  target.classList.remove('flash');
  void target.offsetWidth; // restart the animation
  target.classList.add('flash');
}

function renderStats(lookup) {
  const s = lookup.stats || {};
  const n = (lookup.results || []).length;
  const secs = ((s.elapsedMs || 0) / 1000).toFixed(s.elapsedMs >= 10000 ? 0 : 2);
  clear(els.stats);
  els.stats.append(
    h('span', { class: 'stat' }, h('b', { text: n }), n === 1 ? ' indicator' : ' indicators'),
    h('span', { class: 'stat' }, h('b', { text: s.apiCalls || 0 }), ' Qualys API ',
      s.apiCalls === 1 ? 'call' : 'calls'),
    h('span', { class: 'stat' }, h('b', { text: s.cacheHits || 0 }), ' cache ',
      s.cacheHits === 1 ? 'hit' : 'hits'),
    h('span', { class: 'stat' }, h('b', { text: `${secs} s` }), ' elapsed'));
  els.stats.hidden = false;
}

function render(text, lookup) {
  const results = lookup.results || [];
  renderStats(lookup);
  renderHighlighted(els.highlight, text, results, pick);
  renderLegend(els.legend, results);
  renderOverview(els.overviewList, results, pick);
  els.overview.hidden = !results.length;
  els.editor.hidden = true;
  els.viewer.hidden = false;

  clear(els.cards);
  if (!results.length) {
    els.empty.hidden = false;
    els.empty.querySelector('.empty-title').textContent = 'No indicators found';
    els.empty.querySelector('.empty-text').textContent =
      'qlens looks for IPv4 and IPv6 addresses, domains, CVE IDs and QIDs. None are in this text.';
    return;
  }
  els.empty.hidden = true;
  const titles = kbTitles(results);
  results.forEach((r, i) => els.cards.appendChild(card(r, i, titles)));
}

async function lookup() {
  const text = els.text.value;
  if (!text.trim()) {
    showBanner('Paste some text to look up first.');
    els.text.focus();
    return;
  }

  showBanner('');
  setBusy(true);
  try {
    const result = await api('POST', '/api/v1/lookup', { text });
    render(text, result);
  } catch (err) {
    showBanner(`Lookup failed: ${err.message}`);
  } finally {
    setBusy(false);
    // A counter of finished lookups: lets a test (or a person in DevTools) wait for the answer.
    els.results.dataset.lookups = String(Number(els.results.dataset.lookups || 0) + 1);
  }
}

function init() {
  els.form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    lookup();
  });
  els.text.addEventListener('keydown', (ev) => {
    if (ev.key === 'Enter' && (ev.ctrlKey || ev.metaKey)) {
      ev.preventDefault();
      lookup();
    }
  });
  els.edit.addEventListener('click', () => showEditor(true));
  els.clear.addEventListener('click', () => {
    els.text.value = '';
    showEditor(true);
  });

  showUser().then((who) => {
    // /api/v1/me says whether an admin allows scan launches; a 403 on launch still disables
    // the buttons, for options changed while the page is open.
    if (who && typeof who.scanLaunch === 'boolean') scanLaunch.allowed = who.scanLaunch;
    if (scanLaunch.allowed === false) scanLaunch.reason = 'Scan launch is disabled by the admin.';
  }).catch((err) => showBanner(err.message));
  els.text.focus();
}

init();
