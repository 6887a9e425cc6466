// The console's REST client: every call carries the session cookie (sent by the browser) and, for state
// changes, the CSRF token from GET /api/session in X-CSRF-Token.

export class ApiError extends Error {
  constructor(status, message, body = null) {
    super(message);
    this.status = status;
    this.body = body;
  }
}

let csrfToken = null;

async function call(method, path, body, headers = {}) {
  const init = { method, headers: { Accept: 'application/json', ...headers }, credentials: 'same-origin' };
  if (method !== 'GET') {
    if (csrfToken === null) {
      await session();
    }
    init.headers['X-CSRF-Token'] = csrfToken;
  }
  if (body instanceof FormData) {
    init.body = body;
  } else if (body !== undefined) {
    init.headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  const response = await fetch(path, init);
  const text = await response.text();
  let json = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = null;
  }
  if (!response.ok) {
    const message = json && json.error ? json.error : `${response.status} ${response.statusText}`;
    throw new ApiError(response.status, message, json);
  }
  return json;
}

export async function session() {
  const s = await call('GET', '/api/session');
  csrfToken = s.csrfToken;
  return s;
}

export const api = {
  node: () => call('GET', '/api/node'),
  bundles: () => call('GET', '/api/bundles'),
  bundle: (id) => call('GET', `/api/bundles/${id}`),
  installFile: (file, start) => {
    const form = new FormData();
    form.append('file', file);
    form.append('start', String(start));
    return call('POST', '/api/bundles', form);
  },
  installUrl: (url, start) => call('POST', '/api/bundles', { url, start }),
  start: (id) => call('POST', `/api/bundles/${id}/start`),
  stop: (id) => call('POST', `/api/bundles/${id}/stop`),
  update: (id) => call('POST', `/api/bundles/${id}/update`),
  updateFile: (id, file) => {
    const form = new FormData();
    form.append('file', file);
    return call('POST', `/api/bundles/${id}/update`, form);
  },
  uninstall: (id) => call('DELETE', `/api/bundles/${id}`),
  components: () => call('GET', '/api/components'),
  logout: () => call('POST', '/api/logout'),
  stats: () => call('GET', '/api/stats'),
  tor: () => call('GET', '/api/tor'),
  shares: () => call('GET', '/api/shares'),
  previewShare: (path) => call('POST', '/api/shares', { path, previewOnly: true }),
  createShare: (path, visibility, clientAuth) => call('POST', '/api/shares', clientAuth ? { path, visibility, clientAuth: true } : { path, visibility }),
  shareCreation: (id) => call('GET', `/api/shares/creations/${encodeURIComponent(id)}`),
  publishShare: (id) => call('POST', `/api/shares/${encodeURIComponent(id)}/publish`),
  removeShare: (id) => call('DELETE', `/api/shares/${encodeURIComponent(id)}`),
  downloads: () => call('GET', '/api/downloads'),
  addDownload: (link, dir, clientAuthKey) => call('POST', '/api/downloads',
    Object.assign(dir ? { link, dir } : { link }, clientAuthKey ? { clientAuthKey } : {})),
  pauseDownload: (id) => call('POST', `/api/downloads/${encodeURIComponent(id)}/pause`),
  resumeDownload: (id) => call('POST', `/api/downloads/${encodeURIComponent(id)}/resume`),
  removeDownload: (id) => call('DELETE', `/api/downloads/${encodeURIComponent(id)}`),
  directory: (offset, limit) => call('GET', `/api/directory?offset=${offset}&limit=${limit}`),
  settings: () => call('GET', '/api/settings'),
  saveSettings: (changes) => call('PUT', '/api/settings', changes),
  logs: (level, dedup) => call('GET', `/api/logs?level=${encodeURIComponent(level)}&dedup=${dedup}&limit=500`),
};
