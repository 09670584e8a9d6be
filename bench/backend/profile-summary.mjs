// Summarises a V8 .cpuprofile (node --cpu-prof): self and total time per function, top N.
//   node bench/backend/profile-summary.mjs /tmp/vprof/CPU.*.cpuprofile [N] [AFTER]
// With AFTER (a function name, e.g. trainAndSave), only the samples after the last one inside
// AFTER count: the warm reps without the cold query's training.
import { readFileSync } from 'node:fs';

const [file, topArg, after] = process.argv.slice(2);
const top = Number(topArg ?? 40);
const prof = JSON.parse(readFileSync(file, 'utf8'));
const byId = new Map(prof.nodes.map((n) => [n.id, n]));
const parent = new Map();
for (const n of prof.nodes) {
  for (const c of n.children ?? []) {
    parent.set(c, n.id);
  }
}
const inside = (id, fn) => {
  for (let cur = id; cur !== undefined; cur = parent.get(cur)) {
    if (byId.get(cur).callFrame.functionName === fn) {
      return true;
    }
  }
  return false;
};
const first = after === undefined ? 0 : prof.samples.findLastIndex((id) => inside(id, after)) + 1;
const dt = new Map();
prof.samples.forEach((id, i) => {
  if (i >= first) {
    dt.set(id, (dt.get(id) ?? 0) + (prof.timeDeltas[i] ?? 0));
  }
});
const name = (n) => {
  const f = n.callFrame;
  const url = f.url.replace(/^.*\//, '');
  return `${f.functionName || '(anon)'} ${url}:${f.lineNumber + 1}`;
};
const self = new Map();
const total = new Map();
let all = 0;
for (const [id, us] of dt) {
  all += us;
  const n = byId.get(id);
  self.set(name(n), (self.get(name(n)) ?? 0) + us);
  const seen = new Set();
  for (let cur = id; cur !== undefined; cur = parent.get(cur)) {
    const k = name(byId.get(cur));
    if (!seen.has(k)) {
      seen.add(k);
      total.set(k, (total.get(k) ?? 0) + us);
    }
  }
}
const show = (title, m) => {
  console.log(`\n${title} (of ${(all / 1e3).toFixed(0)} ms sampled)`);
  [...m.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .forEach(([k, us]) =>
      console.log(`${(us / 1e3).toFixed(0).padStart(8)} ms ${((100 * us) / all).toFixed(1).padStart(5)}%  ${k}`)
    );
};
show('self', self);
show('total', total);
