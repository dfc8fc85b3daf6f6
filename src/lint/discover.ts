/**
 * Turns the paths given to `akash-stack lint` into the list of files to lint.
 *
 * A file named explicitly is always linted, whatever its name or content. A folder is walked for
 * `*.yaml`/`*.yml` files that look like an SDL, so `akash-stack lint .` in a repository skips CI
 * workflows, Helm charts and docker-compose files instead of drowning the user in findings about them.
 * Problems with the paths themselves (missing, unreadable, a folder with no SDL) are returned as
 * messages, not thrown: the caller decides how to report them.
 */
import { closeSync, openSync, readdirSync, readSync, statSync, type Dirent } from "node:fs";
import { isAbsolute, join, relative, resolve, sep } from "node:path";

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

export interface Discovery {
  files: DiscoveredFile[];
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

/** What the look-alike check wants to see; also quoted in the "no SDL files" message. */
export const SDL_LOOK_ALIKE = 'a top-level "services:" key and a top-level "deployment:" or "profiles:" key';

/**
 * A cheap text check for "this YAML file is probably an SDL": top-level (column 1) `services:` and
 * `deployment:` or `profiles:` keys. It never parses, so it is fast and never fails on bad YAML.
 */
export function looksLikeSdl(text: string): boolean {
  const body = text.startsWith("\uFEFF") ? text.slice(1) : text;
  return SERVICES_KEY.test(body) && (DEPLOYMENT_KEY.test(body) || PROFILES_KEY.test(body));
}

function topLevelKey(name: string): RegExp {
  return new RegExp(`^(?:${name}|"${name}"|'${name}')[ \\t]*:`, "m");
}

// Built once: the walk tests every YAML file of a folder (no `g` flag, so no lastIndex state).
const SERVICES_KEY = topLevelKey("services");
const DEPLOYMENT_KEY = topLevelKey("deployment");
const PROFILES_KEY = topLevelKey("profiles");

/** Resolves the paths to files. Never throws. */
export function discoverFiles(paths: readonly string[], options: DiscoverOptions = {}): Discovery {
  const cwd = options.cwd ?? process.cwd();
  const files: DiscoveredFile[] = [];
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
    const walkErrors: string[] = [];
    walk(absolutePath, given, cwd, (file, shownPath, text) => {
      sdlFiles++;
      add(file, shownPath, text);
    }, walkErrors);
    errors.push(...walkErrors);
    if (sdlFiles === 0 && walkErrors.length === 0) {
      errors.push(
        `no SDL files found under ${given}: looked for *.yaml/*.yml files with ${SDL_LOOK_ALIKE} ` +
          `(node_modules and dot-folders are skipped); name a file explicitly to lint it anyway`,
      );
    }
  }
  return { files, errors };
}

/** Called for each SDL look-alike: its absolute and display paths, and its text when wholly read. */
type Found = (absolutePath: string, shownPath: string, text: string | undefined) => void;

/** Walks a folder in name order (so output is stable), collecting SDL look-alikes. */
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
    if (!YAML_EXTENSION.test(name)) continue;
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
    if (looksLikeSdl(head)) found(absolutePath, childPath.shown(name), whole ? head : undefined);
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
