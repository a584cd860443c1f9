/** The results as an SVG bar chart: one column per workload, requests/s on top, p99 below. Pure. */
import type { Row } from './report';

const COLORS = ['#6b7280', '#2563eb', '#f59e0b', '#10b981', '#ef4444', '#8b5cf6'];
const PANEL_W = 360;
const PANEL_H = 220;
const PAD = { left: 56, top: 36, bottom: 36, right: 12 };

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

function niceMax(value: number): number {
  if (!(value > 0)) return 1;
  const magnitude = 10 ** Math.floor(Math.log10(value));
  const steps = [1, 2, 2.5, 5, 10];
  return (steps.find((s) => s * magnitude >= value) ?? 10) * magnitude;
}

function panel(x0: number, y0: number, title: string, rows: Row[], configs: string[], metric: (r: Row) => number, unit: string): string {
  const levels = [...new Set(rows.map((r) => r.concurrency))].sort((a, b) => a - b);
  const max = niceMax(Math.max(0, ...rows.map(metric).filter(Number.isFinite)));
  const plotW = PANEL_W - PAD.left - PAD.right;
  const plotH = PANEL_H - PAD.top - PAD.bottom;
  const groupW = plotW / Math.max(1, levels.length);
  const present = configs.filter((c) => rows.some((r) => r.config === c));
  const barW = Math.min(28, (groupW - 12) / Math.max(1, present.length));
  const out: string[] = [`<text x="${x0 + PAD.left}" y="${y0 + 20}" font-size="13" font-weight="bold">${esc(title)}</text>`];
  for (let i = 0; i <= 4; i++) {
    const v = (max * i) / 4;
    const y = y0 + PAD.top + plotH - (plotH * i) / 4;
    out.push(`<line x1="${x0 + PAD.left}" x2="${x0 + PAD.left + plotW}" y1="${y}" y2="${y}" stroke="#e5e7eb"/>`);
    out.push(`<text x="${x0 + PAD.left - 6}" y="${y + 4}" font-size="10" text-anchor="end">${v >= 100 ? v.toFixed(0) : v.toFixed(1)}</text>`);
  }
  out.push(`<text x="${x0 + 12}" y="${y0 + PAD.top + plotH / 2}" font-size="10" transform="rotate(-90 ${x0 + 12} ${y0 + PAD.top + plotH / 2})" text-anchor="middle">${esc(unit)}</text>`);
  levels.forEach((level, g) => {
    const gx = x0 + PAD.left + g * groupW + (groupW - barW * present.length) / 2;
    present.forEach((config, i) => {
      const row = rows.find((r) => r.concurrency === level && r.config === config);
      const v = row ? metric(row) : Number.NaN;
      if (!Number.isFinite(v)) return;
      const h = (plotH * v) / max;
      const x = gx + i * barW;
      const y = y0 + PAD.top + plotH - h;
      out.push(`<rect x="${x.toFixed(1)}" y="${y.toFixed(1)}" width="${(barW - 2).toFixed(1)}" height="${h.toFixed(1)}" fill="${COLORS[configs.indexOf(config) % COLORS.length]}"><title>${esc(`${config} c=${level}: ${v.toFixed(1)} ${unit}`)}</title></rect>`);
      out.push(`<text x="${(x + (barW - 2) / 2).toFixed(1)}" y="${(y - 3).toFixed(1)}" font-size="9" text-anchor="middle">${v >= 100 ? v.toFixed(0) : v.toFixed(1)}</text>`);
    });
    out.push(`<text x="${x0 + PAD.left + g * groupW + groupW / 2}" y="${y0 + PAD.top + plotH + 16}" font-size="10" text-anchor="middle">${level} conn.</text>`);
  });
  return out.join('\n');
}

export function renderChart(rows: Row[], title: string): string {
  const workloads = [...new Set(rows.map((r) => r.workload))];
  const configs = [...new Set(rows.map((r) => r.config))].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
  const width = Math.max(1, workloads.length) * PANEL_W;
  const height = 2 * PANEL_H + 60;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="12" y="20" font-size="14" font-weight="bold">${esc(title)}</text>`,
  ];
  configs.forEach((c, i) => {
    parts.push(`<rect x="${12 + i * 120}" y="32" width="12" height="12" fill="${COLORS[i % COLORS.length]}"/><text x="${28 + i * 120}" y="42" font-size="11">${esc(c)}</text>`);
  });
  workloads.forEach((w, i) => {
    const wr = rows.filter((r) => r.workload === w);
    parts.push(panel(i * PANEL_W, 50, `${w} requests/s (higher is better)`, wr, configs, (r) => r.rps, 'req/s'));
    parts.push(panel(i * PANEL_W, 50 + PANEL_H, `${w} p99 latency (lower is better)`, wr, configs, (r) => r.p99, 'ms'));
  });
  parts.push('</svg>');
  return parts.join('\n') + '\n';
}

const rank = (c: string) => (c === 'direct' ? 0 : c === 'gateway' ? 1 : c === 'hive' ? 2 : 3);
