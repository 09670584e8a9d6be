// Text for the model registry's cells: label sets, sizes, durations and fit statistics.
import { dateTimeFormat, dateTimeFormatTimeAgo } from '@grafana/data';
import { formatDuration } from '../../query/duration';
import type { ModelSummary } from '../../query/api';

/** `{instance="a", job="api"}` in PromQL style, names sorted; `{}` for none. */
export function formatLabels(labels: Record<string, string> | undefined): string {
  const names = Object.keys(labels ?? {}).sort();
  return `{${names.map((n) => `${n}="${labels![n]}"`).join(', ')}}`;
}

export function formatBytes(n: number): string {
  if (!Number.isFinite(n) || n < 1024) {
    return `${n} B`;
  }
  const units = ['KiB', 'MiB', 'GiB'];
  let v = n / 1024;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${v.toFixed(1)} ${units[u]}`;
}

export function formatTime(ms: number): string {
  return Number.isFinite(ms) && ms > 0 ? dateTimeFormat(ms, { format: 'YYYY-MM-DD HH:mm' }) : '–';
}

export function formatAgo(ms: number): string {
  return Number.isFinite(ms) && ms > 0 ? dateTimeFormatTimeAgo(ms) : 'never';
}

export function formatSpan(fromMs: number, toMs: number): string {
  return toMs > fromMs ? formatDuration(toMs - fromMs) : '0s';
}

/** `name: value` pairs of the fit statistics, numbers rounded for reading. */
export function formatFitStats(stats: Record<string, unknown>): string[] {
  return Object.entries(stats)
    .filter(([, v]) => v !== null && v !== undefined && typeof v !== 'object')
    .map(([k, v]) => `${k}: ${typeof v === 'number' ? Number(v.toPrecision(4)) : String(v)}`);
}

/** What a search matches: the key, the query, the labels and the kind. */
export function searchText(m: ModelSummary): string {
  return [m.key, m.kind, m.parts?.expr ?? '', formatLabels(m.parts?.labels)].join(' ').toLowerCase();
}
