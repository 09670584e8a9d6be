import * as fs from 'fs';
import * as path from 'path';

// The dependency rules of DESIGN.md, checked on the source: arrows only point down.
const SRC = path.resolve(__dirname, '../../src');

/** Top-level folder of src/ a file belongs to ('' for files directly in src/). */
function layerOf(file: string): string {
  const rel = path.relative(SRC, file).split(path.sep);
  const isDir = fs.existsSync(file) && fs.statSync(file).isDirectory();
  return rel.length > 1 || isDir ? rel[0] : '';
}

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) {
      return sourceFiles(p);
    }
    return /\.tsx?$/.test(e.name) && !/\.test\.tsx?$/.test(e.name) ? [p] : [];
  });
}

interface Import {
  file: string;
  spec: string;
  /** Resolved src/ layer for relative imports, undefined for packages. */
  layer?: string;
}

function importsOf(file: string): Import[] {
  const text = fs.readFileSync(file, 'utf8');
  const specs = [...text.matchAll(/(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]/g)].map((m) => m[1]);
  specs.push(...[...text.matchAll(/(?:^|\n)\s*import\s+['"]([^'"]+)['"]/g)].map((m) => m[1]));
  return specs.map((spec) =>
    spec.startsWith('.') ? { file, spec, layer: layerOf(path.resolve(path.dirname(file), spec)) } : { file, spec }
  );
}

const all = sourceFiles(SRC).flatMap(importsOf);
const rel = (i: Import) => `${path.relative(SRC, i.file)} imports ${i.spec}`;

/** What each layer may import from src/ besides itself ('' = files directly in src/, the app's root). */
const ALLOWED: Record<string, string[]> = {
  model: [],
  query: ['model'],
  io: ['model'],
  prometheus: ['model'],
  demo: ['model'],
  store: ['model', 'query'],
  // What the backend's QueryData and the `vigil serve` exporter share: a query scored over a range.
  service: ['model', 'query', 'prometheus', 'store'],
  backend: ['model', 'query', 'prometheus', 'store', 'io', 'service'],
  cli: ['model', 'query', 'prometheus', 'io', 'demo', 'store', 'service'],
  datasource: ['model', 'query', 'prometheus', 'components'],
  // '' is the app's root (module.tsx, constants.ts).
  components: ['model', 'query', ''],
  pages: ['model', 'query', 'prometheus', 'components', ''],
};

describe('layers', () => {
  it('src/model, src/query, src/io, src/prometheus and src/demo import no packages (pure TypeScript)', () => {
    const pure = new Set(['model', 'query', 'io', 'prometheus', 'demo']);
    const offending = all.filter((i) => pure.has(layerOf(i.file)) && i.layer === undefined).map(rel);
    expect(offending).toEqual([]);
  });

  it('every import points down or sideways as DESIGN.md allows', () => {
    const offending = all
      .filter((i) => i.layer !== undefined)
      .filter((i) => {
        const from = layerOf(i.file);
        const allowed = ALLOWED[from];
        return allowed !== undefined && i.layer !== from && !allowed.includes(i.layer!);
      })
      .map(rel);
    expect(offending).toEqual([]);
  });

  it('knows every layer that exists', () => {
    const layers = new Set(sourceFiles(SRC).map(layerOf).filter(Boolean));
    const unknown = [...layers].filter((l) => !(l in ALLOWED));
    expect(unknown).toEqual([]);
  });
});
