/**
 * Turns the paths given to `akash-stack lint` into the list of files to lint.
 *
 * A file named explicitly is always linted, whatever its name or content. A folder is walked for
 * `*.yaml`/`*.yml` files that are an SDL, so `akash-stack lint .` in a repository skips CI
 * workflows, Helm charts and docker-compose files instead of drowning the user in findings about them.
 * Skipping is never silent: every YAML file left out is returned in `skipped`, with the reason, so
 * the summary counts them and `--verbose` lists them. Problems with the paths themselves (missing,
 * unreadable, a folder with no SDL) are returned as messages, not thrown: the caller decides how to
 * report them.
 */
import { closeSync, openSync, readdirSync, readSync, statSync, type Dirent } from "node:fs";
import { isAbsolute, join, relative, resolve, sep } from "node:path";
import { parseYaml, type YNode } from "../sdl/yaml.js";
import { CONFIG_FILE_NAME } from "./config.js";

export interface DiscoveredFile {
  /** The path to show the user: relative to the working folder when the file is inside it, else absolute. */
  path: string;
  absolutePath: string;
  /**
   * The whole file as UTF-8 text, when the folder walk already read all of it to sniff it, so the
   * runner does not open and read the file a second time. Absent for files named explicitly, for
   * files larger than the sniff limit, and once the walk has kept `KEPT_TEXT_BUDGET` characters.
   */
  text?: string;
  /**
   * The file's content when the caller supplied it instead of a file (standard input): the runner
   * lints these bytes, size limit included, and never touches the file system for it.
   */
  bytes?: Buffer;
}

/** A YAML file a folder walk found and left out because it is not an SDL. */
export interface SkippedFile {
  /** Shown like `DiscoveredFile.path`. */
  path: string;
  /** Why it is not an SDL, e.g. `no top-level "deployment:" or "profiles:" key`. */
  reason: string;
}

export interface Discovery {
  files: DiscoveredFile[];
  /** YAML files under the folders given that are not an SDL, in walk order. */
  skipped: SkippedFile[];
  /** One line per path that could not be used, saying what is wrong and what to do. */
  errors: string[];
}

export interface DiscoverOptions {
  /** Folder that relative paths are resolved against and shown relative to. Defaults to `process.cwd()`. */
  cwd?: string;
  /**
   * What the path `-` stands for: standard input, read by the caller (the CLI reads it
   * asynchronously, which works on any kind of pipe). Without it, `-` is an error.
   */
  stdin?: Buffer;
}

/** The path that names standard input, and how it is shown in findings. */
export const STDIN_PATH = "-";
export const STDIN_SHOWN = "<stdin>";

const YAML_EXTENSION = /\.ya?ml$/i;

/**
 * How many characters of sniffed text the walk keeps for the runner in total. SDLs are a few KiB,
 * so this covers thousands of them; past it, files are read again by the runner instead, which
 * keeps memory bounded for a folder of large YAML files.
 */
const KEPT_TEXT_BUDGET = 32 * 1024 * 1024;

/** Folders never worth walking: dependencies, and dot-folders (`.git`, `.github`, `.cache`…). */
function isSkippedFolder(name: string): boolean {
  return name === "node_modules" || name.startsWith(".");
}

/**
 * How much of a file the look-alike check reads. SDL keys sit at the top level near the start; a
 * larger file is still sniffed on its first MiB so a giant SDL is reported (as too large), not skipped.
 */
const SNIFF_BYTES = 1024 * 1024;

/** What makes a YAML file an SDL; also quoted in the "no SDL files" message. */
export const SDL_LOOK_ALIKE = 'a top-level "services:" key and a top-level "deployment:" or "profiles:" key';

/**
 * Whether a YAML text is an SDL: its root mapping has a `services` key and a `deployment` or
 * `profiles` key. Returns undefined for an SDL, else why it is not one.
 *
 * Two steps, so a folder of SDLs is never parsed twice and no SDL is ever missed:
 *   1. a text check for the keys at the indentation of the document's first key (column 1 in
 *      almost every SDL, deeper in the few written as an indented block under `---`), skipping
 *      comments, directives and document markers; it never fails on bad YAML;
 *   2. when the keys appear in the text but not where step 1 looks (flow style `{services: …}`,
 *      content after `--- ` on the marker's line, a tab), the YAML parser the linter uses decides.
 */
export function notAnSdlBecause(text: string): string | undefined {
  const body = text.startsWith("\uFEFF") ? text.slice(1) : text;
  const indent = firstKeyIndent(body);
  const keys = indent === 0 ? COLUMN_ONE_KEYS : topLevelKeys(indent);
  const hasServices = keys.services.test(body);
  const hasDeployment = keys.deployment.test(body) || keys.profiles.test(body);
  if (hasServices && hasDeployment) return undefined;
  if (body.includes("services") && (body.includes("deployment") || body.includes("profiles")) && rootKeysMakeAnSdl(body)) return undefined;
  if (!hasServices) return hasDeployment ? 'no top-level "services:" key' : 'no top-level "services:", "deployment:" or "profiles:" key';
  return 'no top-level "deployment:" or "profiles:" key';
}

/** `notAnSdlBecause(text) === undefined`. */
export function looksLikeSdl(text: string): boolean {
  return notAnSdlBecause(text) === undefined;
}

/** Step 2: the parsed root mapping has the keys (only the first document counts, as for the linter). */
function rootKeysMakeAnSdl(text: string): boolean {
  let root: YNode | undefined;
  try {
    root = parseYaml(text).root;
  } catch {
    return false;
  }
  if (root?.kind !== "map") return false;
  const keys = new Set(root.entries.map((e) => e.key.text));
  return keys.has("services") && (keys.has("deployment") || keys.has("profiles"));
}

/**
 * The number of spaces before the first key of the first document: the indentation of the first
 * line that is not blank, a comment, a directive (`%YAML`) or a bare document marker (`---`).
 */
function firstKeyIndent(text: string): number {
  FIRST_CONTENT_LINE.lastIndex = 0;
  const match = FIRST_CONTENT_LINE.exec(text);
  return match ? match[1]!.length : 0;
}

// A line of content: not blank, not a comment, not a directive, not a bare `---` or `...`.
const FIRST_CONTENT_LINE = /^( *)(?![ \t]*(?:#|\r?$)|%|(?:---|\.\.\.)[ \t]*(?:#.*)?\r?$)\S/gm;

interface TopLevelKeys {
  services: RegExp;
  deployment: RegExp;
  profiles: RegExp;
}

function topLevelKeys(indent: number): TopLevelKeys {
  return { services: topLevelKey("services", indent), deployment: topLevelKey("deployment", indent), profiles: topLevelKey("profiles", indent) };
}

function topLevelKey(name: string, indent: number): RegExp {
  return new RegExp(`^ {${indent}}(?:${name}|"${name}"|'${name}')[ \\t]*:`, "m");
}

// Built once for column 1, nearly every SDL: the walk tests every YAML file of a folder (no `g`
// flag, so no lastIndex state).
const COLUMN_ONE_KEYS = topLevelKeys(0);

/** Resolves the paths to files. Never throws. */
export function discoverFiles(paths: readonly string[], options: DiscoverOptions = {}): Discovery {
  const cwd = options.cwd ?? process.cwd();
  const files: DiscoveredFile[] = [];
  const skipped: SkippedFile[] = [];
  const errors: string[] = [];
  const seen = new Set<string>();
  let keptText = 0;
  const add = (absolutePath: string, shownPath = displayPath(cwd, absolutePath), text?: string): void => {
    if (seen.has(absolutePath)) return;
    seen.add(absolutePath);
    const file: DiscoveredFile = { path: shownPath, absolutePath };
    if (text !== undefined && keptText + text.length <= KEPT_TEXT_BUDGET) {
      keptText += text.length;
      file.text = text;
    }
    files.push(file);
  };

  for (const given of paths) {
    if (given === STDIN_PATH) {
      if (options.stdin === undefined) errors.push(`${STDIN_PATH}: standard input is not available here; name a file or folder`);
      else if (!seen.has(STDIN_SHOWN)) {
        seen.add(STDIN_SHOWN);
        files.push({ path: STDIN_SHOWN, absolutePath: STDIN_SHOWN, bytes: options.stdin });
      }
      continue;
    }
    const absolutePath = resolve(cwd, given);
    let isDirectory: boolean;
    try {
      isDirectory = statSync(absolutePath).isDirectory();
    } catch (err) {
      errors.push(pathError(given, err));
      continue;
    }
    if (!isDirectory) {
      add(absolutePath);
      continue;
    }
    let sdlFiles = 0;
    let otherYaml = 0;
    const walkErrors: string[] = [];
    const found: Found = {
      sdl(file, shownPath, text) {
        sdlFiles++;
        add(file, shownPath, text);
      },
      other(file, shownPath, reason) {
        otherYaml++;
        if (seen.has(file)) return;
        seen.add(file);
        skipped.push({ path: shownPath, reason });
      },
    };
    walk(absolutePath, given, cwd, found, walkErrors);
    errors.push(...walkErrors);
    if (sdlFiles === 0 && walkErrors.length === 0) {
      const others = otherYaml === 0 ? "" : ` (${otherYaml} other YAML file${otherYaml === 1 ? "" : "s"} skipped; --verbose lists them)`;
      errors.push(
        `no SDL files found under ${given}: looked for *.yaml/*.yml files with ${SDL_LOOK_ALIKE}${others} ` +
          `(node_modules and dot-folders are not searched); name a file explicitly to lint it anyway`,
      );
    }
  }
  return { files, skipped, errors };
}

/** What the walk reports: each SDL (with its text when wholly read) and each other YAML file. */
interface Found {
  sdl(absolutePath: string, shownPath: string, text: string | undefined): void;
  other(absolutePath: string, shownPath: string, reason: string): void;
}

/** Walks a folder in name order (so output is stable), sorting YAML files into SDLs and others. */
function walk(folder: string, shownAs: string, cwd: string, found: Found, errors: string[]): void {
  let entries: Dirent[];
  try {
    entries = readdirSync(folder, { withFileTypes: true });
  } catch (err) {
    errors.push(pathError(shownAs, err));
    return;
  }
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  // The display path of every file here is this folder's plus the name: `relative()` once per
  // folder instead of once per file (a cold path.relative per file showed in the profile).
  const childPath = childPaths(cwd, folder);
  for (const entry of entries) {
    const name = entry.name;
    if (entry.isDirectory()) {
      if (!isSkippedFolder(name)) walk(join(folder, name), join(shownAs, name), cwd, found, errors);
      continue;
    }
    // the lint config is YAML but never an SDL: not worth counting as a skipped file
    if (!YAML_EXTENSION.test(name) || name === CONFIG_FILE_NAME) continue;
    // Symbolic links to files are followed; links to folders are not, so a link loop cannot hang the walk.
    if (!entry.isFile() && !entry.isSymbolicLink()) continue;
    const absolutePath = childPath.absolute(name);
    let head: string;
    let whole: boolean;
    try {
      const stats = statSync(absolutePath);
      if (!stats.isFile()) continue;
      // allocate for the file, not for the sniff limit: most SDLs are a few KiB
      const limit = Math.min(SNIFF_BYTES, stats.size);
      head = readHead(absolutePath, limit);
      whole = limit === stats.size;
    } catch (err) {
      errors.push(pathError(join(shownAs, name), err));
      continue;
    }
    const reason = notAnSdlBecause(head);
    if (reason === undefined) found.sdl(absolutePath, childPath.shown(name), whole ? head : undefined);
    else found.other(absolutePath, childPath.shown(name), reason);
  }
}

/**
 * How the absolute and display paths of a folder's entries are made, computed once per folder.
 * Equal to `join(folder, name)` and `displayPath(cwd, join(folder, name))` for an entry name
 * (never empty, ".", ".." or containing a separator), since `folder` is already resolved.
 */
function childPaths(cwd: string, folder: string): { absolute(name: string): string; shown(name: string): string } {
  const prefix = folder.endsWith(sep) ? folder : folder + sep;
  const absolute = (name: string): string => prefix + name;
  const rel = relative(cwd, folder);
  // a folder outside the working folder: its files are shown by their absolute paths
  if (rel.split(sep)[0] === ".." || isAbsolute(rel)) return { absolute, shown: absolute };
  // the working folder itself (rel ""): its files are shown by name
  const shownPrefix = rel === "" ? "" : rel + sep;
  return { absolute, shown: (name) => shownPrefix + name };
}

/** Reads at most `limit` bytes from the start of a file. */
function readHead(absolutePath: string, limit: number): string {
  const fd = openSync(absolutePath, "r");
  try {
    const buffer = Buffer.allocUnsafe(limit);
    let filled = 0;
    while (filled < limit) {
      const read = readSync(fd, buffer, filled, limit - filled, filled);
      if (read === 0) break;
      filled += read;
    }
    return buffer.toString("utf8", 0, filled);
  } finally {
    closeSync(fd);
  }
}

function displayPath(cwd: string, absolutePath: string): string {
  const rel = relative(cwd, absolutePath);
  const outside = rel === "" || rel.split(sep)[0] === ".." || isAbsolute(rel);
  return outside ? absolutePath : rel;
}

/** A one-line message for a path that cannot be read, with what to do about it. */
export function pathError(path: string, err: unknown): string {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case "ENOENT":
      return `${path}: no such file or folder (check the path; it is resolved from the current folder)`;
    case "EACCES":
    case "EPERM":
      return `${path}: permission denied (make it readable by the current user)`;
    case "ELOOP":
      return `${path}: too many levels of symbolic links (fix the link)`;
    case "ENOTDIR":
      return `${path}: a part of the path is not a folder (check the path)`;
    default:
      return `${path}: cannot read it (${err instanceof Error ? err.message : String(err)})`;
  }
}
