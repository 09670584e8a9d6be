import type { ModelKind } from '../model/types';
import { MODEL_KINDS } from '../model/registry';

/** What each model kind is for, in the words the model picker shows. */
export const MODEL_DESCRIPTIONS: Record<ModelKind, { label: string; description: string }> = {
  auto: {
    label: 'Auto',
    description: 'The default: seasonal and adaptive combined; a point must look odd to both. Good for most metrics.',
  },
  iforest: {
    label: 'Isolation forest',
    description: 'Judges each point by recent shape (level, changes, position in the day); finds unusual patterns.',
  },
  seasonal: {
    label: 'Seasonal profile',
    description: 'Expected value from the usual value at this time of day or week plus trend; for metrics with cycles.',
  },
  ets: {
    label: 'Holt-Winters (ETS)',
    description: 'One-step-ahead exponential smoothing forecast with trend and season; for smooth series.',
  },
  adaptive: {
    label: 'Adaptive level',
    description: 'Follows level shifts and volatility online; for bursty metrics without seasonality (CPU, network).',
  },
  zscore: {
    label: 'Robust z-score',
    description: 'Rolling median and MAD of recent points; needs little history, knows no seasonality.',
  },
  ensemble: {
    label: 'Ensemble',
    description: 'The seasonal and adaptive detectors averaged, without the warming-up choice auto makes.',
  },
};

export const MODEL_OPTIONS = MODEL_KINDS.map((kind) => ({ value: kind, ...MODEL_DESCRIPTIONS[kind] }));
