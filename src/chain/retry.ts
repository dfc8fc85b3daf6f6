/**
 * Retrying calls to a flaky endpoint: a few attempts with growing delays, only for errors the
 * caller says are transient. Used for chain RPC/gRPC and provider calls alike.
 */

export interface RetryPolicy {
  /** Total attempts, the first included. */
  attempts: number;
  /** Delay before the second attempt; doubles after each failure up to `maxDelayMs`. */
  initialDelayMs: number;
  maxDelayMs: number;
  /** True for errors worth another try (connection refused, 5xx, timeouts). */
  retryable(err: unknown): boolean;
  /** Called before each wait, e.g. to tell the user what is being retried. */
  onRetry?(err: unknown, attempt: number, delayMs: number): void;
}

export async function withRetry<T>(operation: (attempt: number) => Promise<T>, policy: RetryPolicy): Promise<T> {
  let delay = policy.initialDelayMs;
  for (let attempt = 1; ; attempt++) {
    try {
      return await operation(attempt);
    } catch (err) {
      if (attempt >= policy.attempts || !policy.retryable(err)) throw err;
      policy.onRetry?.(err, attempt, delay);
      await sleep(delay);
      delay = Math.min(delay * 2, policy.maxDelayMs);
    }
  }
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason as Error);
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason as Error);
    };
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

/** Errors that mean "the other side was not reached or did not answer", across fetch, Node and gRPC. */
export function isConnectionError(err: unknown): boolean {
  const text = errorText(err);
  return /fetch failed|ECONNREFUSED|ECONNRESET|EPIPE|ETIMEDOUT|EHOSTUNREACH|ENOTFOUND|EAI_AGAIN|socket hang up|other side closed|Bad status on response: 5\d\d|timed? ?out|aborted|network|unavailable|deadline|stream .*closed|premature close|UND_ERR/i.test(
    text,
  );
}

/** The message of an error and of its causes, joined (fetch hides the real reason in `cause`). */
export function errorText(err: unknown): string {
  const parts: string[] = [];
  let current: unknown = err;
  for (let depth = 0; current !== undefined && current !== null && depth < 5; depth++) {
    if (current instanceof Error) {
      parts.push(current.message);
      const code = (current as NodeJS.ErrnoException).code;
      if (typeof code === "string") parts.push(code);
      current = (current as { cause?: unknown }).cause;
    } else {
      parts.push(String(current));
      break;
    }
  }
  return parts.join(": ");
}
