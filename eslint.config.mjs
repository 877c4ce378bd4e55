import js from "@eslint/js";
import tseslint from "typescript-eslint";

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
      "no-restricted-imports": [
        "error",
        {
          paths: [{ name: "@cdktf/provider-aws", message: 'Deep imports only: import from "@cdktf/provider-aws/lib/<resource>".' }],
          patterns: [
            {
              regex: "^@cdktf/provider-aws/lib(/index(\\.js)?)?/?$",
              message: 'Deep imports only: import from "@cdktf/provider-aws/lib/<resource>".',
            },
          ],
        },
      ],
      "@typescript-eslint/no-require-imports": "off",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_" }],
    },
  },
);
