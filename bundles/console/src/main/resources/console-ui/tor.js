// The Tor tab: GET /api/tor — the tor transport's monitor (seed 000's Nyx view): state and bootstrap progress,
// bandwidth over time, circuits, tor's log lines with repeats folded ("×N").
import { api } from './api.js';
import { el, replaceChildren } from './dom.js';
import { formatBytes, lineChart } from './chart.js';

const $ = (id) => document.getElementById(id);

function stateText(t) {
  const s = t.state;
  if (s.phase === 'FAILED') return el('span', { id: 'tor-error', class: 'error-text' }, `FAILED: ${s.detail}`);
  return `${s.phase}${s.detail ? ` (${s.detail})` : ''}`;
}

function bootstrapText(b) {
  const text = `${b.progress} %${b.summary ? ` — ${b.summary}` : ''}${b.tag ? ` (${b.tag})` : ''}`;
  return [text, b.warning ? el('div', { class: 'error-text' }, `tor warns: ${b.warning}`) : null];
}

function circuitRow(c) {
  return el('tr', {},
    el('td', { class: 'mono' }, c.id),
    el('td', {}, c.status),
    el('td', {}, String(c.pathLength)),
    el('td', {}, c.purpose),
    el('td', { class: 'mono sub' }, c.path.join(' → ')));
}

function logRow(e) {
  return el('tr', {},
    el('td', { class: 'mono' }, new Date(e.last).toLocaleTimeString()),
    el('td', {}, el('span', { class: `badge level-${e.severity === 'ERR' ? 'error' : e.severity.toLowerCase()}` },
      e.severity)),
    el('td', {}, e.message, e.count > 1 ? el('span', { class: 'repeat' }, ` ×${e.count}`) : null));
}

export async function loadTor() {
  const t = await api.tor();
  $('tor-absent').hidden = t.installed;
  $('tor-present').hidden = !t.installed;
  if (!t.installed) {
    $('tor-absent').textContent = t.detail;
    return;
  }
  replaceChildren($('tor-summary'),
    el('dt', {}, 'State'),
    el('dd', { id: 'tor-state' }, stateText(t)),
    el('dt', {}, 'Since'),
    el('dd', {}, new Date(t.state.since).toLocaleString()),
    el('dt', {}, 'Bootstrap'),
    el('dd', { id: 'tor-bootstrap' }, bootstrapText(t.bootstrap)),
    el('dt', {}, 'Circuits'),
    el('dd', {}, String(t.circuits.total)));
  const bytesPerSecond = (v) => `${formatBytes(v)}/s`;
  // Each BW event already counts one second's bytes: plotted as they are.
  replaceChildren($('tor-charts'), lineChart([
    { name: 'read', color: '#1f6fb2', points: t.bandwidth.map((s) => ({ t: s.time, v: s.read })) },
    { name: 'written', color: '#b03a2e', points: t.bandwidth.map((s) => ({ t: s.time, v: s.written })) },
  ], { title: 'tor bandwidth (bytes/s)', format: bytesPerSecond }));
  replaceChildren($('tor-circuits').tBodies[0], t.circuits.items.map(circuitRow));
  // Newest first, as the logs tab.
  replaceChildren($('tor-log').tBodies[0], [...t.log.items].reverse().map(logRow));
}
