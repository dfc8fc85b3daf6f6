/** Errors from the IPFS module: what failed, against which node, and what to do about it. */

export class IpfsError extends Error {
  override readonly name = "IpfsError";
  constructor(
    message: string,
    /** "upload", "pin", "get", …: what the app asked for. */
    readonly operation: string,
    readonly reason: "unreachable" | "timeout" | "aborted" | "refused" | "not-found" | "invalid",
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Words for what kubo-rpc-client or fetch threw, with the node's URL and a next step. */
export function explainFailure(err: unknown, operation: string, apiUrl: string, timeoutMs: number | undefined, userSignal: { readonly aborted: boolean } | undefined): IpfsError {
  if (err instanceof IpfsError) return err;
  const message = err instanceof Error ? err.message : String(err);
  const cause = err instanceof Error ? (err as { cause?: { code?: string; message?: string } }).cause : undefined;
  const code = cause?.code ?? (err as { code?: string } | null)?.code;
  if (userSignal?.aborted) return new IpfsError(`${operation} was aborted by the caller`, operation, "aborted", { cause: err });
  if (err instanceof Error && (err.name === "TimeoutError" || err.name === "AbortError" || /timed? ?out|aborted/i.test(message))) {
    const hint = operation === "get" || operation === "pin" ? "; an offline node or one without peers cannot find content it does not hold" : "";
    return new IpfsError(`${operation} on Kubo at ${apiUrl} timed out after ${timeoutMs ?? "?"} ms${hint}`, operation, "timeout", { cause: err });
  }
  if (code === "ECONNREFUSED" || code === "ENOTFOUND" || code === "EAI_AGAIN" || code === "ECONNRESET" || /fetch failed|ECONNREFUSED/.test(message)) {
    return new IpfsError(`cannot reach Kubo's RPC API at ${apiUrl} (${code ?? message}) for ${operation}: is the daemon running, and is IPFS_API_URL its API address (port 5001, not the gateway)?`, operation, "unreachable", { cause: err });
  }
  if (/not found locally|could not find|no link named/i.test(message)) {
    return new IpfsError(`Kubo at ${apiUrl} does not have the content for ${operation} (${message}); an offline node or one without peers cannot fetch it from the network`, operation, "not-found", { cause: err });
  }
  if (/403|forbidden/i.test(message)) {
    return new IpfsError(`Kubo at ${apiUrl} refused ${operation} (${message}): its API.Authorizations may need credentials, or the request's Origin is not allowed`, operation, "refused", { cause: err });
  }
  return new IpfsError(`${operation} on Kubo at ${apiUrl} failed: ${message}`, operation, "invalid", { cause: err });
}
