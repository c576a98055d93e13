/**
 * The Thrift runtime and the TCLIService code generated for Databricks, as shipped inside @databricks/sql
 * (the driver's own wire definitions, so the test server and the driver cannot disagree on the protocol).
 * Neither `thrift` nor `node-int64` has type declarations; the few shapes the server uses are typed here.
 */
import { createRequire } from 'node:module';

const load = createRequire(__filename);

export interface Int64Like {
  toNumber(allowImprecise?: boolean): number;
  toOctetString(): string;
}
type Int64Ctor = new (value: number | string) => Int64Like;
export const Int64 = load('node-int64') as Int64Ctor;

/** Reads an Int64 or number exactly (as a bigint). */
export function int64(value: Int64Like | number | undefined | null): bigint | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'number') return BigInt(value);
  return BigInt.asIntN(64, BigInt(`0x${value.toOctetString()}`));
}

/** Writes a JS number or bigint as the Int64 the generated code serializes. */
export function toInt64(value: number | bigint): Int64Like {
  const hex = BigInt.asUintN(64, BigInt(value)).toString(16).padStart(16, '0');
  return new Int64(hex);
}

export interface ThriftTransport {
  commitPosition(): void;
  rollbackPosition(): void;
}
interface ThriftRuntime {
  TBufferedTransport: {
    new (buffer: undefined, onFlush: (buf: Buffer) => void): ThriftTransport;
    receiver(callback: (transport: ThriftTransport) => void): (data: Buffer) => void;
  };
  TBinaryProtocol: new (transport: ThriftTransport) => unknown;
}
export const thrift = load('thrift') as ThriftRuntime;

export type Handler = Record<string, (request: Record<string, unknown>) => Promise<unknown>>;
export const TCLIService = load('@databricks/sql/thrift/TCLIService') as {
  Processor: new (handler: Handler) => { process(input: unknown, output: unknown): void };
};

/** The enums of TCLIService_types (numbers on the wire). */
export const T = load('@databricks/sql/thrift/TCLIService_types') as {
  TTypeId: Record<string, number>;
  TStatusCode: Record<string, number>;
  TOperationState: Record<string, number>;
  TOperationType: Record<string, number>;
  TSparkRowSetType: Record<string, number>;
  TProtocolVersion: Record<string, number>;
};
