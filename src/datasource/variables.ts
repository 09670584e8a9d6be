/**
 * Template variable queries, written as in Grafana's Prometheus data source and answered through
 * the backend's Prometheus proxy:
 *   label_names()                    every label name
 *   label_names(<selector>)          label names of the matching series
 *   label_values(<label>)            every value of a label
 *   label_values(<selector>, <label>) values of a label on the matching series
 *   metrics(<regex>)                 metric names matching the regex (anchored, like Prometheus)
 */
import type { MetricFindValue } from '@grafana/data';

export type VariableQuery =
  | { kind: 'label_names'; match?: string }
  | { kind: 'label_values'; label: string; match?: string }
  | { kind: 'metrics'; regex: string };

export interface SuggestionSource {
  labelNames(match?: string): Promise<string[]>;
  labelValues(label: string, match?: string): Promise<string[]>;
}

const LABEL = '[a-zA-Z_][a-zA-Z0-9_]*';
const LABEL_NAMES = /^label_names\(\s*(.*?)\s*\)$/s;
const LABEL_VALUES = new RegExp(`^label_values\\(\\s*(?:(.+?)\\s*,\\s*)?(${LABEL})\\s*\\)$`, 's');
const METRICS = /^metrics\(\s*(.*?)\s*\)$/s;

export const VARIABLE_QUERY_HELP =
  'label_values(job), label_values(up{env="prod"}, instance), label_names(), metrics(^node_.*)';

/** The parsed query, or an error saying what to write instead. */
export function parseVariableQuery(text: string): VariableQuery | { error: string } {
  const q = text.trim();
  let m = LABEL_VALUES.exec(q);
  if (m) {
    return { kind: 'label_values', label: m[2], ...(m[1] && { match: m[1] }) };
  }
  m = LABEL_NAMES.exec(q);
  if (m) {
    return { kind: 'label_names', ...(m[1] && { match: m[1] }) };
  }
  m = METRICS.exec(q);
  if (m) {
    try {
      new RegExp(m[1]);
    } catch (e) {
      return { error: `metrics(): invalid regex ${JSON.stringify(m[1])}: ${(e as Error).message}` };
    }
    return { kind: 'metrics', regex: m[1] };
  }
  return {
    error: `unknown variable query ${JSON.stringify(q)}: use one of ${VARIABLE_QUERY_HELP}`,
  };
}

export async function runVariableQuery(source: SuggestionSource, text: string): Promise<MetricFindValue[]> {
  const parsed = parseVariableQuery(text);
  if ('error' in parsed) {
    throw new Error(parsed.error);
  }
  let values: string[];
  switch (parsed.kind) {
    case 'label_names':
      values = await source.labelNames(parsed.match);
      break;
    case 'label_values':
      values = await source.labelValues(parsed.label, parsed.match);
      break;
    case 'metrics': {
      const re = new RegExp(`^(?:${parsed.regex})$`);
      values = (await source.labelValues('__name__')).filter((name) => re.test(name));
      break;
    }
  }
  return values.map((text) => ({ text, value: text }));
}
