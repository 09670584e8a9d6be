/**
 * What to suggest at the cursor of a PromQL expression, decided from the text before it. Not a
 * parser: a few patterns that cover where users type names (metric names, label names in a
 * selector or a by/without clause, label values after a matcher).
 */
export type CompletionContext =
  | { kind: 'metric'; prefix: string; from: number }
  | { kind: 'label'; metric?: string; prefix: string; from: number }
  | { kind: 'value'; metric?: string; label: string; prefix: string; from: number }
  | { kind: 'none' };

const METRIC_NAME = /[a-zA-Z_:][a-zA-Z0-9_:]*$/;

export function completionContext(text: string, cursor: number): CompletionContext {
  const before = text.slice(0, cursor);
  // A label value: after label="  /  label=~"  /  label!="  inside an open selector.
  const value =
    /([a-zA-Z_:][a-zA-Z0-9_:]*)?\{[^{}]*?([a-zA-Z_][a-zA-Z0-9_]*)\s*(?:=~|!~|!=|=)\s*"((?:[^"\\]|\\.)*)$/.exec(before);
  if (value) {
    return {
      kind: 'value',
      ...(value[1] && { metric: value[1] }),
      label: value[2],
      prefix: value[3],
      from: cursor - value[3].length,
    };
  }
  // A label name: right after { or , inside an open selector.
  const brace = openBrace(before);
  if (brace >= 0) {
    const inside = /(?:^|,)\s*([a-zA-Z_][a-zA-Z0-9_]*)?$/.exec(before.slice(brace + 1));
    if (inside) {
      const prefix = inside[1] ?? '';
      const metric = METRIC_NAME.exec(before.slice(0, brace))?.[0];
      return { kind: 'label', ...(metric && { metric }), prefix, from: cursor - prefix.length };
    }
    return { kind: 'none' };
  }
  // by (...) / without (...)
  const grouping = /\b(?:by|without)\s*\(([^()]*?,\s*)?([a-zA-Z_][a-zA-Z0-9_]*)?$/.exec(before);
  if (grouping) {
    const prefix = grouping[2] ?? '';
    return { kind: 'label', prefix, from: cursor - prefix.length };
  }
  if (insideString(before)) {
    return { kind: 'none' };
  }
  const word = METRIC_NAME.exec(before);
  if (word && !/[0-9.]$/.test(before.slice(0, before.length - word[0].length))) {
    return { kind: 'metric', prefix: word[0], from: cursor - word[0].length };
  }
  return { kind: 'none' };
}

/** Inserts `choice` over the context's prefix; returns the new text and cursor. */
export function applyCompletion(
  text: string,
  cursor: number,
  ctx: Exclude<CompletionContext, { kind: 'none' }>,
  choice: string
): { text: string; cursor: number } {
  const insert = ctx.kind === 'value' ? escapeValue(choice) : choice;
  const next = text.slice(0, ctx.from) + insert + text.slice(cursor);
  return { text: next, cursor: ctx.from + insert.length };
}

/** Candidates that start with the prefix first, then those containing it; at most `limit`. */
export function rankCandidates(candidates: readonly string[], prefix: string, limit = 50): string[] {
  const p = prefix.toLowerCase();
  const starts: string[] = [];
  const contains: string[] = [];
  for (const c of candidates) {
    const lc = c.toLowerCase();
    if (lc === p) {
      continue;
    }
    if (lc.startsWith(p)) {
      starts.push(c);
    } else if (p !== '' && lc.includes(p)) {
      contains.push(c);
    }
  }
  return [...starts.sort(), ...contains.sort()].slice(0, limit);
}

/** Index of the innermost selector brace still open at the end of `before` (outside strings), or -1. */
function openBrace(before: string): number {
  const open: number[] = [];
  let inString = false;
  for (let i = 0; i < before.length; i++) {
    const c = before[i];
    if (inString) {
      if (c === '\\') {
        i++;
      } else if (c === '"') {
        inString = false;
      }
    } else if (c === '"') {
      inString = true;
    } else if (c === '{') {
      open.push(i);
    } else if (c === '}') {
      open.pop();
    }
  }
  return !inString && open.length > 0 ? open[open.length - 1] : -1;
}

function insideString(before: string): boolean {
  let inString = false;
  for (let i = 0; i < before.length; i++) {
    if (inString && before[i] === '\\') {
      i++;
    } else if (before[i] === '"') {
      inString = !inString;
    }
  }
  return inString;
}

function escapeValue(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/"/g, '\\"');
}
