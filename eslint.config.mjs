import js from "@eslint/js";
import tseslint from "typescript-eslint";

const DEEP_IMPORTS_ONLY = 'Deep imports only: import from "@cdktf/provider-aws/lib/<resource>".';
const barrelImports = {
  paths: [{ name: "@cdktf/provider-aws", message: DEEP_IMPORTS_ONLY }],
  patterns: [{ regex: "^@cdktf/provider-aws/lib(/index(\\.js)?)?/?$", message: DEEP_IMPORTS_ONLY }],
};

export default tseslint.config(
  { ignores: ["node_modules/", "cdktf.out/", "plans/", ".gen/", "coverage/", ".tools/"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: { process: "readonly", console: "readonly", require: "readonly", module: "writable", __dirname: "readonly" },
    },
    rules: {
      // The barrel loads ~2000 modules (about 2.9 s and 520 MB per process, `npm run bench`): import lib/<resource> instead.
      "no-restricted-imports": ["error", barrelImports],
      "@typescript-eslint/no-require-imports": "off",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_" }],
    },
  },
  {
    // What ships (the app, its stacks and config, the ops commands) never depends on the tests or their harness.
    files: ["main.ts", "config/**", "stacks/**", "scripts/**"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          paths: barrelImports.paths,
          patterns: [
            ...barrelImports.patterns,
            { regex: "(^|/)__tests__(/|$)", message: "Shipped code must not import the tests or their harness (__tests__/)." },
          ],
        },
      ],
    },
  },
);
