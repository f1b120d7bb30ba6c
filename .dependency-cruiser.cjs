/**
 * The import boundaries of zoneguard (npm run check:boundaries, run by CI):
 *   cli/ → webhook/ reconciler/ certs/ doctor/ → kube/ → core/
 * The apps never import one another, core/ imports no app and no Kubernetes client, kube/ imports
 * only core/, no shipped file imports test/, and no two files import each other in a circle.
 */
const APPS = '^(webhook|reconciler|certs|doctor)/';
/** Tests may reach across layers and into test/ (servers, fakes, fixtures); shipped code may not. */
const TESTS = '\\.test\\.ts$';
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'files must not import each other in a circle',
      from: {},
      to: { circular: true },
    },
    {
      name: 'core-imports-no-app',
      severity: 'error',
      comment: 'core/ is the pure domain: it imports nothing above it',
      from: { path: '^core/', pathNot: TESTS },
      to: { path: '^(cli|kube|webhook|reconciler|certs|doctor|test)/' },
    },
    {
      name: 'core-has-no-kubernetes-client',
      severity: 'error',
      comment: 'the Kubernetes client is kube/’s',
      from: { path: '^core/' },
      to: { path: '@kubernetes/client-node' },
    },
    {
      name: 'kube-imports-only-core',
      severity: 'error',
      comment: 'kube/ is the one Kubernetes layer, under the apps',
      from: { path: '^kube/', pathNot: TESTS },
      to: { path: '^(cli|webhook|reconciler|certs|doctor|test)/' },
    },
    {
      name: 'apps-do-not-import-apps',
      severity: 'error',
      comment:
        'webhook/, reconciler/, certs/ and doctor/ are siblings: shared code goes down to kube/ or core/',
      from: { path: '^(webhook|reconciler|certs|doctor)/', pathNot: TESTS },
      to: { path: APPS, pathNot: '^$1/' },
    },
    {
      name: 'nothing-imports-cli',
      severity: 'error',
      comment: 'cli/ is the top: only it (and tests) may import it',
      from: { path: '^(core|kube|webhook|reconciler|certs|doctor)/', pathNot: TESTS },
      to: { path: '^cli/' },
    },
    {
      name: 'only-tests-import-test',
      severity: 'error',
      comment: 'test/ holds servers, fakes and fixtures for tests; shipped code never imports it',
      from: { path: '^(core|kube|webhook|reconciler|certs|doctor|cli|bin)/', pathNot: TESTS },
      to: { path: '^test/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(node_modules|dist|coverage)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js', '.mjs'] },
  },
};
