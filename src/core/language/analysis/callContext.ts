import { analyzeStructure, argumentsOf, enclosingFrames, type CellStructure, type Frame } from './structure';
import { scan, type Token } from './scanner';

/** Where the cursor is relative to a call: what signature help and option completion need. */
export interface CallContext {
  readonly name: string;
  /** Offsets of the callee's name and of the call's `(`. */
  readonly nameStart: number;
  readonly nameEnd: number;
  readonly open: number;
  /** 0-based index of the argument the cursor is in. */
  readonly argIndex: number;
  /** `x.f(` calls a method of a value, not a cell function. */
  readonly member: boolean;
  /** The argument the cursor is in is a `{…}` literal (the cursor may be deeper inside it). */
  readonly inObjectArgument: boolean;
  /** Set when the cursor is directly inside a `{…}` that is itself a whole argument of the call. */
  readonly option?: OptionContext;
  /** The first argument is a number literal (the scalar forms: qfl(0.3, 0.9)). */
  readonly scalarFirst: boolean;
}

export interface OptionContext {
  readonly open: number;
  /** Keys written in the object, other than one being typed at the cursor. */
  readonly presentKeys: readonly string[];
  /** At a key (after `{` or `,`) or at a value (after `key:`). */
  readonly at: 'key' | 'value';
  /** At a value: the key it belongs to. */
  readonly key?: string;
}

/** The last significant token before an offset inside a frame. */
function tokenBefore(tokens: readonly Token[], offset: number, from: number): Token | undefined {
  let found: Token | undefined;
  for (const token of tokens) {
    if (token.start < from || token.kind === 'comment' || token.kind === 'newline') continue;
    if (token.end > offset || (token.end === offset && token.kind === 'name')) break;
    found = token;
  }
  return found;
}

function optionContext(structure: CellStructure, frameIndex: number, offset: number): OptionContext {
  const frame: Frame = structure.frames[frameIndex];
  // The innermost comma or `{` before the cursor says which entry the cursor is in.
  const entryStart = Math.max(frame.open, ...frame.commas.filter((c) => c < offset));
  const before = tokenBefore(structure.tokens, offset, entryStart);
  const keyOfEntry = frame.keys.find((k) => k.start > entryStart && k.end <= offset);
  const typing = frame.keys.find((k) => k.start <= offset && offset <= k.end);
  const presentKeys = frame.keys.filter((k) => k !== typing).map((k) => k.key);
  const atValue = keyOfEntry !== undefined && before !== undefined && before.start > keyOfEntry.start && typing === undefined;
  if (atValue) return { open: frame.open, presentKeys, at: 'value', key: keyOfEntry.key };
  return { open: frame.open, presentKeys, at: 'key' };
}

/**
 * The call around an offset in a cell: the innermost `name(` that is still open there, the
 * argument the offset is in, and the option object it is in, if any. Undefined outside any call.
 */
export function callContextAt(text: string, offset: number, structure: CellStructure = analyzeStructure(scan(text))): CallContext | undefined {
  const frames = enclosingFrames(structure, offset);
  for (let depth = 0; depth < frames.length; depth++) {
    const index = frames[depth];
    const frame = structure.frames[index];
    if (frame.call === undefined) continue;
    const argIndex = frame.commas.filter((c) => c < offset).length;
    const args = argumentsOf(structure, index);
    const inside = structure.tokens.filter((t) => t.start > frame.open && t.kind !== 'comment' && t.kind !== 'newline');
    const first = inside[0]?.text === '-' || inside[0]?.text === '+' ? inside[1] : inside[0];
    const inner = depth > 0 ? structure.frames[frames[depth - 1]] : undefined;
    const objectIndex = inner !== undefined && inner.bracket === '{' && depth === 1 ? frames[0] : -1;
    const isWholeArgument = objectIndex >= 0 && args[argIndex]?.object === objectIndex;
    return {
      name: frame.call.name,
      nameStart: frame.call.start,
      nameEnd: frame.call.end,
      open: frame.open,
      argIndex,
      member: frame.call.member,
      scalarFirst: first?.kind === 'number',
      inObjectArgument: args[argIndex]?.object !== undefined,
      ...(isWholeArgument ? { option: optionContext(structure, objectIndex, offset) } : {}),
    };
  }
  return undefined;
}
