import nextCoreWebVitals from "eslint-config-next/core-web-vitals";
import nextTypescript from "eslint-config-next/typescript";

const config = [
  ...nextCoreWebVitals,
  ...nextTypescript,
  {
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", ignoreRestSiblings: true }],
    },
  },
  // One public auth module: app/ and lib/data use `@/lib/auth`, middleware.ts its edge entry; the rest is internal.
  {
    files: ["app/**", "lib/data/**"],
    rules: {
      "no-restricted-imports": ["error", { patterns: [{ group: ["@/lib/auth/*", "**/lib/auth/*"], message: "Import auth from @/lib/auth only." }] }],
    },
  },
  {
    files: ["middleware.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          paths: [{ name: "@/lib/auth", message: "middleware.ts runs on the edge: import from @/lib/auth/edge only." }],
          patterns: [{ group: ["@/lib/auth/*", "**/lib/auth/*", "!@/lib/auth/edge"], message: "middleware.ts runs on the edge: import from @/lib/auth/edge only." }],
        },
      ],
    },
  },
  // Playwright fixtures receive a `use` callback that is not React's hook.
  { files: ["tests/e2e/**"], rules: { "react-hooks/rules-of-hooks": "off" } },
  { ignores: [".next/**", ".local/**", "lib/generated/**", "next-env.d.ts", "playwright-report/**", "test-results/**"] },
];

export default config;
