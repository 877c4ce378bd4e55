/**
 * Preloaded into a benchmarked process (`node --require`): writes its peak resident set size in
 * kilobytes to $BENCH_MAX_RSS_FILE when it exits. Portable, unlike /usr/bin/time.
 */
"use strict";
const { writeFileSync } = require("node:fs");

process.on("exit", () => {
  if (process.env.BENCH_MAX_RSS_FILE) writeFileSync(process.env.BENCH_MAX_RSS_FILE, String(process.resourceUsage().maxRSS));
});
