import type { SelectableValue } from '@grafana/data';
import type { ComboboxOption } from '@grafana/ui';
import type { Direction, ModelKind, Seasonality } from '../../model/types';

/** Every model kind with what it suits; typed as a record so a new kind cannot be forgotten. */
const MODEL_DESCRIPTIONS: Record<ModelKind, string> = {
  auto: 'Chooses per series from the training data',
  seasonal: 'Daily / weekly profile with robust residuals',
  ets: 'Exponential smoothing: level and trend',
  zscore: 'Rolling mean and deviation; no seasonality',
  adaptive: 'Online model that follows slow drift',
  iforest: 'Isolation forest on recent shape features',
  ensemble: 'Several detectors combined',
};

export const MODEL_OPTIONS: Array<ComboboxOption<ModelKind>> = Object.entries(MODEL_DESCRIPTIONS).map(
  ([value, description]) => ({ label: value, value: value as ModelKind, description })
);

export const DIRECTION_OPTIONS: Array<SelectableValue<Direction>> = [
  { label: 'Both', value: 'both', description: 'Flag values above and below the band' },
  { label: 'Above', value: 'above', description: 'Flag only values above the band (spikes)' },
  { label: 'Below', value: 'below', description: 'Flag only values below the band (drops)' },
];

export const SEASONALITY_OPTIONS: Array<SelectableValue<Seasonality>> = [
  { label: 'Auto', value: 'auto' },
  { label: 'Daily', value: 'daily' },
  { label: 'Weekly', value: 'weekly' },
  { label: 'None', value: 'none' },
];
