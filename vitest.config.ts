import path from "node:path";
import { defineConfig } from "vitest/config";

const FEATURE_REMOVAL_TEST = "tests/unit/scripts/feature-remove.test.ts";
// An integration test with services of its own (Postgres from clones, on ports of its own), which need not wait its
// turn: it runs beside the others, in the unit tests' process.
const OWN_SERVICES_TEST = "tests/integration/postgres-clones.test.ts";

export default defineConfig({
  resolve: {
    alias: {
      "@": path.resolve(import.meta.dirname),
      // `server-only` throws outside React's server build; under Vitest every module is server code.
      "server-only": path.resolve(import.meta.dirname, "tests/support/empty.ts"),
    },
  },
  test: {
    // Removing each feature from a copy and typechecking it takes minutes: that test runs in the removal lane
    // (`npm test -- removal`, which sets TEST_LANE), not in every `npm test`.
    projects:
      process.env.TEST_LANE === "removal"
        ? [{ extends: true, test: { name: "removal", include: [FEATURE_REMOVAL_TEST] } }]
        : [
            { extends: true, test: { name: "unit", include: ["tests/unit/**/*.test.ts", OWN_SERVICES_TEST], exclude: [FEATURE_REMOVAL_TEST] } },
            // Integration tests import lib/auth's modules directly: the features are installed first, as an entry point does.
            // They share one database and one local UniAuth: one file at a time (`npm test` runs the unit tests beside them).
            {
              extends: true,
              test: {
                name: "integration",
                include: ["tests/integration/**/*.test.ts"],
                exclude: [OWN_SERVICES_TEST],
                setupFiles: ["tests/support/setup.ts"],
                fileParallelism: false,
              },
            },
          ],
    // Route handlers import `@/lib/auth`, and so next-auth, whose `next/server` import only a bundler resolves.
    server: { deps: { inline: ["next-auth"] } },
  },
});
