/**
 * Progress of blob transfers. On a terminal: one bar per blob in flight and a total, redrawn at
 * most ten times a second (bytes, rate, ETA). Elsewhere (CI logs, pipes): one plain line when a
 * blob starts over or finishes, so logs stay readable. Everything goes to stderr; stdout is for
 * the result (`--output json`).
 */

export interface Progress {
  /** A transfer of `total` bytes starts; `label` is what the user sees (role and short digest). */
  start(id: string, label: string, total: number): void;
  /** `done` bytes of `id` are confirmed (may go down when an upload starts over). */
  update(id: string, done: number): void;
  /** `outcome`: "pushed", "exists", "mounted", "pulled", … */
  finish(id: string, outcome: string): void;
  note(message: string): void;
  close(): void;
}

interface Transfer {
  label: string;
  total: number;
  done: number;
  startedAt: number;
  finished?: string;
}

export function createProgress(stream: NodeJS.WriteStream | { isTTY?: boolean; write(text: string): boolean }, now: () => number = Date.now): Progress {
  return stream.isTTY ? new TerminalProgress(stream, now) : new PlainProgress(stream, now);
}

export const silentProgress: Progress = { start() {}, update() {}, finish() {}, note() {}, close() {} };

export function formatSize(bytes: number): string {
  if (bytes < 1024) return `${Math.round(bytes)} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  if (bytes < 1024 * 1024 * 1024) return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
  return `${(bytes / 1024 / 1024 / 1024).toFixed(2)} GiB`;
}

export function formatRate(bytes: number, ms: number): string {
  return ms <= 0 ? "-" : `${formatSize((bytes * 1000) / ms)}/s`;
}

function formatEta(remaining: number, rate: number): string {
  if (rate <= 0 || !Number.isFinite(remaining / rate)) return "--";
  const seconds = Math.ceil(remaining / rate);
  return seconds >= 60 ? `${Math.floor(seconds / 60)}m${String(seconds % 60).padStart(2, "0")}s` : `${seconds}s`;
}

class PlainProgress implements Progress {
  private readonly transfers = new Map<string, Transfer>();
  constructor(
    private readonly out: { write(text: string): boolean },
    private readonly now: () => number,
  ) {}
  start(id: string, label: string, total: number): void {
    this.transfers.set(id, { label, total, done: 0, startedAt: this.now() });
  }
  update(id: string, done: number): void {
    const t = this.transfers.get(id);
    if (t) t.done = done;
  }
  finish(id: string, outcome: string): void {
    const t = this.transfers.get(id);
    if (!t) return;
    const ms = this.now() - t.startedAt;
    const moved = outcome === "exists" || outcome === "mounted" ? "" : ` in ${(ms / 1000).toFixed(1)}s (${formatRate(t.total, ms)})`;
    this.out.write(`${outcome} ${t.label} ${formatSize(t.total)}${moved}\n`);
  }
  note(message: string): void {
    this.out.write(`${message}\n`);
  }
  close(): void {}
}

class TerminalProgress implements Progress {
  private readonly transfers = new Map<string, Transfer>();
  private drawnLines = 0;
  private lastDraw = 0;
  private readonly startedAt: number;
  constructor(
    private readonly out: { write(text: string): boolean },
    private readonly now: () => number,
  ) {
    this.startedAt = now();
  }
  start(id: string, label: string, total: number): void {
    this.transfers.set(id, { label, total, done: 0, startedAt: this.now() });
    this.draw(true);
  }
  update(id: string, done: number): void {
    const t = this.transfers.get(id);
    if (!t) return;
    t.done = done;
    this.draw(false);
  }
  finish(id: string, outcome: string): void {
    const t = this.transfers.get(id);
    if (!t) return;
    t.done = t.total;
    t.finished = outcome;
    this.draw(true);
  }
  note(message: string): void {
    this.erase();
    this.out.write(`${message}\n`);
    this.draw(true);
  }
  close(): void {
    this.draw(true);
  }
  private erase(): void {
    if (this.drawnLines > 0) this.out.write(`\x1b[${this.drawnLines}A\x1b[J`);
    this.drawnLines = 0;
  }
  private draw(force: boolean): void {
    const now = this.now();
    if (!force && now - this.lastDraw < 100) return;
    this.lastDraw = now;
    const width = Math.max(40, Math.min(process.stderr.columns ?? 100, 120));
    const lines: string[] = [];
    let total = 0;
    let done = 0;
    for (const t of this.transfers.values()) {
      total += t.total;
      done += t.done;
      const elapsed = now - t.startedAt;
      const state = t.finished ?? `${formatRate(t.done, elapsed)} ETA ${formatEta(t.total - t.done, (t.done * 1000) / Math.max(elapsed, 1))}`;
      lines.push(line(t.label, t.done, t.total, state, width));
    }
    const elapsed = now - this.startedAt;
    lines.push(line("total", done, total, `${formatRate(done, elapsed)} ETA ${formatEta(total - done, (done * 1000) / Math.max(elapsed, 1))}`, width));
    this.erase();
    this.out.write(lines.join("\n") + "\n");
    this.drawnLines = lines.length;
  }
}

function line(label: string, done: number, total: number, state: string, width: number): string {
  const fraction = total > 0 ? Math.min(1, done / total) : 1;
  const barWidth = 20;
  const filled = Math.round(fraction * barWidth);
  const text = `${label.padEnd(22)} [${"#".repeat(filled)}${"-".repeat(barWidth - filled)}] ${String(Math.floor(fraction * 100)).padStart(3)}% ${formatSize(done)}/${formatSize(total)} ${state}`;
  return text.length > width ? text.slice(0, width - 1) : text;
}
