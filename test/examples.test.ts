/**
 * Every `@example` in the TSDoc of src/**\/*.ts compiles and runs, so that the examples in
 * the API reference cannot drift from the code.
 *
 * Each example becomes a module of its own (under .cache/examples/, removed afterwards),
 * with every public name of the library in scope, as a user has them after
 * `import { … } from 'discrete-gradients'` (plus the exports of the example's own file
 * that are not public, for the examples of internal helpers), and its code as the body of
 * an async function (so `await` works as in a notebook cell). All of them are
 * type-checked strictly in one TypeScript program; then each one that compiled is run,
 * one after another, in this process, each starting on the backend that `initBackend()`
 * picks, whatever the example before it chose. Each example is its own sub-test, named by
 * the file and line of its `@example` tag, so one run reports every failure.
 *
 * What counts as the example's code follows TSDoc and typedoc: the whole block up to the
 * next block tag, or only its fenced code blocks when it has any. Text on the `@example`
 * line itself is a title.
 *
 * Compile only: an example whose first code line is a comment starting `// compile-only:`
 * (followed by the reason, e.g. `// compile-only: needs a Jupyter kernel`) is type-checked
 * but not run. Use it for examples that need Jupyter, files the package does not ship, or
 * minutes of computing.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';

const ROOT = join(__dirname, '..');
const SRC = join(ROOT, 'src');
// One folder per run, so that two runs at once do not overwrite each other's modules.
const OUT = join(ROOT, '.cache', 'examples', String(process.pid));
const COMPILE_ONLY = /^\s*\/\/\s*compile-only:/;

/** One `@example` block. `lines[i]` is the source line (1-based) of `code`'s line i. */
interface Example {
  /** `src/…/file.ts:line`, the line of the `@example` tag. */
  where: string;
  code: string;
  lines: number[];
  compileOnly: boolean;
}

/** The `@example` blocks of one file's documentation comments. */
function extractExamples(text: string, file: string): Example[] {
  const examples: Example[] = [];
  for (const comment of text.matchAll(/\/\*\*[\s\S]*?\*\//g)) {
    const firstLine = text.slice(0, comment.index).split('\n').length;
    // The comment's lines without the leading " * " (one space after the star is the margin).
    const body = comment[0]
      .replace(/^\/\*\*/, '')
      .replace(/\*\/$/, '')
      .split('\n')
      .map((line) => line.replace(/^\s*\* ?/, ''));
    for (let i = 0; i < body.length; i++) {
      if (!/^\s*@example\b/.test(body[i])) continue;
      const block: { text: string; line: number }[] = [];
      let j = i + 1;
      for (; j < body.length && !/^\s*@[a-zA-Z]/.test(body[j]); j++) block.push({ text: body[j], line: firstLine + j });
      examples.push(toExample(block, `${file}:${firstLine + i}`));
      i = j - 1;
    }
  }
  return examples;
}

function toExample(block: { text: string; line: number }[], where: string): Example {
  let kept = block;
  if (block.some((l) => /^\s*```/.test(l.text))) {
    // Only the fenced code is code; the rest is prose around it.
    kept = [];
    let inside = false;
    for (const l of block) {
      if (/^\s*```/.test(l.text)) inside = !inside;
      else if (inside) kept.push(l);
    }
  }
  while (kept.length && kept[kept.length - 1].text.trim() === '') kept = kept.slice(0, -1);
  while (kept.length && kept[0].text.trim() === '') kept = kept.slice(1);
  const first = kept.find((l) => l.text.trim() !== '');
  return {
    where,
    code: kept.map((l) => l.text).join('\n'),
    lines: kept.map((l) => l.line),
    compileOnly: first !== undefined && COMPILE_ONLY.test(first.text),
  };
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return name.endsWith('.ts') && !name.endsWith('.d.ts') ? [path] : [];
  });
}

const COMPILER_OPTIONS: ts.CompilerOptions = {
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.CommonJS,
  moduleResolution: ts.ModuleResolutionKind.Node10,
  lib: ['lib.es2022.d.ts'],
  types: ['node'],
  strict: true,
  esModuleInterop: true,
  skipLibCheck: true,
  noEmit: true,
};

/** The names a source file exports (values and types); none if it is not a module. */
function exportedNames(program: ts.Program, path: string): string[] {
  const checker = program.getTypeChecker();
  const file = program.getSourceFile(path);
  const symbol = file && checker.getSymbolAtLocation(file);
  return symbol ? checker.getExportsOfModule(symbol).map((s) => s.getName()) : [];
}

/**
 * An example's own import lines, moved to the top of its module; an import from
 * 'discrete-gradients' is dropped (its names are in scope already), and the names an
 * example imports itself are not imported again from the library.
 */
function splitImports(code: string): { imports: string[]; body: string[]; own: Set<string> } {
  const imports: string[] = [];
  const body: string[] = [];
  const own = new Set<string>();
  for (const line of code.split('\n')) {
    if (/^import\s/.test(line)) {
      imports.push(/from\s+['"]discrete-gradients['"]/.test(line) ? '' : line);
      for (const m of line.replace(/from\s+['"][^'"]*['"].*$/, '').matchAll(/\b(?:as\s+)?([A-Za-z_$][\w$]*)\b/g)) own.add(m[1]);
      body.push('');
    } else {
      body.push(line);
    }
  }
  return { imports, body, own };
}

interface Generated {
  example: Example;
  file: string;
  /** Generated line (0-based) of the example's first code line. */
  offset: number;
}

const modulePath = (from: string, to: string) => relative(from, to).split('\\').join('/').replace(/\.ts$/, '');

function generate(examples: Example[], program: ts.Program): Generated[] {
  rmSync(OUT, { recursive: true, force: true });
  mkdirSync(OUT, { recursive: true });
  const publicNames = exportedNames(program, join(SRC, 'index.ts'));
  assert.ok(publicNames.length > 0, 'src/index.ts exports names');
  return examples.map((example, n) => {
    const { imports, body, own } = splitImports(example.code);
    const source = join(ROOT, example.where.replace(/:\d+$/, ''));
    const inScope = publicNames.filter((name) => !own.has(name));
    const local = exportedNames(program, source).filter((name) => !own.has(name) && !publicNames.includes(name));
    const header = [
      `// ${example.where}`,
      `import { ${inScope.join(', ')} } from '${modulePath(OUT, SRC)}';`,
      local.length ? `import { ${local.join(', ')} } from '${modulePath(OUT, source)}';` : '',
      ...imports,
      'export async function runExample(): Promise<void> {',
    ];
    const file = join(OUT, `${String(n).padStart(3, '0')}-${example.where.replace(/[^A-Za-z0-9]+/g, '-')}.ts`);
    writeFileSync(file, [...header, ...body, '}', ''].join('\n'));
    return { example, file, offset: header.length };
  });
}

/** Errors shown per example; prose caught in an example gives dozens, all alike. */
const MAX_ERRORS = 4;

/** The compile errors of one generated file, located at the example's source lines. */
function compileErrors(program: ts.Program, g: Generated): string[] {
  const sf = program.getSourceFile(g.file);
  if (!sf) return [`${g.example.where}: not compiled`];
  const syntax = program.getSyntacticDiagnostics(sf);
  const diagnostics = syntax.length ? syntax : program.getSemanticDiagnostics(sf);
  const shown = diagnostics.slice(0, MAX_ERRORS).map((d) => {
    const line = d.start === undefined ? -1 : sf.getLineAndCharacterOfPosition(d.start).line - g.offset;
    const at = line >= 0 && line < g.example.lines.length ? `${g.example.where.replace(/:\d+$/, '')}:${g.example.lines[line]}` : g.example.where;
    return `${at}: TS${d.code} ${ts.flattenDiagnosticMessageText(d.messageText, ' ')}`;
  });
  if (diagnostics.length > MAX_ERRORS) shown.push(`… and ${diagnostics.length - MAX_ERRORS} more`);
  return shown;
}

/** Examples slower than this are named in the test's closing note. */
const SLOW_SECONDS = 5;

after(() => rmSync(OUT, { recursive: true, force: true }));

test('extractExamples reads @example blocks as TSDoc does, with the compile-only marker', () => {
  const text = [
    '/**',
    ' * Adds.',
    ' *',
    ' * @example',
    ' * const x = add(1, 2);',
    ' *   x.toFixed(1);',
    ' * @param a - the first',
    ' */',
    '/** @example Fenced, with a title',
    ' * Some prose.',
    ' * ```ts',
    ' * // compile-only: needs a kernel',
    ' * show(x);',
    ' * ```',
    ' */',
  ].join('\n');
  const [plain, fenced] = extractExamples(text, 'f.ts');
  assert.deepEqual(plain, { where: 'f.ts:4', code: 'const x = add(1, 2);\n  x.toFixed(1);', lines: [5, 6], compileOnly: false });
  assert.deepEqual(fenced, { where: 'f.ts:9', code: '// compile-only: needs a kernel\nshow(x);', lines: [12, 13], compileOnly: true });
});

test('every @example in src compiles and runs', async (t) => {
  const files = sourceFiles(SRC).sort();
  const examples = files.flatMap((path) => extractExamples(readFileSync(path, 'utf8'), relative(ROOT, path).split('\\').join('/')));
  assert.ok(examples.length > 0, 'src has examples');

  const base = ts.createProgram(files, COMPILER_OPTIONS);
  const generated = generate(examples, base);
  const program = ts.createProgram(generated.map((g) => g.file), COMPILER_OPTIONS, undefined, base);

  // As in a notebook's first cell: the best backend that loads.
  const { initBackend, backend } = require('../src') as typeof import('../src');
  const startBackend = await initBackend();
  const log = console.log;
  let passed = 0;
  const slow: string[] = [];
  for (const g of generated) {
    await t.test(g.example.where + (g.example.compileOnly ? ' (compile only)' : ''), async () => {
      const errors = compileErrors(program, g);
      assert.ok(errors.length === 0, `does not compile:\n  ${errors.join('\n  ')}`);
      if (g.example.compileOnly) return;
      // Examples print what they show; the test keeps its own output readable.
      console.log = () => {};
      const start = Date.now();
      try {
        const { runExample } = require(g.file) as { runExample: () => Promise<void> };
        await runExample();
        const seconds = (Date.now() - start) / 1000;
        if (seconds > SLOW_SECONDS) slow.push(`${g.example.where} ${seconds.toFixed(1)} s`);
      } catch (error) {
        throw new Error(`does not run: ${(error as Error)?.stack?.split('\n').slice(0, 3).join(' | ') ?? error}`);
      } finally {
        console.log = log;
        if (backend() !== startBackend) await initBackend(startBackend);
      }
      passed++;
    });
  }
  t.diagnostic(`${examples.length} examples, ${examples.filter((e) => e.compileOnly).length} compile-only, ${examples.length - passed} failing`);
  if (slow.length) t.diagnostic(`slower than ${SLOW_SECONDS} s: ${slow.join(', ')}`);
});
