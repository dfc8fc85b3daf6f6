/**
 * Finds and reads lint config files: the `.akash-stack.yaml` nearest to each SDL, walking up from
 * its folder (the nearest one wins; configs are not merged), or one file named with `--config`.
 * Each folder is looked at once per run, so a folder of SDLs costs one `stat` per ancestor folder.
 */
import { readFileSync, statSync } from "node:fs";
import { dirname, isAbsolute, join, relative, sep } from "node:path";
import { CONFIG_FILE_NAME, parseConfig, type LintConfig } from "./config.js";
import { pathError } from "./discover.js";

/** A config in force for a file: the config and its folder (what override globs are relative to). */
export interface ConfigInForce {
  config: LintConfig;
  folder: string;
}

/** What governs one file: a config, none, or a config file that is broken (its errors). */
export type ConfigLookup = ConfigInForce | { errors: string[] } | undefined;

export class ConfigFinder {
  private readonly byFolder = new Map<string, ConfigLookup>();
  private readonly explicit: ConfigLookup;

  /**
   * `explicitFile`: a config file to use for every SDL instead of searching (`--config`), relative
   * to `cwd`. `knownRuleIds`: the rule ids a config may name.
   */
  constructor(
    private readonly cwd: string,
    private readonly knownRuleIds: ReadonlySet<string>,
    explicitFile?: string,
  ) {
    if (explicitFile !== undefined) {
      const absolute = join(cwd, explicitFile);
      this.explicit = this.read(isAbsolute(explicitFile) ? explicitFile : absolute, explicitFile, "--config ");
    }
  }

  /** The config that governs the file at `absolutePath` (standard input: pass a path in the working folder). */
  configFor(absolutePath: string): ConfigLookup {
    if (this.explicit !== undefined) return this.explicit;
    return this.inFolder(dirname(absolutePath));
  }

  private inFolder(folder: string): ConfigLookup {
    if (this.byFolder.has(folder)) return this.byFolder.get(folder);
    const candidate = join(folder, CONFIG_FILE_NAME);
    let found: ConfigLookup;
    if (isFile(candidate)) found = this.read(candidate, shown(this.cwd, candidate));
    else {
      const parent = dirname(folder);
      found = parent === folder ? undefined : this.inFolder(parent);
    }
    this.byFolder.set(folder, found);
    return found;
  }

  private read(absolutePath: string, shownPath: string, named = ""): ConfigLookup {
    let text: string;
    try {
      text = readFileSync(absolutePath, "utf8");
    } catch (err) {
      return { errors: [`${named}${pathError(shownPath, err)}`] };
    }
    const parsed = parseConfig(text, shownPath, this.knownRuleIds);
    return "errors" in parsed ? parsed : { config: parsed.config, folder: dirname(absolutePath) };
  }
}

/** The path of `absolutePath` relative to a config's folder, with `/` separators, for its globs. */
export function pathForGlobs(folder: string, absolutePath: string): string {
  return relative(folder, absolutePath).split(sep).join("/");
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

function shown(cwd: string, absolutePath: string): string {
  const rel = relative(cwd, absolutePath);
  return rel === "" || rel.startsWith("..") || isAbsolute(rel) ? absolutePath : rel;
}
