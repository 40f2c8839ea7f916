import { describeText, failAt, type Source } from './errors';

/**
 * A restricted reader of Python pickles (protocols 2 to 5, the opcodes `torch.save` writes). It
 * never executes anything: the pickle's stack machine is run over plain values, and every global,
 * call, BUILD and persistent id is handed to the caller's hooks, which decide what (if anything)
 * it may stand for. Cost: linear in the pickle's length (each opcode pushes at most one value;
 * APPENDS, SETITEMS and the tuple opcodes consume what earlier opcodes pushed).
 */
export type PickleValue = null | boolean | number | string | Uint8Array | PickleList | PickleTuple | PickleDict | PickleObject;

/** Where in the pickle a value was made (the byte offset of its opcode), for messages. */
abstract class Located {
  constructor(readonly at: number) {}
}

/** A Python list; mutable while the pickle is read (APPEND). */
export class PickleList extends Located {
  readonly items: PickleValue[] = [];
}

export class PickleTuple extends Located {
  constructor(
    readonly items: readonly PickleValue[],
    at: number,
  ) {
    super(at);
  }
}

/** A dict key: Python's hashable scalars (1 and 1.0 are one key there, and here). */
export type PickleKey = string | number | boolean | null;

/** A Python dict (or OrderedDict), in insertion order. */
export class PickleDict extends Located {
  readonly entries = new Map<PickleKey, PickleValue>();
}

/** Anything the hooks make: a global, a storage, a tensor… The reader only moves these around. */
export abstract class PickleObject extends Located {}

export interface UnpickleHooks {
  /** GLOBAL / STACK_GLOBAL `module.name`: the object it stands for, or a thrown LoadError. */
  findGlobal(module: string, name: string, at: number): PickleValue;
  /** REDUCE and NEWOBJ: `callable(*args)`, where `callable` came from findGlobal (or a hook). */
  call(callable: PickleValue, args: readonly PickleValue[], at: number): PickleValue;
  /** BUILD: `target.__setstate__(state)`; returns the built object. */
  build(target: PickleValue, state: PickleValue, at: number): PickleValue;
  /** BINPERSID: the object a persistent id names (torch: a storage). */
  persistentLoad(pid: PickleValue, at: number): PickleValue;
}

const OPCODE_NAMES: Readonly<Record<number, string>> = {
  0x28: 'MARK', 0x2e: 'STOP', 0x30: 'POP', 0x31: 'POP_MARK', 0x32: 'DUP', 0x46: 'FLOAT', 0x49: 'INT',
  0x4a: 'BININT', 0x4b: 'BININT1', 0x4c: 'LONG', 0x4d: 'BININT2', 0x4e: 'NONE', 0x50: 'PERSID',
  0x51: 'BINPERSID', 0x52: 'REDUCE', 0x53: 'STRING', 0x54: 'BINSTRING', 0x55: 'SHORT_BINSTRING',
  0x56: 'UNICODE', 0x58: 'BINUNICODE', 0x61: 'APPEND', 0x62: 'BUILD', 0x63: 'GLOBAL', 0x64: 'DICT',
  0x7d: 'EMPTY_DICT', 0x65: 'APPENDS', 0x67: 'GET', 0x68: 'BINGET', 0x69: 'INST', 0x6a: 'LONG_BINGET',
  0x6c: 'LIST', 0x5d: 'EMPTY_LIST', 0x6f: 'OBJ', 0x70: 'PUT', 0x71: 'BINPUT', 0x72: 'LONG_BINPUT',
  0x73: 'SETITEM', 0x74: 'TUPLE', 0x29: 'EMPTY_TUPLE', 0x75: 'SETITEMS', 0x47: 'BINFLOAT', 0x80: 'PROTO',
  0x81: 'NEWOBJ', 0x82: 'EXT1', 0x83: 'EXT2', 0x84: 'EXT4', 0x85: 'TUPLE1', 0x86: 'TUPLE2', 0x87: 'TUPLE3',
  0x88: 'NEWTRUE', 0x89: 'NEWFALSE', 0x8a: 'LONG1', 0x8b: 'LONG4', 0x42: 'BINBYTES', 0x43: 'SHORT_BINBYTES',
  0x8c: 'SHORT_BINUNICODE', 0x8d: 'BINUNICODE8', 0x8e: 'BINBYTES8', 0x8f: 'EMPTY_SET', 0x90: 'ADDITEMS',
  0x91: 'FROZENSET', 0x92: 'NEWOBJ_EX', 0x93: 'STACK_GLOBAL', 0x94: 'MEMOIZE', 0x95: 'FRAME',
  0x96: 'BYTEARRAY8', 0x97: 'NEXT_BUFFER', 0x98: 'READONLY_BUFFER',
};

function describeOpcode(code: number): string {
  const name = OPCODE_NAMES[code];
  return `opcode 0x${code.toString(16).padStart(2, '0')}${name === undefined ? ' (not a pickle opcode)' : ` (${name})`}`;
}

/** Describes a value for a message, without its contents. */
export function describePickle(value: PickleValue): string {
  if (value === null) return 'None';
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  if (typeof value === 'number') return `the number ${value}`;
  if (typeof value === 'string') return `the string ${describeText(value)}`;
  if (value instanceof Uint8Array) return `${value.length} bytes`;
  if (value instanceof PickleList) return `a list of ${value.items.length}`;
  if (value instanceof PickleTuple) return `a tuple of ${value.items.length}`;
  if (value instanceof PickleDict) return `a dict of ${value.entries.size}`;
  return String(value);
}

const UTF8 = new TextDecoder('utf-8', { fatal: true });
const LATIN1 = new TextDecoder('latin1');
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/**
 * Runs the pickle that starts at `start` of `bytes` up to its STOP and returns the value and the
 * offset after STOP (legacy torch files hold several pickles in a row). Offsets in messages are
 * bytes of `bytes`. Integers must lie within ±(2^53 − 1) (so every number is exact); longer ones,
 * unknown or unsupported opcodes (sets, out-of-band buffers, protocol 0's text opcodes), a missing
 * MARK, a read from an empty stack or an unset memo slot, and a pickle without STOP are LoadErrors.
 */
export function unpickle(bytes: Uint8Array, source: Source, hooks: UnpickleHooks, start = 0): { value: PickleValue; end: number } {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const stack: PickleValue[] = [];
  const marks: number[] = [];
  const memo = new Map<number, PickleValue>();
  let pos = start;
  let at = start;
  let code = 0;

  const fail: (expected: string, found: string, offset?: number) => never = (expected, found, offset = at) => failAt(source, offset, expected, found);
  const need = (length: number): number => {
    if (length > bytes.length - pos) fail(`${length} bytes of ${OPCODE_NAMES[code]}'s argument`, 'end of pickle', pos);
    const from = pos;
    pos += length;
    return from;
  };
  const u8 = (): number => bytes[need(1)];
  const u16 = (): number => view.getUint16(need(2), true);
  const u32 = (): number => view.getUint32(need(4), true);
  const u64 = (): number => {
    const value = view.getBigUint64(need(8), true);
    if (value > MAX_SAFE) fail('a length below 2^53', String(value));
    return Number(value);
  };
  const take = (length: number): Uint8Array => bytes.subarray(need(length), pos);
  const text = (length: number): string => {
    const from = pos;
    const raw = take(length);
    try {
      return UTF8.decode(raw);
    } catch {
      return fail('UTF-8 text', 'an invalid byte sequence', from);
    }
  };
  const integer = (length: number): number => {
    if (length > 8) fail('an integer within ±(2^53 − 1)', `a ${length}-byte integer`);
    const raw = take(length);
    let value = 0n;
    for (let i = length - 1; i >= 0; i--) value = (value << 8n) | BigInt(raw[i]);
    if (length > 0 && raw[length - 1] & 0x80) value -= 1n << BigInt(8 * length);
    if (value > MAX_SAFE || value < -MAX_SAFE) fail('an integer within ±(2^53 − 1)', String(value));
    return Number(value);
  };
  const pop = (): PickleValue => {
    if (stack.length === 0 || (marks.length > 0 && stack.length === marks[marks.length - 1])) fail(`a value on the stack for ${OPCODE_NAMES[code]}`, 'none');
    return stack.pop() as PickleValue;
  };
  const top = (): PickleValue => {
    const value = pop();
    stack.push(value);
    return value;
  };
  const popMark = (): PickleValue[] => {
    const mark = marks.pop();
    if (mark === undefined) return fail(`a MARK before ${OPCODE_NAMES[code]}`, 'none');
    return stack.splice(mark);
  };
  const key = (value: PickleValue): PickleKey => {
    if (value === null || typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
    return fail('a dict key that is a string, a number, a bool or None', describePickle(value));
  };
  const setItems = (target: PickleValue, items: readonly PickleValue[]): void => {
    if (!(target instanceof PickleDict)) fail(`a dict under ${OPCODE_NAMES[code]}`, describePickle(target));
    if (items.length % 2 !== 0) fail('key, value pairs', `${items.length} items`);
    for (let i = 0; i < items.length; i += 2) target.entries.set(key(items[i]), items[i + 1]);
  };
  const append = (target: PickleValue, items: readonly PickleValue[]): void => {
    if (!(target instanceof PickleList)) fail(`a list under ${OPCODE_NAMES[code]}`, describePickle(target));
    for (const item of items) target.items.push(item);
  };
  const get = (index: number): void => {
    const value = memo.get(index);
    if (value === undefined) fail('a memo index that was set', String(index));
    stack.push(value);
  };
  const put = (index: number): void => {
    memo.set(index, top());
  };
  const globalName = (text: string): string => {
    if (!/^[\w.]{1,200}$/.test(text)) fail('a global named module.name', describeText(text));
    return text;
  };
  const readLine = (): string => {
    const end = bytes.indexOf(0x0a, pos);
    if (end < 0) fail('a line ending in \\n', 'end of pickle', pos);
    const line = LATIN1.decode(bytes.subarray(pos, end));
    pos = end + 1;
    return line;
  };

  while (pos < bytes.length) {
    at = pos;
    code = bytes[pos++];
    switch (code) {
      case 0x80: { // PROTO
        const protocol = u8();
        if (protocol < 2 || protocol > 5) fail('pickle protocol 2 to 5', `protocol ${protocol}`);
        break;
      }
      case 0x95: // FRAME: a length hint only
        u64();
        break;
      case 0x2e: // STOP
        return { value: pop(), end: pos };
      case 0x28: // MARK
        marks.push(stack.length);
        break;
      case 0x30: // POP
        pop();
        break;
      case 0x31: // POP_MARK
        popMark();
        break;
      case 0x32: // DUP
        stack.push(top());
        break;
      case 0x4e: // NONE
        stack.push(null);
        break;
      case 0x88: // NEWTRUE
        stack.push(true);
        break;
      case 0x89: // NEWFALSE
        stack.push(false);
        break;
      case 0x4a: // BININT
        stack.push(view.getInt32(need(4), true));
        break;
      case 0x4b: // BININT1
        stack.push(u8());
        break;
      case 0x4d: // BININT2
        stack.push(u16());
        break;
      case 0x8a: // LONG1
        stack.push(integer(u8()));
        break;
      case 0x8b: // LONG4
        stack.push(integer(u32()));
        break;
      case 0x47: // BINFLOAT: big-endian float64
        stack.push(view.getFloat64(need(8), false));
        break;
      case 0x58: // BINUNICODE
        stack.push(text(u32()));
        break;
      case 0x8c: // SHORT_BINUNICODE
        stack.push(text(u8()));
        break;
      case 0x8d: // BINUNICODE8
        stack.push(text(u64()));
        break;
      case 0x54: // BINSTRING (Python 2 str, read as Latin-1)
        stack.push(LATIN1.decode(take(u32())));
        break;
      case 0x55: // SHORT_BINSTRING
        stack.push(LATIN1.decode(take(u8())));
        break;
      case 0x42: // BINBYTES
        stack.push(take(u32()));
        break;
      case 0x43: // SHORT_BINBYTES
        stack.push(take(u8()));
        break;
      case 0x8e: // BINBYTES8
        stack.push(take(u64()));
        break;
      case 0x5d: // EMPTY_LIST
        stack.push(new PickleList(at));
        break;
      case 0x6c: { // LIST
        const list = new PickleList(at);
        list.items.push(...popMark());
        stack.push(list);
        break;
      }
      case 0x61: { // APPEND
        const item = pop();
        append(top(), [item]);
        break;
      }
      case 0x65: { // APPENDS
        const items = popMark();
        append(top(), items);
        break;
      }
      case 0x29: // EMPTY_TUPLE
        stack.push(new PickleTuple([], at));
        break;
      case 0x74: // TUPLE
        stack.push(new PickleTuple(popMark(), at));
        break;
      case 0x85: // TUPLE1
      case 0x86: // TUPLE2
      case 0x87: { // TUPLE3
        const count = code - 0x84;
        const items: PickleValue[] = [];
        for (let i = 0; i < count; i++) items.unshift(pop());
        stack.push(new PickleTuple(items, at));
        break;
      }
      case 0x7d: // EMPTY_DICT
        stack.push(new PickleDict(at));
        break;
      case 0x64: { // DICT
        const dict = new PickleDict(at);
        setItems(dict, popMark());
        stack.push(dict);
        break;
      }
      case 0x73: { // SETITEM
        const value = pop();
        const name = pop();
        setItems(top(), [name, value]);
        break;
      }
      case 0x75: { // SETITEMS
        const items = popMark();
        setItems(top(), items);
        break;
      }
      case 0x68: // BINGET
        get(u8());
        break;
      case 0x6a: // LONG_BINGET
        get(u32());
        break;
      case 0x71: // BINPUT
        put(u8());
        break;
      case 0x72: // LONG_BINPUT
        put(u32());
        break;
      case 0x94: // MEMOIZE
        put(memo.size);
        break;
      case 0x63: { // GLOBAL: "module\nname\n"
        const module = globalName(readLine());
        stack.push(hooks.findGlobal(module, globalName(readLine()), at));
        break;
      }
      case 0x93: { // STACK_GLOBAL
        const name = pop();
        const module = pop();
        if (typeof module !== 'string' || typeof name !== 'string') fail('a module and a name (two strings) for STACK_GLOBAL', `${describePickle(module)} and ${describePickle(name)}`);
        stack.push(hooks.findGlobal(globalName(module), globalName(name), at));
        break;
      }
      case 0x52: // REDUCE
      case 0x81: { // NEWOBJ
        const args = pop();
        const callable = pop();
        if (!(args instanceof PickleTuple)) fail(`a tuple of arguments for ${OPCODE_NAMES[code]}`, describePickle(args));
        stack.push(hooks.call(callable, args.items, at));
        break;
      }
      case 0x62: { // BUILD
        const state = pop();
        stack.push(hooks.build(pop(), state, at));
        break;
      }
      case 0x51: // BINPERSID
        stack.push(hooks.persistentLoad(pop(), at));
        break;
      default:
        fail('an opcode torch.save writes (pickle protocols 2 to 5, without sets or out-of-band buffers)', describeOpcode(code));
    }
  }
  return fail('a STOP opcode ending the pickle', 'end of pickle', pos);
}
