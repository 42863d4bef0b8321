// sanitize.js — defence in depth for the KnowledgeBase HTML fields. The server has sanitised them
// already; this re-check rebuilds the markup from scratch, keeping only allow-listed elements and,
// on links, only an https href. Nothing parsed is ever inserted as-is.

const ALLOWED = new Set(['P', 'BR', 'UL', 'OL', 'LI', 'B', 'I', 'STRONG', 'EM', 'CODE', 'PRE',
  'TABLE', 'TR', 'TD', 'TH', 'A']);

// Elements whose content is not text for a reader: dropped with everything inside.
const DROPPED = new Set(['SCRIPT', 'STYLE', 'TEMPLATE', 'IFRAME', 'OBJECT', 'EMBED', 'NOSCRIPT',
  'SVG', 'MATH', 'HEAD', 'TITLE', 'IMG', 'VIDEO', 'AUDIO', 'FORM', 'INPUT', 'TEXTAREA', 'SELECT',
  'BUTTON', 'LINK', 'META', 'BASE']);

/** safeHTML parses html inertly and returns a DocumentFragment of allow-listed nodes only. */
export function safeHTML(html) {
  const doc = new DOMParser().parseFromString(String(html || ''), 'text/html');
  const out = document.createDocumentFragment();
  copyChildren(doc.body, out);
  return out;
}

function copyChildren(from, to) {
  for (const node of from.childNodes) {
    if (node.nodeType === Node.TEXT_NODE) {
      to.appendChild(document.createTextNode(node.nodeValue));
      continue;
    }
    if (node.nodeType !== Node.ELEMENT_NODE) continue;

    const tag = node.tagName.toUpperCase();
    if (DROPPED.has(tag)) continue;
    if (!ALLOWED.has(tag)) {
      // Unknown wrapper (span, div, font...): keep its text, lose the element.
      copyChildren(node, to);
      continue;
    }

    const el = tag === 'A' ? safeLink(node) : document.createElement(tag.toLowerCase());
    copyChildren(node, el);
    to.appendChild(el);
  }
}

function safeLink(node) {
  const href = node.getAttribute('href') || '';
  let url = null;
  try {
    url = new URL(href);
  } catch {
    url = null;
  }
  if (!url || url.protocol !== 'https:') return document.createElement('span');

  const a = document.createElement('a');
  a.href = url.href;
  a.target = '_blank';
  a.rel = 'noopener noreferrer nofollow';
  return a;
}
