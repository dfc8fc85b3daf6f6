/**
 * The program's own output (lint reports, help, usage errors), written straight to file
 * descriptors 1 and 2 with `writeSync`.
 *
 * Why not `process.stdout.write`: the first touch of `process.stdout` builds Node's stream stack
 * (a pipe or socket handle, `net`, the stream classes), about a tenth of `node -e 0`, which a cold
 * `akash-stack lint` would pay just to print. Writing synchronously also means nothing is left in
 * a buffer when the process exits. The other commands keep using `process.stdout`; this writer
 * hands a descriptor over to that stream for good should a write ever need to wait (EAGAIN, a
 * non-blocking pipe set up by the parent), so output never interleaves out of order.
 */
import { writeSync } from "node:fs";

export type StreamName = "stdout" | "stderr";

const FD: Record<StreamName, number> = { stdout: 1, stderr: 2 };
/** Streams whose descriptor returned EAGAIN once: from then on, everything goes through Node's stream. */
const handedOver = new Set<StreamName>();

/**
 * Writes `text` in full. A reader that went away (`akash-stack lint | head`) is not an error worth
 * a stack trace: the process exits with the exit code set so far, as it would after printing.
 */
export function writeOutput(stream: StreamName, text: string): void {
  if (handedOver.has(stream)) {
    process[stream].write(text);
    return;
  }
  const bytes = Buffer.from(text, "utf8");
  let offset = 0;
  while (offset < bytes.length) {
    try {
      offset += writeSync(FD[stream], bytes, offset, bytes.length - offset);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === "EAGAIN") {
        handedOver.add(stream);
        process[stream].write(bytes.subarray(offset));
        return;
      }
      if (code === "EPIPE") process.exit(process.exitCode ?? 0);
      throw err;
    }
  }
}
