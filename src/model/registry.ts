import { adaptiveDetector } from './adaptive/adaptive';
import { makeEnsembleDetector } from './auto/ensemble';
import type { Detector } from './detector';
import { ModelError } from './errors';
import { etsDetector } from './ets/ets';
import { isolationForestDetector } from './iforest/model';
import { seasonalDetector } from './seasonal/seasonal';
import type { DetectorKind, Model, ModelKind } from './types';
import { zscoreDetector } from './zscore/zscore';

/** Every detector the library knows, by kind. `auto` is not here: it fits the default ensemble. */
const DETECTORS: Map<DetectorKind, Detector> = new Map(
  [isolationForestDetector, seasonalDetector, etsDetector, zscoreDetector, adaptiveDetector].map((d) => [d.kind, d])
);
DETECTORS.set('ensemble', makeEnsembleDetector(getDetector, loadModel));

export const MODEL_KINDS: readonly ModelKind[] = [
  'auto',
  'iforest',
  'seasonal',
  'ets',
  'zscore',
  'adaptive',
  'ensemble',
];

export function getDetector(kind: DetectorKind): Detector {
  const d = DETECTORS.get(kind);
  if (!d) {
    throw new ModelError(`unknown model kind ${JSON.stringify(kind)}; known: ${MODEL_KINDS.join(', ')}`);
  }
  return d;
}

export function isModelKind(x: unknown): x is ModelKind {
  return typeof x === 'string' && (MODEL_KINDS as readonly string[]).includes(x);
}

/** Restores any serialised model by its `kind`, rejecting what no detector reads. */
export function loadModel(json: unknown): Model {
  const obj = typeof json === 'string' ? safeParse(json) : json;
  const kind = obj && typeof obj === 'object' ? (obj as { kind?: unknown }).kind : undefined;
  if (typeof kind !== 'string' || !DETECTORS.has(kind as DetectorKind)) {
    throw new ModelError(`cannot load model of kind ${JSON.stringify(kind)}`);
  }
  return getDetector(kind as DetectorKind).load(obj);
}

function safeParse(s: string): unknown {
  try {
    return JSON.parse(s);
  } catch (e) {
    throw new ModelError(`model is not valid JSON: ${(e as Error).message}`);
  }
}
