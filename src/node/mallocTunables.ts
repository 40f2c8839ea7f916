/**
 * glibc malloc settings for the processes that evaluate losses: the notebook kernel's child
 * process and the bench's workload processes.
 *
 * Why: a loss call returns fresh full-size outputs (focal: two 12.8 MB arrays). By default glibc
 * serves blocks that large with mmap and unmaps them when they are freed, so the next call's outputs
 * are new pages, each faulted in and zeroed by the kernel on first touch, a quarter of a focal
 * evaluation (measured in docs/performance.md, "Memory"). With these settings, blocks up to 64 MB come from the
 * heap and up to 256 MB of freed heap stays mapped for reuse; larger arrays (a loaded export, a
 * streamed chunk) are still mapped and returned as before, so the cost is at most 256 MB of
 * resident memory a finished computation leaves behind.
 *
 * GLIBC_TUNABLES is read once at process start, so it only works for processes we spawn; other
 * C libraries (musl) and hosts with their own allocator ignore it.
 */
export const LOSS_PROCESS_MALLOC_TUNABLES = 'glibc.malloc.mmap_threshold=67108864:glibc.malloc.trim_threshold=268435456';

/**
 * `env` with {@link LOSS_PROCESS_MALLOC_TUNABLES} in GLIBC_TUNABLES. A value the user already set
 * comes after ours, so their setting of the same tunable wins (glibc applies them in order).
 */
export function withMallocTunables(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const existing = env.GLIBC_TUNABLES;
  if (existing === undefined || existing === '') return { ...env, GLIBC_TUNABLES: LOSS_PROCESS_MALLOC_TUNABLES };
  if (existing.includes(LOSS_PROCESS_MALLOC_TUNABLES)) return { ...env };
  return { ...env, GLIBC_TUNABLES: `${LOSS_PROCESS_MALLOC_TUNABLES}:${existing}` };
}
