// Child process of webhook.mjs: serves either the real webhook or a no-op node:https handler with
// the same TLS settings, prints {"port": N} on stdout, and runs until killed.
import { readFileSync } from 'node:fs';
import { createServer } from 'node:https';
import { join } from 'node:path';
import { settingsFor } from '../../dist/cli/settings.js';
import { newEndpoint } from '../../dist/core/model/endpoint.js';
import { silentLogger } from '../../dist/core/log.js';
import { startWebhook } from '../../dist/webhook/run.js';
import { tlsServerOptions } from '../../dist/core/tls-policy.js';

// the baselines get the webhook's default TLS policy (the same handshake and cipher)
const TLS_OPTIONS = tlsServerOptions({ tlsMinVersion: 'VersionTLS12', tlsCipherSuites: [] });

const [mode, certDir, namesArg] = process.argv.slice(2);
const names = Number(namesArg ?? 0);
// BENCH_CHANGING=1: every refresh sees a changed zone (a full rebuild), not the usual unchanged one
const changing = process.env.BENCH_CHANGING === '1';
let refreshes = 0;
/** An ownership index of `names` names owned by another cluster, as a provider would return. */
const records = [];
/** A freshly allocated snapshot (as a provider returns) in which one record moved. */
const changed = () =>
  records.map((r, i) => (i === 0 ? { ...r, targets: [`192.0.2.${refreshes++ % 250}`] } : { ...r }));

// exit on SIGTERM in every mode, so that a --cpu-prof profile is written
if (mode !== 'webhook') process.on('SIGTERM', () => process.exit(0));
if (mode === 'parse') {
  // the least any webhook does: read the body, parse it, answer a review for its uid
  const server = createServer(
    {
      ...TLS_OPTIONS,
      cert: readFileSync(join(certDir, 'tls.crt')),
      key: readFileSync(join(certDir, 'tls.key')),
    },
    (req, res) => {
      const chunks = [];
      req.on('data', (c) => chunks.push(c));
      req.on('end', () => {
        const review = JSON.parse(Buffer.concat(chunks).toString('utf8'));
        res.setHeader('Content-Type', 'application/json');
        res.end(
          JSON.stringify({
            apiVersion: 'admission.k8s.io/v1',
            kind: 'AdmissionReview',
            response: { uid: review.request.uid, allowed: true },
          }),
        );
      });
    },
  );
  server.keepAliveTimeout = 65_000;
  server.listen(0, '127.0.0.1', () =>
    process.stdout.write(JSON.stringify({ port: server.address().port }) + '\n'),
  );
} else if (mode === 'noop') {
  const body = JSON.stringify({
    apiVersion: 'admission.k8s.io/v1',
    kind: 'AdmissionReview',
    response: { uid: 'x', allowed: true },
  });
  const server = createServer(
    {
      ...TLS_OPTIONS,
      cert: readFileSync(join(certDir, 'tls.crt')),
      key: readFileSync(join(certDir, 'tls.key')),
    },
    (req, res) => {
      req.resume();
      req.on('end', () => {
        res.setHeader('Content-Type', 'application/json');
        res.end(body);
      });
    },
  );
  server.keepAliveTimeout = 65_000;
  server.listen(0, '127.0.0.1', () =>
    process.stdout.write(JSON.stringify({ port: server.address().port }) + '\n'),
  );
} else {
  for (let i = 0; i < names; i++)
    records.push(
      newEndpoint(`host-${i}.example.com`, 'A', ['192.0.2.1'], undefined, {
        owner: i % 2 ? 'cluster-b' : 'cluster-a',
      }),
    );
  const cfg = settingsFor('webhook', {
    'ownership-refresh': process.env.BENCH_REFRESH ?? '30s',
    'max-ownership-age': '1h',
    'listen-address': '127.0.0.1:0',
    'tls-cert-file': join(certDir, 'tls.crt'),
    'tls-private-key-file': join(certDir, 'tls.key'),
    'domain-filter': ['example.com'],
    'txt-owner-id': 'cluster-a',
    'public-zone': ['example.com'],
  });
  const wh = await startWebhook(cfg, {
    logger: silentLogger(),
    env: {},
    readSnapshot: async () => ({ records: changing ? changed() : records, claims: [] }),
  });
  await wh.ownership.whenLoaded();
  process.stdout.write(JSON.stringify({ port: wh.port, names: wh.ownership.current().size }) + '\n');
  process.on('SIGTERM', () => void wh.close().then(() => process.exit(0)));
}
