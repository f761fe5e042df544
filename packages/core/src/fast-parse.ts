import type { z } from 'zod';

/*
 * The same answer as `schema.safeParse(value)` for a payload fresh from JSON.parse, at a
 * fraction of the cost. Measured (bench/RESULTS.md), zod validation of a 1.7 KB Meta
 * payload was the largest part of what the receiver adds to createHmac + JSON.parse:
 * zod builds a result object per declared key of every nested object (a message
 * schema declares ~20 keys) and copies every object.
 *
 * This walks the zod schema's own definition once and builds plain functions for the
 * kinds the wire schemas use (loose objects, optional, arrays, unions, string, number,
 * boolean, undefined, unknown). They check the keys that are present, in place, and
 * reuse the parsed objects: zod's output is a copy with the declared keys first, in
 * schema order, then the others as they came, so wherever the input already has that
 * order the copy would be indistinguishable from it; where it does not, that object is
 * copied into zod's order. Whenever a value comes back it is, key order included, what
 * zod returns. Failures are never explained here: on INVALID or UNSURE the caller asks
 * zod, which then gives the exact error (or, when unsure, the exact value). Any other
 * schema kind, check, refinement, default or coercion is handed to zod as a whole, so
 * a schema change can make this slower but never different.
 */

/** zod would reject the value (so the caller asks zod for the error). */
const INVALID: unique symbol = Symbol('invalid');
/** This path cannot vouch for zod's answer (so the caller asks zod). */
const UNSURE: unique symbol = Symbol('unsure');
type Outcome = unknown;
type FastParser = (value: unknown) => Outcome;

interface Def {
  type: string;
  checks?: unknown[];
  coerce?: boolean;
  innerType?: z.ZodType;
  element?: z.ZodType;
  options?: readonly z.ZodType[];
  inclusive?: boolean;
  shape?: Record<string, z.ZodType>;
  catchall?: z.ZodType;
}

interface Internals {
  def: Def;
  optin?: string;
  optout?: string;
  traits: Set<string>;
  run: unknown;
  parse: unknown;
}
const internals = (schema: z.ZodType): Internals => (schema as unknown as { _zod: Internals })._zod;
const defOf = (schema: z.ZodType): Def => internals(schema).def;
/** Checks, refinements and formats (`z.iso.datetime()` is itself a check) run on top of `parse`. */
const hasChecks = (schema: z.ZodType): boolean => {
  const zod = internals(schema);
  return (zod.def.checks?.length ?? 0) > 0 || zod.traits.has('$ZodCheck') || zod.run !== zod.parse;
};
const optinOf = (schema: z.ZodType): string | undefined => internals(schema).optin;
const optoutOf = (schema: z.ZodType): string | undefined => internals(schema).optout;

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** zod itself, for whatever this file does not model: exact by construction. */
function viaZod(schema: z.ZodType): FastParser {
  return (value) => {
    const result = schema.safeParse(value);
    return result.success ? result.data : INVALID;
  };
}

const SCALARS = new Set(['string', 'number', 'boolean', 'undefined', 'unknown']);
const compiled = new WeakMap<z.ZodType, FastParser>();

function compile(schema: z.ZodType): FastParser {
  const cached = compiled.get(schema);
  if (cached !== undefined) return cached;
  // A recursive schema meets itself while it is being built: it gets this stub.
  let built: FastParser | undefined;
  compiled.set(schema, (value) => (built as FastParser)(value));
  built = build(schema);
  compiled.set(schema, built);
  return built;
}

function build(schema: z.ZodType): FastParser {
  const def = defOf(schema);
  if (hasChecks(schema) || def.coerce === true) return viaZod(schema);
  switch (def.type) {
    case 'string':
      return (value) => (typeof value === 'string' ? value : INVALID);
    case 'number':
      // zod rejects NaN and ±Infinity (JSON.parse('1e400') is Infinity).
      return (value) => (typeof value === 'number' && Number.isFinite(value) ? value : INVALID);
    case 'boolean':
      return (value) => (typeof value === 'boolean' ? value : INVALID);
    case 'undefined':
      return (value) => (value === undefined ? value : INVALID);
    case 'unknown':
      return (value) => value;
    case 'optional': {
      const inner = def.innerType;
      if (inner === undefined || optinOf(inner) === 'defaulted') return viaZod(schema);
      const parseInner = compile(inner);
      return (value) => (value === undefined ? value : parseInner(value));
    }
    case 'array': {
      if (def.element === undefined) return viaZod(schema);
      const parseElement = compile(def.element);
      return (value) => {
        if (!Array.isArray(value)) return INVALID;
        for (let i = 0; i < value.length; i++) {
          const item: unknown = value[i];
          const result = parseElement(item);
          if (result === INVALID || result === UNSURE) return result;
          if (result !== item) value[i] = result;
        }
        return value;
      };
    }
    case 'union': {
      // zod returns the first option that passes; an exclusive union (z.xor) is zod's to judge.
      if (def.options === undefined || def.inclusive === false) return viaZod(schema);
      // Only unions of scalars (`string | number`): an object option that failed could
      // already have reordered nested objects by its own schema, not the next option's.
      if (!def.options.every((option) => SCALARS.has(defOf(option).type))) return viaZod(schema);
      const options = def.options.map(compile);
      return (value) => {
        for (const option of options) {
          const result = option(value);
          if (result !== INVALID) return result;
        }
        return INVALID;
      };
    }
    case 'object':
      return buildObject(schema, def);
    default:
      return viaZod(schema);
  }
}

const INTEGER_KEY = /^(?:0|[1-9][0-9]*)$/;

function buildObject(schema: z.ZodType, def: Def): FastParser {
  const shape = def.shape;
  // Only `z.looseObject` (unknown keys kept as they are); zod strips or rejects otherwise.
  if (shape === undefined || def.catchall === undefined || defOf(def.catchall).type !== 'unknown') return viaZod(schema);
  if (Object.getOwnPropertySymbols(shape).length > 0) return viaZod(schema);
  const keys = Object.keys(shape);
  // zod finds a declared key through the prototype chain (`key in value`), and integer
  // keys enumerate first whatever the order of writing: both are left to zod.
  if (keys.some((key) => key in Object.prototype || INTEGER_KEY.test(key))) return viaZod(schema);
  const fields = keys.map((key) => {
    const field = shape[key] as z.ZodType;
    const optin = optinOf(field);
    return { key, parse: compile(field), required: optin === undefined, optional: optin === 'optional' && optoutOf(field) === 'optional' };
  });
  if (fields.some((field) => !field.required && !field.optional)) return viaZod(schema);
  const fieldIndex = new Map(fields.map((field, index) => [field.key, index]));
  const requiredCount = fields.filter((field) => field.required).length;

  return (value) => {
    if (!isObject(value)) return INVALID;
    if (Object.getPrototypeOf(value) !== Object.prototype) return UNSURE;
    let last = -1;
    let inZodOrder = true;
    let unknownSeen = false;
    let required = 0;
    // One pass over the keys that are there, not over every declared one.
    for (const key in value) {
      const index = fieldIndex.get(key);
      if (index === undefined) {
        // zod drops `__proto__`; leave that to it.
        if (key === '__proto__') return UNSURE;
        unknownSeen = true;
        continue;
      }
      if (index < last || unknownSeen) inZodOrder = false;
      last = index;
      const field = fields[index] as (typeof fields)[number];
      const child = value[key];
      const result = field.parse(child);
      if (result === INVALID || result === UNSURE) return result;
      // A child copied into zod's key order replaces the original, which only we hold.
      if (result !== child) value[key] = result;
      if (field.required) required++;
    }
    // A required key is missing: zod fails it too, but its exact answer is zod's.
    if (required !== requiredCount) return UNSURE;
    if (inZodOrder) return value;
    const out: Record<string, unknown> = {};
    for (const { key } of fields) if (Object.hasOwn(value, key)) out[key] = value[key];
    for (const key in value) if (!fieldIndex.has(key)) out[key] = value[key];
    return out;
  };
}

/**
 * `schema.safeParse(value)` for a value fresh from `JSON.parse` that only the caller
 * holds: the result may reuse its objects, which may be reordered in place. Answered
 * here when the fast path can vouch for zod's result, by zod otherwise (so every
 * failure is zod's own error).
 */
export function safeParseFreshJson<S extends z.ZodType>(schema: S, value: unknown): ReturnType<S['safeParse']> {
  const result = compile(schema)(value);
  if (result !== INVALID && result !== UNSURE) return { success: true, data: result } as ReturnType<S['safeParse']>;
  return schema.safeParse(value) as ReturnType<S['safeParse']>;
}
