// The statistics and logs tabs.
import { api } from './api.js';
import { el, replaceChildren } from './dom.js';
import { formatBytes, lineChart, rates } from './chart.js';

const $ = (id) => document.getElementById(id);

export async function loadStats() {
  const stats = await api.stats();
  const samples = stats.samples;
  const last = samples.length > 0 ? samples[samples.length - 1] : null;
  const unavailable = stats.unavailable ?? {};
  const relayed = rates(samples, (s) => s.bytesRelayed);
  const own = rates(samples, (s) => s.bytesOwn);
  const cells = rates(samples, (s) => s.cellsRelayed);
  // Transfer totals exist only in samples taken while the swarm engine ran: rates between two such samples.
  const withTransfers = samples.filter((s) => s.uploadedBytes !== null && s.uploadedBytes !== undefined);
  const uploaded = rates(withTransfers, (s) => s.uploadedBytes);
  const downloaded = rates(withTransfers, (s) => s.downloadedBytes);
  const transfersNa = withTransfers.length === 0 ? (unavailable.transfers ?? 'not reported') : null;
  // Circuit counts are levels, not totals: plotted as they are, from samples where a transport reported them.
  const withCircuits = samples.filter((s) => s.circuits !== null && s.circuits !== undefined);
  const circuitPoints = (read) => withCircuits.map((s) => ({ t: s.time, v: read(s.circuits) }));
  const circuitsNa = withCircuits.length === 0 ? (unavailable.circuits ?? 'not reported') : null;
  const lastCircuits = withCircuits.length > 0 ? withCircuits[withCircuits.length - 1].circuits : null;
  // Introductions of this node's onion services: running totals, drawn as rates like the traffic.
  const withServices = samples.filter((s) => s.introductionsAccepted !== null && s.introductionsAccepted !== undefined);
  const servicesNa = withServices.length === 0 ? (unavailable.onionServices ?? 'not reported') : null;
  const bytesPerSecond = (v) => `${formatBytes(v)}/s`;
  const na = (reason) => `n/a (${reason})`;
  replaceChildren($('stats-charts'),
    lineChart([
      { name: 'uploaded', color: '#b03a2e', points: uploaded },
      { name: 'downloaded', color: '#1f6fb2', points: downloaded },
    ], { title: 'Transfers (bytes/s)', format: bytesPerSecond, unavailable: transfersNa }),
    lineChart([
      { name: 'relayed for others', color: '#3b4cca', points: relayed },
      { name: 'own circuits', color: '#1f7a3d', points: own },
    ], { title: 'Relay traffic (bytes/s)', format: bytesPerSecond }),
    lineChart([{ name: 'cells relayed', color: '#9a6200', points: cells }],
      { title: 'Cells relayed per second', format: (v) => v.toFixed(v >= 10 ? 0 : 1) }),
    lineChart([
      { name: 'accepted', color: '#1f7a3d', points: rates(withServices, (s) => s.introductionsAccepted) },
      { name: 'refused', color: '#b03a2e', points: rates(withServices, (s) => s.introductionsRefused) },
    ], { title: 'Onion service introductions per second', format: (v) => v.toFixed(v >= 10 ? 0 : 2),
      unavailable: servicesNa }),
    lineChart([
      { name: 'own open', color: '#1f7a3d', points: circuitPoints((c) => c.ownOpen) },
      { name: 'relayed for others', color: '#3b4cca', points: circuitPoints((c) => c.relayedOpen) },
    ], { title: 'Circuits open', format: (v) => v.toFixed(0), unavailable: circuitsNa }));
  const lastTransfers = withTransfers.length > 0 ? withTransfers[withTransfers.length - 1] : null;
  const transfer = (read) => (lastTransfers ? read(lastTransfers) : na(transfersNa));
  replaceChildren($('stats-totals'),
    el('dt', {}, 'Uploaded by this node’s torrents'),
    el('dd', { id: 'stats-uploaded' }, transfer((s) => formatBytes(s.uploadedBytes))),
    el('dt', {}, 'Downloaded by this node’s torrents'),
    el('dd', { id: 'stats-downloaded' }, transfer((s) => formatBytes(s.downloadedBytes))),
    el('dt', {}, 'Upload / download rate now'),
    el('dd', {}, transfer((s) => `↑ ${bytesPerSecond(s.uploadRate)} ↓ ${bytesPerSecond(s.downloadRate)}`)),
    el('dt', {}, 'Torrents / peers'),
    el('dd', {}, transfer((s) => `${s.torrents} / ${s.swarmPeers}`)),
    el('dt', {}, 'Relayed for others since the console started'),
    el('dd', { id: 'stats-relayed' }, last ? formatBytes(last.bytesRelayed) : '–'),
    el('dt', {}, 'Own circuit traffic'),
    el('dd', {}, last ? formatBytes(last.bytesOwn) : '–'),
    el('dt', {}, 'Circuits'),
    el('dd', { id: 'stats-circuits' }, lastCircuits
      ? `${lastCircuits.ownOpen} own open, ${lastCircuits.relayedOpen} relayed for others; `
        + `${lastCircuits.ownBuilt} built, ${lastCircuits.ownFailed} failed since the transport started`
      : na(circuitsNa)),
    el('dt', {}, 'Onion services'),
    el('dd', { id: 'stats-services' }, serviceSummary(stats.onionServices ?? {}, unavailable.onionServices)),
    el('dt', {}, 'Transports sampled'),
    el('dd', {}, last ? (Object.keys(last.transports).join(', ') || 'none') : '–'),
    el('dt', {}, 'Sampling'),
    el('dd', {}, `every ${stats.sampleSeconds} s, last ${stats.capacity} samples kept`));
}

// "published, open; introductions accepted / refused (by reason); rendezvous failed; connects ok / failed (by step)",
// over every transport that reports onion services (normally the one native onion transport).
function serviceSummary(byScheme, why) {
  const all = Object.values(byScheme);
  if (all.length === 0) {
    return `n/a (${why ?? 'not reported'})`;
  }
  const sum = (read) => all.reduce((total, c) => total + read(c), 0);
  const reasons = (read) => {
    const merged = {};
    all.forEach((c) => Object.entries(read(c)).forEach(([reason, n]) => { merged[reason] = (merged[reason] ?? 0) + n; }));
    const parts = Object.entries(merged).map(([reason, n]) => `${reason} ${n}`);
    return parts.length > 0 ? ` (${parts.join(', ')})` : '';
  };
  return `${sum((c) => c.published)} published, ${sum((c) => c.connections)} connections open; `
    + `introductions ${sum((c) => c.introductionsAccepted)} accepted, ${sum((c) => c.introductionsRefused)} refused`
    + `${reasons((c) => c.introductionsRefusedBy)}; ${sum((c) => c.rendezvousFailed)} rendezvous failed; `
    + `connects ${sum((c) => c.connectsSucceeded)} made, ${sum((c) => c.connectsFailed)} failed`
    + `${reasons((c) => c.connectsFailedBy)}`;
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
