// Turns the benchmark's JSON lines into a table and the goal ratios, all from the same run.
import { readFileSync } from 'node:fs';

const rows = readFileSync(process.argv[2], 'utf8').trim().split('\n').map(line => JSON.parse(line));
const find = (store, workload, mode = 'max') => rows.find(r => r.store === store && r.workload === workload && r.mode === mode);
const decisionsPerSecond = r => (r ? (r.store === 'ceiling' ? r.rps : Math.round((r.ok + r.over) / r.seconds)) : 0);
const pad = (text, width) => String(text).padStart(width);

console.log('store    workload   decisions/s   p50 ms   p99 ms  p99.9 ms  p99@half ms  errors  redis cmds/decision');
for (const store of ['ceiling', 'memory', 'redis']) {
  for (const workload of ['hot', 'keys10k', 'over']) {
    const max = find(store, workload);
    if (!max) continue;
    const half = find(store, workload, 'half');
    const perDecision = max.redis_commands !== undefined && max.ok + max.over > 0
      ? (max.redis_commands / (max.ok + max.over)).toFixed(3) : '-';
    console.log([
      store.padEnd(8), workload.padEnd(9), pad(decisionsPerSecond(max), 12),
      pad(max.p50_ms ?? '-', 8), pad(max.p99_ms ?? '-', 8), pad(max.p999_ms ?? '-', 9),
      pad(half ? half.p99_ms : '-', 12), pad(max.errors ?? '-', 7), pad(perDecision, 20),
    ].join(' '));
  }
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
  ['Redis commands per decision, 10k keys', redisKeys ? redisKeys.redis_commands / (redisKeys.ok + redisKeys.over) : NaN, '<=', 1.2],
  ['Redis commands per decision, hot key', redisHot ? redisHot.redis_commands / (redisHot.ok + redisHot.over) : NaN, '<=', 0.1],
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
