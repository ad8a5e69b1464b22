-- Gives back the tokens one slot's part of a denied request took, when the request's buckets span
-- several cluster slots and another slot denied it (docs/redis.md, "Requests over several slots").
--
-- KEYS[1]: the receipt token-buckets.lua wrote with the take; KEYS[2..]: the buckets, same slot.
-- ARGV[1]: now in microseconds, or -1 for the Redis server's clock (as token-buckets.lua).
-- ARGV[2]: the request's place in the call that took, its one-time claim on the receipt.
-- ARGV[3..]: per bucket, in KEYS order, its shape as token-buckets.lua takes it (capacity, refill
--            tokens, refill period in us, style: 0 = greedy, 1 = aligned to the epoch, initial
--            tokens), then the tokens taken.
-- Returns 1 when the receipt was there and unclaimed, else 0 (nothing is written).
--
-- What comes back is what was taken less what refilled while it was held, never below zero: a
-- bucket that would have been full without the take has wasted that refill, and giving it back
-- too would let the bucket hold more than it would have had the take never happened. With that
-- rule the tokens kept are always at most those of a bucket that only ever saw the requests really
-- admitted (the proof is in docs/redis.md). Without the receipt (a failover lost the take, or it
-- came too late) or with a bucket gone (expired full, or lost), nothing comes back.

local t0 = redis.call('HGET', KEYS[1], 't')
if not t0 then
  return 0
end
if redis.call('HSETNX', KEYS[1], 'r' .. ARGV[2], 1) == 0 then
  return 0
end
t0 = tonumber(t0)

local now = tonumber(ARGV[1])
if now < 0 then
  local t = redis.call('TIME')
  now = tonumber(t[1]) * 1000000 + tonumber(t[2])
end
local held_for = math.max(0, now - t0)

local function ceil_div(a, b)
  return math.floor((a + b - 1) / b)
end

local pos = 3
for index = 2, #KEYS do
  local cap, refill, period, style, tokens = tonumber(ARGV[pos]), tonumber(ARGV[pos + 1]),
    tonumber(ARGV[pos + 2]), tonumber(ARGV[pos + 3]), tonumber(ARGV[pos + 5])
  pos = pos + 6
  local raw = redis.call('GET', KEYS[index])
  if style == 0 then
    local tat = raw and string.match(raw, '^g(%-?%d+)$')
    if tat then
      -- In time: the take moved the bucket's theoretical arrival time by tokens * interval; refill
      -- runs one interval per token.
      local back = tokens * ceil_div(period, refill) - held_for
      if back > 0 then
        redis.call('SET', KEYS[index], 'g' .. string.format('%d', tonumber(tat) - back), 'KEEPTTL')
      end
    end
  else
    local w, have = nil, nil
    if raw then
      w, have = string.match(raw, '^a(%-?%d+):(%-?%d+)$') -- below zero: a post-paid debt
    end
    if w then
      w, have = tonumber(w), tonumber(have)
      local window = math.floor(now / period)
      if window > w then
        have = math.min(cap, have + (window - w) * refill)
      else
        window = w
      end
      -- In windows: each boundary crossed since the take refilled `refill` tokens.
      local back = tokens - math.max(0, window - math.floor(t0 / period)) * refill
      if back > 0 then
        local value = 'a' .. string.format('%d', window) .. ':' .. string.format('%d', math.min(cap, have + back))
        redis.call('SET', KEYS[index], value, 'KEEPTTL')
      end
    end
  end
end
return 1
