// A small gRPC load driver for the benchmark: unary ShouldRateLimit calls over a few HTTP/2
// connections with many streams in flight, as Envoy sends them. Unlike h2load it reads each
// answer, so it counts OK, OVER_LIMIT and errors, and it can hold a fixed rate for the
// "latency at half of max throughput" measure. It uses only Node's built-in http2 module.
//
// usage: node grpc-load.mjs --target 127.0.0.1:8081 --workload hot|keys10k|over
//          [--connections 4] [--inflight 32] [--duration 10] [--rate 0] [--domain bench]
// prints one JSON line: {"workload", "sent", "ok", "over", "errors", "seconds", "rps", "p50_ms", ...}
import http2 from 'node:http2';

const args = Object.fromEntries(process.argv.slice(2).reduce((pairs, arg, i, all) => {
  if (arg.startsWith('--')) pairs.push([arg.slice(2), all[i + 1]]);
  return pairs;
}, []));
const target = args.target ?? '127.0.0.1:8081';
const workload = args.workload ?? 'hot';
const connections = Number(args.connections ?? 4);
const inflightPerConnection = Number(args.inflight ?? 32);
const durationMs = Number(args.duration ?? 10) * 1000;
const rate = Number(args.rate ?? 0);
const domain = args.domain ?? 'bench';

function varint(n) {
  const out = [];
  while (n > 127) { out.push((n & 0x7f) | 0x80); n >>>= 7; }
  out.push(n);
  return Buffer.from(out);
}
function field(number, payload) {
  return Buffer.concat([Buffer.from([(number << 3) | 2]), varint(payload.length), payload]);
}
function requestBody(key, value) {
  const entry = Buffer.concat([field(1, Buffer.from(key)), field(2, Buffer.from(value))]);
  const message = Buffer.concat([field(1, Buffer.from(domain)), field(2, field(1, entry))]);
  const frame = Buffer.alloc(5 + message.length);
  frame.writeUInt8(0, 0);
  frame.writeUInt32BE(message.length, 1);
  message.copy(frame, 5);
  return frame;
}

const bodies = workload === 'keys10k'
  ? Array.from({ length: 10000 }, (_, i) => requestBody('user', `u${i}`))
  : [requestBody('generic_key', workload === 'over' ? 'over' : 'hot')];

const latencies = [];
let sent = 0, ok = 0, over = 0, errors = 0, inflight = 0, stopping = false;
const started = process.hrtime.bigint();
const deadline = Date.now() + durationMs;
function connect() {
  const session = http2.connect(`http://${target}`);
  session.on('error', () => {});
  return session;
}
const sessions = Array.from({ length: connections }, connect);
const maxInflight = connections * inflightPerConnection;

function fire() {
  const slot = sent % connections;
  if (sessions[slot].destroyed || sessions[slot].closed) sessions[slot] = connect();
  const session = sessions[slot];
  const body = bodies[bodies.length === 1 ? 0 : Math.floor(Math.random() * bodies.length)];
  const begin = process.hrtime.bigint();
  sent++;
  inflight++;
  const stream = session.request({
    ':method': 'POST',
    ':path': '/envoy.service.ratelimit.v3.RateLimitService/ShouldRateLimit',
    'content-type': 'application/grpc',
    te: 'trailers',
  });
  const chunks = [];
  let status = null;
  stream.on('response', headers => { if (headers['grpc-status'] !== undefined) status = headers['grpc-status']; });
  stream.on('trailers', trailers => { status = trailers['grpc-status']; });
  stream.on('data', chunk => chunks.push(chunk));
  const finish = () => {
    inflight--;
    latencies.push(Number(process.hrtime.bigint() - begin) / 1e6);
    const reply = Buffer.concat(chunks);
    if (status !== '0' || reply.length < 7) {
      errors++;
    } else if (reply[5] === 0x08 && reply[6] === 2) {
      over++;
    } else {
      ok++;
    }
    pump();
  };
  stream.on('close', finish);
  stream.on('error', () => {});
  stream.end(body);
}

function pump() {
  if (Date.now() >= deadline) {
    if (!stopping) { stopping = true; }
    if (inflight === 0) report();
    return;
  }
  if (rate > 0) return; // the ticker sends at the fixed rate
  while (inflight < maxInflight) fire();
}

if (rate > 0) {
  // Open loop: send what the rate owes every millisecond, bounded by the in-flight limit.
  let owed = 0, last = Date.now();
  const ticker = setInterval(() => {
    const now = Date.now();
    if (now >= deadline) { clearInterval(ticker); pump(); return; }
    owed += (now - last) * rate / 1000;
    last = now;
    while (owed >= 1 && inflight < maxInflight) { owed--; fire(); }
    if (owed > maxInflight) owed = maxInflight; // the server is behind: don't build an unbounded debt
  }, 1);
} else {
  pump();
}

function percentile(sorted, p) {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor(p / 100 * sorted.length))];
}

function report() {
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const sorted = Float64Array.from(latencies).sort();
  console.log(JSON.stringify({
    workload, target, rate, sent, ok, over, errors,
    seconds: +seconds.toFixed(2),
    rps: Math.round(latencies.length / seconds),
    p50_ms: +percentile(sorted, 50).toFixed(3),
    p99_ms: +percentile(sorted, 99).toFixed(3),
    p999_ms: +percentile(sorted, 99.9).toFixed(3),
  }));
  sessions.forEach(s => s.close());
}
