// A small line chart drawn as SVG by hand: the console works without network access, so no chart library
// from a CDN. Series are arrays of {t, v} (milliseconds, value); the chart scales both axes to the data.

const SVG = 'http://www.w3.org/2000/svg';

function svg(tag, attributes = {}, text) {
  const node = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attributes)) {
    node.setAttribute(name, String(value));
  }
  if (text !== undefined) node.textContent = text;
  return node;
}

export function formatBytes(n) {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let i = 0;
  let value = n;
  while (Math.abs(value) >= 1024 && i < units.length - 1) {
    value /= 1024;
    i += 1;
  }
  return `${value.toFixed(value >= 100 || (i === 0 && value >= 10) ? 0 : 1)} ${units[i]}`;
}

/**
 * @param series [{name, color, points: [{t, v}]}]
 * @param format value → axis label
 * @returns an <svg> element with class "chart"
 */
export function lineChart(series, { width = 640, height = 200, format = String, title = '', unavailable = null } = {}) {
  const pad = { left: 70, right: 12, top: 22, bottom: 24 };
  const chart = svg('svg', { class: 'chart', viewBox: `0 0 ${width} ${height}`, role: 'img', 'aria-label': title });
  // <title> names the graph for screen readers; <desc> says what it shows now (each series' latest value).
  chart.append(svg('title', {}, title));
  chart.append(svg('desc', {}, unavailable ? `n/a: ${unavailable}` : series.map((s) => {
    const last = s.points.length > 0 ? s.points[s.points.length - 1].v : null;
    return `${s.name}: ${last === null ? 'no data yet' : format(last)}`;
  }).join('; ')));
  chart.append(svg('text', { x: pad.left, y: 14, class: 'chart-title' }, title));
  const all = series.flatMap((s) => s.points);
  const plotW = width - pad.left - pad.right;
  const plotH = height - pad.top - pad.bottom;
  chart.append(svg('rect', { x: pad.left, y: pad.top, width: plotW, height: plotH, class: 'chart-area' }));
  // A line needs two points; until some series has them there is nothing to draw.
  if (unavailable || !series.some((s) => s.points.length >= 2)) {
    chart.append(svg('text', { x: pad.left + 8, y: pad.top + plotH / 2, class: 'chart-empty' },
      unavailable ? `n/a: ${unavailable}` : 'collecting samples…'));
    return chart;
  }
  const t0 = Math.min(...all.map((p) => p.t));
  const t1 = Math.max(...all.map((p) => p.t));
  const vMax = Math.max(1, ...all.map((p) => p.v));
  const x = (t) => pad.left + (t1 === t0 ? 0 : ((t - t0) / (t1 - t0)) * plotW);
  const y = (v) => pad.top + plotH - (v / vMax) * plotH;
  for (const fraction of [0, 0.5, 1]) {
    const v = vMax * fraction;
    chart.append(svg('line', { x1: pad.left, x2: pad.left + plotW, y1: y(v), y2: y(v), class: 'chart-grid' }));
    chart.append(svg('text', { x: pad.left - 6, y: y(v) + 4, class: 'chart-axis', 'text-anchor': 'end' }, format(v)));
  }
  const minutes = Math.round((t1 - t0) / 60000);
  chart.append(svg('text', { x: pad.left + plotW, y: height - 6, class: 'chart-axis', 'text-anchor': 'end' },
    minutes > 0 ? `last ${minutes} min` : `last ${Math.round((t1 - t0) / 1000)} s`));
  let legendX = pad.left;
  for (const s of series) {
    if (s.points.length < 2) continue;
    const d = s.points.map((p, i) => `${i === 0 ? 'M' : 'L'}${x(p.t).toFixed(1)},${y(p.v).toFixed(1)}`).join(' ');
    chart.append(svg('path', { d, class: 'chart-line', stroke: s.color, fill: 'none', 'data-series': s.name }));
    chart.append(svg('rect', { x: legendX, y: height - 16, width: 10, height: 10, fill: s.color }));
    chart.append(svg('text', { x: legendX + 14, y: height - 7, class: 'chart-axis' }, s.name));
    legendX += 20 + s.name.length * 7;
  }
  return chart;
}

/** Totals sampled over time → rates per second between consecutive samples. */
export function rates(samples, read) {
  const points = [];
  for (let i = 1; i < samples.length; i += 1) {
    const seconds = (samples[i].time - samples[i - 1].time) / 1000;
    if (seconds <= 0) continue;
    points.push({ t: samples[i].time, v: Math.max(0, (read(samples[i]) - read(samples[i - 1])) / seconds) });
  }
  return points;
}
