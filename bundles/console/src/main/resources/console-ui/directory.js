// The directory tab: GET /api/directory — which scheme the onion transport uses, what each installed scheme
// knows, and the active scheme's relays a page at a time.
import { api } from './api.js';
import { el, replaceChildren } from './dom.js';
import { formatBytes } from './chart.js';

const $ = (id) => document.getElementById(id);
const PAGE = 25;
let offset = 0;

function relayRow(r) {
  return el('tr', {},
    el('td', { class: 'mono' }, r.identity),
    el('td', { class: 'mono' }, r.orAddresses.join(', ')),
    el('td', {}, r.flags.join(' ')),
    el('td', {}, `${formatBytes(r.bandwidthObserved)}/s`),
    el('td', {}, r.version),
    el('td', {}, new Date(r.published).toLocaleString()));
}

function schemeRow(s) {
  return el('tr', {},
    el('td', {}, s.scheme, s.active ? el('span', { class: 'badge state-active' }, 'active') : null),
    el('td', {}, s.ready ? 'ready' : 'not ready'),
    el('td', {}, String(s.relays)),
    el('td', {}, s.validUntil ? new Date(s.validUntil).toLocaleString() : '–'),
    el('td', {}, s.detail));
}

export async function loadDirectory() {
  const d = await api.directory(offset, PAGE);
  const active = d.schemes.find((s) => s.active);
  replaceChildren($('directory-summary'),
    el('dt', {}, 'Active scheme'),
    el('dd', { id: 'directory-active' }, d.active ?? 'none', ' ', el('span', { class: 'sub' }, `(${d.activeBecause})`)),
    el('dt', {}, 'State'),
    el('dd', { id: 'directory-ready' }, active ? (active.ready ? 'ready' : 'not ready') : '–'),
    el('dt', {}, 'Relays'),
    el('dd', { id: 'directory-relays' }, active ? String(active.relays) : '–'),
    el('dt', {}, 'Valid until'),
    el('dd', {}, active && active.validUntil ? new Date(active.validUntil).toLocaleString() : '–'),
    el('dt', {}, 'Detail'),
    el('dd', { id: 'directory-detail' }, active ? active.detail : '–'),
    el('dt', {}, 'Not reported'),
    el('dd', { class: 'sub' }, Object.entries(d.unavailable).map(([k, why]) => `${k}: ${why}`).join('; ')));
  replaceChildren($('directory-schemes').tBodies[0], d.schemes.map(schemeRow));
  const list = d.relayList;
  replaceChildren($('directory-relays-table').tBodies[0], list ? list.items.map(relayRow) : []);
  let status = 'no directory scheme installed';
  if (list && list.error) {
    status = `relay list of ${list.scheme}: ${list.error}`;
  } else if (list) {
    const last = Math.min(list.total, list.offset + list.items.length);
    status = `${list.scheme}, flag ${list.flag}: relays ${list.total === 0 ? 0 : list.offset + 1}–${last} of ${list.total}`;
  }
  $('directory-page').textContent = status;
  $('directory-prev').disabled = !list || list.offset === 0;
  $('directory-next').disabled = !list || list.total === null || list.offset + list.items.length >= list.total;
}

export function bindDirectoryPaging(report) {
  $('directory-prev').addEventListener('click', () => {
    offset = Math.max(0, offset - PAGE);
    loadDirectory().catch(report);
  });
  $('directory-next').addEventListener('click', () => {
    offset += PAGE;
    loadDirectory().catch(report);
  });
}
