/**
 * The retry helper every chain and provider call goes through: how many attempts, which delays,
 * what is retried at all, and which errors count as "the other side was not reached".
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import { errorText, isConnectionError, sleep, withRetry, type RetryPolicy } from "../src/chain/retry.js";

afterEach(() => {
  vi.useRealTimers();
});

/** Runs `withRetry` with fake timers, recording each wait; `failures` attempts throw first. */
async function retried(failures: number, policy: Partial<RetryPolicy>, error: unknown = new Error("ECONNREFUSED")) {
  vi.useFakeTimers();
  const attempts: number[] = [];
  const retries: Array<[unknown, number, number]> = [];
  const waits: number[] = [];
  const operation = async (attempt: number) => {
    attempts.push(attempt);
    if (attempts.length <= failures) throw error;
    return "ok";
  };
  const full: RetryPolicy = {
    attempts: 5,
    initialDelayMs: 100,
    maxDelayMs: 1000,
    retryable: () => true,
    onRetry: (err, attempt, delayMs) => {
      retries.push([err, attempt, delayMs]);
      waits.push(delayMs);
    },
    ...policy,
  };
  const result = withRetry(operation, full).then(
    (value) => ({ value }),
    (err: unknown) => ({ err }),
  );
  await vi.runAllTimersAsync();
  return { outcome: await result, attempts, retries, waits };
}

describe("withRetry", () => {
  it("returns the first success without waiting", async () => {
    const { outcome, attempts, waits } = await retried(0, {});
    expect(outcome).toEqual({ value: "ok" });
    expect(attempts).toEqual([1]);
    expect(waits).toEqual([]);
  });

  it("doubles the delay after each failure, up to the maximum, and numbers the attempts from 1", async () => {
    const { outcome, attempts, retries } = await retried(4, { attempts: 6, initialDelayMs: 300, maxDelayMs: 1000 });
    expect(outcome).toEqual({ value: "ok" });
    expect(attempts).toEqual([1, 2, 3, 4, 5]);
    expect(retries.map(([, attempt, delay]) => [attempt, delay])).toEqual([
      [1, 300],
      [2, 600],
      [3, 1000],
      [4, 1000],
    ]);
  });

  it("really waits that long between attempts", async () => {
    vi.useFakeTimers();
    const times: number[] = [];
    const promise = withRetry(
      async () => {
        times.push(Date.now());
        if (times.length < 3) throw new Error("ECONNRESET");
        return times.length;
      },
      { attempts: 3, initialDelayMs: 250, maxDelayMs: 10_000, retryable: () => true },
    );
    await vi.runAllTimersAsync();
    expect(await promise).toBe(3);
    expect([times[1]! - times[0]!, times[2]! - times[1]!]).toEqual([250, 500]);
  });

  it("gives up after the last attempt with the last error", async () => {
    const last = new Error("still refused");
    const { outcome, attempts, retries } = await retried(10, { attempts: 3 }, last);
    expect(outcome).toEqual({ err: last });
    expect(attempts).toEqual([1, 2, 3]);
    // No wait after the last attempt: nothing follows it.
    expect(retries).toHaveLength(2);
  });

  it("makes exactly one attempt when the policy allows one", async () => {
    const { outcome, attempts } = await retried(1, { attempts: 1 });
    expect(outcome).toHaveProperty("err");
    expect(attempts).toEqual([1]);
  });

  it("throws an error the policy does not call retryable at once, and tells onRetry nothing", async () => {
    const fatal = new Error("invalid request");
    const seen: unknown[] = [];
    const { outcome, attempts, retries } = await retried(10, {
      retryable: (err) => {
        seen.push(err);
        return false;
      },
    }, fatal);
    expect(outcome).toEqual({ err: fatal });
    expect(attempts).toEqual([1]);
    expect(retries).toEqual([]);
    expect(seen).toEqual([fatal]);
  });

  it("passes the error and the coming delay to onRetry, and works without one", async () => {
    const err = new Error("ETIMEDOUT");
    const { retries } = await retried(1, {}, err);
    expect(retries).toEqual([[err, 1, 100]]);
    const { outcome } = await retried(1, { onRetry: undefined });
    expect(outcome).toEqual({ value: "ok" });
  });
});

describe("sleep", () => {
  it("resolves after the given time", async () => {
    vi.useFakeTimers();
    let done = false;
    const p = sleep(1000).then(() => (done = true));
    await vi.advanceTimersByTimeAsync(999);
    expect(done).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    await p;
    expect(done).toBe(true);
  });

  it("rejects at once with the signal's reason when already aborted", async () => {
    const controller = new AbortController();
    const reason = new Error("stopped before");
    controller.abort(reason);
    await expect(sleep(60_000, controller.signal)).rejects.toBe(reason);
  });

  it("rejects with the reason when aborted while waiting, and stops listening once resolved", async () => {
    vi.useFakeTimers();
    const controller = new AbortController();
    const reason = new Error("stopped during");
    const waiting = sleep(60_000, controller.signal).catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(10);
    controller.abort(reason);
    expect(await waiting).toBe(reason);
    // The aborted sleep's timer is gone: nothing is left to fire.
    expect(vi.getTimerCount()).toBe(0);

    const later = new AbortController();
    const remove = vi.spyOn(later.signal, "removeEventListener");
    const finished = sleep(5, later.signal);
    await vi.advanceTimersByTimeAsync(5);
    await finished;
    expect(remove).toHaveBeenCalledWith("abort", expect.any(Function));
    // Aborting after the sleep ended changes nothing.
    later.abort(new Error("too late"));
  });
});

describe("isConnectionError", () => {
  const transient = [
    "fetch failed",
    "connect ECONNREFUSED 127.0.0.1:26657",
    "read ECONNRESET",
    "write EPIPE",
    "connect ETIMEDOUT 10.0.0.1:443",
    "connect EHOSTUNREACH",
    "getaddrinfo ENOTFOUND rpc.example.com",
    "getaddrinfo EAI_AGAIN rpc.example.com",
    "socket hang up",
    "other side closed",
    "Bad status on response: 502",
    "request timed out",
    "timeout after 30 s",
    "The operation was aborted",
    "network error",
    "14 UNAVAILABLE: No connection established",
    "4 DEADLINE_EXCEEDED: Deadline exceeded",
    "stream was closed",
    "premature close",
    "UND_ERR_SOCKET",
    // Case does not matter: gRPC and Node spell these differently.
    "Request Timed Out",
    "NETWORK unreachable",
  ];
  it.each(transient)("is true for %j", (message) => {
    expect(isConnectionError(new Error(message))).toBe(true);
  });

  const definite = ["Bad status on response: 404", "Bad status on response: 400", "account sequence mismatch", "insufficient funds", "invalid request", "tx (ABCD) not found"];
  it.each(definite)("is false for %j", (message) => {
    expect(isConnectionError(new Error(message))).toBe(false);
  });

  it("finds the reason in the error's cause and code, as fetch reports it", () => {
    const cause = Object.assign(new Error("connect failed"), { code: "ECONNREFUSED" });
    expect(isConnectionError(new Error("request to the node did not complete", { cause }))).toBe(true);
    expect(isConnectionError("socket hang up")).toBe(true);
  });
});

describe("errorText", () => {
  it("joins the message, the code and the causes' messages", () => {
    const root = Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:1"), { code: "ECONNREFUSED" });
    expect(errorText(new TypeError("fetch failed", { cause: root }))).toBe("fetch failed: connect ECONNREFUSED 127.0.0.1:1: ECONNREFUSED");
  });

  it("takes a cause that is not an Error as text, and ends there", () => {
    expect(errorText(new Error("outer", { cause: "inner reason" }))).toBe("outer: inner reason");
    expect(errorText(42)).toBe("42");
    expect(errorText(undefined)).toBe("");
    expect(errorText(null)).toBe("");
  });

  it("ignores a code that is not a string", () => {
    expect(errorText(Object.assign(new Error("gRPC failed"), { code: 14 }))).toBe("gRPC failed");
  });

  it("follows at most five errors down a chain of causes", () => {
    let err: Error = new Error("e6");
    for (const name of ["e5", "e4", "e3", "e2", "e1"]) err = new Error(name, { cause: err });
    expect(errorText(err)).toBe("e1: e2: e3: e4: e5");
  });
});
