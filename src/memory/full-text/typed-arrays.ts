/** Growing and trimming the typed arrays the full-text index is kept in. */
type TypedArray = Float64Array | Float32Array | Int32Array | Uint32Array | Uint8Array;

/** `array`, or a copy with room for `needed` items and half as many again (at least 64). */
export function grown<T extends TypedArray>(array: T, needed: number): T {
  if (needed <= array.length) return array;
  const copy = new (array.constructor as new (length: number) => T)(
    Math.max(needed, Math.ceil(array.length * 1.5), 64),
  );
  copy.set(array);
  return copy;
}

/** `array` cut down to `size` items and a little room, when it holds far more. */
export function trimmed<T extends TypedArray>(array: T, size: number): T {
  const room = size + (size >> 5) + 16;
  return array.length > room ? (array.slice(0, room) as T) : array;
}
