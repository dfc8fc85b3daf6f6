/**
 * The lint config file, `.akash-stack.yaml`: which rules to ignore, severity overrides, overrides
 * for paths matching globs, the network, and the warning limit. Pure: it gets the file's text and
 * returns the config or every problem in it, each as `FILE:LINE:COLUMN: what is wrong; what to do`.
 * Finding and reading the files is `config-files.ts`.
 *
 *     network: mainnet              # mainnet or sandbox
 *     max-warnings: 0
 *     ignore: [image-unpinned]      # rule ids dropped for every SDL under this folder
 *     rules:                        # severity overrides
 *       ingress-without-host: error
 *     overrides:                    # for SDLs whose path (relative to this file's folder) matches
 *       - files: ["legacy/**"]
 *         ignore: [denom-uact]
 *         rules: { image-unpinned: warning }
 */
import picomatch from "picomatch";
import type { LintOptions, Severity } from "../sdl/findings.js";
import { didYouMean } from "../sdl/suggest.js";
import { parseYaml, type YEntry, type YNode } from "../sdl/yaml.js";

/** The config file's name: the one name searched for, walking up from each SDL. */
export const CONFIG_FILE_NAME = ".akash-stack.yaml";

type Network = NonNullable<LintOptions["network"]>;
const NETWORKS: readonly Network[] = ["mainnet", "sandbox"];
const SEVERITIES: readonly Severity[] = ["error", "warning"];
const TOP_LEVEL_KEYS = ["network", "max-warnings", "ignore", "rules", "overrides"] as const;
const OVERRIDE_KEYS = ["files", "ignore", "rules"] as const;

/** Rule settings: ids to drop, and severities to use instead of the catalog's. */
export interface RuleSettings {
  ignore: ReadonlySet<string>;
  severity: ReadonlyMap<string, Severity>;
}

export interface ConfigOverride extends RuleSettings {
  /** Whether a path relative to the config's folder, with `/` separators, matches `files`. */
  matches(relativePath: string): boolean;
}

export interface LintConfig extends RuleSettings {
  /** The config file, as shown in messages. */
  shownPath: string;
  network?: Network;
  maxWarnings?: number;
  /** Applied in order after the top-level settings; a later override wins. */
  overrides: readonly ConfigOverride[];
}

export type ParsedConfig = { config: LintConfig } | { errors: string[] };

/** Parses a config file's text. `knownRuleIds` are the ids the linter reports (for "unknown rule id"). */
export function parseConfig(text: string, shownPath: string, knownRuleIds: ReadonlySet<string>): ParsedConfig {
  const errors: string[] = [];
  const at = (node: { line: number; column: number }, message: string): void => {
    errors.push(`${shownPath}:${node.line}:${node.column}: ${message}`);
  };
  const parsed = parseYaml(text);
  const root = parsed.root;
  const empty: LintConfig = { shownPath, ignore: new Set(), severity: new Map(), overrides: [] };
  if (parsed.problems.some((p) => p.code === "empty")) return { config: empty };
  for (const problem of parsed.problems) {
    if (problem.code === "not-a-mapping") at(problem, `the config must be a mapping of ${TOP_LEVEL_KEYS.join(", ")}`);
    else at(problem, `${problem.message}; fix the YAML`);
  }
  if (errors.length > 0) return { errors };
  if (root?.kind !== "map") {
    at(root ?? { line: 1, column: 1 }, `the config must be a mapping of ${TOP_LEVEL_KEYS.join(", ")}`);
    return { errors };
  }

  const config: LintConfig & { ignore: Set<string>; severity: Map<string, Severity>; overrides: ConfigOverride[] } = {
    ...empty,
    ignore: new Set(),
    severity: new Map(),
    overrides: [],
  };
  for (const entry of root.entries) {
    const key = entry.key.text;
    switch (key) {
      case "network": {
        const value = scalarText(entry.value);
        if (value !== undefined && (NETWORKS as readonly string[]).includes(value)) config.network = value as Network;
        else at(entry.value, `network must be ${NETWORKS.join(" or ")}${value === undefined ? "" : didYouMean(value, NETWORKS)}`);
        break;
      }
      case "max-warnings": {
        const value = scalarText(entry.value);
        if (value !== undefined && /^\d+$/.test(value)) config.maxWarnings = Number(value);
        else at(entry.value, "max-warnings must be a whole number of warnings (0 or more)");
        break;
      }
      case "ignore":
        readRuleIds(entry, knownRuleIds, at, config.ignore);
        break;
      case "rules":
        readSeverities(entry, knownRuleIds, at, config.severity);
        break;
      case "overrides":
        readOverrides(entry, knownRuleIds, at, config.overrides);
        break;
      default:
        at(entry.key, unknownKey(key, TOP_LEVEL_KEYS, "the config"));
    }
  }
  return errors.length > 0 ? { errors } : { config };
}

type At = (node: { line: number; column: number }, message: string) => void;

function unknownKey(key: string, allowed: readonly string[], where: string): string {
  return `unknown key "${key}" in ${where}${didYouMean(key, allowed)}; the keys are ${allowed.join(", ")}`;
}

function scalarText(node: YNode): string | undefined {
  return node.kind === "scalar" && node.value !== null ? node.text : undefined;
}

/** A list of rule ids (or one id) into `into`; unknown ids are errors with a suggestion. */
function readRuleIds(entry: YEntry, known: ReadonlySet<string>, at: At, into: Set<string>): void {
  const items = entry.value.kind === "seq" ? entry.value.items : [entry.value];
  for (const item of items) {
    const id = scalarText(item);
    if (id === undefined) at(item, `${entry.key.text} takes rule ids, as a list: [rule-id, …]`);
    else if (!known.has(id)) at(item, unknownRule(id, known));
    else into.add(id);
  }
}

function unknownRule(id: string, known: ReadonlySet<string>): string {
  return `unknown rule id "${id}"${didYouMean(id, known)}; the rule ids are listed in docs/rules/README.md`;
}

/** `rule-id: error|warning` pairs into `into`. */
function readSeverities(entry: YEntry, known: ReadonlySet<string>, at: At, into: Map<string, Severity>): void {
  if (entry.value.kind !== "map") {
    at(entry.value, "rules takes rule-id: error|warning pairs (use ignore to turn a rule off)");
    return;
  }
  for (const rule of entry.value.entries) {
    const id = rule.key.text;
    const severity = scalarText(rule.value);
    if (!known.has(id)) at(rule.key, unknownRule(id, known));
    else if (severity !== undefined && (SEVERITIES as readonly string[]).includes(severity)) into.set(id, severity as Severity);
    else at(rule.value, `the severity of ${id} must be error or warning${severity === undefined ? "" : didYouMean(severity, SEVERITIES)} (use ignore to turn a rule off)`);
  }
}

function readOverrides(entry: YEntry, known: ReadonlySet<string>, at: At, into: ConfigOverride[]): void {
  if (entry.value.kind !== "seq") {
    at(entry.value, "overrides takes a list of {files, ignore, rules}");
    return;
  }
  for (const item of entry.value.items) {
    if (item.kind !== "map") {
      at(item, "each override is a mapping of files (globs) and ignore and/or rules");
      continue;
    }
    const ignore = new Set<string>();
    const severity = new Map<string, Severity>();
    let globs: string[] | undefined;
    for (const field of item.entries) {
      switch (field.key.text) {
        case "files":
          globs = readGlobs(field, at);
          break;
        case "ignore":
          readRuleIds(field, known, at, ignore);
          break;
        case "rules":
          readSeverities(field, known, at, severity);
          break;
        default:
          at(field.key, unknownKey(field.key.text, OVERRIDE_KEYS, "an override"));
      }
    }
    if (globs === undefined) {
      at(item, 'an override needs files: the globs of the SDL paths it applies to, relative to the config\'s folder (e.g. ["legacy/**"])');
      continue;
    }
    if (globs.length > 0) into.push({ matches: picomatch(globs, { dot: true }), ignore, severity });
  }
}

function readGlobs(field: YEntry, at: At): string[] {
  const items = field.value.kind === "seq" ? field.value.items : [field.value];
  const globs: string[] = [];
  for (const item of items) {
    const glob = scalarText(item);
    if (glob === undefined || glob === "") at(item, 'files takes globs relative to the config\'s folder, e.g. ["deploy/*.yaml", "legacy/**"]');
    else globs.push(glob);
  }
  return globs;
}

/** The rule settings for one SDL: the top level, then each override whose globs match its path. */
export function ruleSettingsFor(config: LintConfig, relativePath: string): RuleSettings {
  const matching = config.overrides.filter((o) => o.matches(relativePath));
  if (matching.length === 0) return config;
  const ignore = new Set(config.ignore);
  const severity = new Map(config.severity);
  for (const override of matching) {
    for (const id of override.ignore) ignore.add(id);
    for (const [id, level] of override.severity) severity.set(id, level);
  }
  return { ignore, severity };
}
