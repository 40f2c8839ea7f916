// test/fuzz/target.ts
/** One family of fuzz cases. `runCase` derives its whole input from `seed`, so a failing case replays with FUZZ_SEED. */
export interface FuzzTarget {
  readonly name: string;
  /** Resolves 'accepted' or 'rejected' (one of our own error types); throws FuzzViolation on a broken invariant. */
  runCase(seed: number): Promise<'accepted' | 'rejected'>;
}

/** A broken invariant: a foreign error escaped, a bound was exceeded, or an input file changed. */
export class FuzzViolation extends Error {
  constructor(readonly target: string, readonly seed: number, message: string) {
    super(`${target} seed ${seed}: ${message}`);
    this.name = 'FuzzViolation';
  }
}
