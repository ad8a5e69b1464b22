// Turns the benchmark's JSON lines into a table and the goal ratios, all from the same run, and
// writes every row to a JSON file when one is named: node summarize.mjs RESULTS CLK_TCK [JSON].
import { readFileSync, writeFileSync } from 'node:fs';

// Each row names its driver: redis-benchmark for the ceiling, GrpcLoad (loadgen bench) for the service, one
// extra hot-key row per store from h2load, which reads no answers and so gives calls/s, not decisions, and the
// h2load latency rows (cold starts, 10/s), whose decisions the service's own counter gives.
const [resultsFile, clockTicksText, jsonFile] = process.argv.slice(2);
const clockTicks = Number(clockTicksText) || 100;
const rows = readFileSync(resultsFile, 'utf8').trim().split('\n').map(line => JSON.parse(line));
const H2LOAD = 'h2load';
const find = (store, workload, mode = 'max', driver) => rows.find(r => r.store === store && r.workload === workload
  && r.mode === mode && (driver ? r.driver === driver : r.driver !== H2LOAD || mode !== 'max'));
const answersRead = r => r.ok !== undefined;
const decisions = r => (answersRead(r) ? r.ok + r.over : r.decisions ?? 0);
const decisionsPerSecond = r => (r ? (answersRead(r) ? Math.round(decisions(r) / r.seconds) : r.rps) : 0);
// Redis commands are counted over the whole driver run, warm-up included, so they divide by every decision in it.
const commandsPerDecision = r => {
  const all = r ? r.ok + r.over + (r.warmup_decisions ?? 0) : 0;
  return r?.redis_commands !== undefined && all > 0 ? r.redis_commands / all : NaN;
};
// CPU is read over the counted part of a run only, so it divides by the counted decisions.
const cpuPerDecision = (r, ticks) => (ticks !== undefined && ticks >= 0 && decisions(r) > 0
  ? (ticks * 1e6) / clockTicks / decisions(r) : NaN);
const MODES = { max: '', half: ' at half of max', '80pct': ' at 80% of max', 'low-rate': ' at 10/s' };
const rowName = r => (r.mode === 'cold-start' ? `cold start ${r.run ?? ''}, 200/s`.replace(' ,', ',')
  : r.mode === 'bursts' ? '200 bursts of 50'
  : r.workload + (MODES[r.mode] ?? ` ${r.mode}`));
const number = (value, digits) => (value === undefined || Number.isNaN(value) ? null : Number(value.toFixed(digits)));
const figures = r => ({
  store: r.store,
  workload: rowName(r),
  driver: r.driver,
  decisions_per_s: decisionsPerSecond(r),
  p50_ms: r.p50_ms ?? null,
  p99_ms: r.p99_ms ?? null,
  p999_ms: r.p999_ms ?? null,
  max_ms: r.max_ms ?? null,
  errors: r.errors ?? null,
  service_cpu_us_per_decision: number(cpuPerDecision(r, r.service_cpu_ticks), 2),
  redis_cpu_us_per_decision: number(cpuPerDecision(r, r.redis_cpu_ticks), 2),
  redis_commands_per_decision: number(commandsPerDecision(r), 3),
  ...(r.serving_ms !== undefined ? { serving_ms: r.serving_ms, first_call_ms: r.first_ms, calls_over_20ms: r.over_20ms } : {}),
});
const table = rows.map(figures);
if (jsonFile) writeFileSync(jsonFile, JSON.stringify(table, null, 2) + '\n');

const pad = (text, width) => String(text ?? '-').padStart(width);
console.log(`${'store'.padEnd(8)} ${'workload'.padEnd(23)} ${'driver'.padEnd(15)} decisions/s   p50 ms   p99 ms  p99.9 ms`
  + '   max ms  errors  svc us/dec  redis us/dec  redis cmds/dec');
for (const f of table) {
  console.log([
    f.store.padEnd(8), f.workload.padEnd(23), f.driver.padEnd(15), pad(f.decisions_per_s, 11), pad(f.p50_ms, 8),
    pad(f.p99_ms, 8), pad(f.p999_ms, 9), pad(f.max_ms, 8), pad(f.errors, 7), pad(f.service_cpu_us_per_decision, 11),
    pad(f.redis_cpu_us_per_decision, 13), pad(f.redis_commands_per_decision, 15),
  ].join(' '));
}
const h2loadMax = rows.filter(r => r.driver === H2LOAD && r.mode === 'max');
if (h2loadMax.length) {
  console.log(`(${H2LOAD} max rows: calls/s with HTTP/2 errors only; it reads no grpc-status, no decision and no percentiles, `
    + `mean ${h2loadMax.map(r => `${r.store} ${r.mean_ms} ms`).join(', ')})`);
}
console.log(`(${H2LOAD} cold start and 10/s rows: latency per call from h2load's log; errors are calls the service did `
  + 'not count as decided)');
const coldStarts = rows.filter(row => row.mode === 'cold-start');
for (const r of coldStarts) {
  console.log(`(${r.store} cold start${r.run ? ` ${r.run}` : ''}: SERVING ${r.serving_ms} ms after the process started; `
    + `first call ${r.first_ms ?? '-'} ms; ${r.over_20ms ?? '-'} of the first ${r.sent ?? '-'} calls over 20 ms)`);
}

const ratio = (a, b) => (b > 0 ? a / b : 0);
const redisHot = find('redis', 'hot');
const redisKeys = find('redis', 'keys10k');
const cpu = r => (r ? cpuPerDecision(r, r.service_cpu_ticks) : NaN);
// Cold starts: the worst of the runs of each store.
const worst = (store, field) => Math.max(...coldStarts.filter(r => r.store === store).map(r => r[field] ?? NaN));
const goals = [
  ['cold start calls over 20 ms, Redis (worst run)', worst('redis', 'over_20ms'), '<=', 0],
  ['cold start first call ms, Redis (worst run)', worst('redis', 'first_ms'), '<', 5],
  ['cold start errors, Redis (worst run)', worst('redis', 'errors'), '<=', 0],
  ['cold start calls over 20 ms, in-memory', worst('memory', 'over_20ms'), '<=', 0],
  ['cold start first call ms, in-memory', worst('memory', 'first_ms'), '<', 5],
  ['time to SERVING ms, Redis (slowest run)', worst('redis', 'serving_ms'), '<=', 1500],
  ['time to SERVING ms, in-memory', worst('memory', 'serving_ms'), '<=', 1500],
  ['burst errors, Redis (200 x 50)', find('redis', 'bursts', 'bursts')?.errors, '<=', 0],
  ['errors at 80% of max, Redis hot key', find('redis', 'hot', '80pct')?.errors, '<=', 0],
  ['service CPU/decision Redis / in-memory, hot key', ratio(cpu(redisHot), cpu(find('memory', 'hot'))), '<=', 1.25],
  ['service CPU/decision Redis / in-memory, 10k keys', ratio(cpu(redisKeys), cpu(find('memory', 'keys10k'))), '<=', 1.25],
  ['p99 ms at 10 calls/s, Redis', find('redis', 'hot', 'low-rate', H2LOAD)?.p99_ms, '<=', 3],
  ['Redis store / in-memory store, hot key', ratio(decisionsPerSecond(redisHot), decisionsPerSecond(find('memory', 'hot'))), '>=', 0.8],
  ['Redis store / in-memory store, 10k keys', ratio(decisionsPerSecond(redisKeys), decisionsPerSecond(find('memory', 'keys10k'))), '>=', 0.8],
  ['hot key / EVALSHA ceiling', ratio(decisionsPerSecond(redisHot), decisionsPerSecond(find('ceiling', 'hot'))), '>=', 1.0],
  ['10k keys / EVALSHA ceiling', ratio(decisionsPerSecond(redisKeys), decisionsPerSecond(find('ceiling', 'keys10k'))), '>=', 0.7],
  ['Redis commands per decision, 10k keys', commandsPerDecision(redisKeys), '<=', 1.2],
  ['Redis commands per decision, hot key', commandsPerDecision(redisHot), '<=', 0.1],
  ['p99 ms at half of max throughput, Redis hot key', find('redis', 'hot', 'half')?.p99_ms, '<=', 2],
  ['p99 ms at half of max throughput, Redis 10k keys', find('redis', 'keys10k', 'half')?.p99_ms, '<=', 2],
  ['p99.9 ms at max throughput, Redis hot key', redisHot?.p999_ms, '<', 10],
  ['p99.9 ms at max throughput, Redis 10k keys', redisKeys?.p999_ms, '<', 10],
];
console.log('\ngoal                                                measured   goal     met');
for (const [name, value, op, target] of goals) {
  const met = op === '>=' ? value >= target : op === '<=' ? value <= target : value < target;
  console.log(`${name.padEnd(50)} ${pad(Number(value).toFixed(3), 9)}   ${op} ${String(target).padEnd(5)} ${met ? 'yes' : 'NO'}`);
}

// Not a goal: near 1 says the driver keeps up with the service, well below 1 that it measures itself.
const driverChecks = ['memory', 'redis'].map(store => [store, find(store, 'hot'), find(store, 'hot', 'max', H2LOAD)])
  .filter(([, own, h2load]) => own && h2load)
  .map(([store, own, h2load]) => `${store} ${ratio(own.rps, h2load.rps).toFixed(2)}`);
if (driverChecks.length) console.log(`\ndriver check, hot key calls/s GrpcLoad / h2load: ${driverChecks.join(', ')}`);
