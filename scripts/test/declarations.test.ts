import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ts from 'typescript';

// What each built entry declares as values (its .d.ts or .d.cts, read by the TypeScript
// compiler as a user's project would) is what it exports when run, for every export
// condition of every package: a name declared but missing compiles and then fails at run
// time; one exported but undeclared cannot be used from TypeScript. `pnpm test` builds
// first; a bare `npx jest` after a clean checkout needs `pnpm build`.
const root = join(__dirname, '../..');
const packagesDir = join(root, 'packages');

interface Entry {
  /** `@vobiz-webhooks/<name><subpath>` under an export condition, for messages. */
  label: string;
  types: string;
  code: string;
}

interface Target {
  types?: string;
  default?: string;
  [condition: string]: unknown;
}

/** Every `{ types, default }` pair of a package's `exports`, under each condition that leads to one. */
function entriesOf(pkg: string): Entry[] {
  const dir = join(packagesDir, pkg);
  const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as {
    name: string;
    exports?: Record<string, Target | string>;
  };
  const entries: Entry[] = [];
  const visit = (target: Target, label: string) => {
    if (typeof target.types === 'string' && typeof target.default === 'string') {
      entries.push({ label, types: join(dir, target.types), code: join(dir, target.default) });
      return;
    }
    for (const [condition, next] of Object.entries(target)) {
      if (typeof next === 'object' && next !== null) visit(next as Target, `${label} [${condition}]`);
    }
  };
  for (const [subpath, target] of Object.entries(manifest.exports ?? {})) {
    if (typeof target === 'object') visit(target, `${manifest.name}${subpath.slice(1)}`);
  }
  return entries;
}

/** The names each file exports when Node loads it (ESM by `import()`, CommonJS by `require`). */
function runtimeExports(files: readonly string[]): string[][] {
  const script = `
    const { createRequire } = await import('node:module');
    const require = createRequire(import.meta.url);
    const out = [];
    for (const file of JSON.parse(process.argv[1])) {
      const loaded = file.endsWith('.cjs') ? require(file) : await import(file);
      out.push(Object.keys(loaded).filter((name) => name !== 'default' && name !== '__esModule'));
    }
    process.stdout.write(JSON.stringify(out));
  `;
  const output = execFileSync(process.execPath, ['--input-type=module', '-e', script, JSON.stringify(files)], {
    encoding: 'utf8',
  });
  return JSON.parse(output) as string[][];
}

/**
 * The compiler options of a project importing the entries: each entry's declarations are reached as
 * `probe-<i>`, mapped to the types file its `exports` names (not the one beside its code, which
 * TypeScript would pick from a path: core's Web build sits beside `index.web.d.ts`, and `exports`
 * gives `index.d.ts`).
 */
const optionsFor = (entries: readonly Entry[]): ts.CompilerOptions => ({
  module: ts.ModuleKind.ESNext,
  moduleResolution: ts.ModuleResolutionKind.Bundler,
  target: ts.ScriptTarget.ES2022,
  lib: ['lib.es2022.d.ts', 'lib.dom.d.ts'],
  strict: true,
  noEmit: true,
  skipLibCheck: true,
  types: [],
  paths: Object.fromEntries(entries.map(({ types }, i) => [`probe-${i}`, [types]])),
});

/**
 * Every name each entry's declarations export, types included, and those usable as values: read
 * as a project importing it would.
 */
function declarations(entries: readonly Entry[], dir: string): { names: string[][]; values: string[][] } {
  const probe = join(dir, 'probe.ts');
  const options = optionsFor(entries);
  const imports = entries.map((_, i) => `import * as m${i} from 'probe-${i}';`).join('\n');

  writeFileSync(probe, `${imports}\nexport {};\n`);
  let program = ts.createProgram([probe], options);
  const checker = program.getTypeChecker();
  const source = program.getSourceFile(probe) as ts.SourceFile;
  const names = source.statements.filter(ts.isImportDeclaration).map((declaration, i) => {
    const module = checker.getSymbolAtLocation(declaration.moduleSpecifier);
    const resolved = module?.valueDeclaration?.getSourceFile().fileName;
    if (resolved !== entries[i]?.types) throw new Error(`probe-${i} resolved to ${resolved}, not ${entries[i]?.types}`);
    return checker.getExportsOfModule(module as ts.Symbol).map((symbol) => symbol.name);
  });

  // Each imported by name and used as a value, one use per line: the lines that compile are
  // the values. (By name: a namespace import of a CommonJS entry does not flag type-only names.)
  const uses = names.flatMap((list, i) => list.map((name) => ({ i, name })));
  const lines = [
    ...uses.map((_, k) => `void v${k};`),
    ...uses.map(({ i, name }, k) => `import { ${name} as v${k} } from 'probe-${i}';`),
  ];
  writeFileSync(probe, `${lines.join('\n')}\n`);
  program = ts.createProgram([probe], options);
  const failed = new Set<number>();
  for (const diagnostic of ts.getPreEmitDiagnostics(program)) {
    if (diagnostic.file?.fileName !== probe || diagnostic.start === undefined) continue;
    const line = diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start).line;
    if (line >= uses.length) throw new Error(ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n'));
    failed.add(line);
  }
  const values: string[][] = entries.map(() => []);
  uses.forEach(({ i, name }, line) => {
    if (!failed.has(line)) values[i]?.push(name);
  });
  return { names, values };
}

const packages = readdirSync(packagesDir).filter((pkg) => {
  const manifest = JSON.parse(readFileSync(join(packagesDir, pkg, 'package.json'), 'utf8')) as { private?: boolean };
  return manifest.private !== true;
});
const entries = packages.flatMap(entriesOf);

describe('what the built packages declare is what they export', () => {
  let dir = '';
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'vobiz-declarations-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads every entry of every published package', () => {
    expect(packages).toEqual(expect.arrayContaining(['core', 'express', 'fastify', 'hono', 'web', 'next']));
    // core: import and require under edge-light, workerd, worker and by default for `.`,
    // and for `./node` and `./testing`.
    expect(entries.filter(({ label }) => label.startsWith('@vobiz-webhooks/core'))).toHaveLength(12);
  });

  it('declares as values exactly the names each entry exports when run, and nothing of core’s through an adapter', () => {
    const { names, values } = declarations(entries, dir);
    const exported = runtimeExports(entries.map(({ code }) => code));
    const compared = entries.map(({ label }, i) => ({
      label,
      names: names[i] ?? [],
      declared: [...(values[i] ?? [])].sort(),
      exported: [...(exported[i] ?? [])].sort(),
    }));
    for (const entry of compared) {
      expect(entry.exported.length).toBeGreaterThan(0);
      expect({ label: entry.label, values: entry.declared }).toEqual({ label: entry.label, values: entry.exported });
    }
    // The adapters re-export core's types (so core resolved from their declarations), not its functions.
    for (const adapter of ['express', 'fastify', 'hono', 'koa', 'next', 'web']) {
      for (const condition of ['import', 'require']) {
        const entry = compared.find(({ label }) => label === `@vobiz-webhooks/${adapter} [${condition}]`);
        expect({ adapter, condition, types: entry?.names }).toEqual({
          adapter,
          condition,
          types: expect.arrayContaining(['EventHandlers', 'VobizEvent', 'VobizWebhookOptions']),
        });
        expect(entry?.declared).not.toContain('signPayload');
      }
    }
    const fastify = compared.find(({ label }) => label === '@vobiz-webhooks/fastify [import]');
    expect(fastify?.exported).toEqual(['metaWebhook', 'vobizWebhook']);
  }, 120_000);
});
