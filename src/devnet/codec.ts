/**
 * The shape of chain-sdk's generated protobuf codecs (ts-proto `MessageFns`), as the devnet uses
 * them: binary for the wire, `fromPartial` to build messages, `toJSON` for grpc-gateway JSON.
 */
export interface ProtoCodec<T = unknown> {
  readonly $type: string;
  encode(message: T): { finish(): Uint8Array };
  decode(input: Uint8Array): T;
  fromPartial(object: unknown): T;
  fromJSON(object: unknown): T;
  toJSON(message: T): unknown;
}

/** Encodes a message built from a partial object. */
export function encodePartial<T>(codec: ProtoCodec<T>, partial: unknown): Uint8Array {
  return codec.encode(codec.fromPartial(partial)).finish();
}

/** A `google.protobuf.Any` holding `partial` encoded with `codec`. */
export function packAny<T>(codec: ProtoCodec<T>, partial: unknown): { typeUrl: string; value: Uint8Array } {
  return { typeUrl: `/${codec.$type}`, value: encodePartial(codec, partial) };
}
