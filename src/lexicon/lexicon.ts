import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { ValidationError } from '../errors.js';
import { stem, words } from '../text.js';
import { formatZodError } from '../validation.js';
import { SOFTWARE_LEXICON } from './software-lexicon.js';

const sourceSchema = z.strictObject({
  same: z.array(z.union([z.string().min(1), z.array(z.string().min(1)).min(2)])).optional(),
  narrower: z.record(z.string().min(1), z.array(z.string().min(1))).optional(),
});

/** A lexicon file: `same` groups ("a | b | c" or ["a", "b"]) and `narrower` terms of general ones. */
export interface LexiconSource {
  same?: ReadonlyArray<string | readonly string[]> | undefined;
  narrower?: Readonly<Record<string, readonly string[]>> | undefined;
}

/** Longest term, in words, looked for in a text. */
const MAX_TERM_WORDS = 5;
const NO_GROUPS: ReadonlySet<number> = new Set();
/** Keeps a query of many known words from turning into a huge OR. */
const MAX_EXPANSIONS = 32;

interface Group {
  /** Spelled-out form: what the sentence encoder is shown. */
  canonical: string;
  terms: string[];
}

/**
 * Abbreviations and synonyms of software engineering (see software-lexicon.ts), used to widen
 * a query on both paths: extra full-text terms (SQLite and PostgreSQL alike), and the
 * spelled-out forms added to the text a sentence encoder embeds, for memories and queries both.
 */
export class Lexicon {
  readonly #groups: Group[] = [];
  /** A term's words joined by spaces (and, for one word, its stem too) → groups it belongs to. */
  readonly #index = new Map<string, Set<number>>();
  /** For a word that starts a term of several words, the most words such a term has. */
  readonly #longestFrom = new Map<string, number>();
  readonly #narrower = new Map<number, Set<string>>();

  static builtin(): Lexicon {
    return new Lexicon().add(SOFTWARE_LEXICON);
  }

  /** Adds groups (merged with any group sharing a term) and narrower terms. */
  add(source: LexiconSource): this {
    for (const line of source.same ?? []) {
      const terms = (typeof line === 'string' ? line.split('|') : line).map(termOf).filter((t) => t !== '');
      if (terms.length < 2) continue;
      const existing = terms.map((t) => this.#lookup(t)).find((ids) => ids.size > 0);
      const id =
        existing === undefined ? this.#groups.push({ canonical: terms[0]!, terms: [] }) - 1 : [...existing][0]!;
      for (const term of terms) this.#addTerm(id, term);
    }
    for (const [general, specifics] of Object.entries(source.narrower ?? {})) {
      const term = termOf(general);
      let ids = this.#lookup(term);
      if (ids.size === 0) {
        this.#addTerm(this.#groups.push({ canonical: term, terms: [] }) - 1, term);
        ids = this.#lookup(term);
      }
      for (const id of ids) {
        const set = this.#narrower.get(id) ?? new Set();
        for (const specific of specifics) set.add(termOf(specific));
        this.#narrower.set(id, set);
      }
    }
    return this;
  }

  /** Terms to search for beside the query's own: its terms' synonyms and narrower terms. */
  expansions(text: string): string[] {
    const tokens = words(text);
    const present = new Set(tokens);
    const out = new Set<string>();
    for (const { term, group } of this.#matches(tokens)) {
      const candidates = [...this.#groups[group]!.terms, ...(this.#narrower.get(group) ?? [])];
      for (const candidate of candidates) {
        if (candidate !== term && !(present.has(candidate) && !candidate.includes(' '))) out.add(candidate);
      }
    }
    return [...out].slice(0, MAX_EXPANSIONS);
  }

  /** The text a sentence encoder sees: the spelled-out form of each abbreviation or synonym appended. */
  forEmbedding(text: string): string {
    const tokens = words(text);
    const joined = ` ${tokens.join(' ')} `;
    const added = new Set<string>();
    for (const { group } of this.#matches(tokens)) {
      const { canonical } = this.#groups[group]!;
      if (!joined.includes(` ${canonical} `)) added.add(canonical);
    }
    return added.size === 0 ? text : `${text} (${[...added].join(', ')})`;
  }

  #matches(tokens: readonly string[]): Array<{ term: string; group: number }> {
    const found: Array<{ term: string; group: number }> = [];
    for (let i = 0; i < tokens.length; i++) {
      // Most words start no term of several words: only those are tried longest first.
      const longest = Math.min(this.#longestFrom.get(tokens[i]!) ?? 1, MAX_TERM_WORDS, tokens.length - i);
      for (let n = longest; n >= 1; n--) {
        const term = n === 1 ? tokens[i]! : tokens.slice(i, i + n).join(' ');
        const ids = this.#lookup(term);
        for (const group of ids) found.push({ term, group });
        if (ids.size > 0) {
          i += n - 1; // the longest term wins ("load balancer", not "load")
          break;
        }
      }
    }
    return found;
  }

  #lookup(term: string): ReadonlySet<number> {
    return this.#index.get(term) ?? (term.includes(' ') ? undefined : this.#index.get(`~${stem(term)}`)) ?? NO_GROUPS;
  }

  #addTerm(group: number, term: string): void {
    const g = this.#groups[group]!;
    if (!g.terms.includes(term)) g.terms.push(term);
    const termWords = term.split(' ');
    if (termWords.length > 1) {
      const first = termWords[0]!;
      this.#longestFrom.set(first, Math.max(this.#longestFrom.get(first) ?? 1, termWords.length));
    }
    for (const key of term.includes(' ') ? [term] : [term, `~${stem(term)}`]) {
      const ids = this.#index.get(key) ?? new Set<number>();
      ids.add(group);
      this.#index.set(key, ids);
    }
  }
}

/** A term as the lexicon compares it: its words, lowercased, single-spaced ("Sign-In" is "sign in"). */
function termOf(text: string): string {
  return words(text).join(' ');
}

/** The built-in lexicon, extended by a user file (JSON or YAML) when one is given. */
export async function loadLexicon(file: string | undefined): Promise<Lexicon> {
  const lexicon = Lexicon.builtin();
  if (file === undefined) return lexicon;
  let raw: unknown;
  try {
    const text = await readFile(file, 'utf8');
    raw = /\.json$/i.test(file) ? JSON.parse(text) : (await import('yaml')).parse(text);
  } catch (error) {
    throw new ValidationError(`lexicon: cannot read '${file}': ${(error as Error).message}`, { cause: error });
  }
  const parsed = sourceSchema.safeParse(raw);
  if (!parsed.success) throw new ValidationError(`lexicon '${file}': ${formatZodError(parsed.error)}`);
  return lexicon.add(parsed.data);
}
