// The statistics and logs tabs.
import { api } from './api.js';
import { el, replaceChildren } from './dom.js';
import { formatBytes, lineChart, rates } from './chart.js';

const $ = (id) => document.getElementById(id);

export async function loadStats() {
  const stats = await api.stats();
  const samples = stats.samples;
  const last = samples.length > 0 ? samples[samples.length - 1] : null;
  const relayed = rates(samples, (s) => s.bytesRelayed);
  const own = rates(samples, (s) => s.bytesOwn);
  const cells = rates(samples, (s) => s.cellsRelayed);
  replaceChildren($('stats-charts'),
    lineChart([
      { name: 'relayed for others', color: '#3b4cca', points: relayed },
      { name: 'own circuits', color: '#1f7a3d', points: own },
    ], { title: 'Relay traffic (bytes/s)', format: (v) => `${formatBytes(v)}/s` }),
    lineChart([{ name: 'cells relayed', color: '#9a6200', points: cells }],
      { title: 'Cells relayed per second', format: (v) => v.toFixed(v >= 10 ? 0 : 1) }));
  replaceChildren($('stats-totals'),
    el('dt', {}, 'Relayed for others since the console started'),
    el('dd', {}, last ? formatBytes(last.bytesRelayed) : '–'),
    el('dt', {}, 'Own circuit traffic'),
    el('dd', {}, last ? formatBytes(last.bytesOwn) : '–'),
    el('dt', {}, 'Transports sampled'),
    el('dd', {}, last ? (Object.keys(last.transports).join(', ') || 'none') : '–'),
    el('dt', {}, 'Sampling'),
    el('dd', {}, `every ${stats.sampleSeconds} s, last ${stats.capacity} samples kept`));
}

function time(ms) {
  return new Date(ms).toLocaleTimeString();
}

export async function loadLogs() {
  const level = $('log-level').value;
  const dedup = $('log-dedup').checked;
  const logs = await api.logs(level, dedup);
  $('logs-unavailable').hidden = logs.available;
  replaceChildren($('logs').tBodies[0], logs.entries.map((e) => el('tr', {},
    el('td', { class: 'mono' }, time(e.time)),
    el('td', {}, el('span', { class: `badge level-${e.level.toLowerCase()}` }, e.level)),
    el('td', { class: 'mono' }, e.source),
    el('td', {}, e.message, e.count > 1 ? el('span', { class: 'repeat' }, ` ×${e.count}`) : null))));
}
