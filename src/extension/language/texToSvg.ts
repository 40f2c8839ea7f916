/**
 * TeX → standalone SVG with MathJax (mathjax-full 3, lite DOM adaptor, no browser, no network).
 * Never imports `vscode`: the extension's mathSvg.ts wraps it, the tests call it in plain Node.
 *
 * The MathJax document is built on the first call; mathSvg.ts also imports this module lazily,
 * so activating the extension does not load MathJax at all.
 */
import { liteAdaptor, type LiteAdaptor } from 'mathjax-full/js/adaptors/liteAdaptor.js';
import { RegisterHTMLHandler } from 'mathjax-full/js/handlers/html.js';
import { TeX } from 'mathjax-full/js/input/tex.js';
import 'mathjax-full/js/input/tex/ams/AmsConfiguration.js';
import 'mathjax-full/js/input/tex/base/BaseConfiguration.js';
import { mathjax } from 'mathjax-full/js/mathjax.js';
import { SVG } from 'mathjax-full/js/output/svg.js';

/** Pixels per ex when the SVG's ex-based size is fixed for an `<img>` (MathJax's own default ex). */
export const PIXELS_PER_EX = 8;

/**
 * The widest a formula image may be. VS Code's markdown hover is at most 500 px wide
 * (`--vscode-hover-maxWidth`, default 500px) with 8 px of padding on each side, and it clips
 * what is wider. Catalog formulas are written to fit at full size (long ones break into lines);
 * wider TeX is scaled down to this width rather than cut.
 */
export const MAX_IMAGE_WIDTH_PX = 480;

export class TexError extends Error {
  override readonly name = 'TexError';
  constructor(
    readonly tex: string,
    message: string,
  ) {
    super(`TeX error in ${JSON.stringify(tex.length > 60 ? `${tex.slice(0, 57)}…` : tex)}: ${message}`);
  }
}

interface Converter {
  readonly adaptor: LiteAdaptor;
  readonly convert: (tex: string) => unknown;
}

let converter: Converter | undefined;

function startMathJax(): Converter {
  const adaptor = liteAdaptor();
  RegisterHTMLHandler(adaptor);
  // MathJax normally renders a TeX error as red text inside the formula; throwing instead makes a
  // broken catalog formula fail its test instead of shipping as a red box.
  const tex = new TeX({
    packages: ['base', 'ams'],
    formatError: (_jax: unknown, error: { message: string }) => {
      throw new Error(error.message);
    },
  });
  // 'local' keeps each glyph's path once per SVG (in <defs>), so each image is self-contained.
  const svg = new SVG({ fontCache: 'local' });
  const document = mathjax.document('', { InputJax: tex, OutputJax: svg });
  return { adaptor, convert: (source) => document.convert(source, { display: true }) };
}

/** The pixel size an `<img>` gives an ex-sized SVG: an `<img>` has no surrounding font to resolve ex against. */
function imageSize(widthEx: number, heightEx: number): { width: number; height: number } {
  const scale = Math.min(PIXELS_PER_EX, MAX_IMAGE_WIDTH_PX / widthEx);
  return { width: widthEx * scale, height: heightEx * scale };
}

/** The pixel width and height of an SVG made by texToSvg. */
export function svgPixelSize(svg: string): { width: number; height: number } {
  const match = /^<svg[^>]*? width="([\d.]+)px" height="([\d.]+)px"/.exec(svg);
  if (match === null) throw new Error('not an SVG with a pixel size');
  return { width: Number(match[1]), height: Number(match[2]) };
}

/**
 * Renders display-mode TeX (base and AMS macros) as a standalone SVG document whose strokes and
 * fills are `colour` (any CSS colour, e.g. `#cccccc`), at most MAX_IMAGE_WIDTH_PX wide. Throws
 * TexError for TeX that does not parse.
 */
export function texToSvg(tex: string, colour: string): string {
  converter ??= startMathJax();
  let node: unknown;
  try {
    node = converter.convert(tex);
  } catch (error) {
    throw new TexError(tex, error instanceof Error ? error.message : String(error));
  }
  const container = node as Parameters<LiteAdaptor['innerHTML']>[0];
  const markup = converter.adaptor.innerHTML(container);
  return markup
    .replace(/currentColor/g, colour)
    .replace(/^<svg([^>]*?) width="([\d.]+)ex" height="([\d.]+)ex"/, (_all, before: string, width: string, height: string) => {
      const size = imageSize(Number.parseFloat(width), Number.parseFloat(height));
      return `<svg${before} width="${size.width.toFixed(2)}px" height="${size.height.toFixed(2)}px"`;
    });
}

/** An SVG document as a `data:` URI, for a Markdown image. */
export function svgDataUri(svg: string): string {
  return `data:image/svg+xml;base64,${base64(svg)}`;
}

function base64(text: string): string {
  const bytes = new TextEncoder().encode(text);
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

/** Most images kept; the catalog has a few dozen formulas, times a colour or two. */
const CACHE_LIMIT = 256;

/**
 * Rendered formulas by (TeX, colour), as `data:` URIs. A theme change asks for every formula seen
 * so far in the new colour (`rerender`), so the next hover is a cache hit.
 */
export class FormulaImageCache {
  private readonly images = new Map<string, string>();
  private readonly seen = new Set<string>();

  constructor(private readonly render: (tex: string, colour: string) => string = texToSvg) {}

  /** The formula as a data URI; renders on a miss, throws TexError like texToSvg. */
  dataUri(tex: string, colour: string): string {
    const key = `${colour}\u0000${tex}`;
    const cached = this.images.get(key);
    if (cached !== undefined) return cached;
    const uri = svgDataUri(this.render(tex, colour));
    if (this.images.size >= CACHE_LIMIT) this.images.delete(this.images.keys().next().value as string);
    this.images.set(key, uri);
    this.seen.add(tex);
    return uri;
  }

  /** Renders every formula rendered so far in `colour`; formulas that fail are skipped. */
  rerender(colour: string): void {
    for (const tex of this.seen) {
      try {
        this.dataUri(tex, colour);
      } catch {
        // A formula that cannot render shows its Unicode fallback; nothing to warm.
      }
    }
  }

  get size(): number {
    return this.images.size;
  }
}
