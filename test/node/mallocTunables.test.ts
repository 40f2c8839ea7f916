import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { LOSS_PROCESS_MALLOC_TUNABLES, withMallocTunables } from '../../src/node/mallocTunables';

describe('withMallocTunables', () => {
  it('sets GLIBC_TUNABLES when the environment has none, keeping every other variable', () => {
    const env = withMallocTunables({ PATH: '/usr/bin', HOME: '/root' });
    assert.deepEqual(env, { PATH: '/usr/bin', HOME: '/root', GLIBC_TUNABLES: LOSS_PROCESS_MALLOC_TUNABLES });
  });

  it('puts the user’s own tunables last, so that theirs win for the same name', () => {
    const env = withMallocTunables({ GLIBC_TUNABLES: 'glibc.malloc.trim_threshold=1' });
    assert.equal(env.GLIBC_TUNABLES, `${LOSS_PROCESS_MALLOC_TUNABLES}:glibc.malloc.trim_threshold=1`);
  });

  it('does not repeat itself when applied twice, and does not modify its argument', () => {
    const original = { GLIBC_TUNABLES: '' };
    const once = withMallocTunables(original);
    assert.deepEqual(withMallocTunables(once), once);
    assert.deepEqual(original, { GLIBC_TUNABLES: '' });
  });

  it('is a setting that this Node starts with (glibc would refuse a malformed one silently, Node must still run)', () => {
    const result = spawnSync(process.execPath, ['-e', 'process.stdout.write(process.env.GLIBC_TUNABLES ?? "")'], {
      env: withMallocTunables(process.env),
      encoding: 'utf8',
    });
    assert.equal(result.status, 0, result.stderr);
    assert.ok(result.stdout.startsWith(LOSS_PROCESS_MALLOC_TUNABLES));
  });
});
