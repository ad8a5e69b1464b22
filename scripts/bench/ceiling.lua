-- The ceiling for the benchmark: one token-bucket decision per EVALSHA on one key, the same GCRA
-- arithmetic as the service's script without its batching. redis-benchmark runs it to show what
-- Redis itself can do when every decision is its own round trip.
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local interval = tonumber(ARGV[1])
local capacity = tonumber(ARGV[2])
local tat = tonumber(redis.call('GET', KEYS[1]) or now)
local base = math.max(tat, now)
if base + interval - now > capacity * interval then
  return {0, 0}
end
redis.call('SET', KEYS[1], string.format('%d', base + interval), 'PX', 60000)
return {1, math.floor((now + capacity * interval - base - interval) / interval)}
