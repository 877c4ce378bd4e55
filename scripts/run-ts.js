#!/usr/bin/env node
/**
 * Runs a TypeScript entry point fast: each of the project's .ts files is transpiled by swc (the
 * same transform jest uses) when it is required. Types are stripped, not checked: that is
 * `npm run typecheck`, once. Packages load from node_modules as plain JavaScript. A full synth
 * takes ~0.5 s here; with `node --import tsx` it took ~0.7 s, with ts-node several seconds.
 * Nothing is written to disk, and each file keeps its own __dirname, so scripts behave as under tsc.
 *
 * Usage: node scripts/run-ts.js <entry.ts> [args...]
 * Set TASKFLOW_DEBUG=1 for TypeScript line numbers in stack traces and plain cdktf: its token
 * creation stacks in resolution errors and archiver loaded at start-up (slower). The two shortcuts
 * replace cdktf internals: __tests__/cdktf-internals.test.ts fails if those move or if the JSON
 * differs with and without them.
 */
"use strict";
// swc's native binding: ~25 ms to load, well under 1 ms per file. (esbuild's synchronous API
// runs through a worker thread and cost ~100 ms per synth here.)
const { transformSync } = require("@swc/core");
const { readFileSync } = require("node:fs");
const Module = require("node:module");
const path = require("node:path");

const debug = Boolean(process.env.TASKFLOW_DEBUG);
if (debug) process.setSourceMapsEnabled(true);

// Module._extensions is what require() consults; registering .ts also makes "./x" resolve to x.ts.
Module._extensions[".ts"] = (module, filename) => {
  const { code } = transformSync(readFileSync(filename, "utf8"), {
    filename,
    swcrc: false,
    jsc: { parser: { syntax: "typescript" }, target: "es2022" },
    module: { type: "commonjs" },
    sourceMaps: debug ? "inline" : false,
  });
  module._compile(code, filename);
};

// cdktf's index loads archiver (~60 ms, a tenth of a synth) for zip assets, which this project
// never creates: load it on first use instead of at start-up.
const load = Module._load;
// cdktf records a full stack trace for every token it creates (~25 % of a large synth), used only
// to say where a token came from when one fails to resolve. Off by default (the synthesized JSON
// is byte-identical either way); TASKFLOW_DEBUG=1 keeps them.
const noCreationStacks = { captureStackTrace: () => [] };
Module._load = function (request, parent, isMain) {
  if (!debug && request.endsWith("/stack-trace") && parent?.filename.includes(`${path.sep}cdktf${path.sep}lib${path.sep}`)) {
    return noCreationStacks;
  }
  if (debug || request !== "archiver") return load.apply(this, arguments);
  let archiver;
  const real = () => (archiver ??= load.call(this, request, parent, isMain));
  return new Proxy(function archiverOnDemand() {}, {
    apply: (_target, thisArg, args) => Reflect.apply(real(), thisArg, args),
    get: (_target, key) => Reflect.get(real(), key),
  });
};

if (!process.argv[2]) {
  process.stderr.write("usage: node scripts/run-ts.js <entry.ts> [args...]\n");
  process.exit(64);
}
// The entry becomes the main module (require.main === module), with its own arguments after it.
process.argv.splice(1, 2, path.resolve(process.argv[2]));
Module.runMain();
