import { cpus } from 'node:os';
import { availableParallelism } from 'node:os';

/** The q-quantile (0..1) of numbers, nearest-rank. */
export function quantile(values, q) {
  if (values.length === 0) return Number.NaN;
  const sorted = Float64Array.from(values).sort();
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[rank];
}

export const mib = (bytes) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
export const ms = (value) => `${value.toFixed(2)} ms`;
export const int = (value) => value.toLocaleString('en-US');

/** Where a figure came from: the reader of docs/reliability.md needs it next to the number. */
export function machine() {
  return {
    node: process.version,
    cpus: availableParallelism(),
    cpuModel: cpus()[0]?.model ?? 'unknown',
    platform: `${process.platform} ${process.arch}`,
  };
}

/** Prints aligned `label  value` rows. */
export function printRows(title, rows) {
  console.log(`\n${title}`);
  const width = Math.max(...rows.map(([label]) => label.length));
  for (const [label, value] of rows) console.log(`  ${label.padEnd(width)}  ${value}`);
}
