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
}

export interface Discovery {
  files: DiscoveredFile[];
  /** One line per path that could not be used, saying what is wrong and what to do. */
  errors: string[];
}

export interface DiscoverOptions {
  /** Folder that relative paths are resolved against and shown relative to. Defaults to `process.cwd()`. */
  cwd?: string;
}

const YAML_EXTENSION = /\.ya?ml$/i;

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
  return topLevelKey("services").test(body) && (topLevelKey("deployment").test(body) || topLevelKey("profiles").test(body));
}

function topLevelKey(name: string): RegExp {
  return new RegExp(`^(?:${name}|"${name}"|'${name}')[ \\t]*:`, "m");
}

/** Resolves the paths to files. Never throws. */
export function discoverFiles(paths: readonly string[], options: DiscoverOptions = {}): Discovery {
  const cwd = options.cwd ?? process.cwd();
  const files: DiscoveredFile[] = [];
  const errors: string[] = [];
  const seen = new Set<string>();
  const add = (absolutePath: string): void => {
    if (seen.has(absolutePath)) return;
    seen.add(absolutePath);
    files.push({ path: displayPath(cwd, absolutePath), absolutePath });
  };

  for (const given of paths) {
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
    walk(absolutePath, given, (file) => {
      sdlFiles++;
      add(file);
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

/** Walks a folder in name order (so output is stable), collecting SDL look-alikes. */
function walk(folder: string, shownAs: string, found: (absolutePath: string) => void, errors: string[]): void {
  let entries: Dirent[];
  try {
    entries = readdirSync(folder, { withFileTypes: true });
  } catch (err) {
    errors.push(pathError(shownAs, err));
    return;
  }
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    const absolutePath = join(folder, entry.name);
    const shown = join(shownAs, entry.name);
    if (entry.isDirectory()) {
      if (!isSkippedFolder(entry.name)) walk(absolutePath, shown, found, errors);
      continue;
    }
    if (!YAML_EXTENSION.test(entry.name)) continue;
    // Symbolic links to files are followed; links to folders are not, so a link loop cannot hang the walk.
    if (!entry.isFile() && !entry.isSymbolicLink()) continue;
    let head: string;
    try {
      const stats = statSync(absolutePath);
      if (!stats.isFile()) continue;
      // allocate for the file, not for the sniff limit: most SDLs are a few KiB
      head = readHead(absolutePath, Math.min(SNIFF_BYTES, stats.size));
    } catch (err) {
      errors.push(pathError(shown, err));
      continue;
    }
    if (looksLikeSdl(head)) found(absolutePath);
  }
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
