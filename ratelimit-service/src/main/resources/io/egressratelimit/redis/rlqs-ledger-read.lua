-- An RLQS ledger (docs/rlqs.md) and the time on Redis's clock, read in one call so every replica
-- times the ledger by the same clock. KEYS[1]: the ledger. Reply: {ledger text or false, TIME}.
return {redis.call('GET', KEYS[1]) or false, redis.call('TIME')}
