/**
 * @module memory/full-text/fts5-tokens
 * The terms FTS5's `porter unicode61` tokenizer makes of a text (migration 1's memories_fts),
 * so the in-process index and FTS5 agree on what a memory and a query contain.
 *
 * Exact for ASCII, where unicode61's token characters are letters and digits, folded to lower
 * case. Other characters follow its rules with JavaScript's Unicode tables instead of its own
 * (Unicode 6.1): letters, numbers and private-use characters are token characters, combining
 * diacritics inside a token are kept, letters are case-folded and Latin ones lose their
 * diacritics. Characters Unicode 6.1 did not have differ (FTS5 counts most emoji as token
 * characters, JavaScript none), and a few letters may fold differently; the index stays
 * consistent with itself either way (test/memory/fts5-tokens.test.ts compares both).
 */
import { porterStem } from './porter-stemmer.js';

const TOKEN_CHAR = /[\p{L}\p{N}\p{Co}]/u;
/** FTS5's sqlite3Fts5UnicodeIsdiacritic: the combining marks U+0300–U+0331 it keeps inside a token. */
function isDiacritic(code: number): boolean {
  if (code < 768 || code > 817) return false;
  return code < 800 ? ((0x08029fdf >>> (code - 768)) & 1) === 1 : ((0x000361f8 >>> (code - 800)) & 1) === 1;
}

const COMBINING_MARK = /^\p{Mn}$/u;
const NON_ASCII = /[^\p{ASCII}]/u;

/** The stemmed terms of a text, in order (repeats included). */
export function fts5Tokens(text: string): string[] {
  return NON_ASCII.test(text) ? unicodeTokens(text) : asciiTokens(text);
}

function asciiTokens(text: string): string[] {
  const out: string[] = [];
  const lower = text.toLowerCase();
  let start = -1;
  for (let i = 0; i <= lower.length; i++) {
    const c = i < lower.length ? lower.charCodeAt(i) : 0;
    const tokenChar = (c >= 97 && c <= 122) || (c >= 48 && c <= 57);
    if (tokenChar) {
      if (start < 0) start = i;
    } else if (start >= 0) {
      out.push(porterStem(lower.slice(start, i)));
      start = -1;
    }
  }
  return out;
}

function unicodeTokens(text: string): string[] {
  const out: string[] = [];
  let token = '';
  let inToken = false;
  for (const char of text) {
    const code = char.codePointAt(0)!;
    const tokenChar = code < 128 ? /[A-Za-z0-9]/.test(char) : TOKEN_CHAR.test(char);
    if (tokenChar || (inToken && isDiacritic(code))) {
      inToken = true;
      token += fold(char);
    } else if (inToken) {
      out.push(stem(token));
      token = '';
      inToken = false;
    }
  }
  if (inToken) out.push(stem(token));
  return out;
}

/**
 * Case-folded ("µ" is "μ", "ſ" is "s": upper then lower case, unless that spells it with more
 * characters, as "ß" would) and without diacritics ("É" is "e").
 */
function fold(char: string): string {
  if (char.length === 1 && char.charCodeAt(0) < 128) return char.toLowerCase();
  if (char === 'ı') return char;
  if (COMBINING_MARK.test(char)) return '';
  const upper = char.toUpperCase();
  const folded = upper.length === char.length ? upper.toLowerCase() : char.toLowerCase();
  // FTS5 removes the diacritics of Latin letters only ("é" is "e", "ё" stays).
  const bare = folded.normalize('NFD').replace(/\p{Mn}/gu, '');
  return /^[a-z]$/.test(bare) ? bare : folded;
}

/** FTS5 stems the token's UTF-8 bytes: non-ASCII bytes are consonants and lengths count bytes. */
function stem(token: string): string {
  if (!NON_ASCII.test(token)) return porterStem(token);
  return Buffer.from(porterStem(Buffer.from(token, 'utf8').toString('latin1')), 'latin1').toString('utf8');
}
