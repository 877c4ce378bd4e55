/**
 * Stand-in for `archiver` in unit tests: cdktf loads it at start-up (~60 ms per test file) for
 * zip assets, which this project never creates. Fails loudly if anything ever calls it.
 */
module.exports = () => {
  throw new Error("archiver is stubbed in unit tests (jest.config.js): this project creates no zip assets");
};
