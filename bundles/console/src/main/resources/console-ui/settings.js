// The settings tab: one labelled field per setting from GET /api/settings; Save sends only what changed (PUT).
// A refused value comes back as 400 with "field": that input is marked invalid and the reason shown beside it.
import { api, ApiError } from './api.js';
import { el, replaceChildren } from './dom.js';

const $ = (id) => document.getElementById(id);
let loaded = null;

function input(setting) {
  const attributes = { id: `setting-${setting.name}`, name: setting.name, 'aria-describedby': `setting-${setting.name}-help` };
  if (setting.type === 'choice') {
    return el('select', attributes, setting.options.map((o) => el('option', { value: o, selected: o === setting.value }, o)));
  }
  if (setting.type === 'integer') {
    // A text field, not type=number: a browser turns what it cannot parse into '' and the node would never see it.
    return el('input', { ...attributes, type: 'text', inputmode: 'numeric', size: 8, value: setting.value });
  }
  return el('input', { ...attributes, type: 'text', size: setting.type === 'path' ? 50 : 30, maxlength: setting.maxLength, value: setting.value });
}

function field(setting) {
  return el('div', { class: 'setting' },
    el('label', { for: `setting-${setting.name}` }, setting.label),
    input(setting),
    el('span', { class: `badge ${setting.configured ? 'state-active' : 'state-resolved'}` }, setting.configured ? 'set' : 'default'),
    el('div', { id: `setting-${setting.name}-help`, class: 'sub' }, setting.description, ` Default: ${setting.default}.`),
    el('div', { id: `setting-${setting.name}-error`, class: 'sub error-text', role: 'alert' }));
}

export async function loadSettings() {
  loaded = await api.settings();
  replaceChildren($('settings-fields'), loaded.settings.map(field));
  replaceChildren($('settings-unavailable'), loaded.unavailable.map((u) =>
    el('li', {}, el('strong', {}, u.label), ` (${u.name}): n/a, ${u.reason}`)));
  $('settings-unavailable-heading').hidden = loaded.unavailable.length === 0;
  return loaded;
}

/** The configured default download directory, or null when settings are not available. */
export async function defaultDownloadDirectory() {
  try {
    const settings = loaded ?? await api.settings();
    return settings.values.downloadDirectory ?? null;
  } catch {
    return null;
  }
}

function changes() {
  const body = {};
  for (const setting of loaded.settings) {
    const value = $(`setting-${setting.name}`).value.trim();
    if (setting.type === 'integer') {
      // Sent as typed so that the node, not the page, judges it (a non-number is a 400 naming the field).
      // An empty field means "back to the default".
      const number = value === '' ? null : Number(value);
      if (number !== setting.value) body[setting.name] = number === null || Number.isFinite(number) ? number : value;
    } else if (value !== setting.value) {
      body[setting.name] = value === '' ? null : value;
    }
  }
  return body;
}

export function bindSettingsForm(report) {
  $('settings-reload').addEventListener('click', () => loadSettings().then(() => { $('settings-status').textContent = ''; }).catch(report));
  $('settings-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    for (const error of document.querySelectorAll('#settings-fields .error-text')) error.textContent = '';
    for (const bad of document.querySelectorAll('#settings-fields [aria-invalid]')) bad.removeAttribute('aria-invalid');
    const body = changes();
    if (Object.keys(body).length === 0) {
      $('settings-status').textContent = 'Nothing changed.';
      return;
    }
    try {
      const result = await api.saveSettings(body);
      await loadSettings();
      $('settings-status').textContent = `Saved: ${result.changed.join(', ')}.`;
    } catch (error) {
      if (error instanceof ApiError && error.status === 400 && error.body && error.body.field && $(`setting-${error.body.field}`)) {
        $(`setting-${error.body.field}`).setAttribute('aria-invalid', 'true');
        $(`setting-${error.body.field}-error`).textContent = error.message;
        $('settings-status').textContent = `Not saved: ${error.message}`;
      } else {
        report(error);
      }
    }
  });
}
