import { OnnxType, type OnnxAttributeValue, type OnnxElementType } from './onnx-model-proto.js';
import type { TfNode } from './tfjs-model-files.js';

/**
 * What an op converter sees of the node it converts, and how it adds ONNX nodes. Every integer
 * tensor of the TensorFlow graph (int32 shapes, indices, lengths) becomes int64 in ONNX, the
 * type ONNX's shape and index operators take, so no Cast is needed between them.
 */
export interface ConversionContext {
  readonly node: TfNode;
  /** How many data inputs the node has (control inputs excluded). */
  readonly inputCount: number;
  /** The ONNX tensor holding the node's `index`-th input. */
  input(index: number): string;
  /** The value of the node's `index`-th input, which must be a constant of the graph. */
  constant(index: number): number[];
  /** The shape of the node's `index`-th input, which must be a constant of the graph. */
  constantShape(index: number): number[];
  /** The ONNX name of the node's `index`-th output (TensorFlow's `name:index`). */
  output(index?: number): string;
  /** Adds an ONNX node; returns its first output (a fresh name unless given). */
  emit(opType: string, inputs: string[], outputs?: string[], attributes?: Record<string, OnnxAttributeValue>): string;
  /** A constant int64 tensor (1-D unless `dims` says otherwise). */
  int64s(values: Array<number | bigint>, dims?: number[]): string;
  /** Integer, boolean and list attributes of the node, and its dtype attributes as ONNX types. */
  int(name: string, fallback?: number): number;
  bool(name: string): boolean;
  ints(name: string): number[];
  type(name: string): OnnxElementType;
  /** The rank of a tensor where an earlier converter recorded it (a Transpose does). */
  rank(tensor: string): number | undefined;
  setRank(tensor: string, rank: number): void;
}

export type OpConverter = (context: ConversionContext) => void;

const INT64_MAX = 2n ** 63n - 1n;
const INT64_MIN = -(2n ** 63n);

/** An op that is the same ONNX op on the same inputs. */
const same =
  (opType: string): OpConverter =>
  (c) =>
    void c.emit(opType, inputs(c), [c.output()]);

const inputs = (c: ConversionContext): string[] => Array.from({ length: c.inputCount }, (_, i) => c.input(i));

/** Sum, Mean, Max, Prod over constant axes. */
const reduce =
  (opType: string): OpConverter =>
  (c) =>
    void c.emit(opType, [c.input(0), c.int64s(c.constant(1))], [c.output()], { keepdims: c.bool('keep_dims') ? 1 : 0 });

/** A 1×1, stride-1 NHWC convolution (what this model's dense layers are): a MatMul over the channels. */
function pointwiseConv2D(c: ConversionContext): void {
  const { node } = c;
  // model.json writes a string attribute as its bytes, or base64.
  const raw = node.attr?.['data_format']?.s ?? [];
  const format = typeof raw === 'string' ? Buffer.from(raw, 'base64').toString() : String.fromCharCode(...raw);
  const [height, width, channelsIn, channelsOut] = c.constantShape(1);
  const unit = (values: number[]) => values.every((v) => v === 1);
  if (format !== 'NHWC' || height !== 1 || width !== 1 || !unit(c.ints('strides')) || !unit(c.ints('dilations'))) {
    throw new Error(`TF graph: Conv2D '${node.name}' is not a 1×1, stride-1 NHWC convolution`);
  }
  const kernel = c.emit('Reshape', [c.input(1), c.int64s([channelsIn!, channelsOut!])]);
  c.emit('MatMul', [c.input(0), kernel], [c.output()]);
}

/** TensorFlow StridedSlice with constant begin, end and strides → Slice, then Squeeze for shrunk axes. */
function stridedSlice(c: ConversionContext): void {
  const [begin, end, strides] = [c.constant(1), c.constant(2), c.constant(3)];
  if (c.int('ellipsis_mask', 0) !== 0 || c.int('new_axis_mask', 0) !== 0) {
    throw new Error(`TF graph: StridedSlice '${c.node.name}' uses an ellipsis or new axis`);
  }
  const beginMask = c.int('begin_mask', 0);
  const endMask = c.int('end_mask', 0);
  const shrinkMask = c.int('shrink_axis_mask', 0);
  const starts: bigint[] = [];
  const ends: bigint[] = [];
  const shrunk: number[] = [];
  begin.forEach((b, axis) => {
    const bit = 1 << axis;
    const step = strides[axis]!;
    if (shrinkMask & bit) {
      starts.push(BigInt(b));
      ends.push(b === -1 ? INT64_MAX : BigInt(b + 1));
      shrunk.push(axis);
      return;
    }
    starts.push(beginMask & bit ? (step > 0 ? 0n : INT64_MAX) : BigInt(b));
    ends.push(endMask & bit ? (step > 0 ? INT64_MAX : INT64_MIN) : BigInt(end[axis]!));
  });
  const axes = c.int64s(begin.map((_, axis) => axis));
  const sliceInputs = [c.input(0), c.int64s(starts), c.int64s(ends), axes, c.int64s(strides)];
  if (shrunk.length === 0) {
    c.emit('Slice', sliceInputs, [c.output()]);
    return;
  }
  c.emit('Squeeze', [c.emit('Slice', sliceInputs), c.int64s(shrunk)], [c.output()]);
}

/** TensorFlow Slice(begin, size), size -1 meaning "to the end". */
function slice(c: ConversionContext): void {
  const [begin, size] = [c.constant(1), c.constant(2)];
  const ends = begin.map((b, axis) => (size[axis] === -1 ? INT64_MAX : BigInt(b + size[axis]!)));
  c.emit('Slice', [c.input(0), c.int64s(begin), c.int64s(ends), c.int64s(begin.map((_, axis) => axis))], [c.output()]);
}

/** Batched matrix product; an adjoint operand has its last two axes swapped (its rank must be known). */
function batchMatMul(c: ConversionContext): void {
  const operand = (index: number, adjoint: boolean): string => {
    const tensor = c.input(index);
    if (!adjoint) return tensor;
    const rank = c.rank(tensor);
    if (rank === undefined)
      throw new Error(`TF graph: BatchMatMul '${c.node.name}' adjoints an operand of unknown rank`);
    const perm = [...Array(rank - 2).keys(), rank - 1, rank - 2];
    return c.emit('Transpose', [tensor], undefined, { perm });
  };
  c.emit('MatMul', [operand(0, c.bool('adj_x')), operand(1, c.bool('adj_y'))], [c.output()]);
}

function matMul(c: ConversionContext): void {
  const operand = (index: number, transpose: boolean): string =>
    transpose ? c.emit('Transpose', [c.input(index)], undefined, { perm: [1, 0] }) : c.input(index);
  c.emit('MatMul', [operand(0, c.bool('transpose_a')), operand(1, c.bool('transpose_b'))], [c.output()]);
}

/** A zero tensor of the given shape, in the type of the values scattered into it. */
function zeros(c: ConversionContext, shape: string): string {
  const type = c.type('T');
  const bytes =
    type === OnnxType.FLOAT ? new Uint8Array(4) : type === OnnxType.INT64 ? new Uint8Array(8) : new Uint8Array(1);
  return c.emit('ConstantOfShape', [shape], undefined, { value: { tensor: { name: 'zero', type, dims: [1], bytes } } });
}

export const TF_OP_CONVERTERS: Record<string, OpConverter> = {
  Add: same('Add'),
  BiasAdd: same('Add'), // NHWC: the bias broadcasts over the last axis
  Sub: same('Sub'),
  Mul: same('Mul'),
  RealDiv: same('Div'),
  Maximum: same('Max'),
  Less: same('Less'),
  Greater: same('Greater'),
  LogicalNot: same('Not'),
  Sin: same('Sin'),
  Cos: same('Cos'),
  Relu: same('Relu'),
  Tanh: same('Tanh'),
  Shape: same('Shape'),
  Reshape: same('Reshape'),
  Range: same('Range'),
  GatherNd: same('GatherND'),
  Identity: same('Identity'),
  Softmax: (c) => void c.emit('Softmax', [c.input(0)], [c.output()], { axis: -1 }),
  Square: (c) => void c.emit('Mul', [c.input(0), c.input(0)], [c.output()]),
  Rsqrt: (c) => void c.emit('Reciprocal', [c.emit('Sqrt', [c.input(0)])], [c.output()]),
  Cast: (c) => void c.emit('Cast', [c.input(0)], [c.output()], { to: c.type('DstT') }),
  Sum: reduce('ReduceSum'),
  Mean: reduce('ReduceMean'),
  Max: reduce('ReduceMax'),
  Prod: reduce('ReduceProd'),
  MatMul: matMul,
  BatchMatMul: batchMatMul,
  Conv2D: pointwiseConv2D,
  StridedSlice: stridedSlice,
  Slice: slice,
  ExpandDims: (c) => void c.emit('Unsqueeze', [c.input(0), c.int64s(c.constant(1))], [c.output()]),
  Squeeze: (c) => void c.emit('Squeeze', [c.input(0), c.int64s(c.ints('squeeze_dims'))], [c.output()]),
  ConcatV2: (c) => {
    const axis = c.constant(c.inputCount - 1)[0]!;
    c.emit('Concat', inputs(c).slice(0, -1), [c.output()], { axis });
  },
  Pack: (c) => {
    const axis = c.int('axis', 0);
    const unsqueezed = inputs(c).map((tensor) => c.emit('Unsqueeze', [tensor, c.int64s([axis])]));
    c.emit('Concat', unsqueezed, [c.output()], { axis });
  },
  Transpose: (c) => {
    const perm = c.constant(1);
    c.emit('Transpose', [c.input(0)], [c.output()], { perm });
    c.setRank(c.output(), perm.length);
  },
  GatherV2: (c) => {
    if (c.int('batch_dims', 0) !== 0) throw new Error(`TF graph: GatherV2 '${c.node.name}' has batch dimensions`);
    c.emit('Gather', [c.input(0), c.input(1)], [c.output()], { axis: c.constant(2)[0]! });
  },
  SplitV: (c) => {
    const sizes = c.constant(1);
    const outputs = sizes.map((_, index) => c.output(index));
    c.emit('Split', [c.input(0), c.int64s(sizes)], outputs, { axis: c.constant(2)[0]! });
  },
  // TensorFlow's Where(condition) lists the true positions one per row; ONNX's NonZero, one per column.
  Where: (c) => void c.emit('Transpose', [c.emit('NonZero', [c.input(0)])], [c.output()], { perm: [1, 0] }),
  ScatterNd: (c) => void c.emit('ScatterND', [zeros(c, c.input(2)), c.input(0), c.input(1)], [c.output()]),
  SparseToDense: (c) => {
    const dense = c.emit('Expand', [c.input(3), c.input(1)]);
    c.emit('ScatterND', [dense, c.input(0), c.input(2)], [c.output()]);
  },
};
