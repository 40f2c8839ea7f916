/**
 * Byte ↔ text conversions for notebook output items: strict UTF-8 decoding and standard padded
 * base64 (RFC 4648 §4). Pure and portable: no Buffer, no atob/btoa.
 */

/** Returns undefined for bytes that are not valid UTF-8; a leading BOM is kept as text. */
export function decodeUtf8(bytes: Uint8Array): string | undefined {
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    return undefined;
  }
}

const ALPHABET = new TextEncoder().encode('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/');
/** Character code → 6-bit value, or INVALID for characters outside the alphabet. */
const INVALID = 255;
const SEXTET = new Uint8Array(256).fill(INVALID);
ALPHABET.forEach((code, value) => (SEXTET[code] = value));
const EQUALS = 0x3d;

/**
 * Standard padded base64. Hand-rolled over byte arrays because btoa/atob need a binary string
 * built char by char, which is several times slower on multi-megabyte images.
 */
export function encodeBase64(bytes: Uint8Array): string {
  const n = bytes.length;
  const out = new Uint8Array(4 * Math.ceil(n / 3));
  let o = 0;
  let i = 0;
  for (; i + 2 < n; i += 3) {
    const triple = (bytes[i] << 16) | (bytes[i + 1] << 8) | bytes[i + 2];
    out[o++] = ALPHABET[triple >>> 18];
    out[o++] = ALPHABET[(triple >>> 12) & 63];
    out[o++] = ALPHABET[(triple >>> 6) & 63];
    out[o++] = ALPHABET[triple & 63];
  }
  if (i < n) {
    const last = n - i === 2 ? bytes[i + 1] : 0;
    const triple = (bytes[i] << 16) | (last << 8);
    out[o++] = ALPHABET[triple >>> 18];
    out[o++] = ALPHABET[(triple >>> 12) & 63];
    out[o++] = n - i === 2 ? ALPHABET[(triple >>> 6) & 63] : EQUALS;
    out[o++] = EQUALS;
  }
  return new TextDecoder().decode(out);
}

/**
 * Decodes standard padded base64, or returns undefined when the text is not exactly that
 * (a loop rather than a regular expression, which overflows the stack on large images).
 */
export function decodeBase64(text: string): Uint8Array | undefined {
  const chars = new TextEncoder().encode(text);
  if (chars.length % 4 !== 0 || chars.length !== text.length) return undefined;
  const padding = text.endsWith('==') ? 2 : text.endsWith('=') ? 1 : 0;
  const bytes = new Uint8Array((chars.length / 4) * 3 - padding);
  let o = 0;
  for (let i = 0; i < chars.length; i += 4) {
    const a = SEXTET[chars[i]];
    const b = SEXTET[chars[i + 1]];
    // Padding may only stand in the last one or two places of the last quad.
    const c = padding === 2 && i + 4 === chars.length ? 0 : SEXTET[chars[i + 2]];
    const d = padding >= 1 && i + 4 === chars.length ? 0 : SEXTET[chars[i + 3]];
    if ((a | b | c | d) > 63) return undefined; // some character was INVALID
    const quad = (a << 18) | (b << 12) | (c << 6) | d;
    bytes[o++] = quad >>> 16;
    if (o < bytes.length) bytes[o++] = (quad >>> 8) & 255;
    if (o < bytes.length) bytes[o++] = quad & 255;
  }
  return bytes;
}
