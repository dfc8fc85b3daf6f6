/**
 * Reading members of an uncompressed tar file in place: `docker save` tarballs and OCI archives
 * are indexed (name → offset and size) by reading only the 512-byte headers, and members are read
 * from the file at their offsets, so a multi-GiB archive is never extracted or held in memory.
 * Understands ustar names with a prefix, GNU long names (`L`) and PAX `path=` records.
 */
import { open } from "node:fs/promises";

export interface TarMember {
  name: string;
  /** Where the content starts in the file. */
  offset: number;
  size: number;
}

export class TarError extends Error {
  override readonly name = "TarError";
}

const BLOCK = 512;

export async function indexTar(path: string): Promise<Map<string, TarMember>> {
  const members = new Map<string, TarMember>();
  const handle = await open(path, "r");
  try {
    const { size: fileSize } = await handle.stat();
    let position = 0;
    let longName: string | undefined;
    const header = Buffer.alloc(BLOCK);
    while (position + BLOCK <= fileSize) {
      const { bytesRead } = await handle.read(header, 0, BLOCK, position);
      if (bytesRead < BLOCK) break;
      if (header.every((b) => b === 0)) break;
      if (!validChecksum(header)) throw new TarError(`${path} is not an uncompressed tar file (bad header checksum at byte ${position}); a .tar.gz must be gunzipped first`);
      const size = parseSize(header.subarray(124, 136));
      const type = String.fromCharCode(header[156] ?? 0);
      const contentOffset = position + BLOCK;
      if (type === "L" || type === "x") {
        const content = Buffer.alloc(size);
        await handle.read(content, 0, size, contentOffset);
        longName = type === "L" ? content.toString("utf8").replace(/\0.*$/s, "") : paxPath(content.toString("utf8")) ?? longName;
      } else {
        const name = longName ?? ustarName(header);
        longName = undefined;
        if (type === "0" || type === "\0" || type === "7") members.set(normalize(name), { name: normalize(name), offset: contentOffset, size });
      }
      position = contentOffset + Math.ceil(size / BLOCK) * BLOCK;
    }
  } finally {
    await handle.close();
  }
  if (members.size === 0) throw new TarError(`${path} holds no files: is it a tar archive?`);
  return members;
}

export async function readRegion(path: string, offset: number, length: number): Promise<Uint8Array> {
  const handle = await open(path, "r");
  try {
    const buffer = Buffer.allocUnsafe(length);
    let done = 0;
    while (done < length) {
      const { bytesRead } = await handle.read(buffer, done, length - done, offset + done);
      if (bytesRead === 0) throw new TarError(`${path} ended at byte ${offset + done}, before the ${length} bytes expected there: the file is truncated`);
      done += bytesRead;
    }
    return buffer;
  } finally {
    await handle.close();
  }
}

function normalize(name: string): string {
  return name.replace(/^\.\//, "").replace(/^\/+/, "");
}

function ustarName(header: Buffer): string {
  const field = (start: number, length: number) => header.subarray(start, start + length).toString("utf8").replace(/\0.*$/s, "");
  const name = field(0, 100);
  const magic = field(257, 6);
  const prefix = magic.startsWith("ustar") ? field(345, 155) : "";
  return prefix ? `${prefix}/${name}` : name;
}

function parseSize(field: Buffer): number {
  // GNU base-256 for sizes over 8 GiB: the high bit of the first byte is set.
  if ((field[0]! & 0x80) !== 0) {
    let value = 0;
    for (let i = 1; i < field.length; i++) value = value * 256 + field[i]!;
    return value;
  }
  const text = field.toString("ascii").replace(/[\0 ]+.*$/s, "").trim();
  return text === "" ? 0 : parseInt(text, 8);
}

function validChecksum(header: Buffer): boolean {
  const stored = parseInt(header.subarray(148, 156).toString("ascii").replace(/\0.*$/s, "").trim(), 8);
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 32 : header[i]!;
  return sum === stored;
}

function paxPath(records: string): string | undefined {
  for (const line of records.split("\n")) {
    const match = /^\d+ path=(.*)$/.exec(line);
    if (match) return match[1];
  }
  return undefined;
}
