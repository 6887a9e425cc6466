import { api, session, ApiError } from './api.js';
import { el, replaceChildren, formatDuration } from './dom.js';
import { loadLogs, loadStats } from './panels.js';
import { bindDirectoryPaging, loadDirectory } from './directory.js';
import { loadTor } from './tor.js';
import { bindDownloadForm, bindShareForm, loadDownloads, loadShares } from './transfers.js';
import { bindSettingsForm, loadSettings } from './settings.js';

const $ = (id) => document.getElementById(id);
const PROTECTED_HINT = 'The console refuses this for the framework, itself and its HTTP server.';

let allBundles = [];

function show(message, kind = 'info') {
  const box = $('message');
  box.textContent = message;
  box.className = `message ${kind}`;
  box.hidden = false;
}

function report(error) {
  if (error instanceof ApiError && error.status === 401) {
    show('Not signed in, or the session expired: open the management link (console.url) again.', 'error');
  } else {
    show(error.message, 'error');
  }
}

async function loadNode() {
  try {
    const node = await api.node();
    $('node-address').textContent = node.address ?? '–';
    $('node-nickname').textContent = node.nickname ?? '–';
    $('node-version').textContent = node.version ?? '–';
    $('node-uptime').textContent = formatDuration(node.uptime);
    $('node-transports').textContent = (node.transports ?? []).join(', ') || 'none';
    const warnings = $('warnings');
    replaceChildren(warnings, (node.warnings ?? []).map((w) => el('p', {}, w)));
    warnings.hidden = !node.warnings || node.warnings.length === 0;
  } catch (error) {
    if (error instanceof ApiError && error.status === 503) {
      $('node-address').textContent = 'node service not available';
    } else {
      report(error);
    }
  }
}

function stateBadge(state) {
  return el('span', { class: `badge state-${state.toLowerCase()}` }, state);
}

function actionButton(label, action, bundle, disabled = false) {
  return el('button', {
    type: 'button',
    class: 'small',
    disabled,
    title: disabled ? PROTECTED_HINT : '',
    onclick: async () => {
      if (label === 'Uninstall' && !window.confirm(`Uninstall ${bundle.symbolicName} ${bundle.version}?`)) {
        return;
      }
      try {
        const result = await action(bundle.id);
        show(`${label}: ${result.symbolicName} is now ${result.state}`);
      } catch (error) {
        report(error);
      }
      await loadBundles();
    },
  }, label);
}

// An uploaded bundle has no location to re-read: updating it means uploading the new jar.
let updateTarget = null;

function chooseUpdateFile(id) {
  updateTarget = id;
  const input = $('update-file');
  input.value = '';
  input.click();
  return new Promise((resolve, reject) => {
    input.onchange = () => {
      const file = input.files[0];
      if (!file) {
        reject(new Error('no file chosen'));
        return;
      }
      api.updateFile(updateTarget, file).then(resolve, reject);
    };
    input.oncancel = () => reject(new Error('update cancelled: no file chosen'));
  });
}

function bundleRow(b) {
  const system = b.id === 0;
  const active = b.state === 'ACTIVE' || b.state === 'STARTING';
  return el('tr', {},
    el('td', { class: 'num' }, b.id),
    el('td', {},
      el('a', { href: `#bundle-${b.id}`, onclick: (e) => { e.preventDefault(); showDetail(b.id); } },
        b.name ?? b.symbolicName),
      el('div', { class: 'sub mono' }, b.symbolicName)),
    el('td', { class: 'mono' }, b.version),
    el('td', {}, stateBadge(b.state)),
    el('td', { class: 'actions' },
      b.fragment ? el('span', { class: 'sub' }, 'fragment') : [
        active ? actionButton('Stop', api.stop, b, system) : actionButton('Start', api.start, b),
      ],
      b.location.startsWith('upload:')
        ? actionButton('Update', chooseUpdateFile, b, system)
        : actionButton('Update', api.update, b, system),
      actionButton('Uninstall', api.uninstall, b, system)));
}

function renderBundles() {
  const filter = $('bundle-filter').value.trim().toLowerCase();
  const rows = allBundles
    .filter((b) => !filter || String(b.id) === filter
      || (b.symbolicName ?? '').toLowerCase().includes(filter) || (b.name ?? '').toLowerCase().includes(filter))
    .map(bundleRow);
  replaceChildren($('bundles').tBodies[0], rows);
}

async function loadBundles() {
  try {
    allBundles = await api.bundles();
    renderBundles();
  } catch (error) {
    report(error);
  }
}

function list(title, items, render) {
  if (!items || items.length === 0) return null;
  return [el('h3', {}, title), el('ul', { class: 'plain' }, items.map((i) => el('li', {}, render(i))))];
}

async function showDetail(id) {
  const box = $('bundle-detail');
  try {
    const b = await api.bundle(id);
    replaceChildren(box,
      el('h2', {}, `${b.symbolicName} ${b.version}`, ' ', stateBadge(b.state)),
      el('button', { type: 'button', class: 'quiet close', onclick: () => { box.hidden = true; } }, 'Close'),
      el('dl', {}, Object.entries(b.headers ?? {}).flatMap(([k, v]) => [el('dt', {}, k), el('dd', {}, v)]),
        el('dt', {}, 'Location'), el('dd', { class: 'mono' }, b.location),
        el('dt', {}, 'Last modified'), el('dd', {}, b.lastModified)),
      b.unresolved ? [
        el('h3', {}, 'Why it does not resolve'),
        el('p', {}, b.unresolved.message),
        el('ul', { class: 'plain' }, b.unresolved.missingRequirements.map((r) =>
          el('li', { class: 'mono' }, `${r.namespace}: ${r.filter}`))),
      ] : null,
      list('Registered services', b.services, (s) => `${s.id}: ${s.objectClass.join(', ')}`),
      list('Imported packages', b.importedPackages, (p) => `${p.name} ${p.version} (from bundle ${p.providerBundleId})`),
      list('Exported packages', b.exportedPackages, (p) => `${p.name} ${p.version}`));
    box.hidden = false;
    box.scrollIntoView({ behavior: 'smooth' });
  } catch (error) {
    report(error);
  }
}

async function install(event) {
  event.preventDefault();
  const form = event.target;
  const file = form.elements.file.files[0];
  const url = form.elements.url.value.trim();
  const start = form.elements.start.checked;
  if (!file && !url) {
    show('Choose a jar file or enter a URL.', 'error');
    return;
  }
  try {
    const b = file ? await api.installFile(file, start) : await api.installUrl(url, start);
    show(`Installed ${b.symbolicName} ${b.version} as bundle ${b.id} (${b.state}).`);
    form.reset();
    form.elements.start.checked = true;
  } catch (error) {
    report(error);
  }
  await loadBundles();
}

function componentRow(c) {
  return el('tr', {},
    el('td', {}, c.name, c.failure ? el('div', { class: 'sub error-text' }, c.failure) : null),
    el('td', { class: 'num' }, c.bundleId),
    el('td', {}, stateBadge(c.state)),
    el('td', {}, el('ul', { class: 'plain' }, c.unsatisfiedReferences.map((r) =>
      el('li', { class: 'mono' }, `${r.name}: ${r.interface ?? '?'}${r.target ? ` ${r.target}` : ''}`)))));
}

async function loadComponents() {
  try {
    const onlyProblems = $('only-problems').checked;
    const components = (await api.components())
      .filter((c) => !onlyProblems || !['ACTIVE', 'SATISFIED'].includes(c.state));
    replaceChildren($('components').tBodies[0], components.map(componentRow));
  } catch (error) {
    report(error);
  }
}

const TABS = {
  bundles: () => loadBundles(),
  components: () => loadComponents(),
  shares: () => loadShares(report).catch(report),
  downloads: () => loadDownloads(report).catch(report),
  stats: () => loadStats().catch(report),
  directory: () => loadDirectory().catch(report),
  tor: () => loadTor().catch(report),
  logs: () => loadLogs().catch(report),
  settings: () => loadSettings().catch(report),
};
let refreshTimer = null;
// Set once the operator picks a tab: the start-up selection below must not take them back while the first
// requests are still on their way (a slow node answered after the click and hid the chosen panel).
let tabChosen = false;

function chooseTab(name) {
  tabChosen = true;
  selectTab(name);
}

function selectTab(name) {
  for (const tab of Object.keys(TABS)) {
    $(`tab-${tab}`).setAttribute('aria-selected', String(tab === name));
    $(`panel-${tab}`).hidden = tab !== name;
  }
  clearInterval(refreshTimer);
  TABS[name]();
  // Statistics and logs move on their own: refresh them while they are shown.
  if (['shares', 'downloads', 'stats', 'directory', 'tor', 'logs'].includes(name)) refreshTimer = setInterval(TABS[name], 5000);
  if (window.location.hash !== `#${name}`) history.replaceState(null, '', `#${name}`);
}

async function logout() {
  try {
    await api.logout();
    show('Signed out. Open the management link to sign in again.');
  } catch (error) {
    report(error);
  }
}

async function main() {
  $('tab-bundles').addEventListener('click', () => chooseTab('bundles'));
  $('tab-components').addEventListener('click', () => chooseTab('components'));
  $('tab-shares').addEventListener('click', () => chooseTab('shares'));
  $('tab-downloads').addEventListener('click', () => chooseTab('downloads'));
  bindShareForm(report);
  bindDownloadForm(report);
  $('tab-stats').addEventListener('click', () => chooseTab('stats'));
  $('tab-directory').addEventListener('click', () => chooseTab('directory'));
  bindDirectoryPaging(report);
  $('tab-tor').addEventListener('click', () => chooseTab('tor'));
  $('tab-logs').addEventListener('click', () => chooseTab('logs'));
  $('tab-settings').addEventListener('click', () => chooseTab('settings'));
  bindSettingsForm(report);
  $('log-level').addEventListener('change', () => loadLogs().catch(report));
  $('log-dedup').addEventListener('change', () => loadLogs().catch(report));
  $('log-refresh').addEventListener('click', () => loadLogs().catch(report));
  $('install-form').addEventListener('submit', install);
  $('bundle-filter').addEventListener('input', renderBundles);
  $('only-problems').addEventListener('change', loadComponents);
  $('logout').addEventListener('click', logout);
  try {
    await session();
  } catch (error) {
    report(error);
    return;
  }
  const initial = window.location.hash.slice(1);
  await loadNode();
  if (!tabChosen) selectTab(Object.hasOwn(TABS, initial) ? initial : 'bundles');
  setInterval(loadNode, 30000);
}

main();
