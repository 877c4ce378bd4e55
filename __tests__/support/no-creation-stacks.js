/**
 * Stand-in for cdktf's tokens/private/stack-trace in unit tests: cdktf records a full stack trace
 * for every token it creates, only to explain resolution errors. Same as scripts/run-ts.js.
 */
module.exports = { captureStackTrace: () => [] };
