// Bundles the harness page (tests/harness/page/entry.tsx: the plugin's own modules, @grafana/ui and
// React included) for the browser with esbuild, in memory.
import { build } from 'esbuild';
import * as path from 'node:path';

export interface HarnessBundle {
  /** URL path → file contents (/harness.js, /harness.css, fonts). */
  files: Map<string, Uint8Array>;
}

export async function buildHarness(): Promise<HarnessBundle> {
  const result = await build({
    entryPoints: { harness: path.join(__dirname, 'page/entry.tsx') },
    bundle: true,
    platform: 'browser',
    format: 'iife',
    target: 'es2020',
    outdir: '/virtual',
    write: false,
    minify: true,
    define: { 'process.env.NODE_ENV': '"production"' },
    loader: { '.svg': 'text', '.woff': 'file', '.woff2': 'file', '.ttf': 'file', '.png': 'file' },
    // Grafana's own frontend is not here; webpack's worker syntax falls back to in-thread execution.
    logLevel: 'silent',
  });
  const files = new Map<string, Uint8Array>();
  for (const f of result.outputFiles) {
    files.set('/' + path.relative('/virtual', f.path), f.contents);
  }
  return { files };
}
