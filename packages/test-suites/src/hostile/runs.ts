/**
 * How many cases each property runs. The defaults add up to more than 10,000 cases per
 * CI run; `VOBIZ_FUZZ_RUNS=100000` scales every property up for a long run (never down).
 * A failure prints fast-check's seed and path: replay it with `fc.assert(…, { seed, path })`.
 */
const BASELINE_TOTAL = 10_000;

export function fuzzRuns(defaultRuns: number): number {
  const requested = Number(process.env.VOBIZ_FUZZ_RUNS);
  if (!Number.isFinite(requested) || requested <= BASELINE_TOTAL) return defaultRuns;
  return Math.round(defaultRuns * (requested / BASELINE_TOTAL));
}

/** Jest timeout for a property, growing with the requested run count. */
export function fuzzTimeout(baseMs: number): number {
  const requested = Number(process.env.VOBIZ_FUZZ_RUNS);
  if (!Number.isFinite(requested) || requested <= BASELINE_TOTAL) return baseMs;
  return Math.round(baseMs * (requested / BASELINE_TOTAL));
}
