// Kept apart and loaded with import() only where Worker exists: `import.meta` does not parse in
// the CommonJS jest runs, and webpack needs this exact `new Worker(new URL(..., import.meta.url))`
// form to bundle worker.ts as its own chunk (see webpack.config.ts for where the chunk is served).
export function spawnWorker(): Worker {
  return new Worker(/* webpackChunkName: "vigil-worker" */ new URL('./worker.ts', import.meta.url));
}
