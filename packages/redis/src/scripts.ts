// Lua runs atomically inside Redis: no other command interleaves, and keys cannot
// expire half-way through a script, so each operation is one consistent round trip.
//
// A key holds `processing:<token>` while a claim's lease runs (PX = the lease), then
// `done` for the TTL. The prefix keeps the two apart whatever the token is: no claim's
// value can ever read as a done marker.

/** The value a completed key holds. */
export const DONE = 'done';
/** The value a live claim holds: its owner's token, behind a prefix `DONE` never starts with. */
export const claimValue = (token: string): string => `processing:${token}`;

/** KEYS[1] key, ARGV[1] `processing:<token>`, ARGV[2] lease in ms → 'claimed' | 'processing' | 'done'. */
export const CLAIM_SCRIPT = `
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then return 'claimed' end
if redis.call('GET', KEYS[1]) == 'done' then return 'done' end
return 'processing'`;

/**
 * KEYS[1] key, ARGV[1] the claim's `processing:<token>` → 1 if deleted. Compare-and-delete:
 * a `done` marker, or the claim another copy took after this one's lease expired, is left alone.
 */
export const RELEASE_SCRIPT = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`;

/**
 * KEYS[1] key, ARGV[1] the claim's `processing:<token>`, ARGV[2] ttl in ms → 1 if the key
 * is done afterwards, 0 if another copy holds it. Writes `done` when the key still holds
 * this claim or nothing (the lease expired, or the key was never claimed); leaves another
 * copy's live claim alone, whose own complete or release decides; lengthens an existing
 * marker to the ttl but never shortens it (nor gives an unbounded one a TTL).
 */
export const COMPLETE_SCRIPT = `
local current = redis.call('GET', KEYS[1])
if current == ARGV[1] or not current then
  redis.call('SET', KEYS[1], 'done', 'PX', ARGV[2])
  return 1
end
if current ~= 'done' then return 0 end
local left = redis.call('PTTL', KEYS[1])
if left >= 0 and left < tonumber(ARGV[2]) then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 1`;
