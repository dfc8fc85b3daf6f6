/**
 * `akash-stack init [DIR] [--template web|postgres-app|registry]`: a new project that uses
 * akash-stack, like `cdk init` or `pulumi new`. Works offline: the templates ship in the package
 * (dist/templates, written by scripts/build.mjs). It writes files and installs nothing; it says
 * what to run next. Exit codes: 0 written, 1 a file could not be written, 2 usage errors (unknown
 * template, a folder that is not empty).
 */
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import { basename, dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { initFiles, isTemplateName, packageNameFor, TEMPLATES } from "../init/files.js";
import { shortPath } from "../stack/load.js";

export interface InitFlags {
  template?: string;
}

export interface InitIo {
  cwd: string;
  write(stream: "stdout" | "stderr", text: string): void;
}

const EXIT_OK = 0;
const EXIT_FAILED = 1;
const EXIT_USAGE = 2;
const PREFIX = "akash-stack init:";

/** Files a fresh clone may already hold: `git clone` of an empty repository, an editor's folder. */
const ALLOWED_EXISTING = new Set([".git", ".gitattributes", "LICENSE", ".idea", ".vscode"]);

const defaultIo = (): InitIo => ({ cwd: process.cwd(), write: (stream, text) => void (stream === "stdout" ? process.stdout : process.stderr).write(text) });

export async function runInit(dir: string | undefined, flags: InitFlags, io: InitIo = defaultIo()): Promise<number> {
  const template = flags.template ?? "web";
  if (!isTemplateName(template)) {
    io.write("stderr", `${PREFIX} there is no template ${JSON.stringify(template)}: use --template ${TEMPLATES.join(", ")}\n`);
    return EXIT_USAGE;
  }
  const target = resolve(io.cwd, dir ?? ".");
  const shown = dir === undefined || target === io.cwd ? "this folder" : shortPath(target, io.cwd);
  if (existsSync(target)) {
    let present: string[];
    try {
      present = readdirSync(target).filter((name) => !ALLOWED_EXISTING.has(name));
    } catch {
      io.write("stderr", `${PREFIX} ${shortPath(target, io.cwd)} is not a folder: name a new or empty folder\n`);
      return EXIT_USAGE;
    }
    if (present.length > 0) {
      const listed = present.slice(0, 5).join(", ") + (present.length > 5 ? ", …" : "");
      io.write("stderr", `${PREFIX} ${shown} is not empty (${listed}): init starts a new project, so name a new or empty folder (akash-stack init my-project)\n`);
      return EXIT_USAGE;
    }
  }

  const own = ownPackage();
  const templateFile = join(own.root, "dist", "templates", `${template}.ts`);
  if (!existsSync(templateFile)) {
    io.write("stderr", `${PREFIX} ${templateFile} is missing: this akash-stack was not built completely; reinstall it (npm install akash-stack)\n`);
    return EXIT_FAILED;
  }
  const files = initFiles({
    template,
    projectName: packageNameFor(basename(target)),
    stackSource: readFileSync(templateFile, "utf8"),
    akashStackVersion: own.version,
    typescriptVersion: own.typescriptVersion,
  });
  try {
    for (const file of files) {
      const path = join(target, ...file.path.split("/"));
      await mkdir(dirname(path), { recursive: true });
      await writeFile(path, file.content, { flag: "wx" });
    }
  } catch (err) {
    io.write("stderr", `${PREFIX} could not write the project in ${shortPath(target, io.cwd)}: ${err instanceof Error ? err.message : String(err)}\n`);
    return EXIT_FAILED;
  }
  const cd = target === io.cwd ? "" : `cd ${shortPath(target, io.cwd)} && `;
  io.write(
    "stdout",
    [
      `created a ${template} project in ${shown}:`,
      ...files.map((f) => `  ${f.path}`),
      "next:",
      `  ${cd}npm install`,
      `  npx akash-stack synth ${template}                    # type-check, synthesize and lint: out/${template}.sdl.yaml`,
      `  npx akash-stack plan ${template} --network mainnet   # what a deploy would do and cost`,
      "",
    ].join("\n"),
  );
  return EXIT_OK;
}

/** This package's folder, version and the TypeScript it is built with (its package.json). */
function ownPackage(): { root: string; version: string; typescriptVersion: string } {
  for (let dir = dirname(fileURLToPath(import.meta.url)); dirname(dir) !== dir; dir = dirname(dir)) {
    const manifest = join(dir, "package.json");
    if (!existsSync(manifest)) continue;
    const parsed = JSON.parse(readFileSync(manifest, "utf8")) as { name?: string; version?: string; devDependencies?: Record<string, string> };
    if (parsed.name !== "akash-stack") continue;
    return { root: dir, version: parsed.version ?? "0.0.0", typescriptVersion: parsed.devDependencies?.typescript ?? "^5.9.0" };
  }
  throw new Error("cannot find akash-stack's own package.json above its code");
}
