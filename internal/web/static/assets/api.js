// api.js — the JSON API client shared by the analyst and admin pages: bearer token kept in
// sessionStorage, a sign-in dialog that comes back on any 401, and errors as ApiError.

const TOKEN_KEY = 'qlens.token';

/** ApiError is a non-2xx answer: status, the server's message and, for options, field errors. */
export class ApiError extends Error {
  constructor(status, message, fields) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.fields = fields || [];
  }
}

export function getToken() {
  return sessionStorage.getItem(TOKEN_KEY) || '';
}

function setToken(token) {
  sessionStorage.setItem(TOKEN_KEY, token);
}

/** signOut forgets the token and everything else this tab kept (the scans it follows). */
export function signOut() {
  sessionStorage.clear();
  location.reload();
}

let pendingPrompt = null;

/**
 * promptToken shows the sign-in dialog and resolves with the token typed in. Concurrent callers
 * share one dialog.
 */
export function promptToken(message) {
  if (pendingPrompt) return pendingPrompt;

  const dialog = document.getElementById('token-dialog');
  const form = document.getElementById('token-form');
  const input = document.getElementById('token-input');
  const note = document.getElementById('token-message');
  note.textContent = message || '';
  note.hidden = !message;
  input.value = '';

  pendingPrompt = new Promise((resolve) => {
    const onSubmit = (ev) => {
      ev.preventDefault();
      const token = input.value.trim();
      if (!token) {
        input.focus();
        return;
      }
      form.removeEventListener('submit', onSubmit);
      dialog.close();
      setToken(token);
      pendingPrompt = null;
      resolve(token);
    };
    form.addEventListener('submit', onSubmit);
    // Escape must not leave the page without a token.
    dialog.addEventListener('cancel', (ev) => ev.preventDefault());
  });
  if (!dialog.open) dialog.showModal();
  input.focus();

  return pendingPrompt;
}

/**
 * api calls the JSON API and returns the decoded body. A 401 clears the token, asks for a new
 * one and retries; any other non-2xx throws an ApiError with the server's message.
 */
export async function api(method, path, body) {
  for (;;) {
    let token = getToken();
    if (!token) token = await promptToken('');

    const headers = { Authorization: 'Bearer ' + token, Accept: 'application/json' };
    const init = { method, headers, credentials: 'same-origin', cache: 'no-store' };
    if (body !== undefined) {
      headers['Content-Type'] = 'application/json';
      init.body = JSON.stringify(body);
    }

    let resp;
    try {
      resp = await fetch(path, init);
    } catch (err) {
      throw new ApiError(0, 'The qlens server cannot be reached: ' + err.message);
    }

    if (resp.status === 401) {
      sessionStorage.removeItem(TOKEN_KEY);
      await promptToken('That token was not accepted. Enter a valid API token.');
      continue;
    }

    const data = await readJSON(resp);
    if (resp.ok) return data;

    throw new ApiError(resp.status, errorMessage(resp, data), data && data.errors);
  }
}

async function readJSON(resp) {
  const text = await resp.text();
  if (!text) return null;
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

function errorMessage(resp, data) {
  if (data && typeof data.error === 'string' && data.error) return data.error;
  switch (resp.status) {
    case 403: return 'Not allowed for your role.';
    case 413: return 'The text is too large to look up in one go; split it.';
    case 429: return 'Too many requests right now; try again in a moment.';
    case 502: return 'Qualys did not answer properly; try again later.';
    default: return `The server answered ${resp.status} ${resp.statusText}`.trim();
  }
}

let mePromise = null;

/** me returns the caller: {name, role, ...}; one request per page load. */
export function me() {
  if (!mePromise) {
    mePromise = api('GET', '/api/v1/me').catch((err) => {
      mePromise = null;
      throw err;
    });
  }
  return mePromise;
}

/** showUser fills the header: the caller's name and role, the admin link for admins. */
export async function showUser() {
  const who = await me();
  const chip = document.getElementById('user-chip');
  if (chip) {
    chip.textContent = `${who.name || 'unknown'} · ${who.role || 'no role'}`;
    chip.hidden = false;
  }
  const adminLink = document.getElementById('admin-link');
  if (adminLink) adminLink.hidden = who.role !== 'admin';
  const out = document.getElementById('sign-out');
  if (out) {
    out.hidden = false;
    out.addEventListener('click', signOut);
  }
  return who;
}
