/**
 * Writes a folder as an uncompressed tar (an OCI archive from a pulled layout), streaming each
 * file, with ustar headers; names over 100 bytes use the ustar prefix field (OCI blob paths are
 * 78 bytes, so they never need more).
 */
import { createReadStream, createWriteStream } from "node:fs";
import { readdir, stat } from "node:fs/promises";
import { join, relative } from "node:path";
import { once } from "node:events";

const BLOCK = 512;

export async function writeTar(dest: string, folder: string): Promise<void> {
  const out = createWriteStream(dest);
  const write = async (chunk: Buffer) => {
    if (!out.write(chunk)) await once(out, "drain");
  };
  for (const file of await listFiles(folder)) {
    const size = (await stat(file)).size;
    await write(header(relative(folder, file), size));
    for await (const chunk of createReadStream(file, { highWaterMark: 1024 * 1024 })) await write(chunk as Buffer);
    const padding = (BLOCK - (size % BLOCK)) % BLOCK;
    if (padding) await write(Buffer.alloc(padding));
  }
  await write(Buffer.alloc(2 * BLOCK));
  out.end();
  await once(out, "finish");
}

async function listFiles(folder: string): Promise<string[]> {
  const files: string[] = [];
  for (const entry of (await readdir(folder, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name))) {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) files.push(...(await listFiles(path)));
    else if (entry.isFile() && !entry.name.endsWith(".partial")) files.push(path);
  }
  return files;
}

function header(name: string, size: number): Buffer {
  const h = Buffer.alloc(BLOCK, 0);
  let prefix = "";
  let base = name;
  if (Buffer.byteLength(name) > 100) {
    const cut = name.lastIndexOf("/", 155);
    prefix = name.slice(0, cut);
    base = name.slice(cut + 1);
  }
  const octal = (value: number, digits: number) => value.toString(8).padStart(digits, "0") + "\0";
  h.write(base, 0, 100, "utf8");
  h.write(octal(0o644, 7), 100, 8, "ascii");
  h.write(octal(0, 7), 108, 8, "ascii");
  h.write(octal(0, 7), 116, 8, "ascii");
  h.write(octal(size, 11), 124, 12, "ascii");
  h.write(octal(0, 11), 136, 12, "ascii");
  h.write(" ".repeat(8), 148, 8, "ascii");
  h.write("0", 156, 1, "ascii");
  h.write("ustar\0", 257, 6, "ascii");
  h.write("00", 263, 2, "ascii");
  h.write(prefix, 345, 155, "utf8");
  let sum = 0;
  for (const byte of h) sum += byte;
  h.write(sum.toString(8).padStart(6, "0") + "\0 ", 148, 8, "ascii");
  return h;
}
