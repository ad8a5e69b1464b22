// The arithmetic of scripts/bench/through-envoy.sh, which only starts processes and runs h2load:
//   node through-envoy.mjs ports N                 N free TCP ports on 127.0.0.1, one line
//   node through-envoy.mjs uris FILE COUNT ROW BASE COUNT geocode URIs no other run uses (ROW tells them apart)
//   node through-envoy.mjs frame FILE              the gRPC request the shipped route sends for a call
//                                                  with x-caller: bench, as h2load's body for the service
//   node through-envoy.mjs stats                   Envoy's /stats?format=json on stdin -> {name: value}
//   node through-envoy.mjs calls-per-second LOG...  the highest calls/s among these h2load --log-files
//   node through-envoy.mjs row FIELDS_JSON BEFORE_JSON AFTER_JSON LOG...
//                                                  one result line from h2load's --log-files and the stats
//   node through-envoy.mjs summary RESULTS CLK_TCK [JSON]
//                                                  the table, the filter's added latency, and the JSON file
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';

const [command, ...args] = process.argv.slice(2);

// All ports are held open at once, so no two of them are the same.
async function freePorts(count) {
  const servers = await Promise.all(Array.from({ length: count }, () => new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve(server));
  })));
  console.log(servers.map(s => s.address().port).join(' '));
  await Promise.all(servers.map(s => new Promise(resolve => s.close(resolve))));
}

// Every URI of every row has its own coordinates, so Envoy's response cache never holds an answer
// for it: each call goes through the limiter to the upstream. The longitude names the row, the
// latitude counts the calls of the row.
function writeUris(file, count, row, base) {
  const lines = [];
  for (let i = 0; i < count; i++) lines.push(`${base}/maps/api/geocode/json?latlng=${(i / 1e6).toFixed(6)},${row}&key=bench`);
  writeFileSync(file, lines.join('\n') + '\n');
}

// RateLimitRequest {domain: geocode, descriptors: [generic_key=geocode], [generic_key=geocode,
// caller=bench]} in protobuf's wire format, behind gRPC's 5-byte frame prefix (0, then the length).
function writeFrame(file) {
  const varint = n => { const bytes = []; for (; n > 0x7f; n >>>= 7) bytes.push((n & 0x7f) | 0x80); bytes.push(n); return bytes; };
  const field = (number, bytes) => [(number << 3) | 2, ...varint(bytes.length), ...bytes];
  const text = value => [...Buffer.from(value, 'utf8')];
  const entry = (key, value) => field(1, [...field(1, text(key)), ...field(2, text(value))]);
  const descriptor = entries => field(2, entries.flat());
  const request = [
    ...field(1, text('geocode')),
    ...descriptor([entry('generic_key', 'geocode')]),
    ...descriptor([entry('generic_key', 'geocode'), entry('caller', 'bench')]),
  ];
  const prefix = Buffer.alloc(5);
  prefix.writeUInt32BE(request.length, 1);
  writeFileSync(file, Buffer.concat([prefix, Buffer.from(request)]));
}

// Counters only: the ratelimit filter's decisions and what reached the upstream.
function counters(json) {
  const out = {};
  for (const stat of JSON.parse(json).stats ?? []) {
    if (stat.name !== undefined && typeof stat.value === 'number') out[stat.name] = stat.value;
  }
  return out;
}

const RATELIMIT = 'cluster.geocode_upstream.ratelimit.';
const UPSTREAM_REQUESTS = 'cluster.geocode_upstream.upstream_rq_total';

// Nearest rank: the smallest latency with at least p of all calls at or below it.
const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))];
const ms = us => Number((us / 1000).toFixed(3));

const readCalls = logFile => readFileSync(logFile, 'utf8').split('\n').filter(Boolean).map(line => line.split('\t').map(Number));
const span = calls => {
  const first = calls.reduce((min, c) => Math.min(min, c[0]), Infinity);
  const last = calls.reduce((max, c) => Math.max(max, c[0] + c[2]), -Infinity);
  return (last - first) / 1e6;
};
const callsPerSecond = calls => (calls.length ? Math.round(calls.length / span(calls)) : 0);
const answered = call => call[1] >= 200 && call[1] < 300;

// h2load's --log-file: start (µs since the epoch), HTTP status (-1 for a failed stream), µs until the
// end of the response. Latency is taken over every call, failed ones included: a caller waits for those too.
// One row pools several runs (the chain's turns); its rate is its calls over the time its runs took.
function row(fields, before, after, logFiles) {
  const runs = logFiles.map(readCalls);
  const calls = runs.flat();
  const seconds = runs.reduce((sum, run) => sum + (run.length ? span(run) : 0), 0);
  const latencies = calls.map(c => c[2]).sort((a, b) => a - b);
  const delta = name => (after[name] ?? 0) - (before[name] ?? 0);
  const ratelimit = {};
  for (const name of Object.keys(after).filter(n => n.startsWith(RATELIMIT))) {
    ratelimit[name.slice(RATELIMIT.length)] = delta(name);
  }
  return {
    ...fields,
    calls: calls.length,
    ok: calls.filter(answered).length,
    errors: calls.filter(c => !answered(c)).length,
    statuses: Object.fromEntries([...new Set(calls.map(c => c[1]))].map(s => [s, calls.filter(c => c[1] === s).length])),
    seconds: Number(seconds.toFixed(3)),
    rps: seconds > 0 ? Math.round(calls.length / seconds) : 0,
    ok_rps: seconds > 0 ? Math.round(calls.filter(answered).length / seconds) : 0,
    p50_ms: calls.length ? ms(percentile(latencies, 0.5)) : null,
    p99_ms: calls.length ? ms(percentile(latencies, 0.99)) : null,
    max_ms: calls.length ? ms(latencies[latencies.length - 1]) : null,
    upstream_requests: delta(UPSTREAM_REQUESTS),
    ratelimit,
  };
}

const RATES = ['10/s', '200/s', 'half of max', 'max'];
const pad = (text, width) => String(text ?? '-').padStart(width);
const fixed = (value, digits) => (value === null || value === undefined || Number.isNaN(value) ? null : Number(value.toFixed(digits)));
const signed = value => (value === null ? null : (value >= 0 ? '+' : '') + value.toFixed(3));

function summary(resultsFile, clockTicksText, jsonFile) {
  const clockTicks = Number(clockTicksText) || 100;
  const rows = readFileSync(resultsFile, 'utf8').trim().split('\n').map(line => JSON.parse(line));
  const perCall = (ticks, count) => (count > 0 ? (ticks * 1e6) / clockTicks / count : NaN);
  // Every call the filter asked about, answered in time or not: the service decided on each.
  const decisions = r => (r.ratelimit.ok ?? 0) + (r.ratelimit.over_limit ?? 0) + (r.ratelimit.error ?? 0);
  const figures = r => ({
    rate: r.rate,
    filter: r.filter,
    target_rps: r.target_rps,
    calls: r.calls,
    rps: r.rps,
    ok_rps: r.ok_rps,
    errors: r.errors,
    p50_ms: r.p50_ms,
    p99_ms: r.p99_ms,
    max_ms: r.max_ms,
    upstream_requests: r.upstream_requests,
    ratelimit: r.ratelimit,
    envoy_cpu_us_per_call: fixed(perCall(r.envoy_cpu_ticks, r.calls), 1),
    service_cpu_us_per_decision: r.filter === 'with' ? fixed(perCall(r.service_cpu_ticks, decisions(r)), 1) : null,
    redis_cpu_us_per_decision: r.filter === 'with' ? fixed(perCall(r.redis_cpu_ticks, decisions(r)), 1) : null,
    // The service asks nothing of itself while the chain without the filter runs: its CPU then is
    // what it spends idle (timers, health checks, metrics), to hold against its CPU per decision.
    service_idle_cpu_ms_per_s: r.filter === 'without' && r.seconds > 0
      ? fixed((r.service_cpu_ticks * 1e3) / clockTicks / r.seconds, 2) : null,
    load_average: r.load_average,
  });
  const table = rows.map(figures);
  const added = RATES.map(rate => {
    const without = table.find(f => f.rate === rate && f.filter === 'without');
    const withFilter = table.find(f => f.rate === rate && f.filter === 'with');
    if (!without || !withFilter) return null;
    const diff = key => fixed(withFilter[key] - without[key], 3);
    return {
      rate,
      p50_ms: diff('p50_ms'),
      p99_ms: diff('p99_ms'),
      max_ms: diff('max_ms'),
      envoy_cpu_us_per_call: fixed(withFilter.envoy_cpu_us_per_call - without.envoy_cpu_us_per_call, 1),
      ...(rate === 'max' ? { throughput_ratio: fixed(withFilter.ok_rps / without.ok_rps, 3) } : {}),
    };
  }).filter(Boolean);
  if (jsonFile) writeFileSync(jsonFile, JSON.stringify({ rows: table, added_by_filter: added }, null, 2) + '\n');

  console.log(`${'rate'.padEnd(12)} ${'ratelimit'.padEnd(9)} calls/s  2xx/s   calls errors   p50 ms   p99 ms   max ms`
    + '  rl ok  rl over  rl error  envoy us/call  svc us/dec  redis us/dec  load');
  for (const f of table) {
    console.log([
      f.rate.padEnd(12), f.filter.padEnd(9), pad(f.rps, 7), pad(f.ok_rps, 6), pad(f.calls, 7), pad(f.errors, 6), pad(f.p50_ms, 8),
      pad(f.p99_ms, 8), pad(f.max_ms, 8), pad(f.ratelimit.ok ?? 0, 6), pad(f.ratelimit.over_limit ?? 0, 8),
      pad(f.ratelimit.error ?? 0, 9), pad(f.envoy_cpu_us_per_call, 14), pad(f.service_cpu_us_per_decision, 11),
      pad(f.redis_cpu_us_per_decision, 13), pad(f.load_average, 5),
    ].join(' '));
  }
  console.log(`(the service's CPU while the chain without the filter ran, asking it nothing: ${table
    .filter(f => f.service_idle_cpu_ms_per_s !== null).map(f => `${f.rate} ${f.service_idle_cpu_ms_per_s} ms/s`).join(', ')})`);
  console.log('\nadded by the ratelimit filter (with minus without, same run)');
  console.log(`${'rate'.padEnd(12)}   p50 ms    p99 ms    max ms  envoy us/call`);
  for (const a of added) {
    console.log([a.rate.padEnd(12), pad(signed(a.p50_ms), 8), pad(signed(a.p99_ms), 9), pad(signed(a.max_ms), 9),
      pad(a.envoy_cpu_us_per_call, 14)].join(' ')
      + (a.throughput_ratio !== undefined ? `   (2xx/s at max, with / without: ${a.throughput_ratio})` : ''));
  }
  // Every call must have been a cache miss that the limiter admitted, or the rows measure something else.
  for (const f of table) {
    const asked = (f.ratelimit.ok ?? 0) + (f.ratelimit.over_limit ?? 0) + (f.ratelimit.error ?? 0);
    if (f.upstream_requests !== f.calls - f.errors) {
      console.log(`note: ${f.rate} ${f.filter}: ${f.calls - f.errors} calls answered 2xx but ${f.upstream_requests} reached the upstream`);
    }
    if (f.filter === 'with' && asked !== f.calls) {
      console.log(`note: ${f.rate} with: ${f.calls} calls but the filter asked the service ${asked} times`);
    }
    if (f.filter === 'without' && asked !== 0) {
      console.log(`note: ${f.rate} without: the filter that should be absent asked the service ${asked} times`);
    }
  }
}

switch (command) {
  case 'ports': await freePorts(Number(args[0])); break;
  case 'uris': writeUris(args[0], Number(args[1]), args[2], args[3]); break;
  case 'frame': writeFrame(args[0]); break;
  case 'stats': console.log(JSON.stringify(counters(readFileSync(0, 'utf8')))); break;
  case 'calls-per-second': console.log(Math.max(...args.map(file => callsPerSecond(readCalls(file))))); break;
  case 'row': console.log(JSON.stringify(row(JSON.parse(args[0]), JSON.parse(args[1]), JSON.parse(args[2]), args.slice(3)))); break;
  case 'summary': summary(args[0], args[1], args[2]); break;
  default:
    console.error('usage: node through-envoy.mjs ports N | uris FILE COUNT ROW BASE | frame FILE | stats | calls-per-second LOG... | row ... | summary RESULTS CLK_TCK [JSON]');
    process.exit(2);
}
