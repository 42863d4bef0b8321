// scans.js — the Scans tab, and the Launch Scan action of IPv4 cards: a confirmation dialog, the
// POST, then the scan's state polled until it ends, each state also shown in the card's Scans
// tab. A scan still running is remembered for the tab's session, so that a reload or a new
// lookup of its IP follows it again.

import { api, ApiError } from './api.js';
import { h, clear, copyButton, timeEl } from './dom.js';

const TERMINAL = new Set(['finished', 'error', 'canceled', 'cancelled']);
const POLL_MS = 2000;
const FOLLOWED_KEY = 'qlens.scans';
const FOLLOW_FOR_MS = 24 * 3600 * 1000; // a scan older than this is not resumed

/** followed maps an IP to the scan launched on it that had not ended: {ref, at}. */
function followed() {
  try {
    return JSON.parse(sessionStorage.getItem(FOLLOWED_KEY)) || {};
  } catch {
    return {};
  }
}

function setFollowed(ip, scan) {
  const all = followed();
  if (scan) all[ip] = scan; else delete all[ip];
  sessionStorage.setItem(FOLLOWED_KEY, JSON.stringify(all));
}

/** scanLaunch.allowed is null while unknown, false once the server says launching is off. */
export const scanLaunch = { allowed: null, reason: '' };

function stateChip(state) {
  const s = String(state || 'unknown');
  return h('span', { class: `state state-${s.toLowerCase().replace(/[^a-z]/g, '')}`, text: s });
}

/** scansPanel renders the scan history of a result. */
export function scansPanel(scans) {
  if (!scans.length) return h('p', { class: 'empty-note', text: 'No scans of this address.' });

  return h('div', { class: 'table-wrap' }, h('table', { class: 'grid scans' },
    h('thead', null, h('tr', null, ['Reference', 'Title', 'State', 'Launched', 'Duration', 'User',
      'Option profile'].map((c) => h('th', { scope: 'col', text: c })))),
    h('tbody', null, scans.map((s) => h('tr', { 'data-ref': s.ref },
      h('td', { class: 'nowrap' }, h('span', { class: 'mono', text: s.ref }),
        copyButton(s.ref, s.ref)),
      h('td', null, h('span', { text: s.title || '—' }),
        s.type ? h('span', { class: 'flags', text: s.type }) : null),
      h('td', null, stateChip(s.state), s.subState
        ? h('span', { class: 'flags', text: s.subState }) : null),
      h('td', { class: 'nowrap' }, timeEl(s.launched)),
      h('td', { class: 'mono', text: s.duration || '—' }),
      h('td', { text: s.user || '—' }),
      h('td', { text: s.optionProfile || '—' }))))));
}

/**
 * launchButton is the card's Launch Scan action, with its live status line. onScan, when given,
 * receives the scan each time its state is read, for the card's Scans tab.
 */
export function launchButton(ip, onScan) {
  const status = h('div', { class: 'scan-status', 'aria-live': 'polite', hidden: true });
  const btn = h('button', { type: 'button', class: 'btn btn-secondary launch', 'data-ip': ip },
    h('span', { class: 'radar', 'aria-hidden': 'true' }), 'Launch scan');
  btn.addEventListener('click', async () => {
    if (!(await confirmLaunch(ip))) return;
    btn.disabled = true;
    await launch(ip, btn, status, onScan);
  });
  if (scanLaunch.allowed === false) disable(btn, status, scanLaunch.reason);

  const running = followed()[ip];
  if (running && Date.now() - running.at < FOLLOW_FOR_MS) {
    btn.disabled = true;
    status.hidden = false;
    status.className = 'scan-status scan-running';
    follow(ip, { ref: running.ref, message: 'launched earlier in this session' }, status, onScan)
      .then(() => { btn.disabled = scanLaunch.allowed === false; });
  }
  return { button: btn, status };
}

function disable(btn, status, reason) {
  btn.disabled = true;
  btn.title = reason;
  status.hidden = false;
  status.className = 'scan-status scan-off';
  status.textContent = reason;
}

function confirmLaunch(ip) {
  const dialog = document.getElementById('scan-dialog');
  document.getElementById('scan-dialog-ip').textContent = ip;
  dialog.returnValue = '';
  dialog.showModal();
  document.getElementById('scan-cancel').focus();
  return new Promise((resolve) => {
    const onClose = () => resolve(dialog.returnValue === 'launch');
    dialog.addEventListener('close', onClose, { once: true });
  });
}

async function launch(ip, btn, status, onScan) {
  status.hidden = false;
  status.className = 'scan-status scan-running';
  status.textContent = `Launching a scan of ${ip}…`;

  let res;
  try {
    res = await api('POST', '/api/v1/scans', { ip });
  } catch (err) {
    if (err instanceof ApiError && err.status === 403) {
      scanLaunch.allowed = false;
      scanLaunch.reason = err.message;
      for (const other of document.querySelectorAll('button.launch')) other.disabled = true;
      disable(btn, status, err.message);
      return;
    }
    status.className = 'scan-status scan-error';
    status.textContent = `Launch failed: ${err.message}`;
    btn.disabled = false;
    return;
  }

  setFollowed(ip, { ref: res.ref, at: Date.now() });
  await follow(ip, res, status, onScan);
  btn.disabled = false;
}

/**
 * follow polls the scan's state into status until it ends, or until status leaves the page (a
 * new lookup replaced the card, which then follows the scan itself).
 */
async function follow(ip, launched, status, onScan) {
  const ref = launched.ref;
  const line = (state, extra) => {
    clear(status);
    status.append(h('span', { class: 'scan-label', text: 'Scan ' }),
      h('span', { class: 'mono', text: ref }), copyButton(ref, ref), ' ', stateChip(state),
      extra ? h('span', { class: 'muted', text: ` ${extra}` }) : null);
  };
  line('Queued', launched.message || '');

  for (;;) {
    await new Promise((r) => setTimeout(r, POLL_MS));
    if (!status.isConnected) return;
    let scan;
    try {
      scan = await api('GET', '/api/v1/scans?ref=' + encodeURIComponent(ref));
    } catch (err) {
      if (err instanceof ApiError && err.status === 404) setFollowed(ip, null);
      status.className = 'scan-status scan-error';
      line('unknown', `status check failed: ${err.message}`);
      return;
    }
    const state = scan.state || 'unknown';
    const done = TERMINAL.has(state.toLowerCase());
    status.className = `scan-status ${done ? (state === 'Finished' ? 'scan-done' : 'scan-error')
      : 'scan-running'}`;
    line(state, [scan.subState, scan.duration].filter(Boolean).join(' · '));
    status.dataset.state = state;
    if (onScan) onScan(scan);
    if (done) {
      setFollowed(ip, null);
      return;
    }
  }
}
