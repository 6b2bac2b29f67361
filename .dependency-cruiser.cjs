// The architecture, checked in CI (`npm run lint:deps`): which folder may import which. No debts are
// recorded: every rule holds for every file. Loops between modules (not only between files) are
// found by scripts/module-cycles.ts, run by the same npm script.
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-cycles',
      comment: 'A cycle makes two modules one; break it with a face, an event, or by moving the code to its owner.',
      severity: 'error',
      from: { path: '^src/' },
      to: { circular: true },
    },
    {
      name: 'lib-is-plain',
      comment: 'src/lib holds clock, money, ids: no business rules, so it imports nothing of ours but lib.',
      severity: 'error',
      from: { path: '^src/lib/' },
      to: { path: '^src/', pathNot: '^src/lib/' },
    },
    {
      name: 'kv-is-infrastructure',
      comment: 'src/kv (Redis or in-process) knows no module.',
      severity: 'error',
      from: { path: '^src/kv/' },
      to: { path: '^src/(modules|realtime|jobs|http)/' },
    },
    {
      name: 'http-knows-no-module',
      comment: 'src/http is the perimeter and its helpers; modules use it, never the other way.',
      severity: 'error',
      from: { path: '^src/http/' },
      to: { path: '^src/modules/' },
    },
    {
      name: 'modules-meet-at-their-faces',
      comment: "Another module is reached through its index.ts, never its queries or use-case files.",
      severity: 'error',
      from: { path: '^src/modules/([^/]+)/' },
      to: { path: '^src/modules/[^/]+/', pathNot: ['^src/modules/$1/', '^src/modules/[^/]+/index\\.ts$'] },
    },
    {
      name: 'the-rest-meets-modules-at-their-faces',
      comment: 'Jobs, realtime, http and the runtime reach a module through its index.ts; app.ts mounts its routes.ts.',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/modules/' },
      to: { path: '^src/modules/[^/]+/', pathNot: ['^src/modules/[^/]+/index\\.ts$', '^src/modules/[^/]+/routes\\.ts$'] },
    },
    {
      name: 'only-the-app-mounts-routes',
      comment: "A module's routes.ts is mounted by src/app.ts alone.",
      severity: 'error',
      from: { path: '^src/', pathNot: ['^src/app\\.ts$', '^src/modules/([^/]+)/'] },
      to: { path: '^src/modules/[^/]+/routes\\.ts$' },
    },
    {
      name: 'src-never-imports-tests',
      severity: 'error',
      from: { path: '^src/' },
      to: { path: '^(test|bench|scripts)/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    includeOnly: '^src/',
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js'] },
  },
};
