// The library's entry points: the package's `exports` (other than the CLI), each built by
// scripts/build.mjs to dist/NAME.mjs from its source, with declarations in dist/types/ (written by
// scripts/build-types.mjs). One list, so the build, the declarations and the check that
// package.json's `exports` match (test/library-exports.test.ts) cannot drift apart.
export const LIBRARY_ENTRIES = {
  // `akash-stack`: everything a stack file touches (defineStack, Size, handles, secrets, params),
  // and synthesis for code that drives stacks itself.
  index: "src/index.ts",
  // `akash-stack/sdl`: lint SDL text or files, build the manifest a provider receives and its hash.
  sdl: "src/sdl/public.ts",
  // `akash-stack/devnet`: the local Akash network, for users' own tests.
  devnet: "src/devnet/public.ts",
  // `akash-stack/ipfs`: self-hosted IPFS storage for apps deployed next to the registry stack.
  ipfs: "src/ipfs/index.ts",
};
