// The shares and downloads tabs.
import { api } from './api.js';
import { el, replaceChildren } from './dom.js';
import { formatBytes } from './chart.js';
import { defaultDownloadDirectory } from './settings.js';

const $ = (id) => document.getElementById(id);

function percent(done, total) {
  return total > 0 ? Math.floor((done / total) * 100) : 0;
}

function progressBar(done, total) {
  const bar = el('progress', { max: 100, value: percent(done, total), 'aria-label': `${percent(done, total)} percent` });
  return el('span', { class: 'progress' }, bar, ` ${percent(done, total)} %`);
}

// The clipboard API needs a secure context (127.0.0.1 and localhost are; an SSH tunnel under another name may not
// be): when it fails, the link is selected so that Ctrl+C copies it.
function copyButton(text, linkElement) {
  return el('button', {
    type: 'button',
    class: 'small copy-link',
    onclick: async (event) => {
      const button = event.currentTarget;
      try {
        await navigator.clipboard.writeText(text);
        button.textContent = 'Copied ✓';
      } catch {
        const range = document.createRange();
        range.selectNodeContents(linkElement);
        window.getSelection().removeAllRanges();
        window.getSelection().addRange(range);
        button.textContent = 'Selected: press Ctrl+C';
      }
      setTimeout(() => { button.textContent = 'Copy link'; }, 4000);
    },
  }, 'Copy link');
}

function linkCell(link) {
  if (!link) return el('td', { class: 'mono' }, '–');
  const text = el('span', { class: 'share-link' }, link);
  return el('td', { class: 'mono' }, text, el('div', {}, copyButton(link, text)));
}

// The shares tab refreshes every 5 s; rows are rebuilt only when a share changed, so a "Copied ✓" label or a
// selected link is not wiped out under the operator's hand.
let lastShares = null;

export async function loadShares(report, force = false) {
  const shares = await api.shares();
  const key = JSON.stringify(shares);
  if (!force && key === lastShares) return;
  lastShares = key;
  replaceChildren($('shares').tBodies[0], shares.map((s) => el('tr', {},
    el('td', {}, s.name, el('div', { class: 'sub mono' }, s.path)),
    el('td', {}, formatBytes(s.totalBytes), el('div', { class: 'sub' }, `${s.fileCount} files`)),
    el('td', {}, el('span', { class: `badge state-${s.state.toLowerCase()}` }, s.state),
      s.error ? el('div', { class: 'sub error-text' }, s.error) : null),
    linkCell(s.link),
    el('td', { class: 'actions' },
      s.publicLink ? null : el('button', { type: 'button', class: 'small',
        onclick: () => api.publishShare(s.id).then(() => loadShares(report, true)).catch(report) }, 'Make public'),
      el('button', { type: 'button', class: 'small', onclick: () => {
        if (window.confirm(`Stop sharing ${s.name}?`)) api.removeShare(s.id).then(() => loadShares(report, true)).catch(report);
      } }, 'Remove')))));
}

async function pollCreation(id, report) {
  const creation = await api.shareCreation(id);
  replaceChildren($('share-progress'), `Hashing ${creation.path}: `, progressBar(creation.hashedBytes, creation.totalBytes));
  if (creation.state === 'HASHING') {
    setTimeout(() => pollCreation(id, report).catch(report), 1000);
  } else if (creation.state === 'FAILED') {
    replaceChildren($('share-progress'), el('span', { class: 'error-text' }, creation.error));
  } else {
    // The bar stays, full, beside the link: the operator sees the hashing finished, not just a link appearing.
    replaceChildren($('share-progress'), `Hashed ${creation.path}: `, progressBar(creation.totalBytes, creation.totalBytes),
      ' Shared: ', el('span', { class: 'mono', id: 'share-created-link' }, creation.share.link ?? ''),
      creation.share.clientAuthKey ? el('span', {}, ' Client key (give it with the link): ',
        el('span', { class: 'mono', id: 'share-created-key' }, creation.share.clientAuthKey)) : null);
    await loadShares(report, true);
  }
}

export function bindShareForm(report) {
  const form = $('share-form');
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const path = form.elements.path.value.trim();
    try {
      const reveal = await api.previewShare(path);
      const findings = reveal.findings.map((f) => `${f.kind}: ${f.path} (${f.detail})`);
      const summary = `${reveal.name}: ${reveal.fileCount} files, ${formatBytes(reveal.totalBytes)}.`;
      replaceChildren($('share-reveal'), el('p', {}, summary),
        findings.length ? el('ul', {}, findings.map((f) => el('li', { class: 'error-text' }, f))) : el('p', {}, 'Nothing revealing found.'));
      if (findings.length && !window.confirm(`${summary}\n${findings.length} things this share reveals:\n${findings.slice(0, 10).join('\n')}\nShare anyway?`)) {
        return;
      }
      const creation = await api.createShare(path, form.elements.public.checked ? 'public' : 'private',
        form.elements.clientAuth.checked);
      await pollCreation(creation.id, report);
    } catch (error) {
      report(error);
    }
  });
}

export async function loadDownloads(report) {
  const downloads = await api.downloads();
  const dir = $('download-form').elements.dir;
  if (!dir.dataset.defaultShown) {
    const fallback = await defaultDownloadDirectory();
    if (fallback) dir.placeholder = `default: ${fallback}`;
    dir.dataset.defaultShown = 'true';
  }
  replaceChildren($('downloads').tBodies[0], downloads.map((d) => el('tr', {},
    el('td', {}, d.name ?? '(fetching metadata)', el('div', { class: 'sub mono' }, d.directory)),
    el('td', { class: 'download-progress' }, progressBar(d.completedBytes, d.totalBytes),
      el('div', { class: 'sub' }, `${formatBytes(d.completedBytes)} of ${formatBytes(d.totalBytes)}`)),
    el('td', {}, `↓ ${formatBytes(d.downloadRate)}/s ↑ ${formatBytes(d.uploadRate)}/s`),
    el('td', { class: 'num' }, d.peers),
    el('td', {}, d.etaSeconds === null ? '–' : `${Math.ceil(d.etaSeconds / 60)} min`),
    el('td', {}, el('span', { class: `badge state-${d.state.toLowerCase()}` }, d.state),
      d.error ? el('div', { class: 'sub error-text' }, d.error) : null,
      d.state === 'STALLED' ? el('div', { class: 'sub' }, 'nothing received for 30 s; still trying its peers') : null),
    el('td', { class: 'actions' },
      d.state === 'PAUSED' || d.state === 'FAILED'
        ? el('button', { type: 'button', class: 'small', onclick: () => api.resumeDownload(d.id).then(() => loadDownloads(report)).catch(report) }, d.state === 'FAILED' ? 'Retry' : 'Resume')
        : el('button', { type: 'button', class: 'small', onclick: () => api.pauseDownload(d.id).then(() => loadDownloads(report)).catch(report) }, 'Pause'),
      el('button', { type: 'button', class: 'small', onclick: () => api.removeDownload(d.id).then(() => loadDownloads(report)).catch(report) }, 'Remove')))));
}

export function bindDownloadForm(report) {
  const form = $('download-form');
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    try {
      await api.addDownload(form.elements.link.value.trim(), form.elements.dir.value.trim(),
        form.elements.clientAuthKey.value.trim());
      form.elements.link.value = '';
      form.elements.clientAuthKey.value = '';
      await loadDownloads(report);
    } catch (error) {
      report(error);
    }
  });
}
