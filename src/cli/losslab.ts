#!/usr/bin/env node
/**
 * The `losslab` command: runs notebooks headlessly (see docs/runner.md). Node only; the logic
 * lives in ./main so that it can be tested without spawning a process.
 */
import { main } from './main';

void main(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
}).then((status) => {
  process.exitCode = status;
});
