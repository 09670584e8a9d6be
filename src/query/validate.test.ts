import { DEFAULT_OPTIONS } from '../model/options';
import { MODEL_KINDS } from '../model/registry';
import { defaultQuery } from './defaults';
import type { QueryError, QueryValidation, ValidQuery } from './validate';
import { expandOutputs, validateQuery } from './validate';

const good = { refId: 'A', schemaVersion: 1, expr: 'rate(http_requests_total[5m])' };

function errorsOf(v: QueryValidation): QueryError[] {
  if (v.ok) {
    throw new Error('expected the query to be invalid');
  }
  return v.errors;
}

function okOf(v: QueryValidation): ValidQuery {
  if (!v.ok) {
    throw new Error(`expected a valid query, got ${JSON.stringify(v.errors)}`);
  }
  return v;
}

/** The single error for `field`, so each test also proves nothing else was flagged. */
function onlyError(input: unknown, field: string): string {
  const errors = errorsOf(validateQuery(input));
  expect(errors.map((e) => e.field)).toEqual([field]);
  return errors[0].message;
}

describe('validateQuery', () => {
  it('resolves a valid query to model options', () => {
    const v = okOf(validateQuery({ ...good, options: { trainingWindow: '14d', sensitivity: 0.7 } }));
    expect(v.modelOptions).toStrictEqual({ ...DEFAULT_OPTIONS, sensitivity: 0.7, trainingWindowMs: 14 * 86_400_000 });
    expect(v.fields).toEqual(['value', 'expected', 'lower', 'upper', 'score']);
    expect(v.query.expr).toBe(good.expr);
    expect(v.backtest).toBeUndefined();
  });

  it('validates a v0 query by migrating it first', () => {
    const v = okOf(
      validateQuery({ refId: 'A', expr: 'up', model: 'isolation-forest', sensitivity: 'low', trainingWindowDays: 7 })
    );
    expect(v.query.model).toBe('iforest');
    expect(v.modelOptions.sensitivity).toBe(0.25);
    expect(v.modelOptions.trainingWindowMs).toBe(7 * 86_400_000);
  });

  it.each(MODEL_KINDS)('accepts model %s', (model) => {
    expect(okOf(validateQuery({ ...good, model })).query.model).toBe(model);
  });

  it('accepts both query types and both executions from defaultQuery', () => {
    for (const type of ['anomaly', 'backtest'] as const) {
      for (const execution of ['backend', 'browser'] as const) {
        expect(validateQuery({ ...defaultQuery(type), expr: 'up', execution }).ok).toBe(true);
      }
    }
  });

  it('rejects a non-object with a clear message', () => {
    for (const input of [null, 'up', [good], 3]) {
      expect(errorsOf(validateQuery(input))[0]).toMatchObject({
        field: '',
        message: expect.stringMatching(/must be a JSON object/),
      });
    }
  });

  it('asks for a PromQL expression', () => {
    expect(onlyError({ ...good, expr: '  ' }, 'expr')).toMatch(/enter a PromQL expression/);
    expect(onlyError({ refId: 'A' }, 'expr')).toMatch(/enter a PromQL expression/);
    expect(onlyError({ ...good, expr: 42 }, 'expr')).toMatch(/must be a PromQL expression \(text\), got 42/);
  });

  it('names the known models when the model is unknown', () => {
    const msg = onlyError({ ...good, model: 'prophet' }, 'model');
    expect(msg).toMatch(/unknown model "prophet"/);
    for (const kind of MODEL_KINDS) {
      expect(msg).toContain(kind);
    }
  });

  it('reports sensitivity out of range through src/model', () => {
    expect(onlyError({ ...good, options: { sensitivity: 1.5 } }, 'options.sensitivity')).toMatch(
      /sensitivity must be a number from 0 to 1, got 1.5/
    );
    expect(onlyError({ ...good, options: { sensitivity: '0.5' } }, 'options.sensitivity')).toMatch(/from 0 to 1/);
  });

  it('reports a bad training window with the forms to use', () => {
    expect(onlyError({ ...good, options: { trainingWindow: '4 weeks' } }, 'options.trainingWindow')).toMatch(
      /invalid duration "4 weeks": use forms like 30s, 5m, 1h30m, 28d/
    );
    expect(onlyError({ ...good, options: { trainingWindow: '0d' } }, 'options.trainingWindow')).toMatch(
      /longer than zero/
    );
    expect(onlyError({ ...good, options: { trainingWindow: 28 } }, 'options.trainingWindow')).toMatch(
      /a positive duration such as 28d, got 28/
    );
  });

  it('reports every bad option, not only the first', () => {
    const errors = errorsOf(
      validateQuery({
        ...good,
        options: {
          sensitivity: -1,
          direction: 'sideways',
          minAbsDeviation: -2,
          minRelDeviation: NaN,
          seasonality: 'hourly',
          seed: 1.5,
          trainingWindow: 'x',
        },
      })
    );
    expect(errors.map((e) => e.field).sort()).toEqual(
      [
        'options.direction',
        'options.minAbsDeviation',
        'options.minRelDeviation',
        'options.seasonality',
        'options.seed',
        'options.sensitivity',
        'options.trainingWindow',
      ].sort()
    );
    expect(errors.find((e) => e.field === 'options.direction')?.message).toMatch(
      /one of both, above, below, got sideways/
    );
    expect(errors.find((e) => e.field === 'options.seasonality')?.message).toMatch(/auto, daily, weekly, none/);
  });

  it('reports errors across fields together', () => {
    const errors = errorsOf(validateQuery({ expr: '', model: 'x', execution: 'gpu', outputs: [] }));
    expect(errors.map((e) => e.field)).toEqual(['expr', 'model', 'outputs', 'execution']);
  });

  it('checks outputs', () => {
    expect(onlyError({ ...good, outputs: [] }, 'outputs')).toMatch(/choose at least one output: value, expected/);
    expect(onlyError({ ...good, outputs: ['score', 'yhat'] }, 'outputs[1]')).toMatch(/unknown output "yhat"/);
    expect(onlyError({ ...good, outputs: 'score' }, 'outputs')).toMatch(/must be a list/);
    expect(okOf(validateQuery({ ...good, outputs: ['score', 'band', 'lower', 'score'] })).fields).toEqual([
      'lower',
      'upper',
      'score',
    ]);
  });

  it('checks execution, legendFormat, step and minStep', () => {
    expect(onlyError({ ...good, execution: 'gpu' }, 'execution')).toMatch(/backend, browser, got "gpu"/);
    expect(onlyError({ ...good, legendFormat: 3 }, 'legendFormat')).toMatch(/must be text/);
    expect(onlyError({ ...good, step: '1 minute' }, 'step')).toMatch(/step: invalid duration/);
    expect(onlyError({ ...good, minStep: '0s' }, 'minStep')).toMatch(/longer than zero/);
    const v = okOf(validateQuery({ ...good, step: '1m', minStep: '15s' }));
    expect([v.stepMs, v.minStepMs]).toEqual([60_000, 15_000]);
  });

  it('treats an empty step as unset', () => {
    const v = okOf(validateQuery({ ...good, step: '', minStep: null }));
    expect(v.stepMs).toBeUndefined();
    expect(v.query).not.toHaveProperty('step');
  });

  it('rejects an unknown query type', () => {
    expect(onlyError({ ...good, queryType: 'forecast' }, 'queryType')).toMatch(
      /unknown query type "forecast"; choose one of anomaly, backtest/
    );
  });

  it('asks for an upgrade on a newer schema', () => {
    expect(onlyError({ ...good, schemaVersion: 2 }, 'schemaVersion')).toMatch(
      /newer Vigil .* upgrade the Vigil plugin/
    );
  });

  describe('backtest', () => {
    const bt = { ...good, queryType: 'backtest' };

    it('plans one alert rule per threshold with the query `for`', () => {
      const v = okOf(
        validateQuery({ ...bt, thresholds: [{ severity: 'page', score: 3 }], for: '10m', refitEvery: '12h' })
      );
      expect(v.backtest).toStrictEqual({
        rules: [{ severity: 'page', threshold: 3, forMs: 600_000 }],
        refitEveryMs: 43_200_000,
        smoothingMs: 300_000,
      });
    });

    it('defaults to warning at 1 and critical at 2 for 5m, refitted every 6 h as the backend retrains', () => {
      expect(okOf(validateQuery(bt)).backtest).toStrictEqual({
        rules: [
          { severity: 'warning', threshold: 1, forMs: 300_000 },
          { severity: 'critical', threshold: 2, forMs: 300_000 },
        ],
        refitEveryMs: 21_600_000,
        smoothingMs: 300_000,
      });
    });

    it('takes the score smoothing from the query (0s: none), reports a bad one', () => {
      expect(okOf(validateQuery({ ...bt, smoothing: '15m' })).backtest?.smoothingMs).toBe(900_000);
      expect(okOf(validateQuery({ ...bt, smoothing: '0s' })).backtest?.smoothingMs).toBe(0);
      expect(onlyError({ ...bt, smoothing: 'soft' }, 'smoothing')).toMatch(/smoothing: invalid duration/);
    });

    it('allows for: 0s', () => {
      expect(okOf(validateQuery({ ...bt, for: '0s' })).backtest?.rules[0].forMs).toBe(0);
    });

    it('reports bad thresholds, for and refitEvery', () => {
      expect(onlyError({ ...bt, thresholds: [] }, 'thresholds')).toMatch(/at least one score threshold/);
      expect(onlyError({ ...bt, thresholds: [{ severity: 'warning', score: 0 }] }, 'thresholds[0].score')).toMatch(
        /above 0/
      );
      expect(onlyError({ ...bt, thresholds: [{ score: 1 }] }, 'thresholds[0].severity')).toMatch(
        /name the alert level/
      );
      expect(onlyError({ ...bt, thresholds: [1] }, 'thresholds[0]')).toMatch(/must be \{severity, score\}/);
      expect(onlyError({ ...bt, for: '5 min' }, 'for')).toMatch(/for: invalid duration/);
      expect(onlyError({ ...bt, refitEvery: '0h' }, 'refitEvery')).toMatch(/longer than zero/);
    });
  });

  it('survives a JSON round trip unchanged', () => {
    for (const q of [defaultQuery('anomaly'), defaultQuery('backtest')]) {
      const v = okOf(validateQuery({ ...q, expr: 'up', legendFormat: '{{job}}', step: '30s' }));
      const again = okOf(validateQuery(JSON.parse(JSON.stringify(v.query))));
      expect(again).toStrictEqual(v);
    }
  });
});

describe('expandOutputs', () => {
  it('expands band and keeps a fixed order', () => {
    expect(expandOutputs(['anomalies', 'band', 'value'])).toEqual(['value', 'lower', 'upper', 'anomalies']);
  });
});
