import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

// Tests sit beside their sources (`*.test.ts`). The aliases let tests and examples import the
// package by its public name, resolved to the sources.
export default defineConfig({
  resolve: {
    alias: [
      { find: /^openpower$/, replacement: fileURLToPath(new URL("./src/index.ts", import.meta.url)) },
      { find: /^openpower\/(.*)$/, replacement: fileURLToPath(new URL("./src/$1/index.ts", import.meta.url)) },
    ],
  },
  test: {
    include: ["src/**/*.test.ts", "test/**/*.test.ts", "examples/**/*.test.ts"],
    testTimeout: 20_000,
    hookTimeout: 30_000,
    pool: "forks",
    globalSetup: ["./test/global-setup.ts"],
  },
});
