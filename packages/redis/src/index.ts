export { redisDedupeStore, type RedisDedupeStore, type RedisDedupeStoreOptions } from './redis-dedupe-store';
export type { IoRedisClient, NodeRedisClient, RedisClient } from './client';
export type { ClaimResult, DedupeStore } from '@vobiz-webhooks/core';
