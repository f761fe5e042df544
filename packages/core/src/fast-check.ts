import type { z } from 'zod';

/*
 * A fast yes for `schema.safeParse(value)` on a value fresh from JSON.parse. Measured
 * (bench/RESULTS.md), zod validation of a 1.7 KB Meta payload was the largest part of
 * what the receiver adds to createHmac + JSON.parse: zod copies every object and builds
 * a result per declared key (a message schema declares ~20).
 *
 * The wire schemas only validate: loose objects keep unknown keys, nothing has a
 * default or a transform. So wherever zod accepts a value, its output is that same
 * value, in zod's key order. A check compiled here answers `true` only when it can
 * vouch for exactly that: zod accepts, and its output equals the value but for key
 * order. Then the receiver keeps the parsed body as it came, uncopied. `false` means
 * "ask zod", which then gives the exact error, or the exact value where this path was
 * unsure (a `__proto__` key, which zod drops). A check is built from the zod schema's
 * own definition once. It models loose objects, optional, arrays, unions of scalars,
 * string, number (finite, as zod), boolean, undefined and unknown; any other kind,
 * check, refinement or format is asked of zod for that value, and vouched for only if
 * zod returns the value itself. A schema change can make this slower, never different.
 *
 * Object checks are generated as JavaScript source (`new Function`, like zod's own JIT)
 * where the runtime allows it: one `switch` on the keys present, scalar fields inline.
 * Edge runtimes refuse code generation; there the same check is built from closures.
 */

export type Check = (value: unknown) => boolean;

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

/** zod itself, for what this file does not model; vouched for only when zod hands back the value itself. */
const viaZod =
  (schema: z.ZodType): Check =>
  (value) => {
    const result = schema.safeParse(value);
    return result.success && Object.is(result.data, value);
  };

/**
 * The scalar kinds, each as a check and as the same test in JavaScript source on `c`
 * (for generated object checks): one definition, so the two builds cannot drift apart.
 */
const SCALARS: Readonly<Record<string, { check: Check; source: string }>> = {
  string: { check: (value) => typeof value === 'string', source: "typeof c === 'string'" },
  // zod rejects NaN and ±Infinity (JSON.parse('1e400') is Infinity).
  number: { check: (value) => typeof value === 'number' && Number.isFinite(value), source: "(typeof c === 'number' && Number.isFinite(c))" },
  boolean: { check: (value) => typeof value === 'boolean', source: "typeof c === 'boolean'" },
  undefined: { check: (value) => value === undefined, source: 'c === undefined' },
  unknown: { check: () => true, source: 'true' },
};
const scalarOf = (schema: z.ZodType): { check: Check; source: string } | undefined => {
  const { type } = defOf(schema);
  return Object.hasOwn(SCALARS, type) ? SCALARS[type] : undefined;
};
const INTEGER_KEY = /^(?:0|[1-9][0-9]*)$/;

/** Whether `new Function` works here (zod asks the same; Edge runtimes and strict CSPs say no). */
const canGenerate = ((): boolean => {
  try {
    return (new Function('return true') as () => boolean)();
  } catch {
    return false;
  }
})();

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && Object.getPrototypeOf(value) === Object.prototype;

interface Field {
  key: string;
  check: Check;
  required: boolean;
  /** A JavaScript condition on `c` for fields checked inline in generated code. */
  inline: string | undefined;
}

class Compiler {
  private readonly compiled = new Map<z.ZodType, Check>();
  /**
   * For each schema whose check `build` made a plain condition (a scalar, an optional
   * scalar, a union of scalars), the same test in JavaScript source on `c`, recorded
   * where the check is built, for generated object checks to inline.
   */
  private readonly sources = new Map<z.ZodType, string>();

  constructor(private readonly generate: boolean) {}

  check(schema: z.ZodType): Check {
    const cached = this.compiled.get(schema);
    if (cached !== undefined) return cached;
    // A recursive schema meets itself while it is being built: it gets this stub.
    let built: Check | undefined;
    this.compiled.set(schema, (value) => (built as Check)(value));
    built = this.build(schema);
    this.compiled.set(schema, built);
    return built;
  }

  private build(schema: z.ZodType): Check {
    const def = defOf(schema);
    if (hasChecks(schema) || def.coerce === true) return viaZod(schema);
    const scalar = scalarOf(schema);
    if (scalar !== undefined) {
      this.sources.set(schema, scalar.source);
      return scalar.check;
    }
    switch (def.type) {
      case 'optional': {
        const inner = def.innerType;
        if (inner === undefined || optinOf(inner) === 'defaulted') return viaZod(schema);
        const checkInner = this.check(inner);
        const innerSource = this.sources.get(inner);
        if (innerSource !== undefined) this.sources.set(schema, `(c === undefined || ${innerSource})`);
        return (value) => value === undefined || checkInner(value);
      }
      case 'array': {
        if (def.element === undefined) return viaZod(schema);
        const checkElement = this.check(def.element);
        return (value) => {
          if (!Array.isArray(value)) return false;
          for (let i = 0; i < value.length; i++) if (!checkElement(value[i])) return false;
          return true;
        };
      }
      case 'union': {
        // zod returns the first option that passes; an exclusive union (z.xor) is zod's to judge.
        if (def.options === undefined || def.inclusive === false) return viaZod(schema);
        // Only unions of scalars (`string | number`): an object option would be the first to pass only by zod's rules.
        if (!def.options.every((option) => scalarOf(option) !== undefined)) return viaZod(schema);
        const options = def.options.map((option) => this.check(option));
        this.sources.set(schema, `(${def.options.map((option) => this.sources.get(option)).join(' || ')})`);
        return (value) => options.some((option) => option(value));
      }
      case 'object':
        return this.object(schema, def);
      default:
        return viaZod(schema);
    }
  }

  private object(schema: z.ZodType, def: Def): Check {
    const shape = def.shape;
    // Only `z.looseObject` (unknown keys kept as they are); zod strips or rejects otherwise.
    if (shape === undefined || def.catchall === undefined || defOf(def.catchall).type !== 'unknown') return viaZod(schema);
    if (Object.getOwnPropertySymbols(shape).length > 0) return viaZod(schema);
    const keys = Object.keys(shape);
    // zod finds a declared key through the prototype chain (`key in value`), and
    // integer keys are a different kind of property: both are left to zod.
    if (keys.some((key) => key in Object.prototype || INTEGER_KEY.test(key))) return viaZod(schema);
    const fields: Field[] = [];
    for (const key of keys) {
      const field = shape[key] as z.ZodType;
      const optin = optinOf(field);
      // A default (optin 'optional', optout not) adds a key zod's output has and the value lacks.
      if (optin !== undefined && !(optin === 'optional' && optoutOf(field) === 'optional')) return viaZod(schema);
      const check = this.check(field);
      fields.push({ key, check, required: optin === undefined, inline: this.sources.get(field) });
    }
    const required = fields.filter((field) => field.required).length;
    return this.generate ? generatedObject(fields, required) : closureObject(fields, required);
  }
}

/**
 * One pass over the keys that are there, not over every declared one. zod would drop
 * a `__proto__` key (JSON.parse makes it an own property), and a missing required key
 * fails: both are zod's to answer.
 */
function closureObject(fields: Field[], required: number): Check {
  const byKey = new Map(fields.map((field) => [field.key, field]));
  return (value) => {
    if (!isPlainObject(value)) return false;
    let seen = 0;
    for (const key in value) {
      const field = byKey.get(key);
      if (field === undefined) {
        if (key === '__proto__') return false;
        continue;
      }
      if (!field.check(value[key])) return false;
      if (field.required) seen++;
    }
    return seen === required;
  };
}

/** The same check as `closureObject`, as one generated function per object schema. */
function generatedObject(fields: Field[], required: number): Check {
  const cases = fields.map((field, index) => {
    const test = field.inline ?? `checks[${index}](c)`;
    return `case ${JSON.stringify(field.key)}: c = value[key]; if (!(${test})) return false;${field.required ? ' seen++;' : ''} break;`;
  });
  const source = `return function check(value) {
  if (!isPlainObject(value)) return false;
  let seen = 0, c;
  for (const key in value) {
    switch (key) {
      ${cases.join('\n      ')}
      case '__proto__': return false;
    }
  }
  return seen === ${required};
};`;
  const factory = new Function('checks', 'isPlainObject', source) as (checks: Check[], plain: typeof isPlainObject) => Check;
  return factory(
    fields.map((field) => field.check),
    isPlainObject,
  );
}

const compilers = { generated: canGenerate ? new Compiler(true) : undefined, closures: new Compiler(false) };

/**
 * Whether zod accepts `value` (fresh from JSON.parse) and returns it unchanged but for
 * key order. `false` means: ask zod. `mode` is for tests of both builds.
 */
export function vouches(schema: z.ZodType, value: unknown, mode: 'auto' | 'closures' = 'auto'): boolean {
  const compiler = mode === 'auto' ? (compilers.generated ?? compilers.closures) : compilers.closures;
  return compiler.check(schema)(value);
}

/** Whether object checks are generated code on this runtime (for tests). */
export const generatesCode = canGenerate;
