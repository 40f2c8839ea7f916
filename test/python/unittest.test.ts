import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { it } from 'node:test';

// The Python package's own tests (python/tests/), run with Debian's python3 and python3-numpy as
// `npm test` installs them (scripts/setup-python.sh): not a pyenv python3 on the PATH, which may
// lack NumPy. Their output is shown only when they fail.
const PYTHON = '/usr/bin/python3';

it('python/tests pass under /usr/bin/python3 -m unittest', { timeout: 120_000 }, () => {
  const result = spawnSync(PYTHON, ['-m', 'unittest', 'discover', '-s', 'tests', '-t', '.'], {
    cwd: 'python',
    encoding: 'utf8',
    env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1' },
  });
  assert.equal(result.error, undefined, `${PYTHON} could not run (npm test's pretest installs it): ${result.error?.message}`);
  assert.equal(result.status, 0, `python/tests failed:\n${result.stderr}${result.stdout}`);
  const ran = /Ran (\d+) tests?/.exec(result.stderr);
  assert.ok(ran !== null && Number(ran[1]) >= 20, `expected the Python suite to run at least 20 tests:\n${result.stderr}`);
});
