// Fails when modules depend on each other in a loop (`npm run lint:deps`). dependency-cruiser's own
// no-cycles rule sees files: holds/a.ts -> checkout/index.ts -> checkout/b.ts -> holds/index.ts is
// no file cycle, yet it makes holds and checkout one module. This folds the file graph into one
// node per src/modules/<name> and looks for a cycle there, printing it when found.
import { execFileSync } from 'node:child_process';

interface Cruise {
  modules: { source: string; dependencies: { resolved: string }[] }[];
}

const moduleOf = (path: string) => /^src\/modules\/([^/]+)\//.exec(path)?.[1];

const json = execFileSync('npx', ['depcruise', 'src', '--config', '.dependency-cruiser.cjs', '--output-type', 'json'], {
  encoding: 'utf8',
  maxBuffer: 64 * 1024 * 1024,
});
const edges = new Map<string, Set<string>>();
for (const file of (JSON.parse(json) as Cruise).modules) {
  const from = moduleOf(file.source);
  if (!from) continue;
  for (const dep of file.dependencies) {
    const to = moduleOf(dep.resolved);
    if (to && to !== from) edges.set(from, (edges.get(from) ?? new Set()).add(to));
  }
}

// depth-first search; a node met again while still on the path closes a cycle
const state = new Map<string, 'open' | 'done'>();
function visit(node: string, path: string[]): string[] | undefined {
  state.set(node, 'open');
  for (const next of edges.get(node) ?? []) {
    if (state.get(next) === 'open') return [...path.slice(path.indexOf(next)), node, next];
    if (!state.has(next)) {
      const cycle = visit(next, [...path, node]);
      if (cycle) return cycle;
    }
  }
  state.set(node, 'done');
  return undefined;
}

for (const node of [...edges.keys()].sort()) {
  const cycle = state.has(node) ? undefined : visit(node, []);
  if (cycle) {
    console.error(`modules depend on each other in a loop: ${cycle.join(' -> ')}`);
    for (const [a, b] of cycle.slice(0, -1).map((m, i) => [m, cycle[i + 1]])) {
      console.error(`  ${a} -> ${b}`);
    }
    process.exit(1);
  }
}
console.log(`no module cycles (${edges.size} modules with dependencies on others)`);
