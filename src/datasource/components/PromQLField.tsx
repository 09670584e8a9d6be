import React, { useCallback, useEffect, useRef, useState } from 'react';
import { css } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';
import { TextArea, useStyles2 } from '@grafana/ui';
import { applyCompletion, completionContext, rankCandidates, type CompletionContext } from '../promql/completion';

/** Where suggestions come from: the data source, through the backend's Prometheus proxy. */
export interface SuggestionProvider {
  metricNames(): Promise<string[]>;
  labelNames(match?: string): Promise<string[]>;
  labelValues(label: string, match?: string): Promise<string[]>;
  metadata?(): Promise<Record<string, Array<{ type: string; help: string }>>>;
}

interface Props {
  value: string;
  onChange: (expr: string) => void;
  /** Leaving the field runs the query. */
  onBlur: () => void;
  provider: SuggestionProvider;
  invalid?: boolean;
}

type Open = Exclude<CompletionContext, { kind: 'none' }>;

/**
 * A PromQL text field with completion of metric names, label names and label values. Each list
 * is fetched once per field (and per metric / label) and filtered locally as the user types.
 */
export function PromQLField({ value, onChange, onBlur, provider, invalid }: Props) {
  const styles = useStyles2(getStyles);
  const ref = useRef<HTMLTextAreaElement>(null);
  const cache = useRef(new Map<string, Promise<string[]>>());
  const [help, setHelp] = useState<Record<string, Array<{ type: string; help: string }>>>({});
  const [menu, setMenu] = useState<{ ctx: Open; cursor: number; items: string[] } | null>(null);
  const [active, setActive] = useState(0);
  const pendingCursor = useRef<number | null>(null);
  const latest = useRef(0);

  useEffect(() => {
    let live = true;
    provider
      .metadata?.()
      .then((m) => live && setHelp(m))
      .catch(() => undefined);
    return () => {
      live = false;
    };
  }, [provider]);

  useEffect(() => {
    if (pendingCursor.current !== null && ref.current) {
      ref.current.setSelectionRange(pendingCursor.current, pendingCursor.current);
      pendingCursor.current = null;
    }
  });

  const candidates = useCallback(
    (ctx: Open): Promise<string[]> => {
      const key =
        ctx.kind === 'metric'
          ? 'm'
          : ctx.kind === 'label'
            ? `l:${ctx.metric ?? ''}`
            : `v:${ctx.metric ?? ''}:${ctx.label}`;
      let found = cache.current.get(key);
      if (!found) {
        const match = 'metric' in ctx && ctx.metric ? ctx.metric : undefined;
        found =
          ctx.kind === 'metric'
            ? provider.metricNames()
            : ctx.kind === 'label'
              ? provider.labelNames(match).then((names) => names.filter((n) => n !== '__name__'))
              : provider.labelValues(ctx.label, match);
        // A failed fetch is retried on the next keystroke rather than cached.
        found.catch(() => cache.current.delete(key));
        cache.current.set(key, found);
      }
      return found;
    },
    [provider]
  );

  const suggest = (text: string, cursor: number) => {
    const ctx = completionContext(text, cursor);
    const ticket = ++latest.current;
    if (ctx.kind === 'none') {
      setMenu(null);
      return;
    }
    candidates(ctx)
      .then((all) => {
        if (ticket !== latest.current) {
          return;
        }
        const items = rankCandidates(all, ctx.prefix);
        setActive(0);
        setMenu(items.length > 0 ? { ctx, cursor, items } : null);
      })
      .catch(() => setMenu(null));
  };

  const accept = (choice: string) => {
    if (!menu) {
      return;
    }
    const next = applyCompletion(value, menu.cursor, menu.ctx, choice);
    pendingCursor.current = next.cursor;
    setMenu(null);
    onChange(next.text);
  };

  const onKeyDown = (e: React.KeyboardEvent<HTMLTextAreaElement>) => {
    if (e.key === 'Enter' && (e.shiftKey || e.ctrlKey || e.metaKey) && !menu) {
      e.preventDefault();
      onBlur();
      return;
    }
    if (!menu) {
      return;
    }
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      const step = e.key === 'ArrowDown' ? 1 : -1;
      setActive((a) => (a + step + menu.items.length) % menu.items.length);
    } else if (e.key === 'Enter' || e.key === 'Tab') {
      e.preventDefault();
      accept(menu.items[active]);
    } else if (e.key === 'Escape') {
      e.preventDefault();
      setMenu(null);
    }
  };

  return (
    <div className={styles.wrapper}>
      <TextArea
        ref={ref}
        aria-label="PromQL expression"
        className={styles.input}
        rows={Math.min(6, Math.max(1, value.split('\n').length))}
        value={value}
        invalid={invalid}
        spellCheck={false}
        placeholder="rate(http_requests_total[5m])  (Shift+Enter runs the query)"
        onChange={(e) => {
          const el = e.currentTarget;
          onChange(el.value);
          suggest(el.value, el.selectionStart ?? el.value.length);
        }}
        onKeyDown={onKeyDown}
        onBlur={() => {
          // Let a click on a suggestion land before the list closes.
          setTimeout(() => setMenu(null), 150);
          onBlur();
        }}
      />
      {menu && (
        <ul role="listbox" aria-label="PromQL suggestions" className={styles.menu}>
          {menu.items.map((item, i) => (
            <li
              key={item}
              role="option"
              aria-selected={i === active}
              className={i === active ? styles.active : styles.item}
              onMouseDown={(e) => {
                e.preventDefault();
                accept(item);
              }}
            >
              <span>{item}</span>
              {menu.ctx.kind === 'metric' && help[item]?.[0] && (
                <span className={styles.help}>
                  {help[item][0].type} · {help[item][0].help}
                </span>
              )}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  wrapper: css({ position: 'relative', flexGrow: 1 }),
  input: css({ fontFamily: theme.typography.fontFamilyMonospace }),
  menu: css({
    position: 'absolute',
    zIndex: theme.zIndex.dropdown,
    left: 0,
    right: 0,
    maxHeight: 280,
    overflowY: 'auto',
    listStyle: 'none',
    margin: 0,
    padding: theme.spacing(0.5, 0),
    background: theme.colors.background.elevated,
    border: `1px solid ${theme.colors.border.weak}`,
    boxShadow: theme.shadows.z3,
  }),
  item: css({
    display: 'flex',
    gap: theme.spacing(1),
    padding: theme.spacing(0.25, 1),
    cursor: 'pointer',
    fontFamily: theme.typography.fontFamilyMonospace,
  }),
  active: css({
    display: 'flex',
    gap: theme.spacing(1),
    padding: theme.spacing(0.25, 1),
    cursor: 'pointer',
    fontFamily: theme.typography.fontFamilyMonospace,
    background: theme.colors.action.hover,
  }),
  help: css({ color: theme.colors.text.secondary, overflow: 'hidden', textOverflow: 'ellipsis', whiteSpace: 'nowrap' }),
});
