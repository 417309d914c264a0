/**
 * A minimal protobuf encoder, enough for the onnx.proto messages the test helpers write
 * (onnx.ts, onnx-conv.ts): varint, length-delimited and 32-bit float fields.
 */
export class ProtoWriter {
  private readonly parts: Buffer[] = [];

  varint(field: number, value: number | bigint): this {
    this.key(field, 0);
    this.raw(encodeVarint(BigInt(value)));
    return this;
  }

  bytes(field: number, value: Buffer | string): this {
    const buf = typeof value === 'string' ? Buffer.from(value, 'utf8') : value;
    this.key(field, 2);
    this.raw(encodeVarint(BigInt(buf.length)));
    this.raw(buf);
    return this;
  }

  float(field: number, value: number): this {
    const buf = Buffer.alloc(4);
    buf.writeFloatLE(value);
    this.key(field, 5);
    this.raw(buf);
    return this;
  }

  message(field: number, inner: ProtoWriter): this {
    return this.bytes(field, inner.finish());
  }

  finish(): Buffer {
    return Buffer.concat(this.parts);
  }

  private key(field: number, wireType: number): void {
    this.raw(encodeVarint(BigInt((field << 3) | wireType)));
  }

  private raw(buf: Buffer): void {
    this.parts.push(buf);
  }
}

function encodeVarint(value: bigint): Buffer {
  // int64 negatives are ten bytes of two's complement; the helpers never need them.
  if (value < 0n) throw new Error('negative varints are not supported');
  const out: number[] = [];
  do {
    let byte = Number(value & 0x7fn);
    value >>= 7n;
    if (value > 0n) byte |= 0x80;
    out.push(byte);
  } while (value > 0n);
  return Buffer.from(out);
}
