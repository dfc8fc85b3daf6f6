/**
 * The typed API stack files are written in. A stack is `defineStack({name, description, params,
 * build})`; `build` receives a `Stack` and declares services, who may reach them, IP endpoints,
 * placements, DNS records and secrets. Services refer to each other through the handles
 * `stack.service()` returns, so a misspelt service is a compile error, not a broken SDL.
 *
 * Every call that creates a construct records where it was made in the stack file, so synthesis
 * can report `stacks/registry.ts:42:3: …`. Mistakes TypeScript cannot see (a bad name, a value of
 * the wrong kind) are collected rather than thrown, so one synth run reports them all.
 *
 * Objects that cross from a stack file into synthesis are recognised by shape, not by class: a
 * stack file loaded at run time gets its own copy of this module, distinct from the CLI's bundle.
 */
import { callerOf, type SourceLocation } from "./location.js";
import type {
  HtpasswdSource,
  CredentialsModel,
  DnsRecordModel,
  EndpointModel,
  ExposeModel,
  GpuModel,
  HttpOptionsModel,
  PlacementModel,
  Proto,
  ServiceModel,
  StackModel,
  StorageClass,
  VolumeModel,
} from "./model.js";
import type { ParamDefaults, ParamValues } from "./params.js";
import { GENERATED_SECRET_KINDS, isSecret, makeSecret, SECRET_NAME, type GeneratedSecretKind, type Secret } from "./secrets.js";
import { gpuModelInfo, GPU_MODELS, type GpuInterface, type NvidiaGpuModel } from "../sdl/data/gpu-models.js";
import { formatSize, isSizeLike, type Size } from "./size.js";

export type { Proto, StorageClass } from "./model.js";
export type { GpuInterface, NvidiaGpuModel } from "../sdl/data/gpu-models.js";

// ---------------------------------------------------------------------------------------------
// Public props and handles
// ---------------------------------------------------------------------------------------------

/** A value in a service's environment. Secrets become `<secret:NAME>` (also inside template literals). */
export type EnvValue = string | number | boolean | Secret;

export interface VolumeProps {
  size: Size;
  /**
   * Storage class. Any class but `ram` makes the volume persistent (it survives restarts, not a
   * lease that closes or moves); `ram` is memory-backed scratch space; no class is ephemeral disk.
   * Databases want `beta3` (NVMe).
   */
  class?: StorageClass;
  /** Absolute path in the container. A persistent volume needs one. */
  mount?: string;
  readOnly?: boolean;
}

/** One GPU a provider may offer, as providers label their devices (akash-network/provider-configs). */
export interface GpuModelProps {
  /** The model, lowercase as providers advertise it: the compiler knows the list. */
  model: NvidiaGpuModel;
  /** The card's memory as providers label it (`Size.gibibytes(80)` for an 80 GB A100); omit for any. */
  memory?: Size;
  /** How the card is attached; omit for any. */
  interface?: GpuInterface;
}

export interface GpuProps {
  /** GPUs per replica: a whole number from 1 to 24 (the chain's limit). */
  units: number;
  /** The only vendor Go's SDL parser reads: any other silently becomes "any NVIDIA GPU". */
  vendor: "nvidia";
  /** Any one of these will do; omit for any NVIDIA GPU. */
  models?: readonly GpuModelProps[];
}

export interface ComputeProps {
  /** CPU cores per replica: 0.5 is half a core. Whole millicores only (0.0005 is not). */
  cpu: number;
  memory: Size;
  /** GPUs per replica, and which. */
  gpu?: GpuProps;
  storage: {
    /** The container's own (ephemeral) disk. */
    root: Size;
    /** Extra volumes by name; mount them with `mount`. */
    volumes?: Readonly<Record<string, VolumeProps>>;
  };
}

/** The most the deployment pays per block, per replica. */
export interface PriceProps {
  /** A number, or a decimal string for exact amounts ("0.5"). */
  amount: number | string;
  /** Defaults to uact, the only denom the chain accepts for new deployments since node v2.0.0. */
  denom?: string;
}

/** Credentials a provider uses to pull `image` from a private registry. */
export interface CredentialsProps {
  host: string;
  username: string | Secret;
  /** Always a secret: a literal would be written into the SDL file. */
  password: Secret;
  email?: string;
}

export interface ServiceProps {
  /** A pinned reference: `name:1.2.3` or `name@sha256:…`. */
  image: string;
  command?: readonly string[];
  args?: readonly string[];
  env?: Readonly<Record<string, EnvValue>>;
  compute: ComputeProps;
  /** Replicas; default 1. */
  count?: number;
  price: PriceProps;
  /** Where the service may run; default a placement named "akash" with no requirements. */
  placement?: Placement;
  credentials?: CredentialsProps;
  /**
   * What the service may read about its own deployment through the provider (`params.permissions`):
   * `deployment` (its leases and services) and `logs` (its services' logs), for a log shipper or a
   * dashboard running beside the app.
   */
  permissions?: { read: readonly ServicePermission[] };
}

/** A `params.permissions.read` value providers understand. */
export type ServicePermission = "deployment" | "logs";
const SERVICE_PERMISSIONS: readonly ServicePermission[] = ["deployment", "logs"];

export interface HttpOptions {
  /** At most 100 MiB on Akash's ingress. */
  maxBodySize?: Size;
  readTimeoutMs?: number;
  sendTimeoutMs?: number;
  nextTries?: number;
  nextTimeoutMs?: number;
  nextCases?: readonly string[];
}

/** Opens a port to the internet; `ip` binds it to a leased IP instead of a provider-chosen port. */
export interface ExposeProps {
  port: number;
  /** The external port; default `port`. */
  as?: number;
  proto?: Proto;
  global: true;
  ip?: IpEndpoint;
  /** Host names the provider's ingress routes to this port (global port 80 only). */
  accept?: readonly string[];
  httpOptions?: HttpOptions;
}

export interface AllowProps {
  port: number;
  as?: number;
  proto?: Proto;
}

export interface ServiceHandle {
  readonly name: string;
  /** Makes `port` reachable from the internet (or from a leased IP). */
  expose(props: ExposeProps): ServiceHandle;
  /** Lets `client` reach `port` of this service inside the deployment. Nothing else can. */
  allow(client: ServiceHandle, props: AllowProps): ServiceHandle;
}

/** A leased IP (`endpoints: {<name>: {kind: ip}}`); the address is known only after the lease. */
export interface IpEndpoint {
  readonly name: string;
}

export interface PlacementProps {
  /** Provider attributes the placement requires, e.g. `{region: "us-west"}`. */
  attributes?: Readonly<Record<string, string>>;
  /** Auditors whose signature on the provider's attributes is required. */
  signedBy?: { allOf?: readonly string[]; anyOf?: readonly string[] };
}

export interface Placement {
  readonly name: string;
}

export interface DnsZone {
  readonly zone: string;
  /** Declares `<name>.<zone> A <the leased IP of ip>`. */
  a(name: string, ip: IpEndpoint, options?: { ttl?: number }): DnsZone;
}

export type GeneratedSecretOptions =
  | { kind: Exclude<GeneratedSecretKind, "htpasswd"> }
  | { kind: "htpasswd"; username: string; password: Secret };

export interface LoginProps {
  /** The host clients log in to, e.g. `registry.example.com`. */
  host: string;
  username: string;
  password: Secret;
}

export interface Stack {
  service(name: string, props: ServiceProps): ServiceHandle;
  ipEndpoint(name: string): IpEndpoint;
  placement(name: string, props?: PlacementProps): Placement;
  /** A secret the user provides at deploy time (environment variable NAME, or a file). */
  secret(name: string): Secret;
  /**
   * A secret created on first deploy when the user gives none, then kept under `$AKASH_STACK_HOME`.
   * Kind "htpasswd" makes `<username>:<bcrypt hash>` of another secret's value (for servers that
   * check passwords against an htpasswd file, such as CNCF Distribution), so the plain password
   * never goes into the SDL; it is made again only when that value changes.
   */
  generatedSecret(name: string, options: GeneratedSecretOptions): Secret;
  /**
   * Declares a login the stack's users have (the registry's admin account): `rehearse` prints it,
   * and clients can log in with the password secret's value. The password is never in the SDL.
   */
  login(props: LoginProps): void;
  readonly dns: {
    /** The DNS zone the stack's records belong to: `stack.dns.zone("example.com").a("www", ip)`. */
    zone(zone: string): DnsZone;
  };
}

// ---------------------------------------------------------------------------------------------
// Stack definitions
// ---------------------------------------------------------------------------------------------

export const STACK_KIND = "akash-stack/stack-definition";

export interface StackProps<P extends ParamDefaults> {
  /** Lowercase; names the synthesized file (`out/<name>.sdl.yaml`). */
  name: string;
  description: string;
  /** Each parameter with its default; the default's type is the parameter's type. */
  params: P;
  build(stack: Stack, params: ParamValues<P>): void;
}

export interface StackDefinition<P extends ParamDefaults = ParamDefaults> extends StackProps<P> {
  readonly kind: typeof STACK_KIND;
  readonly definedAt: SourceLocation;
}

export function defineStack<P extends ParamDefaults>(props: StackProps<P>): StackDefinition<P> {
  return Object.freeze({ ...props, kind: STACK_KIND, definedAt: callerOf(defineStack) });
}

export function isStackDefinition(value: unknown): value is StackDefinition {
  const v = value as Partial<StackDefinition> | null;
  return typeof v === "object" && v !== null && v.kind === STACK_KIND && typeof v.build === "function" && typeof v.params === "object";
}

// ---------------------------------------------------------------------------------------------
// The builder
// ---------------------------------------------------------------------------------------------

/** The name of the placement services get when they name none. */
export const DEFAULT_PLACEMENT = "akash";

/** GPUs per replica the chain accepts (MsgCreateDeployment validation). */
const MAX_GPUS = 24;
const SERVICE_NAME = /^[a-z]([-a-z0-9]*[a-z0-9])?$/; // Go manifest: DNS-1123 label
const ENDPOINT_NAME = /^[a-z]+[-_0-9a-z]+$/; // chain-sdk schema (Go's is the same set)
/** A fully qualified host name: labels of letters, digits and dashes, at least two of them. */
const DNS_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)+$/;
const DNS_LABEL = /^(\*|@|[a-z0-9]([-a-z0-9]*[a-z0-9])?)(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const ZONE = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)+$/;

/** Creates the `Stack` a definition's `build` receives, and the model it records into. */
export function createStackBuilder(stackLocation: SourceLocation): { stack: Stack; model: StackModel } {
  const builder = new StackBuilder(stackLocation);
  return { stack: builder, model: builder.model };
}

class StackBuilder implements Stack {
  readonly model: StackModel = { services: [], placements: [], endpoints: [], dnsRecords: [], secrets: [], logins: [], problems: [] };
  private readonly serviceOf = new Map<ServiceHandle, ServiceModel>();
  private readonly endpointOf = new Map<IpEndpoint, EndpointModel>();
  private readonly placementOf = new Map<Placement, PlacementModel>();
  private readonly secretHandles = new Map<string, Secret>();

  readonly dns: Stack["dns"];

  constructor(private readonly stackLocation: SourceLocation) {
    // Plain functions, not methods: `callerOf` needs the exact function object that was called.
    const zone = (zoneName: string): DnsZone => {
      const at = callerOf(zone);
      if (!ZONE.test(zoneName)) this.problem(at, `DNS zone ${JSON.stringify(zoneName)} is not a domain name: write it lowercase, like example.com`);
      const a = (name: string, ip: IpEndpoint, options: { ttl?: number } = {}): DnsZone => {
        this.addARecord(zoneName, name, ip, options.ttl, callerOf(a));
        return handle;
      };
      const handle: DnsZone = Object.freeze({ zone: zoneName, a });
      return handle;
    };
    this.dns = Object.freeze({ zone });
  }

  service(name: string, props: ServiceProps): ServiceHandle {
    const at = callerOf(StackBuilder.prototype.service);
    if (!SERVICE_NAME.test(name)) {
      this.problem(at, `service name ${JSON.stringify(name)} is invalid: use lowercase letters, digits and dashes, starting with a letter (a DNS label)`);
    }
    if (this.model.services.some((s) => s.name === name)) this.problem(at, `service ${name} is declared twice: give each service its own name`);
    const model: ServiceModel = {
      name,
      image: this.image(props.image, name, at),
      command: this.stringList(props.command, `command of service ${name}`, at),
      args: this.stringList(props.args, `args of service ${name}`, at),
      env: this.env(props.env ?? {}, name, at),
      ...this.compute(props.compute, name, at),
      count: this.count(props.count, name, at),
      priceAmount: this.priceAmount(props.price?.amount, name, at),
      priceDenom: props.price?.denom ?? "uact",
      placement: props.placement ? this.lookup(this.placementOf, props.placement, "placement", at) ?? this.defaultPlacement() : this.defaultPlacement(),
      credentials: props.credentials ? this.credentials(props.credentials, name, at) : undefined,
      permissions: props.permissions ? this.permissions(props.permissions, name, at) : undefined,
      exposes: [],
      location: at,
    };
    this.model.services.push(model);
    const handle = new ServiceHandleImpl(name, this);
    this.serviceOf.set(handle, model);
    return handle;
  }

  ipEndpoint(name: string): IpEndpoint {
    const at = callerOf(StackBuilder.prototype.ipEndpoint);
    if (!ENDPOINT_NAME.test(name)) {
      this.problem(at, `IP endpoint name ${JSON.stringify(name)} is invalid: use at least two lowercase letters, digits, - or _, starting with a letter`);
    }
    if (this.model.endpoints.some((e) => e.name === name)) this.problem(at, `IP endpoint ${name} is declared twice: declare it once and reuse the handle`);
    const model: EndpointModel = { name, location: at };
    this.model.endpoints.push(model);
    const handle: IpEndpoint = Object.freeze({ name });
    this.endpointOf.set(handle, model);
    return handle;
  }

  placement(name: string, props: PlacementProps = {}): Placement {
    const at = callerOf(StackBuilder.prototype.placement);
    if (this.model.placements.some((p) => p.name === name)) {
      const why = name === DEFAULT_PLACEMENT ? ` (services without a placement use one named ${DEFAULT_PLACEMENT})` : "";
      this.problem(at, `placement ${name} is declared twice${why}: give it another name`);
    }
    const attributes = props.attributes ?? {};
    for (const [key, value] of Object.entries(attributes)) {
      if (typeof value !== "string") this.problem(at, `placement ${name} attribute ${key} must be a string, not ${typeof value}`);
    }
    const model: PlacementModel = {
      name,
      attributes,
      signedBy: props.signedBy ? { allOf: props.signedBy.allOf ?? [], anyOf: props.signedBy.anyOf ?? [] } : undefined,
      location: at,
    };
    return this.registerPlacement(model);
  }

  secret(name: string): Secret {
    return this.declareSecret(name, undefined, callerOf(StackBuilder.prototype.secret));
  }

  generatedSecret(name: string, options: GeneratedSecretOptions): Secret {
    const at = callerOf(StackBuilder.prototype.generatedSecret);
    if (!GENERATED_SECRET_KINDS.includes(options?.kind)) {
      this.problem(at, `generated secret ${name} has kind ${JSON.stringify(options?.kind)}: use one of ${GENERATED_SECRET_KINDS.join(", ")}`);
    }
    const handle = this.declareSecret(name, options?.kind, at);
    if (options?.kind === "htpasswd") {
      const source = this.htpasswdSource(name, options, at);
      const model = this.model.secrets.find((s) => s.name === name);
      if (source && model) model.htpasswd = source;
    }
    return handle;
  }

  login(props: LoginProps): void {
    const at = callerOf(StackBuilder.prototype.login);
    if (typeof props?.host !== "string" || !DNS_NAME.test(props.host)) this.problem(at, `login host ${JSON.stringify(props?.host)} is not a host name: use the name clients log in to, like "registry.example.com"`);
    if (typeof props?.username !== "string" || props.username === "" || props.username.includes(":")) this.problem(at, `login user name ${JSON.stringify(props?.username)} must be a non-empty string without ":"`);
    if (!isSecret(props?.password)) {
      this.problem(at, "login password must be a secret handle (stack.secret() or stack.generatedSecret()), so its value never enters the SDL");
      return;
    }
    this.model.logins.push({ host: props.host, username: props.username, password: props.password.name, location: at });
  }

  private htpasswdSource(name: string, options: { username: string; password: Secret }, at: SourceLocation): HtpasswdSource | undefined {
    let ok = true;
    if (typeof options.username !== "string" || options.username === "" || options.username.includes(":")) {
      this.problem(at, `htpasswd secret ${name} needs username: a non-empty string without ":"`);
      ok = false;
    }
    if (!isSecret(options.password)) {
      this.problem(at, `htpasswd secret ${name} needs password: the handle of the secret whose value it hashes (stack.generatedSecret("…", {kind: "password"}) or stack.secret("…"))`);
      ok = false;
    } else if (options.password.name === name) {
      this.problem(at, `htpasswd secret ${name} cannot hash itself: pass another secret as password`);
      ok = false;
    }
    return ok ? { username: options.username, password: (options.password as Secret).name } : undefined;
  }

  // --- used by handles -----------------------------------------------------------------------

  /** @internal */
  addExpose(target: ServiceHandle, props: ExposeProps, at: SourceLocation): void {
    const service = this.lookup(this.serviceOf, target, "service", at);
    if (!service) return;
    if (props.global !== true) this.problem(at, `expose() of service ${service.name} needs global: true; to let another service in, use allow()`);
    const ip = props.ip ? this.lookup(this.endpointOf, props.ip, "IP endpoint", at) : undefined;
    service.exposes.push({
      ...this.portProps(props, service.name, at),
      global: true,
      ip,
      client: undefined,
      accept: this.stringList(props.accept, `accept of service ${service.name}`, at) ?? [],
      httpOptions: props.httpOptions ? this.httpOptions(props.httpOptions, service.name, at) : undefined,
      location: at,
    });
  }

  /** @internal */
  addAllow(target: ServiceHandle, client: ServiceHandle, props: AllowProps, at: SourceLocation): void {
    const service = this.lookup(this.serviceOf, target, "service", at);
    const clientModel = this.lookup(this.serviceOf, client, "service", at);
    if (!service || !clientModel) return;
    service.exposes.push({
      ...this.portProps(props, service.name, at),
      global: false,
      ip: undefined,
      client: clientModel,
      accept: [],
      httpOptions: undefined,
      location: at,
    });
  }

  // --- helpers -------------------------------------------------------------------------------

  private problem(location: SourceLocation, message: string): void {
    this.model.problems.push({ location, message });
  }

  private lookup<H, M>(map: Map<H, M>, handle: H, what: string, at: SourceLocation): M | undefined {
    const model = map.get(handle);
    if (!model) this.problem(at, `this ${what} was not created by this stack's ${what === "IP endpoint" ? "ipEndpoint" : what}(): pass the handle it returned`);
    return model;
  }

  private defaultPlacement(): PlacementModel {
    const existing = this.model.placements.find((p) => p.name === DEFAULT_PLACEMENT);
    if (existing) return existing;
    const model: PlacementModel = { name: DEFAULT_PLACEMENT, attributes: {}, signedBy: undefined, location: this.stackLocation };
    this.registerPlacement(model);
    return model;
  }

  private registerPlacement(model: PlacementModel): Placement {
    this.model.placements.push(model);
    const handle: Placement = Object.freeze({ name: model.name });
    this.placementOf.set(handle, model);
    return handle;
  }

  private declareSecret(name: string, generated: GeneratedSecretKind | undefined, at: SourceLocation): Secret {
    if (!SECRET_NAME.test(name)) {
      this.problem(at, `secret name ${JSON.stringify(name)} is invalid: it is also the environment variable that holds the value, so use letters, digits and _`);
    }
    const earlier = this.model.secrets.find((s) => s.name === name);
    if (earlier) {
      if (earlier.generated !== generated) this.problem(at, `secret ${name} is declared twice, once generated and once not: declare it once and reuse the handle`);
      return this.secretHandles.get(name)!;
    }
    this.model.secrets.push({ name, generated, location: at });
    const handle = makeSecret(name, generated);
    this.secretHandles.set(name, handle);
    return handle;
  }

  private addARecord(zone: string, name: string, ip: IpEndpoint, ttl: number | undefined, at: SourceLocation): void {
    const endpoint = this.lookup(this.endpointOf, ip, "IP endpoint", at);
    if (!DNS_LABEL.test(name)) this.problem(at, `DNS record name ${JSON.stringify(name)} is not a host name: use lowercase labels like "www" (or "@" for the zone itself)`);
    if (this.model.dnsRecords.some((r) => r.zone === zone && r.name === name)) this.problem(at, `DNS record ${name}.${zone} is declared twice`);
    if (ttl !== undefined && !(Number.isInteger(ttl) && ttl >= 60)) this.problem(at, `DNS record ${name}.${zone} has ttl ${ttl}: use whole seconds, 60 or more`);
    if (!endpoint) return;
    const record: DnsRecordModel = { type: "A", zone, name, endpoint, ttl: ttl ?? 300, location: at };
    this.model.dnsRecords.push(record);
  }

  private image(image: unknown, service: string, at: SourceLocation): string {
    if (typeof image !== "string" || image.trim() === "") {
      this.problem(at, `service ${service} has no image: set image to a pinned reference like name:1.2.3`);
      return "";
    }
    return image;
  }

  private stringList(list: readonly unknown[] | undefined, what: string, at: SourceLocation): string[] | undefined {
    if (list === undefined) return undefined;
    if (!Array.isArray(list)) {
      this.problem(at, `${what} must be a list of strings`);
      return undefined;
    }
    return list.map((item, i) => {
      if (typeof item === "string" || isSecret(item)) return String(item);
      this.problem(at, `${what}[${i}] must be a string, not ${typeof item}`);
      return String(item);
    });
  }

  private env(env: Readonly<Record<string, EnvValue>>, service: string, at: SourceLocation): Array<[string, string]> {
    return Object.entries(env).map(([key, value]) => {
      if (typeof value === "string" || typeof value === "number" || typeof value === "boolean" || isSecret(value)) return [key, String(value)];
      this.problem(at, `env ${key} of service ${service} must be a string, number, boolean or secret, not ${value === null ? "null" : typeof value}`);
      return [key, ""];
    });
  }

  private compute(compute: ComputeProps, service: string, at: SourceLocation): Pick<ServiceModel, "cpuMillis" | "cpuCores" | "memory" | "rootStorage" | "volumes" | "gpu"> {
    const cpu = compute?.cpu;
    const millis = typeof cpu === "number" ? Math.round(cpu * 1000) : NaN;
    if (!Number.isFinite(millis) || millis <= 0 || Math.abs(cpu * 1000 - millis) > 1e-6) {
      this.problem(at, `cpu ${String(cpu)} of service ${service} is not a whole number of millicores above 0: use cores like 0.5 or 2`);
    }
    const memory = this.size(compute?.memory, `memory of service ${service}`, at);
    const rootStorage = this.size(compute?.storage?.root, `storage.root of service ${service}`, at);
    const volumes: VolumeModel[] = Object.entries(compute?.storage?.volumes ?? {}).map(([name, v]) => {
      if (name === "default") this.problem(at, `volume name "default" of service ${service} is taken by the root storage: pick another name`);
      return { name, size: this.size(v?.size, `volume ${name} of service ${service}`, at), class: v?.class, mount: v?.mount, readOnly: v?.readOnly };
    });
    const gpu = compute?.gpu === undefined ? undefined : this.gpu(compute.gpu, service, at);
    return { cpuMillis: Number.isFinite(millis) ? millis : 0, cpuCores: cpu, memory, rootStorage, volumes, gpu };
  }

  /**
   * Checks GPUs against what providers advertise (akash-network/provider-configs' gpus.json): a
   * model, memory or interface no provider labels means no bids, found only after waiting for them.
   */
  private gpu(gpu: GpuProps, service: string, at: SourceLocation): GpuModel {
    const units = gpu?.units;
    if (!(Number.isInteger(units) && units >= 1 && units <= MAX_GPUS)) {
      this.problem(at, `gpu.units ${String(units)} of service ${service} is not a whole number from 1 to ${MAX_GPUS} (GPUs per replica): drop gpu for a service without GPUs`);
    }
    if (gpu?.vendor !== "nvidia") {
      this.problem(at, `gpu.vendor ${JSON.stringify(gpu?.vendor)} of service ${service} is not supported: Go's SDL parser reads only "nvidia" and would turn any other vendor into "any NVIDIA GPU"`);
    }
    const known = [...(GPU_MODELS.nvidia ?? [])];
    const models = (gpu?.models ?? []).map((m, i) => {
      const what = `gpu.models[${i}] of service ${service}`;
      const info = gpuModelInfo("nvidia", m?.model);
      if (!info) {
        this.problem(at, `${what}: no provider advertises an NVIDIA GPU named ${JSON.stringify(m?.model)}, so there would be no bids: use a listed model, lowercase (${known.slice(0, 6).join(", ")}, …)`);
        return { model: String(m?.model), memory: undefined, interface: m?.interface };
      }
      let memory: string | undefined;
      if (m.memory !== undefined) {
        memory = isSizeLike(m.memory) ? formatSize(m.memory) : undefined;
        if (memory === undefined || !info.memory.includes(memory)) {
          this.problem(at, `${what}: providers label ${m.model} cards with ${info.memory.join(" or ")} of memory, not ${memory ?? String(m.memory)}: use one of those, or omit memory`);
        }
      }
      if (m.interface !== undefined && !info.interfaces.includes(m.interface)) {
        this.problem(at, `${what}: ${m.model} cards come with the ${info.interfaces.join(" or ")} interface, not ${JSON.stringify(m.interface)}: use one of those, or omit interface`);
      }
      return { model: m.model, memory, interface: m.interface };
    });
    return { units: Number.isInteger(units) ? units : 0, vendor: "nvidia", models };
  }

  private size(value: unknown, what: string, at: SourceLocation): { mebibytes: number } {
    if (isSizeLike(value) && Number.isInteger(value.mebibytes) && value.mebibytes > 0) return value;
    this.problem(at, `${what} must be a Size, like Size.gibibytes(1)`);
    return { mebibytes: 0 };
  }

  private count(count: number | undefined, service: string, at: SourceLocation): number {
    if (count === undefined) return 1;
    if (!Number.isInteger(count) || count < 0) {
      this.problem(at, `count ${count} of service ${service} is not a whole number of replicas`);
      return 1;
    }
    return count;
  }

  private priceAmount(amount: unknown, service: string, at: SourceLocation): string {
    if (typeof amount === "string") return amount.trim();
    if (typeof amount === "number" && Number.isFinite(amount) && amount > 0 && !String(amount).includes("e")) return String(amount);
    this.problem(at, `price amount ${String(amount)} of service ${service} must be a positive number in plain decimal notation (write very small or large amounts as a string, like "0.0001")`);
    return "0";
  }

  private credentials(c: CredentialsProps, service: string, at: SourceLocation): CredentialsModel {
    if (!isSecret(c.password)) {
      this.problem(at, `credentials.password of service ${service} must be a secret (stack.secret("NAME")), so the password never lands in the SDL file`);
    }
    return { host: c.host, username: String(c.username), password: isSecret(c.password) ? String(c.password) : "", email: c.email };
  }

  private permissions(permissions: { read: readonly ServicePermission[] }, service: string, at: SourceLocation): ServicePermission[] {
    const read = Array.isArray(permissions?.read) ? permissions.read : [];
    for (const value of read) {
      if (!SERVICE_PERMISSIONS.includes(value)) {
        this.problem(at, `permissions.read of service ${service} has ${JSON.stringify(value)}: providers understand ${SERVICE_PERMISSIONS.join(" and ")}`);
      }
    }
    if (read.length === 0) this.problem(at, `permissions.read of service ${service} is empty: list what it may read (${SERVICE_PERMISSIONS.join(", ")}), or drop permissions`);
    return [...new Set(read)];
  }

  private portProps(props: AllowProps, service: string, at: SourceLocation): Pick<ExposeModel, "port" | "as" | "proto"> {
    for (const [key, value] of [["port", props.port], ["as", props.as]] as const) {
      if (value !== undefined && !(Number.isInteger(value) && value >= 1 && value <= 65535)) {
        this.problem(at, `${key} ${value} of service ${service} is not a port number: use 1 to 65535`);
      }
    }
    const proto = props.proto ?? "tcp";
    if (proto !== "tcp" && proto !== "udp") this.problem(at, `proto ${String(proto)} of service ${service} must be "tcp" or "udp"`);
    return { port: props.port, as: props.as, proto };
  }

  private httpOptions(o: HttpOptions, service: string, at: SourceLocation): HttpOptionsModel {
    if (o.maxBodySize !== undefined && !isSizeLike(o.maxBodySize)) this.problem(at, `httpOptions.maxBodySize of service ${service} must be a Size, like Size.mebibytes(100)`);
    return { ...o };
  }
}

class ServiceHandleImpl implements ServiceHandle {
  constructor(
    readonly name: string,
    private readonly builder: StackBuilder,
  ) {}

  expose(props: ExposeProps): ServiceHandle {
    this.builder.addExpose(this, props, callerOf(ServiceHandleImpl.prototype.expose));
    return this;
  }

  allow(client: ServiceHandle, props: AllowProps): ServiceHandle {
    this.builder.addAllow(this, client, props, callerOf(ServiceHandleImpl.prototype.allow));
    return this;
  }
}
