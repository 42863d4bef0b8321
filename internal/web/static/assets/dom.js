// dom.js — small, safe DOM helpers: every text goes through textContent, never through HTML.

/**
 * h builds an element. props: class, text, and any attribute (data-*, aria-*, href, type...);
 * values false/null/undefined are left out. Children may be nodes, strings or nested arrays.
 */
export function h(tag, props, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(props || {})) {
    if (value === false || value === null || value === undefined) continue;
    if (key === 'class') el.className = value;
    else if (key === 'text') el.textContent = String(value);
    else if (key === 'style' || key.startsWith('on')) throw new Error('h: refused prop ' + key);
    else el.setAttribute(key, value === true ? '' : String(value));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) append(el, child);
    else if (child instanceof Node) el.appendChild(child);
    else el.appendChild(document.createTextNode(String(child)));
  }
}

/** clear removes every child of el. */
export function clear(el) {
  while (el.firstChild) el.removeChild(el.firstChild);
}

/** copyButton copies value to the clipboard and says so for a moment. */
export function copyButton(value, label) {
  const btn = h('button', {
    type: 'button', class: 'copy', title: `Copy ${label || value}`,
    'aria-label': `Copy ${label || value}`, 'data-copy': value,
  }, h('span', { class: 'copy-icon', 'aria-hidden': 'true' }));
  btn.addEventListener('click', async (ev) => {
    ev.stopPropagation();
    const ok = await copyText(value);
    btn.classList.add(ok ? 'copied' : 'copy-failed');
    btn.setAttribute('aria-label', ok ? 'Copied' : 'Copy failed');
    setTimeout(() => {
      btn.classList.remove('copied', 'copy-failed');
      btn.setAttribute('aria-label', `Copy ${label || value}`);
    }, 1400);
  });
  return btn;
}

async function copyText(value) {
  try {
    await navigator.clipboard.writeText(value);
    return true;
  } catch {
    // No clipboard API (insecure origin) or no permission: fall back to a selection copy.
    // TODO: execCommand('copy') is deprecated; drop it once qlens is only served over HTTPS.
    const ta = h('textarea', { class: 'offscreen', readonly: true, 'aria-hidden': 'true' });
    ta.value = value;
    document.body.appendChild(ta);
    ta.select();
    let ok = false;
    try {
      ok = document.execCommand('copy');
    } catch {
      ok = false;
    }
    ta.remove();
    return ok;
  }
}

const SEVERITY_NAMES = ['', 'Minimal', 'Medium', 'Serious', 'Critical', 'Urgent'];

/** sevChip is the coloured 1..5 severity badge. */
export function sevChip(sev) {
  const n = Number(sev) || 0;
  const cls = n >= 1 && n <= 5 ? `sev sev-${n}` : 'sev sev-0';
  return h('span', { class: cls, title: `Severity ${n} · ${SEVERITY_NAMES[n] || 'unknown'}` },
    String(n || '?'));
}

/** formatTime shows an RFC 3339 time as "2026-11-20 14:03 UTC"; "" stays "". */
export function formatTime(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return String(iso);
  return d.toISOString().slice(0, 16).replace('T', ' ') + ' UTC';
}

/** timeEl is a <time> element with the full timestamp as its tooltip. */
export function timeEl(iso) {
  if (!iso) return h('span', { class: 'muted', text: '—' });
  return h('time', { datetime: iso, title: iso }, formatTime(iso));
}

const CVE_RE = /^CVE-\d{4}-\d{4,}$/i;
const NVD = 'https://nvd.nist.gov/vuln/detail/';

/** cveLink links a CVE ID to its NVD page in a new tab (label: the ID unless given). */
export function cveLink(cve, label) {
  const id = String(cve).toUpperCase();
  if (!CVE_RE.test(id)) return h('span', { text: cve });
  return h('a', {
    href: NVD + encodeURIComponent(id), target: '_blank', rel: 'noopener noreferrer',
    class: 'cve-link', title: `${id} on NVD (opens in a new tab)`,
  }, label || id);
}

/** facts is a definition list of [label, value] pairs; a value may be a node. */
export function facts(pairs) {
  return h('dl', { class: 'facts' }, pairs.map(([k, v]) => h('div', { class: 'fact' },
    h('dt', { text: k }), h('dd', null, v))));
}

/** plural is "1 host" / "3 hosts". */
export function plural(n, word, many) {
  return `${n} ${n === 1 ? word : many || word + 's'}`;
}
