/**
 * Sizes of memory and storage. Units are types, not strings: `Size.gibibytes(6)` cannot be
 * misspelt as `6GB` (which Go's SDL parser rejects) or `6gb` (which chain-sdk reads as decimal
 * gigabytes). Synthesis prints a size in the one form every Akash parser agrees on (sdl-rules §9):
 * `<int>Gi` when it is a whole number of GiB, else `<int>Mi`.
 */

const MIB_PER_GIB = 1024;
const MIB_PER_TIB = 1024 * 1024;
const BYTES_PER_MIB = 1024 * 1024;

export class Size {
  /**
   * The size in whole mebibytes. Public and plain so a `Size` made by one copy of this module
   * (a stack file loaded at run time) reads the same in another (the bundled CLI).
   */
  readonly mebibytes: number;

  private constructor(mebibytes: number, asWritten: string) {
    if (!Number.isFinite(mebibytes) || mebibytes <= 0) {
      throw new RangeError(`Size ${asWritten} is not a positive size: use a number above 0`);
    }
    if (!Number.isInteger(mebibytes)) {
      throw new RangeError(`Size ${asWritten} is not a whole number of mebibytes: round it, or use Size.mebibytes(${Math.ceil(mebibytes)})`);
    }
    this.mebibytes = mebibytes;
  }

  /** `n` MiB (2^20 bytes each). */
  static mebibytes(n: number): Size {
    return new Size(n, `Size.mebibytes(${n})`);
  }

  /** `n` GiB (2^30 bytes each); fractions are fine as long as they are whole MiB (1.5 GiB). */
  static gibibytes(n: number): Size {
    return new Size(n * MIB_PER_GIB, `Size.gibibytes(${n})`);
  }

  /** `n` TiB (2^40 bytes each). */
  static tebibytes(n: number): Size {
    return new Size(n * MIB_PER_TIB, `Size.tebibytes(${n})`);
  }

  toBytes(): number {
    return this.mebibytes * BYTES_PER_MIB;
  }

  /** The SDL spelling: `512Mi`, `6Gi`, `1024Gi`. */
  toString(): string {
    return formatSize(this);
  }
}

/** Anything with whole mebibytes: a `Size` from this or another copy of this module. */
export interface SizeLike {
  readonly mebibytes: number;
}

export function isSizeLike(value: unknown): value is SizeLike {
  return typeof value === "object" && value !== null && typeof (value as SizeLike).mebibytes === "number";
}

/** The canonical SDL form: Gi when that keeps the number whole, else Mi (never Ti: one spelling per size). */
export function formatSize(size: SizeLike): string {
  const mib = size.mebibytes;
  if (mib % MIB_PER_GIB === 0) return `${mib / MIB_PER_GIB}Gi`;
  return `${mib}Mi`;
}
