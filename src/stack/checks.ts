/**
 * Stack-level checks: mistakes TypeScript cannot see and the SDL would carry to the chain or a
 * provider (or to the internet). Each problem points at the construct in the stack file. They run
 * before the SDL linter because they speak the stack's language ("this expose()") rather than the
 * SDL's ("/services/ipfs/expose/1").
 */
import type { SourceLocation } from "./location.js";
import type { StackModel, StackProblem } from "./model.js";
import { placeholderNames } from "./secrets.js";
import { formatSize } from "./size.js";

/** The only denom the chain accepts for new deployments since node v2.0.0 (BME, March 2026). */
export const PRICE_DENOM = "uact";

/** Ports whose services hand control of the machine or its data to whoever reaches them. */
export const ADMIN_PORTS: ReadonlyMap<number, string> = new Map([
  [2375, "the Docker daemon API"],
  [5001, "the IPFS (Kubo) RPC API, an admin API"],
  [5432, "PostgreSQL"],
  [6379, "Redis"],
]);

export interface StackCheckResult {
  errors: StackProblem[];
  warnings: StackProblem[];
}

export function checkStack(model: StackModel, stackLocation: SourceLocation): StackCheckResult {
  const errors: StackProblem[] = [];
  const warnings: StackProblem[] = [];
  const error = (location: SourceLocation, message: string) => errors.push({ location, message });
  const warn = (location: SourceLocation, message: string) => warnings.push({ location, message });

  for (const s of model.services) {
    if (s.priceDenom !== PRICE_DENOM) {
      error(
        s.location,
        `service ${s.name} is priced in ${JSON.stringify(s.priceDenom)}, which the chain rejects ("unsupported denomination"): ` +
          `since node v2.0.0 deployments are priced only in ${PRICE_DENOM}. Drop denom (it defaults to ${PRICE_DENOM}) or set denom: "${PRICE_DENOM}"`,
      );
    }
    if (s.count === 0) {
      error(s.location, `service ${s.name} has count 0, so nothing deploys it: set count to 1 or more, or remove the service`);
    }
    for (const v of s.volumes) {
      if (v.class !== undefined && v.class !== "ram" && v.mount === undefined) {
        error(
          s.location,
          `volume ${v.name} of service ${s.name} is persistent (class ${v.class}, ${formatSize(v.size)}) but has no mount, so the data would go nowhere ` +
            `and Go's SDL parser rejects it: add mount: "/absolute/path" to the volume`,
        );
      }
    }
    for (const e of s.exposes) {
      const what = ADMIN_PORTS.get(e.port);
      if (what && e.global) {
        error(
          e.location,
          `port ${e.port} of service ${s.name} is ${what}, and expose({global: true}) opens it to the whole internet: ` +
            `use ${s.name}.allow(client, {port: ${e.port}}) for each service that needs it`,
        );
      }
    }
  }

  for (const endpoint of model.endpoints) {
    const used = model.services.some((s) => s.exposes.some((e) => e.ip === endpoint));
    if (!used) {
      error(
        endpoint.location,
        `IP endpoint ${endpoint.name} is leased but no service uses it (Go: endpoint "${endpoint.name}" declared but never used): ` +
          `pass it as ip to a service's expose(), or remove it`,
      );
    }
  }

  if (!model.services.some((s) => s.count > 0 && s.exposes.some((e) => e.global))) {
    error(
      stackLocation,
      `no service is exposed globally, so providers reject the manifest after the lease is paid ("zero global services"): ` +
        `expose at least one port with expose({port, global: true})`,
    );
  }

  const declared = new Set(model.secrets.map((s) => s.name));
  const used = new Set<string>();
  for (const s of model.services) {
    const texts = [...(s.command ?? []), ...(s.args ?? []), ...s.env.map(([, v]) => v), s.credentials?.username ?? "", s.credentials?.password ?? ""];
    for (const name of texts.flatMap(placeholderNames)) {
      used.add(name);
      if (!declared.has(name)) {
        error(s.location, `service ${s.name} uses the placeholder for secret ${name}, which the stack never declares: use stack.secret("${name}") and interpolate the handle`);
      }
    }
  }
  // A password that only feeds an htpasswd hash or a login is used, though no service reads it.
  for (const secret of model.secrets) if (secret.htpasswd) used.add(secret.htpasswd.password);
  for (const login of model.logins) used.add(login.password);
  for (const secret of model.secrets) {
    if (!used.has(secret.name)) warn(secret.location, `secret ${secret.name} is declared but no service uses it`);
  }
  for (const p of model.placements) {
    if (!model.services.some((s) => s.placement === p)) warn(p.location, `placement ${p.name} is declared but no service uses it, so it is left out of the SDL`);
  }

  return { errors, warnings };
}
