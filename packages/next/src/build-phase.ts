/**
 * `next build` loads route modules to collect page data, usually without the runtime
 * secrets. There the options are checked on the first request instead; everywhere
 * else at once, so a missing secret still fails loudly. No `node:` import: this also
 * runs on the Edge runtime, where Next.js inlines `process.env`.
 */
export function duringNextBuild(): boolean {
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env;
  return env?.NEXT_PHASE === 'phase-production-build';
}
