import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import packageJson from '../../package.json';
import { parseArgs } from '../../src/cli/args';
import { findConfigFile, readConfigFile } from '../../src/cli/config';
import { kernelSettings, RUNNER_SETTINGS } from '../../src/cli/settings';
import { parseNotebook, serializeNotebook } from '../../src/core/notebook/format';
import { ERROR_MIME } from '../../src/core/notebook/outputs';
import { DEFAULT_KERNEL_SETTINGS } from '../../src/node/kernel/process';
import { inProcessCli } from '../helpers/cli';

/**
 * The kernel settings of `losslab run`: flags, the config file, and that they reach the kernel.
 * What is expected of each value is the extension manifest's (package.json), read here
 * independently of src/cli/settings.ts.
 */

const { work, run } = inProcessCli('losslab-cli-settings-');

function notebook(path: string, ...sources: string[]): string {
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, serializeNotebook({ metadata: {}, cells: sources.map((source) => ({ kind: 'code', language: 'losslab', source, metadata: {}, outputs: [], extra: {} })), extra: {} }));
  return path;
}

const properties = packageJson.contributes.configuration.properties as Record<string, { default: unknown; minimum?: number }>;

describe('the settings are the editor’s', () => {
  it('each key is a setting of the manifest, and the defaults are the manifest’s', () => {
    for (const setting of RUNNER_SETTINGS) assert.ok(properties[setting.key] !== undefined, setting.key);
    const defaults = kernelSettings({}, {});
    assert.equal(defaults.timeLimitMs, (properties['losslab.kernel.timeLimitSeconds'].default as number) * 1000);
    assert.equal(defaults.memoryLimitMb, properties['losslab.kernel.memoryLimitMb'].default);
    assert.equal(defaults.elementCap, properties['losslab.kernel.elementCap'].default);
    assert.equal(defaults.binConvention, properties['losslab.dfl.binConvention'].default);
    assert.deepEqual(defaults, DEFAULT_KERNEL_SETTINGS);
  });

  it('flags override the file, which overrides the defaults', () => {
    const merged = kernelSettings({ timeLimitSeconds: 5, memoryLimitMb: 512 }, { timeLimitSeconds: 2 });
    assert.equal(merged.timeLimitMs, 2000);
    assert.equal(merged.memoryLimitMb, 512);
    assert.equal(merged.elementCap, DEFAULT_KERNEL_SETTINGS.elementCap);
  });
});

describe('the flags', () => {
  it('are parsed as numbers and names', () => {
    const parsed = parseArgs(['run', 'n.lossnb', '--time-limit', '2.5', '--memory-limit=256', '--element-cap', '1e6', '--bin-convention', 'ultralytics', '--config', 'c.json']);
    assert.deepEqual(parsed, { command: 'run', path: 'n.lossnb', check: false, keepGoing: false, allowPaths: [], settings: { timeLimitSeconds: 2.5, memoryLimitMb: 256, elementCap: 1e6, binConvention: 'ultralytics' }, config: 'c.json' });
  });

  const bad: [string[], string][] = [
    [['--time-limit', 'soon'], "--time-limit is 'soon'; expected a number of seconds ≥ 1"],
    [['--time-limit', '0.5'], "--time-limit is '0.5'; expected a number of seconds ≥ 1"],
    [['--time-limit', 'Infinity'], "--time-limit is 'Infinity'; expected a number of seconds ≥ 1"],
    [['--memory-limit', '32'], `--memory-limit is '32'; expected a whole number of MB ≥ ${properties['losslab.kernel.memoryLimitMb'].minimum}`],
    [['--memory-limit', '100.5'], "--memory-limit is '100.5'; expected a whole number of MB ≥ 64"],
    [['--element-cap=-1'], "--element-cap is '-1'; expected a whole number of elements ≥ 1000"],
    [['--element-cap', '-1'], '--element-cap needs a whole number of elements ≥ 1000'],
    [['--bin-convention', 'yolo'], "--bin-convention is 'yolo'; expected one of mmdetection, ultralytics"],
    [['--time-limit'], '--time-limit needs a number of seconds ≥ 1'],
    [['--time-limit', '1', '--time-limit', '2'], '--time-limit given twice'],
    [['--config'], '--config needs a file'],
  ];
  for (const [flags, message] of bad) {
    it(`${flags.join(' ')} is a usage error naming the flag, the value and what is expected`, async () => {
      assert.deepEqual(parseArgs(['run', 'n.lossnb', ...flags]), { command: 'usage-error', message });
      const { status, stderr } = await run('run', 'n.lossnb', ...flags);
      assert.equal(status, 2);
      assert.ok(stderr.startsWith(`losslab: ${message}\n`), stderr);
    });
  }

  it('are in the help', async () => {
    const { stdout } = await run('--help');
    for (const flag of ['--time-limit SECONDS', '--memory-limit MB', '--element-cap N', '--bin-convention', '--config FILE', 'losslab.json']) assert.ok(stdout.includes(flag), flag);
  });
});

describe('the config file', () => {
  it('is found beside the notebook, then in the working directory; --config wins', () => {
    const folder = join(work, 'find');
    const path = notebook(join(folder, 'nb.lossnb'), 'x = 1');
    const cwd = join(work, 'cwd');
    mkdirSync(cwd);
    assert.equal(findConfigFile(undefined, path, cwd), undefined);
    writeFileSync(join(cwd, 'losslab.json'), '{}');
    assert.equal(findConfigFile(undefined, path, cwd), join(cwd, 'losslab.json'));
    writeFileSync(join(folder, 'losslab.json'), '{}');
    assert.equal(findConfigFile(undefined, path, cwd), join(folder, 'losslab.json'));
    assert.equal(findConfigFile(undefined, folder, cwd), join(folder, 'losslab.json'), 'a folder run looks in the folder');
    assert.equal(findConfigFile('other.json', path, cwd), 'other.json');
  });

  const broken: [string, RegExp][] = [
    ['{"losslab.kernel.timeLimitSeconds": "60"}', /config .*c\.json: losslab\.kernel\.timeLimitSeconds is '60'; expected a number of seconds ≥ 1$/],
    ['{"losslab.kernel.memoryLimitMb": 10}', /losslab\.kernel\.memoryLimitMb is 10; expected a whole number of MB ≥ 64$/],
    ['{"losslab.dfl.binConvention": ["ultralytics"]}', /losslab\.dfl\.binConvention is a list; expected one of mmdetection, ultralytics$/],
    ['{"losslab.kernel.timeLimit": 5}', /unknown setting 'losslab\.kernel\.timeLimit'; the known ones are losslab\.kernel\.timeLimitSeconds, /],
    ['[1, 2]', /c\.json should hold a JSON object of settings/],
    ['{"losslab.kernel.elementCap": 1e6,\n "secret": hunter2}', /c\.json is not JSON( \(the syntax breaks at character \d+\))?$/],
  ];
  for (const [text, message] of broken) {
    it(`${text.split('\n')[0]} is refused with the file, the key and what is expected`, () => {
      const file = join(work, 'c.json');
      writeFileSync(file, text);
      assert.throws(() => readConfigFile(file), (error: Error) => {
        assert.match(error.message, message);
        assert.doesNotMatch(error.message, /hunter2/, 'the file is described, not quoted');
        return true;
      });
    });
  }

  it('a missing file or a folder as --config is refused', () => {
    assert.throws(() => readConfigFile(join(work, 'none.json')), /config .*none\.json: no such file/);
    assert.throws(() => readConfigFile(work), /config .*: which is a folder, not a regular file/);
  });

  it('reaches the kernel, flags over the file, and a bad file stops the run before any cell (status 1)', async () => {
    const folder = join(work, 'applied');
    const path = notebook(join(folder, 'nb.lossnb'), 'a = zeros(2000)', 'b = zeros(500)');
    // The cap of the file (1000) refuses 2000 elements; the flag's (5000) allows them.
    writeFileSync(join(folder, 'losslab.json'), JSON.stringify({ 'losslab.kernel.elementCap': 1000 }));
    const capped = await run('run', path, '--keep-going');
    assert.equal(capped.status, 1);
    const cells = parseNotebook(readFileSync(path, 'utf8')).cells;
    const error = JSON.parse(new TextDecoder().decode(cells[0].outputs[0].items.find((item) => item.mime === ERROR_MIME)?.data)) as { message: string };
    assert.match(error.message, /zeros\(…\) would hold 2,000 elements, more than the cap of 1,000/);
    assert.equal(cells[1].execution?.success, true);
    assert.equal((await run('run', path, '--element-cap', '5000')).status, 0);
    writeFileSync(join(folder, 'losslab.json'), '{"losslab.kernel.elementCap": "many"}');
    const before = readFileSync(path, 'utf8');
    const refused = await run('run', path);
    assert.equal(refused.status, 1);
    assert.match(refused.stderr, /^losslab: config .*losslab\.json: losslab\.kernel\.elementCap is 'many'; expected a whole number of elements ≥ 1000\n$/);
    assert.equal(readFileSync(path, 'utf8'), before, 'nothing ran, nothing was written');
  });
});
