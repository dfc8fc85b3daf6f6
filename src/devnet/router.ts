/**
 * Dispatches a query by gRPC method path to its handler, with chain-sdk's codecs on both sides:
 * binary in/out for gRPC and abci_query, message objects for the REST gateway.
 */
import { grpcPath, type MethodDescriptor, type ServiceDescriptor } from "./descriptors.js";
import { GrpcCode, QueryError } from "./errors.js";
import { QUERY_HANDLERS, type QueryContext } from "./queries.js";

export class QueryRouter {
  readonly methods = new Map<string, MethodDescriptor>();

  constructor(
    services: ReadonlyMap<string, ServiceDescriptor>,
    private readonly ctx: QueryContext,
  ) {
    for (const service of services.values()) {
      for (const method of Object.values(service.methods)) this.methods.set(grpcPath(method), method);
    }
  }

  /** Runs a method on a decoded request; returns the response message. Throws QueryError. */
  async call(method: MethodDescriptor, request: unknown): Promise<unknown> {
    const path = grpcPath(method);
    const handler = QUERY_HANDLERS.get(path);
    if (!handler) throw new QueryError(GrpcCode.UNIMPLEMENTED, `unknown method ${method.name} for service ${method.parent.typeName} (the devnet does not serve it)`);
    const partial = await handler(request, this.ctx);
    return method.output.fromPartial(partial);
  }

  /** Binary in, binary out (gRPC and abci_query). */
  async callBinary(path: string, requestBytes: Uint8Array): Promise<Uint8Array> {
    const method = this.methods.get(path);
    if (!method) throw new QueryError(GrpcCode.UNIMPLEMENTED, `unknown query path ${path}`);
    let request: unknown;
    try {
      request = method.input.decode(requestBytes);
    } catch (err) {
      throw new QueryError(GrpcCode.INVALID_ARGUMENT, `cannot decode ${method.input.$type}: ${(err as Error).message}`);
    }
    const response = await this.call(method, request);
    return method.output.encode(response).finish();
  }
}
