/**
 * Every notebook type-checks against the library it imports: the cells of each notebook
 * (its text twin in notebooks/text/) are compiled together as one module against the
 * built dist/ declarations. A renamed export, a changed signature or a history read the
 * old way fails here in seconds, instead of minutes into a notebook run.
 *
 * tslab compiles cell by cell and lets a later cell declare a name again; those two
 * diagnostics (a redeclared block-scoped name, a duplicate identifier) are the only ones
 * ignored. Needs the build (scripts/setup.sh runs it).
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ts from 'typescript';

const ROOT = join(__dirname, '..');
const TEXT = join(ROOT, 'notebooks', 'text');
const DIST = join(ROOT, 'dist');
/** TS2451 cannot redeclare block-scoped variable, TS2300 duplicate identifier, TS2393 duplicate function implementation. */
const CELL_REDECLARATIONS = new Set([2451, 2300, 2393]);

const work = mkdtempSync(join(tmpdir(), 'notebook-types-'));
after(() => rmSync(work, { recursive: true, force: true }));

/** A notebook's cells as one module, importing the library by absolute path. */
function asModule(name: string): string {
  const path = join(work, name.replace(/\.ts$/, '.mts'));
  writeFileSync(path, readFileSync(join(TEXT, name), 'utf8').replace(/from '\.\.\/dist'/g, `from ${JSON.stringify(DIST)}`));
  return path;
}

function diagnostics(files: string[], extra = ''): string[] {
  if (extra) writeFileSync(files[0], readFileSync(files[0], 'utf8') + extra);
  const program = ts.createProgram(files, {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ES2022,
    moduleResolution: ts.ModuleResolutionKind.Node10,
    lib: ['lib.es2022.d.ts', 'lib.dom.d.ts'],
    skipLibCheck: true,
    noEmit: true,
  });
  return ts.getPreEmitDiagnostics(program)
    .filter((d) => !CELL_REDECLARATIONS.has(d.code))
    .map((d) => {
      const where = d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start) : undefined;
      const file = d.file ? d.file.fileName.split('/').pop() : '';
      return `${file}${where ? `:${where.line + 1}` : ''}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;
    });
}

test('every notebook type-checks against the built library', () => {
  assert.ok(existsSync(join(DIST, 'index.d.ts')), 'dist/ is not built: run scripts/setup.sh');
  const names = readdirSync(TEXT).filter((n) => n.endsWith('.ts')).sort();
  assert.ok(names.length >= 8, `only ${names.length} text notebooks`);
  const problems = diagnostics(names.map(asModule));
  assert.deepEqual(problems, [], `notebook cells that no longer fit the library:\n${problems.join('\n')}`);
});

test('the check sees a cell that misuses the library', () => {
  const file = asModule(readdirSync(TEXT).filter((n) => n.endsWith('.ts')).sort()[0]);
  const misuse = `\nimport { historyRows as rowsForCheck } from ${JSON.stringify(DIST)};\nconst notRows: number = rowsForCheck([]);\n`;
  const problems = diagnostics([file], misuse);
  assert.equal(problems.length, 1, problems.join('\n'));
  assert.match(problems[0], /not assignable to type 'number'/);
});
