#!/usr/bin/env node
// `npm test`: builds, lints, then runs every suite (unit, integration, e2e) and ends with one line
// "N passed, N failed[, N skipped]" summing them all. Exits non-zero when anything failed.
import './require-node.js';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const results = join(root, 'test-results');
rmSync(results, { recursive: true, force: true });
mkdirSync(results, { recursive: true });
const npx = process.platform === 'win32' ? 'npx.cmd' : 'npx';
const totals = { passed: 0, failed: 0, skipped: 0 };
const only = process.argv.slice(2); // e.g. `npm test -- unit e2e`
const wanted = (name) => only.length === 0 || only.includes(name);

function step(name, command, args, env = {}) {
  process.stdout.write(`\n=== ${name}: ${command} ${args.join(' ')}\n`);
  const r = spawnSync(command, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } });
  return r.status ?? 1;
}

// A step that is not a test suite counts as one check: passed or failed.
function check(name, command, args) {
  const code = step(name, command, args);
  if (code === 0) totals.passed += 1;
  else totals.failed += 1;
  return code === 0;
}

const built = check('build', 'npm', ['run', '--silent', 'build']);
if (wanted('lint')) check('lint', npx, ['eslint', '.']);

for (const project of ['unit', 'integration']) {
  if (!wanted(project)) continue;
  const out = join(results, `vitest-${project}.json`);
  const code = step(project, npx, ['vitest', 'run', '--project', project, '--reporter=default', '--reporter=json', `--outputFile=${out}`]);
  if (existsSync(out)) {
    const r = JSON.parse(readFileSync(out, 'utf8'));
    totals.passed += r.numPassedTests ?? 0;
    totals.failed += r.numFailedTests ?? 0;
    totals.skipped += (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0);
    // A suite that failed to load has no failed test but must still count.
    const brokenFiles = (r.testResults ?? []).filter((f) => f.status === 'failed' && (f.assertionResults ?? []).every((a) => a.status !== 'failed')).length;
    totals.failed += brokenFiles;
  } else if (code !== 0) totals.failed += 1;
}

if (wanted('e2e')) {
  if (!built) {
    totals.failed += 1;
    process.stdout.write('e2e skipped: the build failed\n');
  } else {
    const out = join(results, 'playwright.json');
    const code = step('e2e', npx, ['playwright', 'test'], { PW_JSON_OUTPUT: out });
    if (existsSync(out)) {
      const s = JSON.parse(readFileSync(out, 'utf8')).stats ?? {};
      totals.passed += (s.expected ?? 0) + (s.flaky ?? 0);
      totals.failed += s.unexpected ?? 0;
      totals.skipped += s.skipped ?? 0;
      if (code !== 0 && !s.unexpected) totals.failed += 1;
    } else if (code !== 0) totals.failed += 1;
  }
}

process.stdout.write(`\n${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped\n`);
process.exit(totals.failed > 0 ? 1 : 0);
