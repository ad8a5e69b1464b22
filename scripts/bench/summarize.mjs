// Turns the benchmark's JSON lines into a table and the goal ratios, all from the same run.
import { readFileSync } from 'node:fs';

// Each row names its driver: redis-benchmark for the ceiling, GrpcLoad for the service, and one
// extra hot-key row per store from h2load, which reads no answers and so gives calls/s, not decisions.
const rows = readFileSync(process.argv[2], 'utf8').trim().split('\n').map(line => JSON.parse(line));
const H2LOAD = 'h2load';
const find = (store, workload, mode = 'max', driver) => rows.find(r => r.store === store && r.workload === workload
  && r.mode === mode && (driver ? r.driver === driver : r.driver !== H2LOAD));
const answersRead = r => r.ok !== undefined;
const decisionsPerSecond = r => (r ? (answersRead(r) ? Math.round((r.ok + r.over) / r.seconds) : r.rps) : 0);
// Redis commands are counted over the whole driver run, warm-up included, so they divide by every decision in it.
const commandsPerDecision = r => {
  const decisions = r ? r.ok + r.over + (r.warmup_decisions ?? 0) : 0;
  return r?.redis_commands !== undefined && decisions > 0 ? r.redis_commands / decisions : NaN;
};
const pad = (text, width) => String(text).padStart(width);

console.log('store    workload  driver            decisions/s   p50 ms   p99 ms  p99.9 ms  p99@half ms  errors  redis cmds/decision');
const line = (store, workload, max, half) => {
  const perDecision = commandsPerDecision(max);
  console.log([
    store.padEnd(8), workload.padEnd(9), (max.driver ?? '-').padEnd(15), pad(decisionsPerSecond(max), 12),
    pad(max.p50_ms ?? '-', 8), pad(max.p99_ms ?? '-', 8), pad(max.p999_ms ?? '-', 9),
    pad(half ? half.p99_ms : '-', 12), pad(max.errors ?? '-', 7), pad(Number.isNaN(perDecision) ? '-' : perDecision.toFixed(3), 20),
  ].join(' '));
};
for (const store of ['ceiling', 'memory', 'redis', 'bucket4j']) {
  for (const workload of ['hot', 'keys10k', 'over']) {
    const max = find(store, workload);
    if (max) line(store, workload, max, find(store, workload, 'half'));
  }
  const h2load = find(store, 'hot', 'max', H2LOAD);
  if (h2load) line(store, 'hot', h2load);
}
if (rows.some(r => r.driver === H2LOAD)) {
  console.log(`(${H2LOAD} rows: calls/s with HTTP/2 errors only; it reads no grpc-status, no decision and no percentiles, `
    + `mean ${rows.filter(r => r.driver === H2LOAD).map(r => `${r.store} ${r.mean_ms} ms`).join(', ')})`);
}

const ratio = (a, b) => (b > 0 ? a / b : 0);
const redisHot = find('redis', 'hot');
const redisKeys = find('redis', 'keys10k');
const goals = [
  ['Redis store / in-memory store, hot key', ratio(decisionsPerSecond(redisHot), decisionsPerSecond(find('memory', 'hot'))), '>=', 0.8],
  ['Redis store / in-memory store, 10k keys', ratio(decisionsPerSecond(redisKeys), decisionsPerSecond(find('memory', 'keys10k'))), '>=', 0.8],
  ['Redis store / in-memory store, over limit', ratio(decisionsPerSecond(find('redis', 'over')), decisionsPerSecond(find('memory', 'over'))), '>=', 0.8],
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
