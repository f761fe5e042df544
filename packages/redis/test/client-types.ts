import { redisDedupeStore, type RedisClient, type RedisDedupeStore } from '@vobiz-webhooks/redis';
import type { DedupeStore } from '@vobiz-webhooks/core';
import { expectTypeOf } from 'expect-type';
import type { Cluster, Redis } from 'ioredis';
import type { createClient, RedisClientType } from 'redis';

// Compile-time checks, run by `pnpm typecheck` (not a Jest file: nothing happens at runtime).
// The real client classes fit the store's option without casts, so nobody needs `as any`.
export function clientTypesFit(): void {
  expectTypeOf<Redis>().toMatchTypeOf<RedisClient>();
  expectTypeOf<Cluster>().toMatchTypeOf<RedisClient>();
  expectTypeOf<RedisClientType>().toMatchTypeOf<RedisClient>();
  expectTypeOf<ReturnType<typeof createClient>>().toMatchTypeOf<RedisClient>();
  expectTypeOf<{ get(key: string): Promise<string | null> }>().not.toMatchTypeOf<RedisClient>();
  expectTypeOf<RedisDedupeStore>().toMatchTypeOf<DedupeStore>();
  expectTypeOf(redisDedupeStore).parameter(0).toHaveProperty('prefix');
}
