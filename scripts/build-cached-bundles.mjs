#!/usr/bin/env node
// Writes the bundles that the CLI loads with a V8 code cache (src/sdl/cached-script.ts says why),
// each as NAME.cjs plus NAME.cache in the folder of the CLI's chunks:
//
//   cli-front.cjs    src/cli/front.ts: the program (commander, every command's options), `lint`,
//                    `manifest` and the lint engine (the SDL engine, js-yaml, the schema
//                    validator), loaded by dist/cli.js (src/cli/main.ts);
//   yaml-vendor.cjs  the `yaml` package: the engine's slow parse path, synthesis and filling secrets
//                    (src/sdl/yaml-vendor.ts);
//   chain-vendor.cjs src/chain/cosmos/vendor-entry.ts: chain-sdk, cosmjs and noble as the chain
//                    commands use them (plan, deploy, status, close, deposit). The CLI bundle
//                    imports it through the module scripts/build.mjs puts in vendor-entry's place.
//
// Each bundle is one function expression `(function (module, exports, require, __filename) {…})`,
// so the loader compiles exactly the file's text and V8 accepts the cache made here from it. The
// cache is made after a warm-up run, so it holds every function that run compiled (V8 compiles
// functions lazily, on first call), not just the top level. Called by scripts/build.mjs.
import { build } from "esbuild";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { Script } from "node:vm";

const require = createRequire(import.meta.url);

/** The options parseYaml passes to the `yaml` package (src/sdl/yaml.ts), so the warm-up runs the same code. */
const YAML_PARSE_OPTIONS = { schema: "core", uniqueKeys: false, prettyErrors: false, strict: false };

/** Texts that take the `yaml` package path in practice: syntax errors, tags, anchors, flow and block styles. */
const YAML_WARM_UP = [
  "--\nversion: '2.0'\nservices:\n  web:\n    image: nginx\n",
  'version: "2.0"\nservices:\n  web:\n    image: "nginx\n  continued"\n    env:\n      - A=1\n',
  "a: &x {b: [1, 2.5, true, null, ~], 'c': \"d\\n\"}\ne: *x\nf: !!str 3\ng: |\n  text\nh: >-\n  folded\n---\nsecond: doc\n",
  "a: b: c\n- d\n  [unclosed\n",
];

/**
 * SDLs for the engine's warm-up: valid 2.0 and 2.1 files using most fields, and files full of
 * mistakes (Go decoding, chain, manifest, provider, advice and schema findings), so that most of
 * the engine's functions are compiled when the cache is made. A function the warm-up misses is
 * simply compiled on first use, as without a cache.
 */
const ENGINE_WARM_UP = {
  "valid-2.0.yaml": `---
version: "2.0"
services:
  web:
    image: nginx:1.27.3
    command:
      - sh
      - -c
    args: ["echo ok"]
    env:
      - MODE=production
      - "QUOTED=yes"
    expose:
      - port: 80
        as: 80
        accept:
          - www.example.com
        http_options:
          max_body_size: 1048576
          next_cases: [error, timeout]
        to:
          - global: true
      - port: 5432
        proto: tcp
        to:
          - service: db
    params:
      storage:
        data:
          mount: /var/lib/data
          readOnly: false
  db:
    image: postgres:16
    expose:
      - port: 5432
        to:
          - service: web
profiles:
  compute:
    web:
      resources:
        cpu:
          units: 0.5
        memory:
          size: 512Mi
        storage:
          - size: 1Gi
          - name: data
            size: 10Gi
            attributes:
              persistent: true
              class: beta3
        gpu:
          units: 1
          attributes:
            vendor:
              nvidia:
                - model: a100
                  ram: 80Gi
                  interface: pcie
    db:
      resources:
        cpu:
          units: "1000m"
        memory:
          size: 1Gi
        storage:
          size: 5Gi
  placement:
    dcloud:
      attributes:
        region: us-west
      signedBy:
        anyOf:
          - akash1365yvmc4s7awdyj3n2sav7xfx76adc6dnmlx63
      pricing:
        web:
          denom: uact
          amount: 1000
        db:
          denom: uact
          amount: 100
deployment:
  web:
    dcloud:
      profile: web
      count: 2
  db:
    dcloud:
      profile: db
      count: 1
`,
  "valid-2.1.yaml": `version: "2.1"
services:
  app:
    image: ghcr.io/example/app@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef
    credentials:
      host: ghcr.io
      username: user
      password: secret
    expose:
      - port: 8080
        as: 80
        accept: [app.example.com]
        to:
          - global: true
            ip: myendpoint
    params:
      tee: cpu
endpoints:
  myendpoint:
    kind: ip
profiles:
  compute:
    app:
      resources:
        cpu: {units: 2}
        memory: {size: 2Gi}
        storage: {size: 4Gi}
  placement:
    global:
      pricing:
        app: {denom: uact, amount: 2500.5}
deployment:
  app:
    global:
      profile: app
      count: 3
reclamation:
  window: 1h
`,
  "mistakes.yaml": `version: "2.0"
unknown: 1
services:
  Web_App:
    image: nginx:latest
    env:
      - 1BAD=x
    expose:
      - port: 70000
        as: 99999
        proto: sctp
        accept:
          - "*.example.com"
          - "Bad Host"
        http_options:
          max_body_size: 999999999
          next_cases: [off, bogus]
        to:
          - global: true
      - port: 2375
        to:
          - global: true
    params:
      storage:
        missing:
          mount: relative/path
  idle:
    image: ""
    expose: {port: 80}
profiles:
  compute:
    Web_App:
      resources:
        cpu:
          units: 0
        memory:
          size: 10Ti
        storage:
          - size: 1Ki
            attributes:
              persistent: maybe
              class: ram
              extra: 1
          - size: 1Gi
          - size: 1Gi
          - size: 1Gi
          - size: 1Gi
        gpu:
          units: 30
          attributes:
            vendor:
              nvidia:
                - model: RTX-4090-24GB
    idle:
      resources:
        cpu:
          units: [1]
  placement:
    a:
      pricing:
        Web_App:
          denom: uakt
          amount: 99999999999
        idle:
          denom: "1bad"
          amount: -1
    b:
      pricing:
        idle:
          denom: ibc/27394FB092D2ECCD56123C74F36E4C1F926001CEADA9CA97EA622B25F41E5EB2
          amount: 1
deployment:
  Web_App:
    a:
      profile: Web_App
      count: 60
    b:
      profile: nowhere
      count: 1
  idle:
    a:
      profile: idle
      count: 0
  ghost:
    a:
      profile: idle
      count: 1
`,
  "anchors.yaml": `version: "2.0"
services:
  web: &svc
    image: nginx:1.27
    expose:
      - port: 80
        to:
          - global: true
  web2: *svc
profiles:
  compute:
    web: &res
      resources:
        cpu: {units: 1}
        memory: {size: 1Gi}
        storage: {size: 1Gi}
    web2: *res
  placement:
    dc:
      pricing:
        web: {denom: uact, amount: 1}
        web2: {denom: uact, amount: 1}
deployment:
  web: {dc: {profile: web, count: 1}}
  web2: {dc: {profile: web2, count: 1}}
`,
  "broken.yaml": "--\nversion: '2.0'\nservices:\n  web:\n    image: nginx\n",
  "not-a-version.yaml": "version: 3.x\nservices: {}\nprofiles: {}\ndeployment: {}\n",
};

/** Bundles `entry` as CommonJS wrapped in the loader's function expression. */
async function wrappedBundle(entry, options = {}) {
  return (await wrappedBundleWithMetafile(entry, options)).source;
}

/** Every file these bundles were made from, for the third-party notices (scripts/third-party-notices.mjs). */
export const bundledInputs = new Set();

async function wrappedBundleWithMetafile(entry, options = {}) {
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    format: "cjs",
    platform: "node",
    target: "node20",
    minify: true,
    keepNames: true,
    write: false,
    logLevel: "warning",
    ...options,
    metafile: true,
  });
  for (const input of Object.keys(result.metafile.inputs)) bundledInputs.add(input);
  return { source: `(function (module, exports, require, __filename) {${result.outputFiles[0].text}\n})`, metafile: result.metafile };
}

/**
 * Makes the bundle's `node:NAME` a stand-in whose functions `functions` load the real module on
 * first call, for a built-in module the bundle needs late or never. For child_process: commander
 * requires it at load time, only for git-style executable subcommands we never use, and loading it
 * (with net, dgram and friends) costs a cold `akash-stack lint` about a fifth of `node -e 0`. For
 * crypto (an eighth of `node -e 0`): only `manifest` hashes, and only at its end. A function the
 * bundle uses but `functions` does not list is undefined, which the warm-up run would show.
 */
export function lazyBuiltin(name, functions) {
  return {
    name: `lazy-${name}`,
    setup(build) {
      // the stand-in's own `require` is the real module
      build.onResolve({ filter: new RegExp(`^(node:)?${name}$`) }, (args) =>
        args.namespace === "lazy-builtin" ? { path: `node:${name}`, external: true } : { path: name, namespace: "lazy-builtin" },
      );
      build.onLoad({ filter: new RegExp(`^${name}$`), namespace: "lazy-builtin" }, () => ({
        contents: [
          "let loaded;",
          `const load = () => (loaded ??= require("node:${name}"));`,
          ...functions.map((fn) => `export const ${fn} = (...args) => load().${fn}(...args);`),
        ].join("\n"),
        loader: "js",
      }));
    },
  };
}

/**
 * Every cold lint reads the front bundle. One character beyond ASCII makes Node decode the whole
 * file into a two-byte string (twice the memory, a slower decode). esbuild escapes such characters
 * in strings but not in regular expression literals, so write them as `\u` escapes in the source.
 */
function assertAscii(source, name) {
  const at = source.search(/[^\x00-\x7f]/);
  if (at === -1) return;
  const context = source.slice(Math.max(0, at - 40), at + 20).replace(/\s+/g, " ");
  throw new Error(`${name} has a non-ASCII character at offset ${at} ("…${context}…"): write it as a \\u escape in the source it comes from`);
}

/** Writes `source` to `file`, evaluates it as the loader does, and returns the script and its exports. */
function writeAndEvaluate(file, source) {
  writeFileSync(file, source);
  // The same location-independent name as the loader (scriptNameOf in src/sdl/cached-script.ts):
  // V8 keeps it in the cache, and traces would otherwise show this build's folder on every install.
  const script = new Script(source, { filename: `akash-stack/dist/chunks/${basename(file)}` });
  const module = { exports: {} };
  script.runInThisContext()(module, module.exports, createRequire(file), file);
  return { script, exports: module.exports };
}

function writeCache(file, script) {
  writeFileSync(file.replace(/\.cjs$/, ".cache"), script.createCachedData());
}

/**
 * Writes both bundles and their caches into `folder` (dist/chunks, where the CLI's code that loads
 * them lives). `root` is the project root.
 */
export async function buildCachedBundles(folder, root) {
  // The yaml package first: the front bundle's warm-up loads it from beside itself.
  const yamlFile = join(folder, "yaml-vendor.cjs");
  const yaml = writeAndEvaluate(yamlFile, await wrappedBundle(require.resolve("yaml")));
  for (const text of YAML_WARM_UP) {
    for (const doc of yaml.exports.parseAllDocuments(text, YAML_PARSE_OPTIONS)) yaml.exports.visit(doc, () => undefined);
  }
  // What synthesis (src/stack/synth.ts emitYaml) and filling secrets (src/stack/secrets.ts) do.
  const sdl = yaml.exports.parse(ENGINE_WARM_UP["valid-2.0.yaml"]);
  const synthesized = new yaml.exports.Document(sdl);
  const version = synthesized.get("version", true);
  if (yaml.exports.isScalar(version)) version.type = "QUOTE_DOUBLE";
  synthesized.commentBefore = " warm-up";
  const text = synthesized.toString({ lineWidth: 0 });
  const filled = yaml.exports.parseDocument(text);
  yaml.exports.visit(filled, { Scalar: (_key, node) => void (typeof node.value === "string" && (node.value = `${node.value}: "quoted" #`)) });
  filled.toString({ lineWidth: 0 });
  writeCache(yamlFile, yaml.script);

  await buildCliFront(folder, root);
}

/**
 * The front bundle, `cli-front.cjs` (src/cli/front.ts): the program with commander and every
 * command's options, `lint` with its output formats, `manifest`, and the lint engine (the SDL
 * engine, js-yaml, the schema validator), which dist/cli.js loads (src/cli/main.ts). The warm-up
 * lints SDLs full of mistakes in each output format and on both networks, and shows help and a
 * usage error, with the program's output swallowed, so that nearly every function a lint runs is
 * in the cache. `manifest` is left out of it: what only it runs would be in every lint's cache, and
 * lint's cold start is the tighter goal; it compiles those few functions on first use.
 */
async function buildCliFront(folder, root) {
  // The engine reads `import.meta.url` (to find yaml-vendor.cjs); in CommonJS it is this file's URL.
  const frontFile = join(folder, "cli-front.cjs");
  const source = await wrappedBundle(join(root, "src", "cli", "front.ts"), {
    define: { "import.meta.url": "__bundleUrl" },
    banner: { js: 'const __bundleUrl = require("node:url").pathToFileURL(__filename).href;' },
    plugins: [lazyBuiltin("child_process", ["spawn"]), lazyBuiltin("crypto", ["createHash"])],
  });
  assertAscii(source, "cli-front.cjs");
  const front = writeAndEvaluate(frontFile, source);
  const samples = mkdtempSync(join(tmpdir(), "akash-stack-warm-up-"));
  const exitCode = process.exitCode;
  try {
    for (const [name, text] of Object.entries(ENGINE_WARM_UP)) writeFileSync(join(samples, name), text);
    const noCommands = () => Promise.reject(new Error("the warm-up runs only lint"));
    const swallow = () => undefined;
    const run = (...args) => front.exports.runCli(["node", "akash-stack", ...args], noCommands, swallow);
    for (const format of ["text", "json", "sarif", "github"]) await run("lint", samples, "--format", format, "--ignore", "image-unpinned");
    await run("lint", samples, "--network", "sandbox", "--max-warnings", "0");
    await run("lint", "--help");
    await run("lint", "--format", "xml");
  } finally {
    process.exitCode = exitCode;
    rmSync(samples, { recursive: true, force: true });
  }
  writeCache(frontFile, front.script);
}

/** The BIP-39 test vector's mnemonic: the warm-up derives a key the way src/chain/cosmos/keys.ts does. */
const WARM_UP_MNEMONIC = "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about";

/**
 * Writes `chain-vendor.cjs` and its cache into `folder` and returns the names it exports (the
 * module that replaces vendor-entry.ts in the CLI bundle re-exports exactly these).
 *
 * The warm-up runs what a deploy runs before and between its network calls, offline: key
 * derivation, both wallets, every message the deployer encodes, a signed transaction (cosmjs'
 * signing client, offline), a provider JWT, and the query client's set-up.
 * What needs a chain (queries, simulate, broadcast) compiles on first use, as without a cache.
 */
export async function buildChainVendor(folder, root) {
  const file = join(folder, "chain-vendor.cjs");
  const { source, metafile } = await wrappedBundleWithMetafile(join(root, "src", "chain", "cosmos", "vendor-entry.ts"), {
    plugins: [oneNobleCurves()],
  });
  const curves = Object.keys(metafile.inputs).filter((path) => /@noble\/curves\/(esm\/)?secp256k1\.js$/.test(path));
  if (curves.length !== 1) throw new Error(`chain-vendor.cjs must hold one copy of noble's secp256k1 (the one cosmjs signs with), not ${curves.length}: ${curves.join(", ")}`);
  const vendor = writeAndEvaluate(file, source);
  await warmUpChainVendor(vendor.exports);
  writeCache(file, vendor.script);
  return Object.keys(vendor.exports).filter((name) => name !== "__esModule");
}

/**
 * cosmjs `require`s @noble/curves, so it gets the package's CommonJS build; an `import` of it (our
 * vendor-entry.ts) would get the ES build, a second copy with its own precomputed tables. Both are
 * resolved the `require` way here, so src/chain/cosmos/keys.ts tunes the copy cosmjs signs with.
 */
function oneNobleCurves() {
  const skip = Symbol("resolving");
  return {
    name: "one-noble-curves",
    setup(build) {
      build.onResolve({ filter: /^@noble\/curves(\/|$)/ }, async (args) => {
        if (args.kind !== "import-statement" || args.pluginData?.[skip]) return undefined;
        const resolved = await build.resolve(args.path, { kind: "require-call", importer: args.importer, resolveDir: args.resolveDir, pluginData: { [skip]: true } });
        return resolved.errors.length > 0 ? undefined : { path: resolved.path, sideEffects: resolved.sideEffects };
      });
    },
  };
}

async function warmUpChainVendor(v) {
  const seed = await v.Bip39.mnemonicToSeed(new v.EnglishMnemonic(WARM_UP_MNEMONIC));
  const { privkey } = v.Slip10.derivePath(v.Slip10Curve.Secp256k1, seed, v.stringToPath("m/44'/118'/0'/0/0"));
  const direct = await v.DirectSecp256k1Wallet.fromKey(privkey, "akash");
  const amino = await v.Secp256k1Wallet.fromKey(privkey, "akash");
  const [{ address }] = await direct.getAccounts();

  const resource = { val: new TextEncoder().encode("1000") };
  const group = {
    name: "dcloud",
    requirements: { signedBy: { allOf: [], anyOf: [] }, attributes: [{ key: "region", value: "us-west" }] },
    resources: [
      {
        resource: {
          id: 1,
          cpu: { units: resource, attributes: [] },
          memory: { quantity: resource, attributes: [] },
          storage: [{ name: "default", quantity: resource, attributes: [] }],
          gpu: { units: { val: new TextEncoder().encode("0") }, attributes: [] },
          endpoints: [{ kind: 0, sequenceNumber: 0 }],
        },
        count: 1,
        price: { denom: "uact", amount: "1000.5" },
      },
    ],
  };
  const dseq = "12345";
  const messages = [
    [v.MsgCreateDeployment, { id: { owner: address, dseq }, groups: [group], hash: new Uint8Array(32), deposit: { amount: { denom: "uact", amount: "500000" }, sources: [v.Source.balance] } }],
    [v.MsgUpdateDeployment, { id: { owner: address, dseq }, hash: new Uint8Array(32) }],
    [v.MsgCloseDeployment, { id: { owner: address, dseq } }],
    [v.MsgCreateLease, { bidId: { owner: address, dseq, gseq: 1, oseq: 1, provider: address, bseq: 0 } }],
    [v.MsgAccountDeposit, { signer: address, id: { scope: v.Scope.deployment, xid: `${address}/${dseq}` }, deposit: { amount: { denom: "uact", amount: "1" }, sources: [v.Source.balance] } }],
    [v.MsgMintACT, { owner: address, to: address, coinsToBurn: { denom: "uakt", amount: "1" } }],
  ].map(([codec, value]) => ({ typeUrl: `/${codec.$type}`, value: codec.fromPartial(value) }));
  const builtInTypes = [v.MsgCreateDeployment, v.MsgUpdateDeployment, v.MsgCloseDeployment, v.MsgCreateLease, v.MsgAccountDeposit, v.MsgMintACT].map((codec) =>
    Object.assign(Object.create(codec), { typeUrl: `/${codec.$type}` }),
  );
  // Signing with explicit account data needs no chain: the same cosmjs code signs at run time.
  const registry = new v.Registry(builtInTypes.map((type) => [type.typeUrl, type]));
  const signing = await v.SigningStargateClient.offline(direct, { registry });
  const fee = { amount: [{ denom: "uakt", amount: "5000" }], gas: "200000" };
  for (const message of messages) {
    const raw = await signing.sign(address, [message], fee, "akash-stack", { accountNumber: 1, sequence: 1, chainId: "warm-up" });
    v.TxRaw.encode(v.TxRaw.fromPartial(raw)).finish();
  }
  signing.disconnect();

  const now = Math.floor(Date.now() / 1000);
  await new v.JwtTokenManager(amino).generateToken({
    version: "v1",
    iss: address,
    iat: now,
    nbf: now,
    exp: now + 60,
    leases: { access: "granular", permissions: [{ provider: address, access: "scoped", scope: ["send-manifest"] }] },
  });
  v.createChainNodeSDK({ query: { baseUrl: "http://127.0.0.1:9", transportOptions: { retry: { maxAttempts: 3, maxDelayMs: 2000 }, defaultTimeoutMs: 15_000 } } });
}
