/**
 * Standard input for commands that accept `-` in place of a file (`lint -`, `manifest -`).
 * Read asynchronously through `process.stdin`, which works on any kind of pipe, file or terminal.
 */

/** A readable stream as `process.stdin` is one (tests pass their own). */
export type InputStream = NodeJS.ReadableStream & { isTTY?: boolean };

/**
 * Reads `input` to its end, or until it has given more than `limit` bytes (enough to know that the
 * input is over a size limit without holding all of it). A terminal gets `hint` first, so a user
 * who typed `-` by mistake knows why nothing happens.
 */
export async function readAtMost(input: InputStream, limit: number, hint: (text: string) => void): Promise<Buffer> {
  if (input.isTTY) hint("reading an SDL from standard input; end it with Ctrl-D");
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of input) {
    const bytes = typeof chunk === "string" ? Buffer.from(chunk, "utf8") : chunk;
    chunks.push(bytes);
    size += bytes.length;
    if (size > limit) break;
  }
  return Buffer.concat(chunks);
}
