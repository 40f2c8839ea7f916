/**
 * QFL over an export too big for memory: pred (N, C), label (N) and score (N) .npy files are read
 * chunk by chunk (NpyRowReader), each chunk goes through the QFL kernel (the parallel pool's when
 * given), and only the reduced loss is kept. Memory is bounded by the chunk size.
 *
 * Exactness: each chunk's per-row losses are bitwise those of the in-memory `qualityFocalLoss` (in
 * either precision: the kernels' rows do not depend on how they are split into ranges), and the
 * total is accumulated row by row in order with the same coefficient (1/N for 'mean'), which is
 * how the in-memory label/score form reduces its row losses too (finishQualityFocalLoss): a file
 * that fits in memory gives the identical number, whatever the chunk size or the pool.
 */
import { checkInterrupt } from '../../core/interrupt';
import { InputError, describeValue } from '../../core/errors';
import { planReduction } from '../../core/reduction';
import { qualityFocalLoss, type LabelConvention } from '../../core/losses/qfl';
import type { Precision } from '../../core/simd/path';
import { NpyRowReader } from './npyRows';

export interface StreamProgress {
  readonly rows: number;
  readonly totalRows: number;
}

export interface QflStreamOptions {
  /** QFL's β, default 2. */
  readonly beta?: number;
  readonly labelConvention?: LabelConvention;
  /** 'mean' (default) over the N rows' class-summed losses, or 'sum'. */
  readonly reduction?: 'mean' | 'sum';
  /**
   * 'float64' (default), or QFL's float32 mode: each chunk of a float32 pred file goes to the f32x4
   * kernels as a view of the bytes read, never decoded to float64 (a float64 file's chunk is decoded
   * to float64 and rounded to float32 on its way into the kernel, as `qualityFocalLoss` does).
   */
  readonly precision?: Precision;
  /** Rows per chunk; default: as many as make about 16 MB of pred in the mode's width (8 or 4 bytes). */
  readonly chunkRows?: number;
  /** Called after each chunk. */
  readonly onProgress?: (progress: StreamProgress) => void;
  /** Checked between chunks; an aborted run throws the signal's reason (an AbortError by default). */
  readonly signal?: AbortSignal;
  /** The QFL implementation per chunk, e.g. parallelLosses(pool).qualityFocalLoss; default the core's. */
  readonly qualityFocalLoss?: typeof qualityFocalLoss;
}

export interface QflStreamResult {
  /** The reduced loss over every row. */
  readonly loss: number;
  readonly rows: number;
  readonly classes: number;
  readonly chunks: number;
}

const FN = 'qflStream';
const CHUNK_BYTES = 16 * 2 ** 20;

export interface QflStreamFiles {
  readonly pred: string;
  readonly label: string;
  readonly score: string;
}

/** A QFL stream, one chunk per `step()`; `runQflStream` and `runQflStreamAsync` drive it. */
export class QflStream {
  readonly rows: number;
  readonly classes: number;
  readonly chunkRows: number;
  readonly precision: Precision;
  private readonly readers: { pred: NpyRowReader; label: NpyRowReader; score: NpyRowReader };
  private readonly scale: number;
  private done = 0;
  private chunks = 0;
  private total = 0;

  constructor(files: QflStreamFiles, private readonly options: QflStreamOptions = {}) {
    const opened: NpyRowReader[] = [];
    try {
      const open = (path: string): NpyRowReader => {
        const reader = new NpyRowReader(path);
        opened.push(reader);
        return reader;
      };
      this.readers = { pred: open(files.pred), label: open(files.label), score: open(files.score) };
    } catch (error) {
      for (const reader of opened) reader.close();
      throw error;
    }
    const { pred, label, score } = this.readers;
    const shape = pred.header.shape;
    if (shape.length !== 2) this.fail('pred', 'a 2-D (N, C) array', `shape (${shape.join(', ')})`);
    this.rows = shape[0];
    this.classes = shape[1];
    for (const [name, reader] of [['label', label], ['score', score]] as const) {
      if (reader.header.shape.length !== 1 || reader.rows !== this.rows) {
        this.fail(name, `shape (${this.rows}) to match pred`, `shape (${reader.header.shape.join(', ')})`);
      }
    }
    const precision = options.precision ?? 'float64';
    if (precision !== 'float64' && precision !== 'float32') this.fail('options.precision', "'float64' or 'float32'", describeValue(precision));
    this.precision = precision;
    const width = precision === 'float32' ? 4 : 8;
    const chunkRows = options.chunkRows ?? Math.max(1, Math.floor(CHUNK_BYTES / (width * Math.max(this.classes, 1))));
    if (!Number.isInteger(chunkRows) || chunkRows < 1) this.fail('options.chunkRows', 'an integer ≥ 1', describeValue(chunkRows));
    this.chunkRows = chunkRows;
    const reduction = options.reduction ?? 'mean';
    if (reduction !== 'mean' && reduction !== 'sum') this.fail('options.reduction', "'mean' or 'sum'", describeValue(reduction));
    // The in-memory loss's own coefficient, so that the sums agree to the last bit.
    this.scale = planReduction(FN, [this.rows], { reduction }).scale;
  }

  get finished(): boolean {
    return this.done >= this.rows;
  }

  /** Reads and evaluates the next chunk, then reports progress. */
  step(): void {
    const start = this.done;
    const end = Math.min(this.rows, start + this.chunkRows);
    // Each read returns fresh data or a view of its reader's buffer, consumed before that reader's next
    // read. pred stays in its stored width: float32 logits go to the kernel as read, in float64 mode
    // too, which widens them exactly on its own copy (one pass over the chunk instead of two).
    const pred = this.readers.pred.readStored(start, end);
    const label = this.readers.label.read(start, end);
    const score = this.readers.score.read(start, end);
    const qfl = this.options.qualityFocalLoss ?? qualityFocalLoss;
    let perRow: Float64Array;
    try {
      const { beta, labelConvention } = this.options;
      const result = qfl(pred, { label, score }, { beta, labelConvention, reduction: 'none', precision: this.precision });
      perRow = result.perElement.data;
    } catch (error) {
      // Name the row in the whole file, not in the chunk.
      if (error instanceof InputError && error.index !== undefined && error.index.length > 0) {
        const [row, ...rest] = error.index;
        throw new InputError(FN, error.argument, error.expected, error.found, [row + start, ...rest]);
      }
      throw error;
    }
    const c = this.scale;
    let total = this.total;
    for (let r = 0; r < perRow.length; r++) total += c * perRow[r];
    this.total = total;
    this.done = end;
    this.chunks++;
    this.options.onProgress?.({ rows: end, totalRows: this.rows });
  }

  result(): QflStreamResult {
    return { loss: this.total, rows: this.rows, classes: this.classes, chunks: this.chunks };
  }

  close(): void {
    for (const reader of Object.values(this.readers)) reader.close();
  }

  private fail(argument: string, expected: string, found: string): never {
    throw new InputError(FN, argument, expected, found);
  }
}

/**
 * Runs a QFL stream to the end on the calling thread (for the kernel, whose cells are
 * synchronous). The signal is checked between chunks, so it can be aborted from `onProgress`.
 */
export function runQflStream(files: QflStreamFiles, options: QflStreamOptions = {}): QflStreamResult {
  const stream = new QflStream(files, options);
  try {
    while (!stream.finished) {
      options.signal?.throwIfAborted();
      checkInterrupt();
      stream.step();
    }
    return stream.result();
  } finally {
    stream.close();
  }
}

/** As runQflStream, yielding to the event loop between chunks so that a timer or UI can abort it. */
export async function runQflStreamAsync(files: QflStreamFiles, options: QflStreamOptions = {}): Promise<QflStreamResult> {
  const stream = new QflStream(files, options);
  try {
    while (!stream.finished) {
      await new Promise((resolve) => setImmediate(resolve));
      options.signal?.throwIfAborted();
      stream.step();
    }
    return stream.result();
  } finally {
    stream.close();
  }
}
