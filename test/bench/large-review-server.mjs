// Child process of large-review.mjs: the real webhook of the build in DIST_DIR (this checkout's, or
// a baseline ref's), logging at info level as JSON into LOG_FILE; prints {"port": N} and runs until
// SIGTERM. Asked "stall" over IPC, it answers the longest event-loop delay (ms) since the last ask,
// sampled every millisecond (perf_hooks.monitorEventLoopDelay, as prom-client's nodejs_eventloop_lag_*
// metrics, whose 10 ms sampling misses part of a stall of this size).
//   node large-review-server.mjs DIST_DIR CERT_DIR LOG_FILE
import { createWriteStream } from 'node:fs';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';

const [dist, certDir, logFile] = process.argv.slice(2);
const { settingsFor } = await import(join(dist, 'cli', 'settings.js'));
const { newEndpoint } = await import(join(dist, 'core', 'model', 'endpoint.js'));
const { createLogger } = await import(join(dist, 'core', 'log.js'));
const { startWebhook } = await import(join(dist, 'webhook', 'run.js'));

// an ownership index of 1,000 names, half owned by another cluster, as a provider would return
const records = [];
for (let i = 0; i < 1000; i++)
  records.push(
    newEndpoint(`host-${i}.example.com`, 'A', ['192.0.2.1'], undefined, {
      owner: i % 2 ? 'cluster-b' : 'cluster-a',
    }),
  );
const log = createWriteStream(logFile);
const cfg = settingsFor('webhook', {
  'ownership-refresh': '1h',
  'max-ownership-age': '2h',
  'listen-address': '127.0.0.1:0',
  'tls-cert-file': join(certDir, 'tls.crt'),
  'tls-private-key-file': join(certDir, 'tls.key'),
  'domain-filter': ['example.com'],
  'txt-owner-id': 'cluster-a',
  'public-zone': ['example.com'],
});
const wh = await startWebhook(cfg, {
  logger: createLogger({ level: 'info', destination: log }),
  env: {},
  readSnapshot: async () => ({ records, claims: [] }),
});
await wh.ownership.whenLoaded();
const loop = monitorEventLoopDelay({ resolution: 1 });
loop.enable();
process.on('message', (m) => {
  if (m !== 'stall') return;
  process.send({ stall: loop.max / 1e6 });
  loop.reset();
});
process.stdout.write(JSON.stringify({ port: wh.port }) + '\n');
process.on('SIGTERM', () => void wh.close().then(() => log.end(() => process.exit(0))));
