/**
 * @module patterns/flow-depth
 * How deeply a YAML or JSON text nests its flow collections (`[…]`, `{…}`), found without
 * parsing it. The YAML parser recurses once per level and no YAML library offers a nesting
 * limit; past ~1,000 levels it overflows the stack, and V8 may then abort the whole process
 * (a regex compiled that deep fails as "out of memory"). So pattern files are scanned first,
 * by hand, and refused when too deep. Block collections need an indentation per level and
 * were measured not to crash.
 */

/** The first place where the nesting goes past `limit` levels (offset of the bracket), or undefined. */
export function firstFlowNestingBeyond(text: string, limit: number): number | undefined {
  let depth = 0;
  let quote: '"' | "'" | undefined;
  let comment = false;
  for (let i = 0; i < text.length; i++) {
    const char = text[i]!;
    if (comment) {
      if (char === '\n') comment = false;
    } else if (quote !== undefined) {
      if (quote === '"' && char === '\\') i++;
      else if (char === quote) quote = undefined;
    } else if ((char === '"' || char === "'") && startsScalar(text, i)) {
      quote = char;
    } else if (char === '#' && (i === 0 || /\s/.test(text[i - 1]!))) {
      comment = true;
    } else if (char === '[' || char === '{') {
      if (++depth > limit) return i;
    } else if ((char === ']' || char === '}') && depth > 0) {
      depth--;
    }
  }
  return undefined;
}

/** A quote opens a quoted scalar only where a scalar may start (not the apostrophe in "don't"). */
function startsScalar(text: string, at: number): boolean {
  return at === 0 || /[\s[{,:-]/.test(text[at - 1]!);
}
