/**
 * The gRPC query server (what chain-sdk's `createChainNodeSDK` talks to over plain HTTP/2): one
 * `@grpc/grpc-js` service per chain-sdk service descriptor, with chain-sdk's own codecs as the
 * method serializers, so requests and responses are byte-for-byte what the SDK encodes.
 */
import { Server, ServerCredentials, status as grpcStatus, type ServiceDefinition, type UntypedServiceImplementation, type sendUnaryData, type ServerUnaryCall } from "@grpc/grpc-js";
import { grpcPath, type MethodDescriptor, type ServiceDescriptor } from "./descriptors.js";
import { GrpcCode, QueryError } from "./errors.js";
import type { QueryRouter } from "./router.js";

export class GrpcServer {
  private server: Server | undefined;
  port = 0;

  constructor(
    private readonly services: ReadonlyMap<string, ServiceDescriptor>,
    private readonly router: QueryRouter,
  ) {}

  /** "http://127.0.0.1:PORT": the form chain-sdk's `query.baseUrl` takes. */
  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async listen(port = 0): Promise<void> {
    const server = new Server();
    for (const service of this.services.values()) {
      const definition: Record<string, ServiceDefinition[string]> = {};
      const implementation: UntypedServiceImplementation = {};
      for (const [key, method] of Object.entries(service.methods)) {
        definition[key] = methodDefinition(method);
        implementation[key] = (call: ServerUnaryCall<unknown, unknown>, callback: sendUnaryData<unknown>) => {
          this.router.call(method, call.request).then(
            (response) => callback(null, response),
            (err: unknown) => callback(toServiceError(err)),
          );
        };
      }
      server.addService(definition as ServiceDefinition, implementation);
    }
    this.port = await new Promise<number>((resolve, reject) => {
      server.bindAsync(`127.0.0.1:${port}`, ServerCredentials.createInsecure(), (err, bound) => (err ? reject(err) : resolve(bound)));
    });
    this.server = server;
  }

  async close(): Promise<void> {
    const server = this.server;
    if (!server) return;
    await new Promise<void>((resolve) => {
      server.tryShutdown(() => resolve());
      // a client holding a stream open must not keep the devnet from stopping
      setTimeout(() => {
        server.forceShutdown();
        resolve();
      }, 1000).unref();
    });
  }
}

function methodDefinition(method: MethodDescriptor): ServiceDefinition[string] {
  return {
    path: grpcPath(method),
    requestStream: false,
    responseStream: false,
    requestSerialize: (value: unknown) => Buffer.from(method.input.encode(value).finish()),
    requestDeserialize: (bytes: Buffer) => method.input.decode(bytes),
    responseSerialize: (value: unknown) => Buffer.from(method.output.encode(value).finish()),
    responseDeserialize: (bytes: Buffer) => method.output.decode(bytes),
    originalName: method.name,
  };
}

const GRPC_STATUS: Record<number, grpcStatus> = {
  [GrpcCode.UNKNOWN]: grpcStatus.UNKNOWN,
  [GrpcCode.INVALID_ARGUMENT]: grpcStatus.INVALID_ARGUMENT,
  [GrpcCode.NOT_FOUND]: grpcStatus.NOT_FOUND,
  [GrpcCode.ALREADY_EXISTS]: grpcStatus.ALREADY_EXISTS,
  [GrpcCode.FAILED_PRECONDITION]: grpcStatus.FAILED_PRECONDITION,
  [GrpcCode.UNIMPLEMENTED]: grpcStatus.UNIMPLEMENTED,
  [GrpcCode.INTERNAL]: grpcStatus.INTERNAL,
  [GrpcCode.UNAVAILABLE]: grpcStatus.UNAVAILABLE,
  [GrpcCode.UNAUTHENTICATED]: grpcStatus.UNAUTHENTICATED,
};

function toServiceError(err: unknown): { code: grpcStatus; details: string; name: string; message: string } {
  if (err instanceof QueryError) return { code: GRPC_STATUS[err.grpcCode] ?? grpcStatus.UNKNOWN, details: err.message, name: "QueryError", message: err.message };
  const message = err instanceof Error ? err.message : String(err);
  return { code: grpcStatus.INTERNAL, details: message, name: "Error", message };
}
