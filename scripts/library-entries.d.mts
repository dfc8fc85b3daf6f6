/** The library's entry points: output name (dist/NAME.mjs) → source file. */
export const LIBRARY_ENTRIES: Readonly<Record<string, string>>;
