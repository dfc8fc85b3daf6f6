/**
 * What `akash-stack init` writes into a new project, as data: package.json (depending on
 * akash-stack and TypeScript), tsconfig.json, the stack, a .gitignore that keeps `.akash-stack/`
 * (generated secrets, deploy state) out of git, a GitHub Actions workflow (type check, lint,
 * `synth --check`, plan) and a short README. Pure: src/cli/init.ts reads the template and writes.
 */

/** The templates `--template` accepts; each is `templates/<name>.ts` in the package (registry: the registry stack). */
export const TEMPLATES = ["web", "postgres-app", "registry"] as const;
export type TemplateName = (typeof TEMPLATES)[number];

export function isTemplateName(name: string): name is TemplateName {
  return (TEMPLATES as readonly string[]).includes(name);
}

export interface InitInput {
  template: TemplateName;
  /** The npm package name of the new project (from its folder's name). */
  projectName: string;
  /** The template's stack file, importing from "akash-stack". */
  stackSource: string;
  /** This akash-stack's version: the project depends on it. */
  akashStackVersion: string;
  /** The TypeScript version the project gets (the one akash-stack is built and tested with). */
  typescriptVersion: string;
}

export interface ProjectFile {
  /** Relative to the project folder, with `/`. */
  path: string;
  content: string;
}

export function initFiles(input: InitInput): ProjectFile[] {
  const stack = input.template;
  return [
    { path: "package.json", content: packageJson(input) },
    { path: "tsconfig.json", content: TSCONFIG },
    { path: `stacks/${stack}.ts`, content: input.stackSource },
    { path: ".gitignore", content: GITIGNORE },
    { path: ".github/workflows/akash-stack.yml", content: workflow(stack) },
    { path: "README.md", content: readme(input.projectName, stack) },
  ];
}

/** A valid npm package name from a folder name: lowercase, URL-safe, not starting with . or _. */
export function packageNameFor(folderName: string): string {
  const cleaned = folderName
    .toLowerCase()
    .replace(/[^a-z0-9-._~]+/g, "-")
    .replace(/^[-._]+|-+$/g, "");
  return cleaned === "" ? "akash-project" : cleaned.slice(0, 214);
}

function packageJson(input: InitInput): string {
  const stack = input.template;
  const manifest = {
    name: input.projectName,
    version: "0.0.0",
    private: true,
    type: "module",
    scripts: {
      synth: `akash-stack synth ${stack}`,
      check: `tsc --noEmit && akash-stack synth ${stack} --check && akash-stack lint out/`,
      plan: `akash-stack plan ${stack} --network mainnet`,
      deploy: `akash-stack deploy ${stack} --network mainnet`,
    },
    devDependencies: {
      "akash-stack": `^${input.akashStackVersion}`,
      typescript: input.typescriptVersion,
    },
  };
  return `${JSON.stringify(manifest, null, 2)}\n`;
}

// JSON with comments, which tsc reads. `types: []` keeps the type check that synth runs fast (about
// half a second; @types/node would add about one more): add "node" there, and @types/node to the
// devDependencies, when a stack uses Node's APIs such as process.env.
const TSCONFIG = `{
  "compilerOptions": {
    "target": "ES2022",
    "module": "NodeNext",
    "moduleResolution": "NodeNext",
    "lib": ["ES2023"],
    // Add "node" (and npm install --save-dev @types/node) when a stack uses Node's APIs;
    // it makes the type check that synth runs about a second slower.
    "types": [],
    "strict": true,
    "skipLibCheck": true,
    "noEmit": true
  },
  "include": ["stacks"]
}
`;

const GITIGNORE = `node_modules/
# Generated secrets and deploy state: never commit them.
.akash-stack/
out/*.tmp
`;

function workflow(stack: string): string {
  return `# Checks the stack on every push and pull request: types, the committed SDL in out/ is what the
# stack synthesizes (run \`npx akash-stack synth ${stack}\` and commit when it is not), the SDL lints clean,
# and what a deploy would change on mainnet. The plan needs no key; with the AKASH_MNEMONIC secret
# set it also checks the wallet's balances.
name: akash-stack
on:
  push:
  pull_request:
jobs:
  check:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-node@v4
        with:
          node-version: 22
          cache: npm
      - run: npm ci
      - run: npx tsc --noEmit
      - run: npx akash-stack synth ${stack} --check
      - run: npx akash-stack lint --format github out/
      - name: plan (exit 2 means "changes", which is fine here)
        env:
          AKASH_MNEMONIC: \${{ secrets.AKASH_MNEMONIC }}
        run: |
          status=0
          npx akash-stack plan ${stack} --network mainnet || status=$?
          test "$status" -ne 1
`;
}

function readme(projectName: string, stack: string): string {
  return `# ${projectName}

An [Akash Network](https://akash.network) deployment written as a typed stack with
[akash-stack](https://www.npmjs.com/package/akash-stack).

\`\`\`sh
npm install
npx akash-stack synth ${stack}                      # stacks/${stack}.ts -> out/${stack}.sdl.yaml (type-checked, linted)
npx akash-stack plan ${stack} --network mainnet     # what a deploy would do, and what it costs
AKASH_MNEMONIC=... npx akash-stack deploy ${stack} --network mainnet
npx akash-stack status ${stack} --network mainnet
\`\`\`

Commit \`out/${stack}.sdl.yaml\`: CI (\`.github/workflows/akash-stack.yml\`) checks that it matches the stack.
Rehearse offline first: \`npx akash-stack devnet\` in one terminal, then \`--network local\`.
`;
}
