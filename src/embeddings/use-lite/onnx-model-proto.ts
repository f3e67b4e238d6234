import protobuf from 'protobufjs';

/** ONNX element types (TensorProto.DataType) this conversion produces. */
export const OnnxType = { FLOAT: 1, INT64: 7, BOOL: 9 } as const;
export type OnnxElementType = (typeof OnnxType)[keyof typeof OnnxType];

/** An attribute value: a number is an INT unless `float` says otherwise, an array is INTS. */
export type OnnxAttributeValue = number | number[] | { float: number } | { tensor: OnnxTensor };

export interface OnnxNode {
  opType: string;
  inputs: string[];
  outputs: string[];
  attributes?: Record<string, OnnxAttributeValue>;
}

export interface OnnxTensor {
  name: string;
  type: OnnxElementType;
  dims: number[];
  /** Little-endian, fixed width (float32, int64, or one byte per bool). */
  bytes: Uint8Array;
}

export interface OnnxValueInfo {
  name: string;
  type: OnnxElementType;
  /** A string names a dimension known only at run time; no shape, a tensor of any. */
  shape?: Array<number | string>;
}

export interface OnnxGraph {
  name: string;
  nodes: OnnxNode[];
  initializers: OnnxTensor[];
  inputs: OnnxValueInfo[];
  outputs: OnnxValueInfo[];
}

/**
 * The part of onnx.proto (IR version 8) a model needs, with its field numbers. Declared here
 * rather than taken from the `onnx-proto` package, whose generated code needs protobufjs 6.
 */
const SCHEMA = `
syntax = "proto3";
package onnx;
message AttributeProto {
  string name = 1; int32 type = 20; float f = 2; int64 i = 3; TensorProto t = 5; repeated int64 ints = 8;
}
message ValueInfoProto { string name = 1; TypeProto type = 2; }
message NodeProto {
  repeated string input = 1; repeated string output = 2; string name = 3; string op_type = 4;
  repeated AttributeProto attribute = 5;
}
message ModelProto {
  int64 ir_version = 1; repeated OperatorSetIdProto opset_import = 8; string producer_name = 2; GraphProto graph = 7;
}
message GraphProto {
  repeated NodeProto node = 1; string name = 2; repeated TensorProto initializer = 5;
  repeated ValueInfoProto input = 11; repeated ValueInfoProto output = 12;
}
message TensorProto { repeated int64 dims = 1; int32 data_type = 2; string name = 8; bytes raw_data = 9; }
message TensorShapeProto {
  message Dimension { oneof value { int64 dim_value = 1; string dim_param = 2; } }
  repeated Dimension dim = 1;
}
message TypeProto {
  message Tensor { int32 elem_type = 1; TensorShapeProto shape = 2; }
  oneof value { Tensor tensor_type = 1; }
}
message OperatorSetIdProto { string domain = 1; int64 version = 2; }
`;

const ATTRIBUTE_TYPE = { FLOAT: 1, INT: 2, TENSOR: 4, INTS: 7 } as const;
/** Opset 18: every reduction takes its axes as an input, like Squeeze, Unsqueeze and Split. */
export const OPSET = 18;
const IR_VERSION = 8;

const modelType = protobuf.parse(SCHEMA, { keepCase: true }).root.lookupType('onnx.ModelProto');

/** Serialises a graph as an ONNX model (a ModelProto), ready for an ONNX Runtime session. */
export function encodeOnnxModel(graph: OnnxGraph, producer: string): Uint8Array {
  const model = {
    ir_version: IR_VERSION,
    opset_import: [{ domain: '', version: OPSET }],
    producer_name: producer,
    graph: {
      name: graph.name,
      node: graph.nodes.map((node, index) => ({
        name: `${node.opType}_${index}`,
        op_type: node.opType,
        input: node.inputs,
        output: node.outputs,
        attribute: Object.entries(node.attributes ?? {}).map(([name, value]) => attribute(name, value)),
      })),
      initializer: graph.initializers.map(tensor),
      input: graph.inputs.map(valueInfo),
      output: graph.outputs.map(valueInfo),
    },
  };
  return modelType.encode(modelType.fromObject(model)).finish();
}

function attribute(name: string, value: OnnxAttributeValue): object {
  if (typeof value === 'number') return { name, type: ATTRIBUTE_TYPE.INT, i: value };
  if (Array.isArray(value)) return { name, type: ATTRIBUTE_TYPE.INTS, ints: value };
  if ('float' in value) return { name, type: ATTRIBUTE_TYPE.FLOAT, f: value.float };
  return { name, type: ATTRIBUTE_TYPE.TENSOR, t: tensor(value.tensor) };
}

function tensor({ name, type, dims, bytes }: OnnxTensor): object {
  return { name, data_type: type, dims, raw_data: bytes };
}

function valueInfo({ name, type, shape }: OnnxValueInfo): object {
  const dim = shape?.map((size) => (typeof size === 'number' ? { dim_value: size } : { dim_param: size }));
  return { name, type: { tensor_type: { elem_type: type, ...(dim && { shape: { dim } }) } } };
}
