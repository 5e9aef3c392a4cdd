import nextCoreWebVitals from "eslint-config-next/core-web-vitals";
import nextTypescript from "eslint-config-next/typescript";

/**
 * Every server action in the app checks who calls it first: in a "use server" file, each export must be
 * `export const name = authAction(…)` (lib/auth/core/guards/action.ts). Anything else (a bare async function, a re-export)
 * is an endpoint anyone can POST to.
 */
const serverActionsUseAuthAction = {
  meta: { type: "problem", messages: { unwrapped: "Export server actions as `export const {{name}} = authAction(…)` from @/lib/auth, so each checks its caller." } },
  create(context) {
    const isUseServer = (node) => node.body.some((statement) => statement.directive === "use server");
    return {
      Program(program) {
        if (!isUseServer(program)) return;
        for (const statement of program.body) {
          if (statement.type === "ExportDefaultDeclaration" || statement.type === "ExportAllDeclaration") {
            context.report({ node: statement, messageId: "unwrapped", data: { name: "default" } });
          } else if (statement.type === "ExportNamedDeclaration") {
            const declarators = statement.declaration?.type === "VariableDeclaration" ? statement.declaration.declarations : [];
            const names = statement.declaration?.type === "FunctionDeclaration" ? [statement.declaration] : statement.specifiers;
            for (const node of names) context.report({ node, messageId: "unwrapped", data: { name: node.id?.name ?? node.exported?.name ?? "action" } });
            for (const declarator of declarators) {
              const wrapped = declarator.init?.type === "CallExpression" && declarator.init.callee.type === "Identifier" && declarator.init.callee.name === "authAction";
              if (!wrapped) context.report({ node: declarator, messageId: "unwrapped", data: { name: declarator.id.name ?? "action" } });
            }
          }
        }
      },
    };
  },
};

const AUTH_ENTRIES = "Import auth from its entry points only: @/lib/auth, @/lib/auth/routes, @/lib/auth/operator or @/lib/auth/features/<name>.";

const config = [
  ...nextCoreWebVitals,
  ...nextTypescript,
  {
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", ignoreRestSiblings: true }],
    },
  },
  // The auth entry points: app/ and lib/data use `@/lib/auth` (app code), `@/lib/auth/routes` (the template's own
  // routes), `@/lib/auth/operator` (operator views) and `@/lib/auth/features/<name>` (an optional feature);
  // middleware.ts uses `@/lib/auth/edge`. Everything else under lib/auth is internal.
  {
    files: ["app/**", "lib/data/**"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            { regex: "^@/lib/auth/(?!(?:routes|operator|features/[a-z-]+)$)", message: AUTH_ENTRIES },
            { regex: "^\\.{1,2}/(?:.*/)?lib/auth(?:/|$)", message: AUTH_ENTRIES },
          ],
        },
      ],
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
  {
    files: ["app/**", "lib/data/**"],
    plugins: { local: { rules: { "server-actions-use-auth-action": serverActionsUseAuthAction } } },
    rules: { "local/server-actions-use-auth-action": "error" },
  },
  // Playwright fixtures receive a `use` callback that is not React's hook.
  { files: ["tests/e2e/**"], rules: { "react-hooks/rules-of-hooks": "off" } },
  { ignores: [".next/**", ".local/**", "lib/generated/**", "next-env.d.ts", "playwright-report/**", "test-results/**"] },
];

export default config;
