export interface Packed {
  tarball: string;
  /** The tarball's size in bytes. */
  size: number;
  unpackedSize: number;
  /** Paths inside the package. */
  files: string[];
}
export function packTarball(root: string, destination: string): Packed;
export function npmInstall(dir: string, specs: readonly string[], options?: { saveDev?: boolean }): number;
export function folderBytes(dir: string, seen?: Set<string>): number;
