// npm run bench:webhook's fixed-rate client, run as its own process:
//   node fixed-rate.mjs PORT RATE SECONDS CA_FILE REVIEW_FILE  → prints {"achieved","p50","p90","p99","max","errors"}
// Requests are sent on schedule (not when the previous answer came back) over keep-alive
// connections, and each is timed with hrtime (autocannon's histogram is in whole milliseconds).
import { readFileSync } from 'node:fs';
import { Agent, request } from 'node:https';

async function fixedRate(port, rate, seconds, caPem, review) {
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });
  const lat = [];
  let errors = 0;
  const send = () =>
    new Promise((resolve) => {
      const t0 = process.hrtime.bigint();
      const req = request(
        {
          host: '127.0.0.1',
          port,
          path: '/validate',
          method: 'POST',
          agent,
          ca: caPem,
          servername: 'localhost',
          headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(review) },
        },
        (res) => {
          res.resume();
          res.on('end', () => {
            if (res.statusCode === 200) lat.push(Number(process.hrtime.bigint() - t0) / 1e6);
            else errors++;
            resolve();
          });
        },
      );
      req.on('error', () => (errors++, resolve()));
      req.end(review);
    });
  // warm the connections up first
  await Promise.all(Array.from({ length: 8 }, send));
  lat.length = 0;
  const total = rate * seconds;
  const start = performance.now();
  const pending = [];
  for (let i = 0; i < total; i++) {
    const due = start + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    pending.push(send());
  }
  await Promise.all(pending);
  agent.destroy();
  const elapsed = (performance.now() - start) / 1000;
  lat.sort((a, b) => a - b);
  const q = (p) => lat[Math.min(lat.length - 1, Math.floor((p / 100) * lat.length))];
  return {
    sent: total,
    achieved: total / elapsed,
    errors,
    p50: q(50),
    p90: q(90),
    p99: q(99),
    max: lat[lat.length - 1],
  };
}

const [port, rate, seconds, caFile, reviewFile] = process.argv.slice(2);
const result = await fixedRate(
  Number(port),
  Number(rate),
  Number(seconds),
  readFileSync(caFile, 'utf8'),
  readFileSync(reviewFile, 'utf8'),
);
console.log(JSON.stringify(result));
