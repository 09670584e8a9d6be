// Entry point of the backend executable (bundled by scripts/build-backend.mjs).
import { runPlugin } from './plugin';

void runPlugin();
