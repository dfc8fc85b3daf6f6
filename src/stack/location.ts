/**
 * Where a construct was defined in a stack file. Every public call that creates a construct
 * records the file, line and column of its caller, so a synth error can say
 * `stacks/registry.ts:42:3: …` instead of naming a YAML path the user never wrote.
 *
 * The location comes from V8's stack trace. `Error.captureStackTrace(holder, apiFunction)` drops
 * every frame from `apiFunction` up, so the first remaining frame is the user's call, whatever
 * module copy or bundle the API itself runs from. Positions are mapped back to the TypeScript
 * source in two ways, because two kinds of loader meet here: stack files loaded by
 * src/stack/load.ts (an esbuild bundle with an inline source map) have their map registered with
 * Node (`module.findSourceMap`), which we apply to raw positions, whether V8 hands them to us as
 * call sites or in a formatted trace; files a test runner transforms (vitest) are mapped by the
 * runner's own `Error.prepareStackTrace`, which we read from the formatted trace. Inside vitest the
 * runner's hook also formats frames of the stack bundle, unmapped, which is why the call site is
 * mapped first.
 */
import { findSourceMap } from "node:module";
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
export function callerOf(apiFunction: Function): SourceLocation {
  const site = rawCallSite(apiFunction);
  const mapped = site ? viaNodeSourceMap(site.file, site.line, site.column) : undefined;
  if (mapped) return mapped;
  const holder: { stack?: string } = {};
  withStackTraceLimit(() => Error.captureStackTrace(holder, apiFunction));
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

interface RawSite {
  /** As V8 reports it: a path or a file URL, possibly with a loader's query. */
  file: string;
  line: number;
  column: number;
}

function rawCallSite(apiFunction: Function): RawSite | undefined {
  const original = Error.prepareStackTrace;
  let sites: NodeJS.CallSite[] = [];
  const holder: { stack?: unknown } = {};
  try {
    Error.prepareStackTrace = (_error, callSites) => {
      sites = callSites;
      return "";
    };
    withStackTraceLimit(() => Error.captureStackTrace(holder, apiFunction));
    void holder.stack; // formatting is lazy: reading the property runs prepareStackTrace
  } finally {
    Error.prepareStackTrace = original;
  }
  for (const site of sites) {
    const file = site.getFileName() ?? site.getScriptNameOrSourceURL();
    const line = site.getLineNumber();
    const column = site.getColumnNumber();
    if (file && line !== null && column !== null && (file.startsWith("file://") || isAbsolute(file))) return { file, line, column };
  }
  return undefined;
}

/** Maps a generated position through the source map Node holds for the file, if it holds one. */
function viaNodeSourceMap(file: string, line: number, column: number): SourceLocation | undefined {
  let entry: ReturnType<NonNullable<ReturnType<typeof findSourceMap>>["findEntry"]> | undefined;
  try {
    entry = findSourceMap(file)?.findEntry(line - 1, column - 1);
  } catch {
    return undefined;
  }
  if (!entry || !("originalSource" in entry) || typeof entry.originalSource !== "string") return undefined;
  const source = entry.originalSource.startsWith("file://") ? fileURLToPath(entry.originalSource) : entry.originalSource;
  if (!isAbsolute(source)) return undefined;
  return { file: source, line: entry.originalLine + 1, column: entry.originalColumn + 1 };
}

function withStackTraceLimit(capture: () => void): void {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 5;
  try {
    capture();
  } finally {
    Error.stackTraceLimit = limit;
  }
}

function parseFrame(line: string): SourceLocation | undefined {
  const match = FRAME.exec(line);
  if (!match) return undefined;
  const rawFile = match[1]!;
  const lineNumber = Number(match[2]);
  const column = Number(match[3]);
  // A frame of a stack bundle (src/stack/load.ts) that nobody mapped yet: Node holds its map.
  if (rawFile.startsWith("file://") || isAbsolute(rawFile)) {
    const mapped = viaNodeSourceMap(rawFile, lineNumber, column);
    if (mapped) return mapped;
  }
  let file = rawFile.replace(/\?.*$/, "");
  if (file.startsWith("file://")) file = fileURLToPath(file);
  if (!isAbsolute(file)) return undefined; // node:internal/…, native, eval
  return { file, line: lineNumber, column };
}

/** `stacks/registry.ts:42:3`: relative to `baseDir` when the file lies under it. */
export function formatLocation(location: SourceLocation, baseDir: string = process.cwd()): string {
  if (location === UNKNOWN_LOCATION || location.line === 0) return location.file;
  const rel = relative(baseDir, location.file);
  const shown = rel !== "" && !rel.startsWith("..") && !isAbsolute(rel) ? rel.split(sep).join("/") : location.file;
  return `${shown}:${location.line}:${location.column}`;
}
