// Kept apart and loaded with import() only where Worker exists: `import.meta` does not parse in
// the CommonJS jest runs, and webpack needs this exact `new Worker(new URL(..., import.meta.url))`
// form to bundle worker.ts as its own file. The entry options keep the plugin's AMD wrapper off
// the worker (a worker has no `define`); webpack.config.ts says where the file is served from.
export function spawnWorker(): Worker {
  return new Worker(
    /* webpackChunkName: "vigil-worker", webpackEntryOptions: { library: { type: "var", name: "vigilWorker" } } */
    new URL('./worker.ts', import.meta.url)
  );
}
