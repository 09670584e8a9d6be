import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

// src/query runs in the browser, the Node backend and the CLI: it may import only itself and
// src/model (DESIGN.md), never Grafana, Node or DOM-only modules.
describe('src/query layering', () => {
  const files = readdirSync(__dirname).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'));

  it.each(files)('%s imports only ./ and ../model/', (file) => {
    const source = readFileSync(join(__dirname, file), 'utf8');
    const specifiers = [...source.matchAll(/(?:^|\n)\s*(?:import|export)[^'"]*from\s+['"]([^'"]+)['"]/g)].map(
      (m) => m[1]
    );
    for (const s of specifiers) {
      expect(s).toMatch(/^(\.\/|\.\.\/model\/)/);
    }
  });

  it('found the module files', () => {
    expect(files).toEqual(expect.arrayContaining(['types.ts', 'defaults.ts', 'migration.ts', 'validate.ts']));
  });
});
