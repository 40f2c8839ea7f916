/**
 * Finding catalog entries from the text under the cursor: alias resolution per language, and the
 * word-at-position helpers for LossLab cells, Python (identifiers, dotted names, mmdetection config
 * strings such as `type='QualityFocalLoss'`) and Markdown (prose and code spans). Pure: offsets
 * into a string in, entries out.
 */
import { FORMULA_CATALOG, type FormulaEntry, type Library, type LibraryConvention } from './catalog';

/** The document languages hovers are offered in. */
export type HoverLanguage = 'losslab' | 'python' | 'markdown';

/** An entry found for a word, with the conventions of the libraries that use that word. */
export interface EntryMatch {
  readonly entry: FormulaEntry;
  /** The libraries whose alias matched, the one the qualifier points to first. */
  readonly conventions: readonly LibraryConvention[];
}

/** Where a library's names are meaningful. LossLab names in Markdown need a code span (see lookupAt). */
const LIBRARY_LANGUAGES: Readonly<Record<Library, readonly HoverLanguage[]>> = {
  losslab: ['losslab', 'markdown'],
  mmdetection: ['python', 'markdown'],
  ultralytics: ['python', 'markdown'],
  torchvision: ['python', 'markdown'],
  pytorch: ['python', 'markdown'],
  'pytorch-metric-learning': ['python', 'markdown'],
  insightface: ['python', 'markdown'],
  'tensorflow-addons': ['python', 'markdown'],
  paper: ['markdown'],
};

/** Module prefixes that say which library a dotted name comes from (`nn.X`, `losses.X`). */
const QUALIFIER_LIBRARIES: Readonly<Record<string, Library>> = {
  torch: 'pytorch',
  nn: 'pytorch',
  F: 'pytorch',
  functional: 'pytorch',
  torchvision: 'torchvision',
  ops: 'torchvision',
  pytorch_metric_learning: 'pytorch-metric-learning',
  losses: 'pytorch-metric-learning',
  miners: 'pytorch-metric-learning',
  reducers: 'pytorch-metric-learning',
  mmdet: 'mmdetection',
  ultralytics: 'ultralytics',
  tfa: 'tensorflow-addons',
};

export interface LookupContext {
  /** The dotted prefix before the word, e.g. `torch.nn` for `torch.nn.TripletMarginLoss`. */
  readonly qualifier?: string;
  /** Markdown only: whether the word is inside a code span or fenced block. */
  readonly inCode?: boolean;
}

/** alias → conventions using it, in catalog order; built once. */
const ALIASES: ReadonlyMap<string, readonly { entry: FormulaEntry; convention: LibraryConvention }[]> = (() => {
  const index = new Map<string, { entry: FormulaEntry; convention: LibraryConvention }[]>();
  for (const entry of FORMULA_CATALOG) {
    for (const convention of entry.libraries) {
      for (const alias of convention.aliases) {
        const list = index.get(alias) ?? [];
        list.push({ entry, convention });
        index.set(alias, list);
      }
    }
  }
  return index;
})();

function libraryOfQualifier(qualifier: string | undefined): Library | undefined {
  if (qualifier === undefined) return undefined;
  const parts = qualifier.split('.');
  for (let i = parts.length - 1; i >= 0; i--) {
    const library = QUALIFIER_LIBRARIES[parts[i]];
    if (library !== undefined) return library;
  }
  return undefined;
}

/**
 * Every entry a word names in a language, in catalog order (the qualifier's library first within
 * an entry). Matching is case-sensitive: `ArcFace` is insightface's class, `arcface` LossLab's.
 */
export function findEntries(word: string, languageId: string, context: LookupContext = {}): EntryMatch[] {
  const hits = ALIASES.get(word);
  if (hits === undefined) return [];
  const preferred = libraryOfQualifier(context.qualifier);
  const byEntry = new Map<FormulaEntry, LibraryConvention[]>();
  for (const { entry, convention } of hits) {
    const languages = LIBRARY_LANGUAGES[convention.library];
    if (!languages.includes(languageId as HoverLanguage)) continue;
    if (languageId === 'markdown' && convention.library === 'losslab' && context.inCode !== true) continue;
    const list = byEntry.get(entry) ?? [];
    if (!list.includes(convention)) list.push(convention);
    byEntry.set(entry, list);
  }
  const matches = [...byEntry].map(([entry, conventions]) => ({
    entry,
    conventions: [...conventions].sort((a, b) => Number(b.library === preferred) - Number(a.library === preferred)),
  }));
  // A qualifier that names a library moves that library's entry first (CombinedMarginLoss is
  // ArcFace, CosFace and SphereFace in insightface; the catalog order decides otherwise).
  return matches.sort((a, b) => Number(b.conventions[0].library === preferred) - Number(a.conventions[0].library === preferred));
}

/** The entry a word names in a language (the first of findEntries), or undefined. */
export function findEntry(word: string, languageId: string, context: LookupContext = {}): EntryMatch | undefined {
  return findEntries(word, languageId, context)[0];
}

/** An identifier in a text, with its dotted prefix. Offsets are UTF-16 indices into the text. */
export interface WordAt {
  readonly word: string;
  readonly start: number;
  readonly end: number;
  /** `F` for `F.triplet_margin_loss`, `torch.nn` for `torch.nn.TripletMarginLoss`. */
  readonly qualifier?: string;
}

const isIdentifierChar = (code: number): boolean =>
  (code >= 48 && code <= 57) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122) || code === 95;

/**
 * The identifier ([A-Za-z_][A-Za-z0-9_]*) that contains `offset` or ends right at it (a cursor
 * just after a word still hovers it), with the dotted name before it. Quotes are not identifier
 * characters, so `type='QualityFocalLoss'` and `dict(type="DistributionFocalLoss")` need no case of
 * their own. Undefined when the cursor is not on an identifier.
 */
export function wordAt(text: string, offset: number): WordAt | undefined {
  if (offset < 0 || offset > text.length) return undefined;
  let start = offset;
  while (start > 0 && isIdentifierChar(text.charCodeAt(start - 1))) start--;
  let end = offset;
  while (end < text.length && isIdentifierChar(text.charCodeAt(end))) end++;
  if (start === end) return undefined;
  const first = text.charCodeAt(start);
  if (first >= 48 && first <= 57) return undefined;
  const word = text.slice(start, end);
  let qualifierStart = start;
  while (qualifierStart > 0 && text[qualifierStart - 1] === '.') {
    let s = qualifierStart - 1;
    while (s > 0 && isIdentifierChar(text.charCodeAt(s - 1))) s--;
    if (s === qualifierStart - 1) break;
    qualifierStart = s;
  }
  const qualifier = qualifierStart < start ? text.slice(qualifierStart, start - 1) : undefined;
  return qualifier === undefined ? { word, start, end } : { word, start, end, qualifier };
}

/**
 * Whether `offset` in a Markdown text is inside code: a fenced block (``` or ~~~) or an inline
 * code span on its line. Only the common cases of CommonMark; enough to tell `qfl` from prose.
 */
export function isInMarkdownCode(text: string, offset: number): boolean {
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  let fence: string | undefined;
  for (const line of text.slice(0, lineStart).split('\n')) {
    const marker = /^\s{0,3}(`{3,}|~{3,})/.exec(line)?.[1];
    if (marker === undefined) continue;
    if (fence === undefined) fence = marker;
    else if (marker[0] === fence[0] && marker.length >= fence.length) fence = undefined;
  }
  if (fence !== undefined) return true;
  const lineEnd = text.indexOf('\n', offset);
  const line = text.slice(lineStart, lineEnd < 0 ? text.length : lineEnd);
  const column = offset - lineStart;
  const span = /(`+)([^`]|[^`][\s\S]*?[^`])\1(?!`)/g;
  for (let m = span.exec(line); m !== null; m = span.exec(line)) {
    if (column > m.index && column < m.index + m[0].length) return true;
  }
  return false;
}

/** The entry under the cursor and the word's range, for a hover. */
export interface LookupResult extends EntryMatch {
  readonly word: WordAt;
}

/** Looks up the word at `offset` in a document of the given language. */
export function lookupAt(text: string, offset: number, languageId: string): LookupResult | undefined {
  const word = wordAt(text, offset);
  if (word === undefined) return undefined;
  const context: LookupContext = {
    ...(word.qualifier === undefined ? {} : { qualifier: word.qualifier }),
    ...(languageId === 'markdown' ? { inCode: isInMarkdownCode(text, word.start) } : {}),
  };
  const match = findEntry(word.word, languageId, context);
  return match === undefined ? undefined : { ...match, word };
}
