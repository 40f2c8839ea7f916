import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FORMULA_CATALOG } from '../../../src/core/formulas/catalog';
import { FormulaImageCache, MAX_IMAGE_WIDTH_PX, svgDataUri, svgPixelSize, TexError, texToSvg } from '../../../src/extension/language/texToSvg';

/** Pixels per MathJax unit (1/1000 em) of an SVG: the same for every formula drawn at full size. */
function pixelsPerUnit(svg: string): number {
  const viewBox = /viewBox="[-\d.]+ [-\d.]+ ([\d.]+) [\d.]+"/.exec(svg);
  assert.ok(viewBox !== null);
  return svgPixelSize(svg).width / Number(viewBox[1]);
}

/**
 * Checks that markup is well-formed XML as far as an `<img>` needs: one root `<svg>` with the SVG
 * namespace, every tag closed in order, attributes quoted, no stray `<`.
 */
function assertWellFormedSvg(svg: string): void {
  assert.match(svg, /^<svg[^>]* xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
  const stack: string[] = [];
  const tag = /<(\/?)([A-Za-z][\w:-]*)((?:\s+[\w:-]+="[^"<]*")*)\s*(\/?)>/g;
  let last = 0;
  for (let m = tag.exec(svg); m !== null; m = tag.exec(svg)) {
    assert.ok(!svg.slice(last, m.index).includes('<'), `stray < before offset ${m.index}`);
    last = m.index + m[0].length;
    const [, closing, name, , selfClosing] = m;
    if (closing) assert.equal(stack.pop(), name, `</${name}> closes the wrong element`);
    else if (!selfClosing) stack.push(name);
    if (stack.length === 0) assert.equal(svg.slice(last).trim(), '', 'one root element');
  }
  assert.equal(stack.length, 0, `unclosed: ${stack.join(', ')}`);
  assert.ok(!svg.slice(last).includes('<'));
}

describe('texToSvg', () => {
  for (const entry of FORMULA_CATALOG) {
    it(`renders ${entry.id}`, () => {
      const svg = texToSvg(entry.latex, '#cccccc');
      assertWellFormedSvg(svg);
      assert.ok(/<path[^>]* d="M/.test(svg) || /<use /.test(svg), 'draws glyphs');
      assert.ok(!svg.includes('merror') && !svg.includes('data-mjx-error'), 'no MathJax error node');
      assert.match(svg, /width="\d+(\.\d+)?px" height="\d+(\.\d+)?px"/, 'a pixel size for <img>');
      assert.ok(!svg.includes('<text'), 'every glyph from MathJax’s font: a <text> fallback uses a system font that may lack it');
    });
    it(`${entry.id} fits the hover at full size`, () => {
      const svg = texToSvg(entry.latex, '#cccccc');
      assert.ok(svgPixelSize(svg).width <= MAX_IMAGE_WIDTH_PX, `${svgPixelSize(svg).width} px wide; break it into lines (gathered)`);
      const reference = pixelsPerUnit(texToSvg('x', '#cccccc'));
      assert.ok(Math.abs(pixelsPerUnit(svg) / reference - 1) < 1e-3, 'not scaled down');
    });
  }

  it('scales a formula wider than the hover down to its width, keeping the aspect ratio', () => {
    const tex = Array.from({ length: 60 }, (_, i) => `x_{${i}}`).join(' + ');
    const svg = texToSvg(tex, '#000');
    const { width, height } = svgPixelSize(svg);
    assert.ok(Math.abs(width - MAX_IMAGE_WIDTH_PX) < 0.01);
    const viewBox = /viewBox="[-\d.]+ [-\d.]+ ([\d.]+) ([\d.]+)"/.exec(svg)!;
    assert.ok(Math.abs(width / height - Number(viewBox[1]) / Number(viewBox[2])) / (width / height) < 0.01);
    assert.ok(pixelsPerUnit(svg) < pixelsPerUnit(texToSvg('x', '#000')));
  });

  it('shows a character missing from MathJax’s font as <text> (the glyph check can fail)', () => {
    assert.ok(texToSvg(String.raw`\text{ж}`, '#000').includes('<text'));
  });

  it('paints in the given colour, not currentColor', () => {
    const svg = texToSvg(String.raw`\frac{a}{b}`, '#123456');
    assert.ok(svg.includes('#123456'));
    assert.ok(!svg.includes('currentColor'));
  });

  it('throws TexError for TeX that does not parse', () => {
    assert.throws(() => texToSvg(String.raw`\frac{a`, '#000'), TexError);
    assert.throws(() => texToSvg(String.raw`\notamacro{x}`, '#000'), (error: unknown) => error instanceof TexError && /notamacro/.test(error.message));
  });

  it('makes a base64 data URI that decodes back to the SVG', () => {
    const svg = texToSvg(String.raw`\sigma(x) = \frac{1}{1 + e^{-x}}`, '#000000');
    const uri = svgDataUri(svg);
    assert.match(uri, /^data:image\/svg\+xml;base64,[A-Za-z0-9+/]+=*$/);
    assert.equal(Buffer.from(uri.slice(uri.indexOf(',') + 1), 'base64').toString('utf8'), svg);
    // Non-ASCII text survives the encoding.
    assert.equal(Buffer.from(svgDataUri('<svg>θ</svg>').split(',')[1], 'base64').toString('utf8'), '<svg>θ</svg>');
  });
});

describe('FormulaImageCache', () => {
  it('renders each (TeX, colour) once and re-renders the seen formulas for a new colour', () => {
    const calls: string[] = [];
    const cache = new FormulaImageCache((tex, colour) => {
      calls.push(`${tex}@${colour}`);
      return `<svg xmlns="http://www.w3.org/2000/svg"><!--${tex}--></svg>`;
    });
    const first = cache.dataUri('a', '#fff');
    assert.equal(cache.dataUri('a', '#fff'), first);
    cache.dataUri('b', '#fff');
    assert.deepEqual(calls, ['a@#fff', 'b@#fff']);
    cache.rerender('#000');
    assert.deepEqual(calls, ['a@#fff', 'b@#fff', 'a@#000', 'b@#000']);
    assert.equal(cache.size, 4);
    cache.dataUri('a', '#000');
    assert.equal(calls.length, 4, 'a theme switch back and forth is a cache hit');
  });

  it('passes render errors through and caches nothing for them', () => {
    const cache = new FormulaImageCache();
    assert.throws(() => cache.dataUri(String.raw`\frac{`, '#fff'), TexError);
    assert.equal(cache.size, 0);
    cache.rerender('#000');
  });
});
