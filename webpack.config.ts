// Extends the create-plugin webpack config (.config/webpack/webpack.config.ts: do not edit).
// The base config copies only the root plugin's logos; the nested data source's img/ is added here.
import CopyWebpackPlugin from 'copy-webpack-plugin';
import { Compilation, sources, type Compiler, type Configuration } from 'webpack';
import grafanaConfig, { type Env } from './.config/webpack/webpack.config.ts';

/** The browser-execution Web Worker (src/datasource/execution/spawnWorker.ts names its chunk). */
const WORKER_FILES = ['vigil-worker.js', 'vigil-worker.js.map'];

/**
 * Grafana serves the nested data source from its own folder (public/plugins/<datasource id>/ is
 * dist/datasource/), and its module.js resolves the worker against that path, while webpack emits
 * chunks at dist/. The worker is copied beside the data source's module.js as well.
 */
class WorkerBesideDatasource {
  apply(compiler: Compiler) {
    compiler.hooks.thisCompilation.tap('WorkerBesideDatasource', (compilation) => {
      compilation.hooks.processAssets.tap(
        { name: 'WorkerBesideDatasource', stage: Compilation.PROCESS_ASSETS_STAGE_REPORT },
        () => {
          // Chunk asset names may carry the cache-busting query (?_cache=...); the file has none.
          for (const asset of compilation.getAssets()) {
            const file = asset.name.split('?')[0];
            if (WORKER_FILES.includes(file)) {
              compilation.emitAsset(`datasource/${file}`, new sources.RawSource(asset.source.buffer()), asset.info);
            }
          }
        }
      );
    });
  }
}

const config = async (env: Env): Promise<Configuration> => {
  const baseConfig = await grafanaConfig(env);
  return {
    ...baseConfig,
    output: {
      ...baseConfig.output,
      // The plugin's modules are AMD; the worker entry is a plain script (see spawnWorker.ts).
      enabledLibraryTypes: ['amd', 'var'],
    },
    plugins: [
      ...(baseConfig.plugins ?? []),
      new CopyWebpackPlugin({ patterns: [{ from: 'datasource/img', to: 'datasource/img' }] }),
      new WorkerBesideDatasource(),
    ],
  };
};

export default config;
