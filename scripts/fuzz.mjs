// `npm run fuzz`: runs the fuzz driver (test/fuzz/driver.ts) over every target in test/fuzz/targets,
// long by default (FUZZ_COUNT cases per target, 100,000 unless set). FUZZ_SEED, FUZZ_TARGET,
// FUZZ_CASE_MS and FUZZ_MEMORY_MB pass through; see the driver's comment. The heap is capped so
// that a runaway allocation ends the run with a report instead of taking the machine's memory.
import { spawnSync } from 'node:child_process';

const env = { ...process.env, FUZZ_COUNT: process.env.FUZZ_COUNT ?? '100000' };
const heapMb = Number(process.env.FUZZ_MEMORY_MB ?? 1536);
const result = spawnSync(process.execPath, [`--max-old-space-size=${heapMb}`, '--import', 'tsx', 'test/fuzz/driver.ts'], { stdio: 'inherit', env });
if (result.signal === 'SIGKILL') console.error('fuzz: the driver was killed (a hang the watchdog caught, or the memory bound); its last lines name the target and seed');
process.exit(result.status ?? 1);
