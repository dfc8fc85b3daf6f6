/**
 * Where a construct was defined in a stack file. Every public call that creates a construct
 * records the file, line and column of its caller, so a synth error can say
 * `stacks/registry.ts:42:3: …` instead of naming a YAML path the user never wrote.
 *
 * The location comes from V8's stack trace. `Error.captureStackTrace(holder, apiFunction)` drops
 * every frame from `apiFunction` up, so the first remaining frame is the user's call, whatever
 * module copy or bundle the API itself runs from. Stack files loaded with tsx (and tests run by
 * vitest) get source-mapped traces, so the numbers are those of the TypeScript source.
 */
import { isAbsolute, relative, sep } from "node:path";
import { fileURLToPath } from "node:url";

export interface SourceLocation {
  /** Absolute path of the file. */
  readonly file: string;
  /** 1-based. */
  readonly line: number;
  /** 1-based. */
  readonly column: number;
}

/** Used when V8 gives no usable frame (a stack trace limit of 0, a caller in native code). */
export const UNKNOWN_LOCATION: SourceLocation = { file: "<unknown>", line: 0, column: 0 };

// "    at fn (/abs/file.ts:12:3)", "    at /abs/file.ts:12:3", "    at async fn (file:///abs/f.ts:1:2)"
const FRAME = /^\s*at (?:.*? \()?(.+?):(\d+):(\d+)\)?$/;

/**
 * The location of whoever called `apiFunction`. Pass the public function or method itself
 * (`StackBuilder.prototype.service`), not a wrapper.
 */
// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type -- any callable can be the cut-off point
export function callerOf(apiFunction: Function): SourceLocation {
  const holder: { stack?: string } = {};
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 5;
  try {
    Error.captureStackTrace(holder, apiFunction);
  } finally {
    Error.stackTraceLimit = limit;
  }
  return firstFrame(holder.stack ?? "") ?? UNKNOWN_LOCATION;
}

/** The first frame of a V8 stack trace that points into a real file. */
export function firstFrame(stack: string, accept: (file: string) => boolean = () => true): SourceLocation | undefined {
  for (const line of stack.split("\n")) {
    const frame = parseFrame(line);
    if (frame && accept(frame.file)) return frame;
  }
  return undefined;
}

/** The first frame of `stack` inside `file`: where an error thrown while building a stack came from. */
export function frameInFile(stack: string, file: string): SourceLocation | undefined {
  return firstFrame(stack, (f) => f === file);
}

function parseFrame(line: string): SourceLocation | undefined {
  const match = FRAME.exec(line);
  if (!match) return undefined;
  let file = match[1]!.replace(/\?.*$/, ""); // loaders add ?namespace=… or ?v=…
  if (file.startsWith("file://")) file = fileURLToPath(file);
  if (!isAbsolute(file)) return undefined; // node:internal/…, native, eval
  return { file, line: Number(match[2]), column: Number(match[3]) };
}

/** `stacks/registry.ts:42:3`: relative to `baseDir` when the file lies under it. */
export function formatLocation(location: SourceLocation, baseDir: string = process.cwd()): string {
  if (location === UNKNOWN_LOCATION || location.line === 0) return location.file;
  const rel = relative(baseDir, location.file);
  const shown = rel !== "" && !rel.startsWith("..") && !isAbsolute(rel) ? rel.split(sep).join("/") : location.file;
  return `${shown}:${location.line}:${location.column}`;
}
