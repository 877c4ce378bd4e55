/**
 * The order jest starts test files in. Each real-Terraform suite that changes infrastructure is a long
 * chain of Terraform runs that starts once the shared set-up has prepared its copy; the longest chain
 * decides when `npm test` ends, so those start first, longest first (measured: the two fault suites,
 * the ops workflow, the walkthrough, drift), and the unit files and short
 * suites fill the other workers. Without this, jest orders a fresh clone (no timing cache) by file size.
 */
const { basename } = require("node:path");
const Sequencer = require("@jest/test-sequencer").default;

const LONGEST_FIRST = [
  "faults.test.ts",
  "faults-persist-interval.test.ts",
  "ops-workflow.test.ts",
  "prod-walkthrough.test.ts",
  "drift.test.ts",
  "ci-apply-changes.test.ts",
  "validate-and-deploy.test.ts",
];
const rank = (test) => {
  const i = LONGEST_FIRST.indexOf(basename(test.path));
  return i === -1 ? LONGEST_FIRST.length : i;
};

class LongestChainsFirst extends Sequencer {
  sort(tests) {
    // Array.prototype.sort is stable: within a rank, jest's own order (failed first, then slowest) stays.
    return [...super.sort(tests)].sort((a, b) => rank(a) - rank(b));
  }
}

module.exports = LongestChainsFirst;
