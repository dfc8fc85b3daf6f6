#!/usr/bin/env node
// Reads Stryker's JSON report (reports/mutation/mutation.json), prints each core module's
// mutation score as a Markdown table (the one in README.md), and exits 1 naming every module under
// 80%. Stryker's own `thresholds.break` applies to the whole run only, so one well-tested module
// could hide a poorly tested one.
//
// A module is one entry of stryker.config.mjs's `mutate` list: a file, a folder's files (a glob),
// or a line range of a file. Score as Stryker computes it: (killed + timeout) / (killed + timeout
// + survived + no coverage); mutants that do not compile, those disabled in the source as
// equivalent (with the reason beside them), and static ones (stryker.config.mjs says why) do not
// count, and the table shows how many of the last two there are.
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

export const FLOOR = 80;

const root = join(dirname(fileURLToPath(import.meta.url)), "..");

/** The module a `mutate` entry names, and whether a mutant of `file` at `line` belongs to it. */
export function moduleOf(entry) {
  const range = /^(.*):(\d+)-(\d+)$/.exec(entry);
  if (range) {
    const [, file, from, to] = range;
    return { name: `${file} (lines ${from}–${to})`, owns: (f, line) => f === file && line >= Number(from) && line <= Number(to) };
  }
  if (entry.endsWith("/*.ts")) {
    const dir = entry.slice(0, -"*.ts".length);
    return { name: dir, owns: (f) => f.startsWith(dir) && !f.slice(dir.length).includes("/") };
  }
  return { name: entry, owns: (f) => f === entry };
}

/** Counts per module; `files` is the report's `files` (path relative to the project → mutants). */
export function scoreModules(entries, files) {
  const modules = entries.map((entry) => ({ ...moduleOf(entry), killed: 0, survived: 0, timeout: 0, noCoverage: 0, disabled: 0, static: 0 }));
  for (const [file, { mutants }] of Object.entries(files)) {
    for (const mutant of mutants) {
      const module = modules.find((m) => m.owns(file, mutant.location.start.line));
      if (!module) continue;
      if (mutant.status === "Killed") module.killed++;
      else if (mutant.status === "Survived") module.survived++;
      else if (mutant.status === "Timeout") module.timeout++;
      else if (mutant.status === "NoCoverage") module.noCoverage++;
      else if (mutant.status === "Ignored") module[mutant.statusReason?.startsWith("Static mutant") ? "static" : "disabled"]++;
    }
  }
  return modules.map(({ owns: _owns, ...m }) => ({ ...m, score: score(m) }));
}

/** Percent detected of the valid mutants; undefined when there are none. */
export function score({ killed, survived, timeout, noCoverage }) {
  const valid = killed + survived + timeout + noCoverage;
  return valid === 0 ? undefined : (100 * (killed + timeout)) / valid;
}

export function table(rows) {
  const keys = ["killed", "survived", "timeout", "noCoverage", "disabled", "static"];
  const total = Object.fromEntries(keys.map((k) => [k, rows.reduce((sum, r) => sum + r[k], 0)]));
  const line = (name, r, s) => `| ${name} | ${keys.map((k) => r[k]).join(" | ")} | ${s === undefined ? "n/a" : `${s.toFixed(2)}%`} |`;
  return [
    "| module | killed | survived | timeout | no coverage | equivalent (disabled) | static (not run) | score |",
    "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ...rows.map((r) => line(`\`${r.name}\``, r, r.score)),
    line("**all**", total, score(total)),
  ].join("\n");
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const { MUTATE } = await import(pathToFileURL(join(root, "stryker.config.mjs")).href);
  const reportPath = join(root, "reports", "mutation", "mutation.json");
  const report = JSON.parse(readFileSync(reportPath, "utf8"));
  const rows = scoreModules(MUTATE, report.files);
  process.stdout.write(`${table(rows)}\n`);
  const low = rows.filter((r) => r.score !== undefined && r.score < FLOOR);
  for (const r of low) process.stderr.write(`mutation score of ${r.name} is ${r.score.toFixed(2)}%, under ${FLOOR}%\n`);
  process.exit(low.length > 0 ? 1 : 0);
}
