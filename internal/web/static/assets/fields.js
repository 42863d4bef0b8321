// fields.js — the admin form's fields: one entry per option, with the option's JSON key (the
// same key the server names in a validation error), its kind and a line of help.

/** SECTIONS groups the options as the admin page shows them. */
export const SECTIONS = [
  { title: 'Qualys connection', fields: [
    { key: 'url', label: 'API URL', kind: 'url',
      help: 'Base URL of your Qualys API platform, with its https scheme and no trailing slash.' },
    { key: 'username', label: 'Username', kind: 'text', help: 'The Qualys API account.' },
    { key: 'password', label: 'Password', kind: 'password',
      help: 'Write-only: never shown again. Leave empty to keep the stored one.' },
  ] },
  { title: 'Scan launch', fields: [
    { key: 'enableScanLaunch', label: 'Allow analysts to launch VM scans of IPv4 indicators',
      kind: 'bool', help: 'Enforced by the server; every launch is audited.' },
    { key: 'scanOptionProfile', label: 'Option profile', kind: 'text',
      help: 'Option profile title, or its numeric id. Required when scan launch is on.' },
    { key: 'scannerName', label: 'Scanner appliance', kind: 'text',
      help: 'Scanner appliance name; leave empty to use the default scanner.' },
  ] },
  { title: 'Custom QID values', fields: [
    { key: 'customQidRegex', label: 'Custom QID pattern', kind: 'text', mono: true,
      help: 'Finds your own QID formats, e.g. TICKET-\\d+. Empty turns the type off. RE2 syntax.' },
    { key: 'customQidValueRegex', label: 'QID value pattern', kind: 'text', mono: true,
      help: 'Extracts the QID from a match: its first capture group, else the whole match; ' +
        'empty takes the last run of digits.' },
  ] },
  { title: 'Lookups', fields: [
    { key: 'ignore', label: 'Ignore list', kind: 'list',
      help: 'IPs, CIDR ranges and domains never looked up, one per line.' },
    { key: 'minSeverity', label: 'Minimum severity', kind: 'severity',
      help: 'Detections below this severity are left out.' },
    { key: 'maxPages', label: 'Max pages', kind: 'int',
      help: 'Pages fetched per Qualys list before it is reported as "at least N".' },
    { key: 'pageSize', label: 'Page size', kind: 'int', help: 'Records asked for per page.' },
    { key: 'batchSize', label: 'Batch size', kind: 'int',
      help: 'Addresses or QIDs sent in one request.' },
    { key: 'concurrency', label: 'Concurrency', kind: 'int',
      help: 'Parallel Qualys calls; your subscription\'s own limit may lower it.' },
  ] },
  { title: 'Timeouts and caching', fields: [
    { key: 'requestTimeout', label: 'Request timeout', kind: 'duration',
      help: 'One HTTP request to Qualys, e.g. 2m.' },
    { key: 'lookupTimeout', label: 'Lookup timeout', kind: 'duration', help: 'A whole lookup.' },
    { key: 'cacheTtl.knowledgeBase', label: 'KnowledgeBase cache', kind: 'duration',
      help: 'How long KB records are reused, e.g. 24h.' },
    { key: 'cacheTtl.detections', label: 'Detections cache', kind: 'duration',
      help: 'How long host detections are reused.' },
    { key: 'cacheTtl.scans', label: 'Scans cache', kind: 'duration',
      help: 'How long scan lists are reused.' },
    { key: 'cacheTtl.hosts', label: 'Host search cache', kind: 'duration',
      help: 'How long domain → host answers are reused.' },
    { key: 'scanDedupWindow', label: 'Scan dedup window', kind: 'duration',
      help: 'A second launch for the same IP within this window returns the first scan.' },
  ] },
];

/** getPath reads "a.b" from an object. */
export function getPath(obj, key) {
  return key.split('.').reduce((o, k) => (o == null ? undefined : o[k]), obj);
}

/** setPath writes "a.b" into an object, creating the parents it needs. */
export function setPath(obj, key, value) {
  const parts = key.split('.');
  let o = obj;
  for (const k of parts.slice(0, -1)) {
    if (typeof o[k] !== 'object' || o[k] === null) o[k] = {};
    o = o[k];
  }
  o[parts[parts.length - 1]] = value;
}
