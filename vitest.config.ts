import path from "node:path";
import { defineConfig } from "vitest/config";

export default defineConfig({
  resolve: {
    alias: {
      "@": path.resolve(import.meta.dirname),
      // `server-only` throws outside React's server build; under Vitest every module is server code.
      "server-only": path.resolve(import.meta.dirname, "tests/support/empty.ts"),
    },
  },
  test: {
    projects: [
      { extends: true, test: { name: "unit", include: ["tests/unit/**/*.test.ts"] } },
      // Integration tests import lib/auth's modules directly: the features are installed first, as an entry point does.
      { extends: true, test: { name: "integration", include: ["tests/integration/**/*.test.ts"], setupFiles: ["tests/support/setup.ts"] } },
    ],
    // Route handlers import `@/lib/auth`, and so next-auth, whose `next/server` import only a bundler resolves.
    server: { deps: { inline: ["next-auth"] } },
    // Integration tests share one database: run files one at a time.
    fileParallelism: false,
  },
});
