// Writes dist/THIRD-PARTY-NOTICES.txt: the name, version, license and license text of every package
// whose code the build bundled into dist/ (their licenses, MIT and the like, ask that the notice
// travel with the code; the package installs none of them). Called by scripts/build.mjs with the
// input files of every bundle (esbuild metafiles), so the list follows what is really bundled.
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { isAbsolute, join, resolve, sep } from "node:path";

/** `inputs`: the bundles' input paths, as esbuild reports them (relative to `root`, or absolute). */
export function writeThirdPartyNotices(root, inputs, outputFile) {
  const packages = new Map();
  for (const input of inputs) {
    const path = isAbsolute(input) ? input : resolve(root, input.replace(/^[a-z-]+:/, ""));
    const parts = path.split(sep);
    const at = parts.lastIndexOf("node_modules");
    if (at < 0) continue;
    const depth = parts[at + 1]?.startsWith("@") ? 2 : 1;
    const dir = parts.slice(0, at + 1 + depth).join(sep);
    if (!packages.has(dir) && existsSync(join(dir, "package.json"))) packages.set(dir, JSON.parse(readFileSync(join(dir, "package.json"), "utf8")));
  }
  const entries = [...packages.entries()].sort(([, a], [, b]) => `${a.name}@${a.version}`.localeCompare(`${b.name}@${b.version}`));
  const sections = entries.map(([dir, manifest]) => {
    const licenseFile = readdirSync(dir).find((f) => /^(licen[cs]e|copying)(\.|-|$)/i.test(f));
    const text = licenseFile ? readFileSync(join(dir, licenseFile), "utf8").trim() : `(no license file in the package; package.json says ${JSON.stringify(manifest.license ?? "nothing")})`;
    return `${manifest.name}@${manifest.version} (${typeof manifest.license === "string" ? manifest.license : "see below"})\n\n${text}\n`;
  });
  const header =
    "akash-stack bundles code from the packages below into dist/. Their licenses and notices follow.\n" +
    `${entries.length} packages.\n\n`;
  writeFileSync(outputFile, header + sections.join(`\n${"-".repeat(78)}\n\n`));
  return entries.length;
}
