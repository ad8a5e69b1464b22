-- Decides a batch of rate limit requests in one atomic step, so concurrent replicas can never
-- spend the same token and one round trip serves every request queued behind the previous one.
--
-- KEYS: the distinct buckets this batch touches (all in one cluster slot), then, when some request
--       of the batch is one slot's part of a request over several slots, a receipt key (same slot).
-- ARGV[1]: now in microseconds, or -1 to read the Redis server's own clock (the default: every
--          replica then shares one time line, whatever its local clock says).
-- ARGV[2]: the number of buckets, one per key. Then per bucket, in KEYS order, its shape: capacity,
--          refill tokens, refill period (us), style (0 = greedy, 1 = aligned to the epoch), initial
--          tokens. Then the number of runs: a run is requests that ask alike, in arrival order (a hot
--          key's group is one run). Per run: how many requests, the claim count, then per claim 4
--          numbers: bucket index, required, consume, kind: 1 enforced, 0 not enforced (shadow or
--          quota mode), 2 a post-paid charge, 3 a refund. A charge takes consume whatever the bucket
--          holds (it may go below zero: debt, repaid by refill before anything passes again); a
--          refund gives consume back, never past capacity. Both settle calls already made: they
--          apply whether or not the request is admitted, always pass and never deny.
--          A last argument 'peek' reads only: nothing is written (the call may run as EVAL_RO).
--          With a receipt key, the last argument is the receipt's lifetime in ms: when a request of
--          the batch took tokens, the receipt records the time they were taken (field t), so that
--          give-back.lua can return them, once, and only if this call's writes are really there.
-- Returns, per request: admitted (1/0), then per claim: passed (1/0), remaining tokens,
--          microseconds until the claim would pass, microseconds until the bucket is full.
--
-- A greedy bucket is kept as a theoretical arrival time (GCRA): exact integer arithmetic, with the
-- interval between tokens rounded up so that rounding can only ever slow the refill.

local now = tonumber(ARGV[1])
if now < 0 then
  local t = redis.call('TIME')
  now = tonumber(t[1]) * 1000000 + tonumber(t[2])
end

local stored = redis.call('MGET', unpack(KEYS))
local buckets = {}

local function ceil_div(a, b)
  return math.floor((a + b - 1) / b)
end

local function load(index, cap, refill, period, style, initial)
  local b = { cap = cap, refill = refill, period = period, style = style, dirty = false, start_low = initial < cap }
  local raw = stored[index]
  if style == 0 then
    b.interval = ceil_div(period, refill)
    local tat = raw and string.match(raw, '^g(%-?%d+)$')
    if tat then
      b.tat = tonumber(tat)
    else
      b.tat = now + (cap - initial) * b.interval
      -- A bucket born below capacity must be remembered even if nothing is taken, or it would be
      -- born again, still empty, on every call.
      b.dirty = b.start_low
    end
  else
    local window = math.floor(now / period)
    local w, tokens = nil, nil
    if raw then
      w, tokens = string.match(raw, '^a(%-?%d+):(%-?%d+)$')
    end
    if w then
      w = tonumber(w)
      tokens = tonumber(tokens)
      if window > w then
        tokens = math.min(cap, tokens + (window - w) * refill)
      end
    else
      tokens = initial
    end
    b.window = window
    b.tokens = tokens
  end
  return b
end

local pos = 3
for index = 1, tonumber(ARGV[2]) do
  buckets[index] = load(index, tonumber(ARGV[pos]), tonumber(ARGV[pos + 1]), tonumber(ARGV[pos + 2]),
    tonumber(ARGV[pos + 3]), tonumber(ARGV[pos + 4]))
  pos = pos + 5
end

local function available(b)
  if b.style == 0 then
    return math.floor((now + b.cap * b.interval - math.max(b.tat, now)) / b.interval)
  end
  return b.tokens
end

local function take(b, n)
  if b.style == 0 then
    b.tat = math.max(b.tat, now) + n * b.interval
  else
    b.tokens = b.tokens - n
  end
  b.dirty = true
end

-- A refund: a greedy bucket's arrival time moves back, never before now (a full bucket); an
-- aligned one gains tokens up to its capacity.
local function give_back(b, n)
  if b.style == 0 then
    b.tat = math.max(now, b.tat - n * b.interval)
  else
    b.tokens = math.min(b.cap, b.tokens + n)
  end
  b.dirty = true
end

local function until_tokens(b, n)
  if b.style == 0 then
    return math.max(0, math.max(b.tat, now) + (n - b.cap) * b.interval - now)
  end
  if b.tokens >= n then
    return 0
  end
  local windows = ceil_div(n - b.tokens, b.refill)
  return (b.window + windows) * b.period - now
end

local out = {}
local taken = false
local runs = tonumber(ARGV[pos])
pos = pos + 1
for _ = 1, runs do
  local repeats = tonumber(ARGV[pos])
  local count = tonumber(ARGV[pos + 1])
  pos = pos + 2
  local asks = {}
  for c = 1, count do
    local kind = ARGV[pos + 3]
    asks[c] = { b = buckets[tonumber(ARGV[pos])], required = tonumber(ARGV[pos + 1]),
      consume = tonumber(ARGV[pos + 2]), enforced = kind == '1', charge = kind == '2', settles = kind >= '2' }
    pos = pos + 4
  end
  for _ = 1, repeats do
    local passed = {}
    local pending = {}
    local admitted = true
    for c = 1, count do
      local ask = asks[c]
      local b = ask.b
      local ok = true
      if ask.settles then
        if ask.consume > 0 then
          if ask.charge then take(b, ask.consume) else give_back(b, ask.consume) end
        end
      else
        ok = available(b) - (pending[b] or 0) >= ask.required
        if ok then
          pending[b] = (pending[b] or 0) + ask.consume
        elseif ask.enforced then
          admitted = false
        end
      end
      passed[c] = ok
    end
    if admitted then
      for c = 1, count do
        local ask = asks[c]
        if passed[c] and ask.consume > 0 and not ask.settles then
          take(ask.b, ask.consume)
          taken = true
        end
      end
    end
    out[#out + 1] = admitted and 1 or 0
    for c = 1, count do
      local ask = asks[c]
      out[#out + 1] = passed[c] and 1 or 0
      out[#out + 1] = available(ask.b)
      out[#out + 1] = passed[c] and 0 or until_tokens(ask.b, ask.required)
      out[#out + 1] = until_tokens(ask.b, ask.b.cap)
    end
  end
end

-- Write back only what changed, with a lifetime that ends once the bucket is full again (and, for
-- buckets that start below capacity, one more fill time, so a strict bucket is not reborn empty
-- the moment it fills).
local peek = ARGV[#ARGV] == 'peek'
for index, b in pairs(buckets) do
  if b.dirty and not peek then
    local ttl_us = until_tokens(b, b.cap)
    if b.style == 0 and b.start_low then
      ttl_us = ttl_us + b.cap * b.interval
    end
    local value
    if b.style == 0 then
      value = 'g' .. string.format('%d', b.tat)
    else
      value = 'a' .. string.format('%d', b.window) .. ':' .. string.format('%d', b.tokens)
    end
    redis.call('SET', KEYS[index], value, 'PX', math.floor(ttl_us / 1000) + 1000)
  end
end

local receipt = KEYS[tonumber(ARGV[2]) + 1]
if receipt and taken then
  redis.call('HSET', receipt, 't', string.format('%d', now))
  redis.call('PEXPIRE', receipt, ARGV[#ARGV])
end

return out
