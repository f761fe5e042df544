import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  callsOf,
  contactsOf,
  errorsOf,
  messageEchoesOf,
  messagesOf,
  statusesOf,
  type VobizEvent,
} from '@vobiz-webhooks/core';

/*
 * Realistic WhatsApp webhook payloads, one JSON file each (README.md beside this file
 * says where each shape comes from). They are read from disk rather than imported so
 * that adding a fixture is adding a file, and validated here so that a malformed file
 * fails every suite at load with its name, not one test with a confusing diff.
 */

/** How many items a payload carries, across every entry and change. */
export interface CorpusCounts {
  /** `value.messages[]` items. */
  messages: number;
  /** `value.statuses[]` items (message and call statuses). */
  statuses: number;
  /** `value.calls[]` items. */
  calls: number;
  /** `value.contacts[]` items. */
  contacts: number;
  /** `value.errors[]` items plus every `value.calls[].errors[]` item; message and status errors are not counted. */
  errors: number;
  /** `value.message_echoes[]` items. */
  messageEchoes: number;
}

export interface CorpusEntry {
  /** The file name without `.json`. */
  name: string;
  /** `cloud-api`: a Meta webhook object; `on-premises`: an On-Premises API body. */
  shape: 'cloud-api' | 'on-premises';
  description: string;
  /** The public source the fixture's shape is modelled on, in words. */
  modelledOn: string;
  /** The Vobiz `event_type` this payload arrives under. */
  eventType: string;
  expect: CorpusCounts;
  payload: Record<string, unknown>;
}

const SHAPES = ['cloud-api', 'on-premises'] as const;
const FILE_KEYS = ['description', 'modelledOn', 'eventType', 'expect', 'payload'];
const COUNT_KEYS: readonly (keyof CorpusCounts)[] = [
  'messages',
  'statuses',
  'calls',
  'contacts',
  'errors',
  'messageEchoes',
];
// A source is described in words or by public URL; a path would point at someone's disk.
const LOCAL_PATH = /^(?:\/|\.{1,2}\/|~\/|[A-Za-z]:\\)/;

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function text(file: Record<string, unknown>, key: string, fail: (problem: string) => never): string {
  const value = file[key];
  if (typeof value !== 'string' || value.trim() === '') fail(`\`${key}\` must be a non-empty string`);
  return value;
}

function countsOf(value: unknown, fail: (problem: string) => never): CorpusCounts {
  if (!isObject(value)) fail('`expect` must be an object');
  const extra = Object.keys(value).filter((key) => !(COUNT_KEYS as readonly string[]).includes(key));
  if (extra.length > 0) fail(`\`expect\` has unknown keys: ${extra.join(', ')}`);
  const counts = {} as CorpusCounts;
  for (const key of COUNT_KEYS) {
    const count = value[key];
    if (typeof count !== 'number' || !Number.isInteger(count) || count < 0) {
      fail(`\`expect.${key}\` must be a non-negative integer`);
    }
    counts[key] = count;
  }
  return counts;
}

function checkCloudPayload(payload: Record<string, unknown>, fail: (problem: string) => never): void {
  if (typeof payload.object !== 'string') fail('`payload.object` must be a string');
  if (!Array.isArray(payload.entry) || payload.entry.length === 0) fail('`payload.entry` must be a non-empty array');
  payload.entry.forEach((entry: unknown, i: number) => {
    if (!isObject(entry) || !Array.isArray(entry.changes) || entry.changes.length === 0) {
      fail(`\`payload.entry[${i}].changes\` must be a non-empty array`);
    }
    entry.changes.forEach((change: unknown, j: number) => {
      const where = `payload.entry[${i}].changes[${j}]`;
      if (!isObject(change) || typeof change.field !== 'string') fail(`\`${where}.field\` must be a string`);
      if (!isObject(change.value)) fail(`\`${where}.value\` must be an object`);
    });
  });
}

function load(shape: CorpusEntry['shape'], dir: string, fileName: string): CorpusEntry {
  const path = join(dir, fileName);
  const fail = (problem: string): never => {
    throw new Error(`corpus: ${shape}/${fileName}: ${problem}`);
  };
  let file: unknown;
  try {
    file = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    return fail(`not valid JSON (${(error as Error).message})`);
  }
  if (!isObject(file)) return fail('the file must hold a JSON object');
  const unknown = Object.keys(file).filter((key) => !FILE_KEYS.includes(key));
  if (unknown.length > 0) fail(`unknown keys: ${unknown.join(', ')}`);
  const modelledOn = text(file, 'modelledOn', fail);
  if (LOCAL_PATH.test(modelledOn)) fail('`modelledOn` must describe a public source, not a local path');
  const payload = file.payload;
  if (!isObject(payload)) return fail('`payload` must be a JSON object');
  if (shape === 'cloud-api') checkCloudPayload(payload, fail);
  else if ('entry' in payload || 'messaging_product' in payload || 'metadata' in payload) {
    fail('an on-premises body has no `entry`, `messaging_product` or `metadata`');
  }
  return {
    name: fileName.slice(0, -'.json'.length),
    shape,
    description: text(file, 'description', fail),
    modelledOn,
    eventType: text(file, 'eventType', fail),
    expect: countsOf(file.expect, fail),
    payload,
  };
}

function loadCorpus(): CorpusEntry[] {
  const entries: CorpusEntry[] = [];
  for (const shape of SHAPES) {
    const dir = join(__dirname, shape);
    const files = readdirSync(dir)
      .filter((fileName) => fileName.endsWith('.json'))
      .sort();
    if (files.length === 0) throw new Error(`corpus: ${shape}: no fixtures found in ${dir}`);
    for (const fileName of files) entries.push(load(shape, dir, fileName));
  }
  return entries;
}

/** Every fixture: the cloud-api ones, then the on-premises ones, each sorted by name. */
export const corpus: readonly CorpusEntry[] = Object.freeze(loadCorpus());

/**
 * The Meta object's change values, one per entry×change (for the "value" payload shape);
 * for on-premises bodies, the body itself.
 */
export function changeValuesOf(entry: CorpusEntry): Record<string, unknown>[] {
  if (entry.shape === 'on-premises') return [entry.payload];
  const values: Record<string, unknown>[] = [];
  // `load` checked this structure, so the casts only restate it.
  for (const item of entry.payload.entry as Record<string, unknown>[]) {
    for (const change of item.changes as Record<string, unknown>[]) {
      values.push(change.value as Record<string, unknown>);
    }
  }
  return values;
}

/** The library helper each count is checked against. */
export const HELPERS: Readonly<Record<keyof CorpusCounts, (event: VobizEvent) => unknown[]>> = {
  messages: messagesOf,
  statuses: statusesOf,
  calls: callsOf,
  contacts: contactsOf,
  errors: errorsOf,
  messageEchoes: messageEchoesOf,
};
