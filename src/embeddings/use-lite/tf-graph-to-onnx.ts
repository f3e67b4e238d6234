import { OnnxType, type OnnxElementType, type OnnxGraph, type OnnxNode } from './onnx-model-proto.js';
import { TF_OP_CONVERTERS, type ConversionContext } from './tf-op-converters.js';
import type { TfAttribute, TfjsModel, TfNode, TfWeight } from './tfjs-model-files.js';

/** TensorFlow DataType → ONNX element type; int32 widens to int64 (see ConversionContext). */
const TF_TYPES: Record<string, OnnxElementType> = {
  '1': OnnxType.FLOAT,
  DT_FLOAT: OnnxType.FLOAT,
  '3': OnnxType.INT64,
  DT_INT32: OnnxType.INT64,
  '9': OnnxType.INT64,
  DT_INT64: OnnxType.INT64,
  '10': OnnxType.BOOL,
  DT_BOOL: OnnxType.BOOL,
};

/**
 * Translates a TF.js graph model, node by node, into an equivalent ONNX graph: each TensorFlow
 * op maps to one or a few ONNX ops (tf-op-converters.ts), constants become initializers, the
 * placeholders inputs and the unconsumed nodes outputs. An op without a converter is refused by
 * name, so a different model fails here rather than computing something else.
 */
export function convertTfGraphToOnnx(model: TfjsModel, name: string): OnnxGraph {
  const byName = new Map(model.nodes.map((node) => [node.name, node]));
  const nodes: OnnxNode[] = [];
  const initializers = new Map<string, OnnxGraph['initializers'][number]>();
  const ranks = new Map<string, number>();
  let fresh = 0;

  const int64s = (values: Array<number | bigint>, dims = [values.length]): string => {
    const tensorName = `constant_${fresh++}`;
    const data = BigInt64Array.from(values, (v) => BigInt(v));
    initializers.set(tensorName, { name: tensorName, type: OnnxType.INT64, dims, bytes: new Uint8Array(data.buffer) });
    return tensorName;
  };
  const constantTensor = (node: TfNode): string => {
    if (!initializers.has(node.name)) {
      const weight = model.weights.get(node.name);
      if (!weight) throw new Error(`TF graph: constant '${node.name}' has no value in the weights`);
      const bytes =
        weight.dtype === 'float32'
          ? new Uint8Array(weight.values.buffer, weight.values.byteOffset, weight.values.byteLength)
          : new Uint8Array(BigInt64Array.from(weight.values, (v) => BigInt(v)).buffer);
      const type = weight.dtype === 'float32' ? OnnxType.FLOAT : OnnxType.INT64;
      initializers.set(node.name, { name: node.name, type, dims: weight.shape, bytes });
    }
    return node.name;
  };

  for (const node of model.nodes) {
    if (node.op === 'Const' || node.op === 'Placeholder') continue;
    const convert = TF_OP_CONVERTERS[node.op];
    if (!convert) throw new Error(`TF graph: no ONNX conversion for op ${node.op} (node '${node.name}')`);
    const dataInputs = (node.input ?? []).filter((input) => !input.startsWith('^'));
    const attr = (key: string): TfAttribute => {
      const value = node.attr?.[key];
      if (value === undefined) throw new Error(`TF graph: node '${node.name}' (${node.op}) has no attribute ${key}`);
      return value;
    };
    const inputNode = (index: number): TfNode => {
      const reference = dataInputs[index];
      const found = reference === undefined ? undefined : byName.get(reference.split(':')[0]!);
      if (!found) throw new Error(`TF graph: node '${node.name}' (${node.op}) has no input ${index}`);
      return found;
    };
    const constantInput = (index: number): TfWeight => {
      const source = inputNode(index);
      const weight = source.op === 'Const' ? model.weights.get(source.name) : undefined;
      if (!weight) throw new Error(`TF graph: input ${index} of '${node.name}' (${node.op}) must be a constant`);
      return weight;
    };
    const context: ConversionContext = {
      node,
      inputCount: dataInputs.length,
      input(index) {
        const source = inputNode(index);
        if (source.op === 'Const') return constantTensor(source);
        const [, output = '0'] = dataInputs[index]!.split(':');
        return output === '0' ? source.name : `${source.name}:${output}`;
      },
      constant: (index) => Array.from(constantInput(index).values),
      constantShape: (index) => constantInput(index).shape,
      output: (index = 0) => (index === 0 ? node.name : `${node.name}:${index}`),
      emit(opType, inputs, outputs = [`${node.name}/${opType}_${fresh++}`], attributes) {
        nodes.push({ opType, inputs, outputs, attributes });
        return outputs[0]!;
      },
      int64s,
      int: (key, fallback) =>
        node.attr?.[key] === undefined && fallback !== undefined ? fallback : Number(attr(key).i ?? 0),
      bool: (key) => node.attr?.[key]?.b === true,
      ints: (key) => (attr(key).list?.i ?? []).map(Number),
      type(key) {
        const type = TF_TYPES[String(attr(key).type)];
        if (type === undefined) throw new Error(`TF graph: node '${node.name}' has an unsupported ${key}`);
        return type;
      },
      rank: (tensor) => ranks.get(tensor),
      setRank: (tensor, rank) => void ranks.set(tensor, rank),
    };
    convert(context);
  }

  const consumed = new Set(
    model.nodes.flatMap((node) => (node.input ?? []).map((i) => i.replace(/^\^/, '').split(':')[0])),
  );
  return {
    name,
    nodes,
    initializers: [...initializers.values()],
    inputs: model.nodes.filter((node) => node.op === 'Placeholder').map(placeholderInfo),
    outputs: model.nodes
      .filter((node) => node.op !== 'Const' && node.op !== 'Placeholder' && !consumed.has(node.name))
      .map((node) => ({ name: node.name, type: TF_TYPES[String(node.attr?.['T']?.type)] ?? OnnxType.FLOAT })),
  };
}

function placeholderInfo(node: TfNode): OnnxGraph['inputs'][number] {
  const type = TF_TYPES[String(node.attr?.['dtype']?.type)];
  if (type === undefined) throw new Error(`TF graph: placeholder '${node.name}' has an unsupported dtype`);
  // No dimensions listed: a shape of unknown rank, not a scalar.
  const dims = (node.attr?.['shape'] as { shape?: { dim?: Array<{ size: string }> } } | undefined)?.shape?.dim;
  const shape = dims?.map(({ size }, axis) => (Number(size) >= 0 ? Number(size) : `${node.name}_${axis}`));
  return { name: node.name, type, shape };
}
