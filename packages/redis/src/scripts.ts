// Lua runs atomically inside Redis: no other command interleaves, and keys cannot
// expire half-way through a script, so each operation is one consistent round trip.

/** KEYS[1] key, ARGV[1] `processing:<token>`, ARGV[2] lease in ms → 'claimed' | 'processing' | 'done'. */
export const CLAIM_SCRIPT = `
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then return 'claimed' end
if redis.call('GET', KEYS[1]) == 'done' then return 'done' end
return 'processing'`;

/**
 * KEYS[1] key, ARGV[1] the `processing:<token>` this instance wrote → 1 if deleted.
 * Compare-and-delete: a `done` marker, or another instance's claim taken after this
 * one's lease expired, is left alone.
 */
export const RELEASE_SCRIPT = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`;
