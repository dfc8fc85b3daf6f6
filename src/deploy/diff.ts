/**
 * The field-level difference between the manifest a provider runs and the one the stack wants,
 * per service, like `terraform plan`: image a → b, env keys added, changed or removed, command,
 * args, count, exposes and resources; each marked in place (the chain swaps the hash and the
 * provider re-runs the service) or forcing a replacement (the group specs change).
 *
 * Values are shown from the stack's template (secrets as `<secret:NAME>`), never from the
 * provider's copy or the filled-in manifest, and env values are never shown: an env key's value
 * may be a secret that is not declared as one.
 */
import { manifestToSortedJSON, type ManifestGroup } from "../sdl/manifest.js";
import { formatBytes } from "./compare.js";

export type ChangeEffect = "in place" | "replacement";

export interface FieldChange {
  service: string;
  /** "image", "env FOO", "command", "args", "count", "expose", "cpu", "memory", "storage", "gpu", "service". */
  field: string;
  change: "added" | "changed" | "removed";
  /** Shown only when not secret; undefined when there is no value to show. */
  from?: string;
  to?: string;
  effect: ChangeEffect;
}

/** The parts of a manifest service the diff reads, as JSON (the provider's `GET …/manifest` answer or ours). */
export interface ServiceView {
  name: string;
  image: string;
  command: string[] | null;
  args: string[] | null;
  env: string[] | null;
  count: number;
  expose: unknown[];
  cpu: string;
  memory: string;
  storage: string;
  gpu: string;
}

/** Reads manifest JSON defensively: anything that is not a manifest gives undefined. */
export function readManifest(json: unknown): Map<string, ServiceView> | undefined {
  if (!Array.isArray(json)) return undefined;
  const out = new Map<string, ServiceView>();
  for (const group of json as unknown[]) {
    const services = (group as { services?: unknown } | null)?.services;
    if (!Array.isArray(services)) return undefined;
    for (const raw of services as Array<Record<string, unknown>>) {
      if (typeof raw?.name !== "string" || typeof raw.image !== "string") return undefined;
      const resources = (raw.resources ?? {}) as Record<string, unknown>;
      out.set(raw.name, {
        name: raw.name,
        image: raw.image,
        command: stringList(raw.command),
        args: stringList(raw.args),
        env: stringList(raw.env),
        count: typeof raw.count === "number" ? raw.count : 0,
        expose: Array.isArray(raw.expose) ? (raw.expose as unknown[]) : [],
        cpu: quantity((resources.cpu as Record<string, unknown> | undefined)?.units, (v) => `${v}m`),
        memory: quantity((resources.memory as Record<string, unknown> | undefined)?.size, (v) => formatBytes(BigInt(v))),
        storage: Array.isArray(resources.storage)
          ? (resources.storage as Array<Record<string, unknown>>).map((s) => `${String(s.name)}=${quantity(s.size, (v) => formatBytes(BigInt(v)))}`).join(",")
          : "",
        gpu: quantity((resources.gpu as Record<string, unknown> | undefined)?.units, (v) => v),
      });
    }
  }
  return out;
}

function stringList(value: unknown): string[] | null {
  return Array.isArray(value) && value.every((v) => typeof v === "string") ? (value as string[]) : null;
}

function quantity(value: unknown, show: (v: string) => string): string {
  const val = (value as { val?: unknown } | undefined)?.val;
  return typeof val === "string" && /^\d+$/.test(val) ? show(val) : "none";
}

/** Our manifest as the provider's JSON (Go's encoding: quantities are `{val: "…"}` strings). */
export function manifestJsonOf(groups: readonly ManifestGroup[]): unknown {
  return JSON.parse(manifestToSortedJSON([...groups])) as unknown;
}

const SECRET = /<secret:[A-Za-z_][A-Za-z0-9_]*>/;

/**
 * `current`: what the provider runs. `wanted`: the stack with secret values when known (what is
 * compared). `template`: the stack with `<secret:NAME>` placeholders (what is shown).
 */
export function diffManifests(current: Map<string, ServiceView>, wanted: Map<string, ServiceView>, template: Map<string, ServiceView>): FieldChange[] {
  const out: FieldChange[] = [];
  for (const name of [...current.keys()].sort()) if (!wanted.has(name)) out.push({ service: name, field: "service", change: "removed", effect: "replacement" });
  for (const name of [...wanted.keys()].sort()) {
    const want = wanted.get(name)!;
    const shown = template.get(name) ?? want;
    const have = current.get(name);
    if (!have) {
      out.push({ service: name, field: "service", change: "added", to: shown.image, effect: "replacement" });
      continue;
    }
    const plain = (field: string, from: string, to: string, effect: ChangeEffect, secretish = false) => {
      if (from === to) return;
      out.push({ service: name, field, change: "changed", ...(secretish ? {} : { from, to }), effect });
    };
    plain("image", have.image, want.image, "in place", SECRET.test(shown.image));
    plain("command", words(have.command), words(want.command), "in place", SECRET.test(words(shown.command)));
    if (words(have.command) !== words(want.command) && !SECRET.test(words(shown.command))) out.at(-1)!.to = words(shown.command);
    plain("args", words(have.args), words(want.args), "in place", SECRET.test(words(shown.args)));
    if (words(have.args) !== words(want.args) && !SECRET.test(words(shown.args))) out.at(-1)!.to = words(shown.args);
    out.push(...envChanges(name, have.env, want.env));
    plain("count", String(have.count), String(want.count), "replacement");
    plain("cpu", have.cpu, want.cpu, "replacement");
    plain("memory", have.memory, want.memory, "replacement");
    plain("storage", have.storage || "none", want.storage || "none", "replacement");
    plain("gpu", have.gpu, want.gpu, "replacement");
    out.push(...exposeChanges(name, have.expose, want.expose));
  }
  return out;
}

function words(list: string[] | null): string {
  return list === null ? "(none)" : JSON.stringify(list);
}

function envChanges(service: string, from: string[] | null, to: string[] | null): FieldChange[] {
  const parse = (list: string[] | null) => new Map((list ?? []).map((e) => [e.slice(0, e.indexOf("=") < 0 ? e.length : e.indexOf("=")), e]));
  const before = parse(from);
  const after = parse(to);
  const out: FieldChange[] = [];
  const keys = [...new Set([...before.keys(), ...after.keys()])].sort();
  for (const key of keys) {
    const a = before.get(key);
    const b = after.get(key);
    if (a === b) continue;
    const change = a === undefined ? "added" : b === undefined ? "removed" : "changed";
    out.push({ service, field: `env ${key}`, change, effect: "in place" });
  }
  return out;
}

/** Hosts (accept) change in place; ports, protocols, global and IP endpoints change the group. */
function exposeChanges(service: string, from: unknown[], to: unknown[]): FieldChange[] {
  const shape = (list: unknown[]) =>
    list
      .map((e) => {
        const x = e as Record<string, unknown>;
        return `${String(x.port)}→${String(x.externalPort)}/${String(x.proto)}${x.global ? " global" : ""}${x.ip ? ` ip ${String(x.ip)}` : ""}${x.service ? ` to ${String(x.service)}` : ""}`;
      })
      .sort()
      .join(", ");
  const hosts = (list: unknown[]) =>
    list
      .flatMap((e) => ((e as { hosts?: unknown }).hosts as string[] | null) ?? [])
      .sort()
      .join(", ");
  const out: FieldChange[] = [];
  if (shape(from) !== shape(to)) out.push({ service, field: "expose", change: "changed", from: shape(from) || "none", to: shape(to) || "none", effect: "replacement" });
  if (hosts(from) !== hosts(to)) out.push({ service, field: "hosts", change: "changed", from: hosts(from) || "none", to: hosts(to) || "none", effect: "in place" });
  return out;
}

/** One line per change: `  ~ web: image nginx:1.27.3 → nginx:1.27.4 (in place)`. */
export function formatChange(c: FieldChange): string {
  const sign = c.change === "added" ? "+" : c.change === "removed" ? "-" : "~";
  const values = c.from !== undefined && c.to !== undefined ? ` ${c.from} → ${c.to}` : c.to !== undefined ? ` ${c.to}` : c.field.startsWith("env ") || c.change !== "changed" ? "" : " (value hidden: it holds a secret)";
  const what = c.field === "service" ? `service ${c.change}` : `${c.field}${c.change === "changed" ? "" : ` ${c.change}`}`;
  return `  ${sign} ${c.service}: ${what}${values} (${c.effect === "in place" ? "in place" : "forces replacement"})`;
}
