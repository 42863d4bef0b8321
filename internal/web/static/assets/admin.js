// admin.js — the admin page: every option in a form, saved with PUT and answered field by field,
// a connection test and the audit log. Analysts see "admins only" (the server refuses them too).

import { api, ApiError, showUser } from './api.js';
import { h, clear, formatTime } from './dom.js';
import { SECTIONS, getPath, setPath } from './fields.js';

const $ = (id) => document.getElementById(id);
let current = null; // the options as last read from the server

function showBanner(message) {
  $('banner').textContent = message;
  $('banner').hidden = !message;
}

function setBusy(btn, busy, label) {
  btn.disabled = busy;
  btn.classList.toggle('busy', busy);
  btn.querySelector('.label').textContent = label;
}

function inputFor(f) {
  const id = `opt-${f.key.replace('.', '-')}`;
  const common = {
    id, name: f.key, 'data-key': f.key, 'aria-describedby': `${id}-help ${id}-error`,
  };
  switch (f.kind) {
    case 'bool':
      return h('input', { ...common, type: 'checkbox' });
    case 'list':
      return h('textarea', { ...common, rows: '4', spellcheck: 'false', class: 'mono' });
    case 'severity':
      return h('select', common, [1, 2, 3, 4, 5].map((n) => h('option', { value: n, text: n })));
    case 'int':
      return h('input', { ...common, type: 'number', inputmode: 'numeric', step: '1' });
    case 'password':
      return h('input', { ...common, type: 'password', autocomplete: 'new-password' });
    default:
      return h('input', {
        ...common, type: f.kind === 'url' ? 'url' : 'text', spellcheck: 'false',
        autocomplete: 'off', class: f.mono || f.kind === 'duration' ? 'mono' : null,
      });
  }
}

function buildForm() {
  const root = $('fields');
  clear(root);
  for (const section of SECTIONS) {
    root.appendChild(h('fieldset', { class: 'section' },
      h('legend', { text: section.title }),
      section.fields.map((f) => {
        const input = inputFor(f);
        const id = input.id;
        const label = h('label', { for: id, text: f.label });
        return h('div', { class: `field field-${f.kind}`, 'data-field': f.key },
          f.kind === 'bool' ? h('div', { class: 'check' }, input, label) : [label, input],
          h('p', { class: 'help', id: `${id}-help`, text: f.help }),
          h('p', { class: 'field-error', id: `${id}-error`, role: 'alert', hidden: true }));
      })));
  }
}

function fill(opts) {
  const locked = new Set(opts.envLocked || []);
  for (const section of SECTIONS) {
    for (const f of section.fields) {
      const input = document.querySelector(`[data-key="${f.key}"]`);
      const isLocked = locked.has(f.key) || locked.has(f.key.split('.')[0]);
      input.disabled = isLocked;
      input.closest('.field').classList.toggle('locked', isLocked);
      input.title = isLocked ? "Set by the server's environment, which wins over this page." : '';
      const v = getPath(opts, f.key);
      if (f.kind === 'bool') input.checked = Boolean(v);
      else if (f.kind === 'list') input.value = (v || []).join('\n');
      else if (f.kind === 'password') {
        input.value = '';
        const set = Boolean(opts.passwordSet);
        input.placeholder = set ? 'A password is set; leave empty to keep it' : 'No password set';
      } else input.value = v === undefined || v === null ? '' : String(v);
    }
  }
}

// collect reads the form into an options object: every key, as GET returns them.
function collect() {
  const out = structuredClone(current || {});
  // Read-only in the API; the server ignores them.
  delete out.passwordSet;
  delete out.envLocked;
  for (const section of SECTIONS) {
    for (const f of section.fields) {
      const input = document.querySelector(`[data-key="${f.key}"]`);
      if (input.disabled) continue;
      let v;
      if (f.kind === 'bool') v = input.checked;
      else if (f.kind === 'list') v = input.value.split('\n').map((s) => s.trim()).filter(Boolean);
      else if (f.kind === 'int' || f.kind === 'severity') {
        v = input.value.trim() === '' ? 0 : Number(input.value);
      } else v = input.value.trim();
      if (f.kind === 'password' && !v) {
        delete out.password; // empty keeps the stored password
        continue;
      }
      setPath(out, f.key, v);
    }
  }
  return out;
}

// changes keeps the top-level keys whose value differs from the options as read, so the server
// (which keeps absent keys) records in the audit log exactly what the admin changed.
function changes(all) {
  const out = {};
  for (const [k, v] of Object.entries(all)) {
    const before = JSON.stringify(normalise(k, current[k]));
    if (k === 'password' || JSON.stringify(v) !== before) out[k] = v;
  }
  return out;
}

// normalise treats an absent ignore list as an empty one, so an untouched list is not sent.
function normalise(key, value) {
  return key === 'ignore' && !value ? [] : value;
}

function clearErrors() {
  for (const el of document.querySelectorAll('.field-error')) {
    if (el.id === 'token-message') continue;
    el.textContent = '';
    el.hidden = true;
  }
  for (const el of document.querySelectorAll('.field.invalid')) el.classList.remove('invalid');
}

function showErrors(fields) {
  const general = [];
  let first = null;
  for (const fe of fields) {
    // The key comes from the server, which may echo a key the body carried: escape it.
    const field = document.querySelector(`[data-field="${CSS.escape(String(fe.key))}"]`);
    if (!field) {
      general.push(`${fe.key}: ${fe.message}`);
      continue;
    }
    field.classList.add('invalid');
    const err = field.querySelector('.field-error');
    err.textContent = err.hidden ? fe.message : `${err.textContent} ${fe.message}`;
    err.hidden = false;
    field.querySelector('[data-key]').setAttribute('aria-invalid', 'true');
    first = first || field.querySelector('[data-key]');
  }
  showBanner(general.length ? general.join('\n')
    : 'Some options are not valid; see the marked fields.');
  if (first) first.focus();
}

async function save(ev) {
  ev.preventDefault();
  clearErrors();
  showBanner('');
  for (const el of document.querySelectorAll('[aria-invalid]')) el.removeAttribute('aria-invalid');
  const btn = $('save');
  setBusy(btn, true, 'Saving…');
  $('save-status').textContent = '';
  try {
    const saved = await api('PUT', '/api/v1/options', changes(collect()));
    current = saved && typeof saved === 'object' && 'url' in saved ? saved : await load();
    fill(current);
    $('save-status').textContent = `Saved at ${new Date().toLocaleTimeString()}.`;
    loadAudit();
  } catch (err) {
    if (err instanceof ApiError && err.fields.length) showErrors(err.fields);
    else showBanner(`Save failed: ${err.message}`);
  } finally {
    setBusy(btn, false, 'Save options');
  }
}

async function testConnection() {
  const btn = $('test');
  const box = $('checks');
  setBusy(btn, true, 'Testing…');
  clear(box);
  box.hidden = false;
  box.appendChild(h('p', { class: 'muted', text: 'Testing these options against Qualys…' }));
  clearErrors();
  try {
    // The form's values, saved or not: the server lays them over the options in force.
    const res = await api('POST', '/api/v1/options/test', collect());
    const checks = (res && res.results) || [];
    clear(box);
    box.appendChild(h('h3', { text: res && res.ok ? 'Connection test passed'
      : 'Connection test found problems' }));
    box.appendChild(h('ul', { class: 'check-list' }, checks.map((c) => h('li', {
      class: c.ok ? 'check-ok' : 'check-fail', 'data-check': c.name,
    }, h('span', { class: 'check-mark', 'aria-hidden': 'true', text: c.ok ? '✓' : '✕' }),
    h('b', { text: c.name }),
    h('span', { class: 'visually-hidden', text: c.ok ? ' ok' : ' failed' }),
    c.message ? h('span', { class: 'check-msg', text: ` ${c.message}` }) : null))));
    if (!checks.length) box.appendChild(h('p', { class: 'muted', text: 'No checks were run.' }));
  } catch (err) {
    clear(box);
    if (err instanceof ApiError && err.fields.length) {
      box.hidden = true;
      showErrors(err.fields);
      return;
    }
    box.appendChild(h('p', { class: 'check-fail', text: `Test failed: ${err.message}` }));
  } finally {
    setBusy(btn, false, 'Test connection');
  }
}

// The server answers {entries: [...]}, newest first; each entry says who did what and how it went.
const AUDIT_COLUMNS = [
  ['Time', (e) => h('time', { datetime: e.time, title: e.time }, formatTime(e.time)), 'nowrap'],
  ['Who', (e) => e.actor],
  ['Action', (e) => ({ 'scan.launch': 'Scan launch', 'options.change': 'Options change' }[e.action]
    || e.action)],
  ['Target', (e) => [e.ip, e.ref, (e.keys || []).join(', ')].filter(Boolean).join(' · '), 'mono'],
  ['Result', (e) => h('span', { class: `result result-${e.result}`, text: e.result || '—' })],
  ['Detail', (e) => e.message],
];

function auditRow(e) {
  return h('tr', { 'data-action': e.action }, AUDIT_COLUMNS.map(([, get, cls]) => {
    const v = get(e);
    return h('td', { class: cls }, v instanceof Node ? v : String(v || '—'));
  }));
}

async function loadAudit() {
  const root = $('audit');
  try {
    const res = await api('GET', '/api/v1/audit');
    const entries = (res && res.entries) || [];
    clear(root);
    if (!entries.length) {
      root.appendChild(h('p', { class: 'empty-note', text: 'Nothing audited yet.' }));
      return;
    }
    root.appendChild(h('div', { class: 'table-wrap' }, h('table', { class: 'grid audit-table' },
      h('thead', null, h('tr', null,
        AUDIT_COLUMNS.map(([l]) => h('th', { scope: 'col', text: l })))),
      h('tbody', null, entries.map(auditRow)))));
  } catch (err) {
    clear(root);
    root.appendChild(h('p', { class: 'check-fail',
      text: `Audit log unavailable: ${err.message}` }));
  }
}

async function load() {
  return api('GET', '/api/v1/options');
}

function denied() {
  $('admin-content').hidden = true;
  $('denied').hidden = false;
}

async function init() {
  let who;
  try {
    who = await showUser();
  } catch (err) {
    showBanner(err.message);
    return;
  }
  if (who.role !== 'admin') {
    denied();
    return;
  }

  buildForm();
  try {
    current = await load();
  } catch (err) {
    if (err instanceof ApiError && err.status === 403) denied();
    else showBanner(`Options unavailable: ${err.message}`);
    return;
  }
  fill(current);
  $('admin-content').hidden = false;
  $('options-form').addEventListener('submit', save);
  $('test').addEventListener('click', testConnection);
  $('audit-refresh').addEventListener('click', loadAudit);
  loadAudit();
}

init();
