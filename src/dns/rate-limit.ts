/**
 * Time and pacing for API clients: a `Clock` that tests replace (so a minute of rate limiting or a
 * backoff costs no real time), and a token bucket that keeps a client under a calls-per-window cap.
 */
import { setTimeout as sleep } from "node:timers/promises";

export interface Clock {
  /** Milliseconds, monotonic enough for pacing. */
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const systemClock: Clock = {
  now: () => performance.now(),
  sleep: (ms) => sleep(Math.max(0, ms)),
};

/** A clock that only moves when something sleeps on it: `sleep` returns at once, time jumps. */
export class ManualClock implements Clock {
  private time = 0;
  /** Every sleep requested, in order: lets tests see backoff and pacing. */
  readonly sleeps: number[] = [];

  now(): number {
    return this.time;
  }

  async sleep(ms: number): Promise<void> {
    this.sleeps.push(ms);
    this.time += Math.max(0, ms);
  }

  advance(ms: number): void {
    this.time += ms;
  }
}

/**
 * A token bucket of `capacity` tokens where each spent token comes back exactly `windowMs` after it
 * was spent (instead of a steady drip). That makes "at most 20 calls a minute" hold over every
 * 60-second span, which is how a server with a sliding window counts: a dripping bucket would let
 * a full burst plus a minute's refill (up to 40 calls) through in the first minute. A burst of 20
 * is allowed; the 21st call waits until the first one is a minute old. Calls are served in order.
 */
export class TokenBucket {
  /** When each token in use was spent, oldest first. */
  private readonly spentAt: number[] = [];
  private queue: Promise<void> = Promise.resolve();

  constructor(
    private readonly capacity: number,
    private readonly windowMs: number,
    private readonly clock: Clock,
  ) {}

  /** Resolves when a call may be made, and spends one token for it. */
  take(): Promise<void> {
    const turn = this.queue.then(() => this.takeNow());
    this.queue = turn.catch(() => undefined);
    return turn;
  }

  private async takeNow(): Promise<void> {
    for (;;) {
      const now = this.clock.now();
      while (this.spentAt.length > 0 && this.spentAt[0]! + this.windowMs <= now) this.spentAt.shift();
      if (this.spentAt.length < this.capacity) {
        this.spentAt.push(now);
        return;
      }
      await this.clock.sleep(this.spentAt[0]! + this.windowMs - now);
    }
  }
}
