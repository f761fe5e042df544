import { readFileSync, existsSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';

// A static proof, not a runtime one: the edge Jest VM still lets `node:` modules load
// (Jest serves built-ins from the host), and Next.js only fails on them at deploy
// time. So walk the App Router entry's import graph through core's sources, the way
// Next resolves it for `runtime = 'edge'`, and assert that it never reaches Node.

const PACKAGES = join(__dirname, '..', '..');
const CORE = join(PACKAGES, 'core');
const BUILTINS = new Set(builtinModules);

/** Where the `edge-light` export condition of @vobiz-webhooks/core leads, as a source file. */
function coreEdgeSource(): string {
  const manifest = JSON.parse(readFileSync(join(CORE, 'package.json'), 'utf8')) as {
    exports: Record<string, Record<string, { import: { default: string } }>>;
  };
  const built = manifest.exports['.']?.['edge-light']?.import.default;
  // tsup builds dist/index.web.js from the `index.web` entry, src/index.web.ts.
  expect(built).toBe('./dist/index.web.js');
  return join(CORE, 'src', 'index.web.ts');
}

const SPECIFIERS = [
  /\b(?:import|export)\s+(?:type\s+)?(?:[\w*{}\s,]+?\s+from\s+)?['"]([^'"]+)['"]/g,
  /\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)/g,
  /\brequire\s*\(\s*['"]([^'"]+)['"]\s*\)/g,
];

function specifiersOf(file: string): string[] {
  const source = readFileSync(file, 'utf8');
  return SPECIFIERS.flatMap((pattern) => [...source.matchAll(pattern)].map((match) => match[1] as string));
}

function resolveRelative(from: string, specifier: string): string {
  const base = resolve(dirname(from), specifier);
  for (const candidate of [`${base}.ts`, join(base, 'index.ts'), base]) if (existsSync(candidate)) return candidate;
  throw new Error(`cannot resolve ${specifier} from ${from}`);
}

interface Graph {
  files: string[];
  /** Bare specifiers that leave the walked sources: packages and built-ins. */
  external: Set<string>;
}

/** Every module an entry reaches, following workspace packages into their sources. */
function walk(entry: string, workspace: Record<string, string>): Graph {
  const files = new Set<string>();
  const external = new Set<string>();
  const queue = [entry];
  while (queue.length > 0) {
    const file = queue.pop() as string;
    if (files.has(file)) continue;
    files.add(file);
    for (const specifier of specifiersOf(file)) {
      if (specifier.startsWith('.')) queue.push(resolveRelative(file, specifier));
      else if (specifier in workspace) queue.push(workspace[specifier] as string);
      else external.add(specifier);
    }
  }
  return { files: [...files].map((file) => relative(PACKAGES, file)), external };
}

const isNodeOnly = (specifier: string) =>
  specifier.startsWith('node:') || BUILTINS.has(specifier.split('/')[0] as string);

describe('the App Router entry is edge-clean', () => {
  it('reaches no node: module and no Node built-in through core', () => {
    const graph = walk(join(PACKAGES, 'next', 'src', 'index.ts'), {
      '@vobiz-webhooks/core': coreEdgeSource(),
      '@vobiz-webhooks/web': join(PACKAGES, 'web', 'src', 'index.ts'),
    });

    // The walk really went through core, not just the adapter file.
    expect(graph.files).toEqual(
      expect.arrayContaining([
        'next/src/index.ts',
        'core/src/index.web.ts',
        'core/src/receiver.ts',
        'core/src/web/signature.ts',
        'core/src/web/body.ts',
      ]),
    );
    expect(graph.files).not.toContain('core/src/signature.ts');
    expect(graph.files).not.toContain('core/src/node/http.ts');
    expect([...graph.external].filter(isNodeOnly)).toEqual([]);
    // Anything else it imports must be a real dependency of core that runs on the edge.
    expect([...graph.external].filter((name) => name.startsWith('@vobiz-webhooks/'))).toEqual([]);
    expect(graph.external.has('raw-body')).toBe(false);
  });

  it('the same walk does find node: imports where they belong (the check can fail)', () => {
    const coreNode = walk(join(CORE, 'src', 'index.ts'), {});
    expect([...coreNode.external]).toContain('node:crypto');

    const pages = walk(join(PACKAGES, 'next', 'src', 'pages.ts'), {
      '@vobiz-webhooks/core': join(CORE, 'src', 'index.ts'),
      '@vobiz-webhooks/core/node': join(CORE, 'src', 'node', 'index.ts'),
    });
    expect([...pages.external].filter(isNodeOnly)).toEqual(expect.arrayContaining(['node:http', 'node:crypto']));
  });
});
