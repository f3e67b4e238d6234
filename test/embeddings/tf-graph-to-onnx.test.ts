import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { encodeOnnxModel } from '../../src/embeddings/use-lite/onnx-model-proto.js';
import { convertTfGraphToOnnx } from '../../src/embeddings/use-lite/tf-graph-to-onnx.js';
import type { TfjsModel, TfNode, TfWeight } from '../../src/embeddings/use-lite/tfjs-model-files.js';

// The TensorFlow → ONNX conversion on small graphs whose answers are known, run on ONNX Runtime.
// test/embeddings/local-embedder.test.ts checks the whole sentence encoder against TF.js.

const FLOAT = { type: 1 };
const INT32 = { type: 3 };

/** A graph of `nodes` and int32 constants (a number is a scalar), or float32 ones with their shape. */
type Constant = number | number[] | { float: number[]; shape: number[] };

function graph(nodes: TfNode[], constants: Record<string, Constant>): TfjsModel {
  const weights = new Map<string, TfWeight>();
  for (const [name, value] of Object.entries(constants)) {
    nodes.unshift({ name, op: 'Const' });
    const weight: TfWeight =
      typeof value === 'number'
        ? { dtype: 'int32', shape: [], values: Int32Array.of(value) }
        : Array.isArray(value)
          ? { dtype: 'int32', shape: [value.length], values: Int32Array.from(value) }
          : { dtype: 'float32', shape: value.shape, values: Float32Array.from(value.float) };
    weights.set(name, weight);
  }
  return { nodes, weights };
}

async function run(model: TfjsModel, x: number[], dims: number[]): Promise<Record<string, number[]>> {
  const session = await ort.InferenceSession.create(encodeOnnxModel(convertTfGraphToOnnx(model, 'test'), 'test'));
  const outputs = await session.run({ x: new ort.Tensor('float32', Float32Array.from(x), dims) });
  await session.release();
  return Object.fromEntries(
    Object.entries(outputs).map(([name, tensor]) => [name, Array.from(tensor.data as Float32Array, Number)]),
  );
}

const x = { name: 'x', op: 'Placeholder', attr: { dtype: FLOAT, shape: {} } } as TfNode;

describe('convertTfGraphToOnnx', () => {
  it('slices like StridedSlice with begin, end and shrink masks', async () => {
    // x[:2, 1:] (begin 1 on axis 0 masked away, end 0 on axis 1 too) and x[1] (axis 0 shrunk, axis 1 whole).
    const model = graph(
      [
        x,
        {
          name: 'cols',
          op: 'StridedSlice',
          input: ['x', 'b0', 'e0', 'ones'],
          attr: { begin_mask: { i: '1' }, end_mask: { i: '2' } },
        },
        {
          name: 'row',
          op: 'StridedSlice',
          input: ['x', 'b1', 'e1', 'ones'],
          attr: { end_mask: { i: '2' }, shrink_axis_mask: { i: '1' } },
        },
      ],
      { b0: [1, 1], e0: [2, 0], b1: [1, 0], e1: [2, 0], ones: [1, 1] },
    );
    const out = await run(model, [1, 2, 3, 4, 5, 6], [2, 3]);
    expect(out['cols']).toEqual([2, 3, 5, 6]);
    expect(out['row']).toEqual([4, 5, 6]);
  });

  it('multiplies by an adjoint operand, packs scalars and splits unevenly', async () => {
    const model = graph(
      [
        x,
        { name: 'xt', op: 'Transpose', input: ['x', 'perm'] },
        { name: 'back', op: 'Transpose', input: ['xt', 'perm'] },
        // x · xᵀ, the second operand given as x and marked adjoint.
        {
          name: 'gram',
          op: 'BatchMatMul',
          input: ['x', 'back'],
          attr: { T: FLOAT, adj_x: { b: false }, adj_y: { b: true } },
        },
        { name: 'split', op: 'SplitV', input: ['x', 'sizes', 'axis1'], attr: { num_split: { i: '2' } } },
        { name: 'two', op: 'Identity', input: ['split:1'] },
        { name: 'one', op: 'Identity', input: ['split'] },
        { name: 'shape', op: 'Shape', input: ['x'], attr: { out_type: INT32 } },
        { name: 'packed', op: 'Pack', input: ['n', 'n'], attr: { axis: { i: '0' } } },
        { name: 'grown', op: 'Add', input: ['shape', 'packed'], attr: { T: INT32 } },
        { name: 'grownFloat', op: 'Cast', input: ['grown'], attr: { DstT: FLOAT } },
      ],
      { perm: [1, 0], sizes: [1, 2], axis1: [1], n: 7 },
    );
    const out = await run(model, [1, 2, 3, 4, 5, 6], [2, 3]);
    expect(out['gram']).toEqual([14, 32, 32, 77]);
    expect(out['one']).toEqual([1, 4]);
    expect(out['two']).toEqual([2, 3, 5, 6]);
    expect(out['grownFloat']).toEqual([9, 10]);
  });

  it('refuses an op it has no conversion for, naming it, rather than computing something else', () => {
    const model = graph([x, { name: 'odd', op: 'FancyOp', input: ['x'] }], {});
    expect(() => convertTfGraphToOnnx(model, 'test')).toThrow(/no ONNX conversion for op FancyOp \(node 'odd'\)/);
    const conv = graph(
      [x, { name: 'conv', op: 'Conv2D', input: ['x', 'k'], attr: { strides: { list: { i: ['1', '2', '2', '1'] } } } }],
      {
        k: { float: new Array(8).fill(0), shape: [2, 2, 2, 1] },
      },
    );
    expect(() => convertTfGraphToOnnx(conv, 'test')).toThrow(/Conv2D 'conv' is not a 1×1, stride-1 NHWC convolution/);
  });
});
