/**
 * Tests run through @swc/jest: it strips types without checking them (that is `npm run typecheck`,
 * once), which keeps each test file's start-up in milliseconds instead of seconds.
 * Real-Terraform suites (__tests__/real-terraform) are two separate projects, the fault suites and the
 * rest: `npm run test:unit` skips both.
 */
const transform = {
  "^.+\\.ts$": ["@swc/jest", { jsc: { parser: { syntax: "typescript" }, target: "es2022" }, module: { type: "commonjs" } }],
};
const common = {
  transform,
  testEnvironment: "node",
  setupFilesAfterEnv: ["<rootDir>/__tests__/support/setup-jest.ts"],
  // Start-up and token costs cdktf pays for features we do not use (scripts/run-ts.js does the same):
  // see the two stand-ins for why.
  moduleNameMapper: {
    "^archiver$": "<rootDir>/__tests__/support/archiver-unused.js",
    "^(\\.{1,2}/)+(tokens/)?(private/)?stack-trace$": "<rootDir>/__tests__/support/no-creation-stacks.js",
  },
};

/**
 * One emulator and one deployment of every environment for all real-Terraform suites, in both projects
 * below (__tests__/real-terraform/README.md). Jest runs a global set-up file once per run, however many
 * projects name it, and only when a test of one of them runs.
 */
const realTerraform = {
  ...common,
  globalSetup: "<rootDir>/__tests__/real-terraform/global-setup.ts",
  globalTeardown: "<rootDir>/__tests__/real-terraform/global-teardown.ts",
};
const FAULT_SUITES = "<rootDir>/__tests__/real-terraform/faults";

module.exports = {
  // Jest's default on 2 cores is 1 worker. The real-Terraform suites spend their first minutes waiting
  // for the shared set-up (which runs in jest's main process) and then run Terraform, one command at a
  // time: the six long ones each get a worker from the start (test-sequencer.js), and one more worker
  // runs the unit files and the short suites meanwhile. The machine's two cores are the limit, not
  // the workers: one more long chain (eight workers) made every Terraform run slower and the whole
  // run longer (689 s against 637 s; __tests__/real-terraform/README.md, "Timings").
  maxWorkers: 7,
  testSequencer: "<rootDir>/__tests__/support/test-sequencer.js",
  projects: [
    {
      ...common,
      displayName: "unit",
      // Synthesizes the shipped app once per run and removes every folder the tests' cdktf apps write
      // (__tests__/support/synth.ts).
      globalSetup: "<rootDir>/__tests__/support/unit-global-setup.ts",
      globalTeardown: "<rootDir>/__tests__/support/unit-global-teardown.ts",
      testMatch: ["<rootDir>/__tests__/**/*.test.ts"],
      testPathIgnorePatterns: ["/node_modules/", "<rootDir>/__tests__/real-terraform/"],
    },
    {
      ...realTerraform,
      displayName: "real-terraform",
      testMatch: ["<rootDir>/__tests__/real-terraform/**/*.test.ts"],
      testPathIgnorePatterns: ["/node_modules/", FAULT_SUITES],
    },
    {
      // The fault suites (killed applies, lost state, the API cut) in a project of their own, so they
      // can be run and timed on their own (`npm run test:faults`); `npm test` runs them with the rest.
      ...realTerraform,
      displayName: "faults",
      testMatch: [`${FAULT_SUITES}*.test.ts`],
    },
  ],
};
