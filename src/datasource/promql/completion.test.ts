import { applyCompletion, completionContext, rankCandidates } from './completion';

const at = (text: string) => completionContext(text, text.length);

describe('completionContext', () => {
  it('suggests metric names for a bare word, also inside functions', () => {
    expect(at('node_cp')).toEqual({ kind: 'metric', prefix: 'node_cp', from: 0 });
    expect(at('rate(http_req')).toEqual({ kind: 'metric', prefix: 'http_req', from: 5 });
    expect(at('')).toEqual({ kind: 'none' });
  });

  it('suggests label names inside a selector, after { or a comma, with the metric', () => {
    expect(at('up{')).toEqual({ kind: 'label', metric: 'up', prefix: '', from: 3 });
    expect(at('up{job="a", inst')).toEqual({ kind: 'label', metric: 'up', prefix: 'inst', from: 12 });
    expect(at('{')).toEqual({ kind: 'label', prefix: '', from: 1 });
    expect(at('sum by (')).toEqual({ kind: 'label', prefix: '', from: 8 });
    expect(at('sum without (job, ins')).toMatchObject({ kind: 'label', prefix: 'ins' });
  });

  it('suggests label values after a matcher, with the metric and label', () => {
    expect(at('up{job="pro')).toEqual({ kind: 'value', metric: 'up', label: 'job', prefix: 'pro', from: 8 });
    expect(at('rate(x{a="1", b=~"')).toMatchObject({ kind: 'value', metric: 'x', label: 'b', prefix: '' });
  });

  it('suggests nothing inside a closed string or after a number', () => {
    expect(at('up{job="a"}[5')).toEqual({ kind: 'none' });
    expect(at('x > 1e')).toEqual({ kind: 'none' });
  });
});

describe('applyCompletion', () => {
  it('replaces the typed prefix and escapes label values', () => {
    const text = 'rate(http_req[5m])';
    const ctx = completionContext(text, 13);
    expect(ctx.kind).toBe('metric');
    if (ctx.kind === 'metric') {
      expect(applyCompletion(text, 13, ctx, 'http_requests_total')).toEqual({
        text: 'rate(http_requests_total[5m])',
        cursor: 24,
      });
    }
    const v = at('up{path="');
    if (v.kind === 'value') {
      expect(applyCompletion('up{path="', 9, v, 'a"b').text).toBe('up{path="a\\"b');
    }
  });

  it('ranks prefix matches before substring matches', () => {
    expect(rankCandidates(['go_gc', 'node_load1', 'load_avg', 'up'], 'load')).toEqual(['load_avg', 'node_load1']);
  });
});
