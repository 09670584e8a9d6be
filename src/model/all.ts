/**
 * Registers every detector with the registry. Import this module once from an entry point (or
 * `src/model/index.ts`) so `auto` and `loadModel` can reach all of them.
 */
import { registerDetector } from './registry';
import { zscoreDetector } from './zscore/zscore';

registerDetector(zscoreDetector);
