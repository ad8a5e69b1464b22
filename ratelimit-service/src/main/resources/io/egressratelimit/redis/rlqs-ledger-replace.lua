-- Writes an RLQS ledger only if it is still what the replica read (compare-and-set), so two replicas
-- never hand out the same tokens. KEYS[1]: the ledger. ARGV: the text read ('' when absent), the new
-- text, how long to keep it in ms. Reply: 1 when written, 0 when another replica wrote it first.
if (redis.call('GET', KEYS[1]) or '') ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
return 1
