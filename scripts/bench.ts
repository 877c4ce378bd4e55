/**
 * `npm run bench`: speed and memory of what developers and CI run most, against the targets.
 *
 *   synth (all stacks)     median wall of `npm run synth`'s command  target <= 0.6 s, <= 150 MB peak
 *   unit suite             median wall of `npm run test:unit`         target <= 10 s
 *   N generated envs       synth of 1 / 10 / 100 environments         target 100 in <= 3 s, linear growth
 *   barrel import          one `require("@cdktf/provider-aws")`       reference: what deep imports avoid
 *
 * Every measurement runs in a fresh process in a temp output dir; the repo's cdktf.out is untouched.
 * Options: --runs N (default 7 for synth, 3 for the rest), --check (exit 1 when a target is missed).
 * Plan and drift on the emulator are timed by `npm run bench:ops` (__tests__/real-terraform/bench-ops.ts),
 * which runs on the real-Terraform suites' harness.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

import { booleanOption, helpText, parseCommand, stringOption, usageLine, type CommandSpec } from "./lib/cli/args";
import { EXIT } from "./lib/cli/exit-codes";

const spec: CommandSpec = {
  name: "bench",
  summary: "Speed and memory of synth and the unit suite against their targets (plan and drift: npm run bench:ops).",
  positionals: [],
  options: {
    runs: stringOption("measurements per figure (default: 7 for synth, 3 for the rest)"),
    check: booleanOption("exit 1 when a target is missed"),
  },
};

const ROOT = resolve(__dirname, "..");
const RSS_HOOK = join(ROOT, "scripts", "bench", "report-max-rss.js");
const parsed = parseCommand(spec, process.argv.slice(2));
if (parsed.kind === "help") {
  process.stdout.write(helpText(spec));
  process.exit(EXIT.OK);
}
if (parsed.kind === "error" || (parsed.values.runs !== undefined && !(Number(parsed.values.runs) >= 1))) {
  process.stderr.write(`bench: ${parsed.kind === "error" ? parsed.message : "--runs must be a number >= 1"}\nUsage: ${usageLine(spec)}\n`);
  process.exit(EXIT.USAGE);
}
const RUNS = parsed.values.runs === undefined ? undefined : Number(parsed.values.runs);
const CHECK = parsed.values.check === true;
interface Sample {
  wallMs: number;
  peakMb: number;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Runs `node <nodeArgs>` once, in a temp CDKTF_OUTDIR, and returns wall time and peak RSS. */
function measureNode(nodeArgs: string[]): Sample {
  const dir = mkdtempSync(join(tmpdir(), "taskflow-bench-"));
  try {
    const rssFile = join(dir, "max-rss");
    const started = process.hrtime.bigint();
    const result = spawnSync(process.execPath, ["--require", RSS_HOOK, ...nodeArgs], {
      cwd: ROOT,
      encoding: "utf8",
      env: { ...process.env, CDKTF_OUTDIR: join(dir, "out"), BENCH_MAX_RSS_FILE: rssFile },
    });
    const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
    if (result.status !== 0) throw new Error(`node ${nodeArgs.join(" ")} failed:\n${result.stderr}`);
    return { wallMs, peakMb: Number(readFileSync(rssFile, "utf8")) / 1024 };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function repeat(runs: number, measure: () => Sample): Sample {
  const samples = Array.from({ length: runs }, measure);
  return { wallMs: median(samples.map((s) => s.wallMs)), peakMb: Math.max(...samples.map((s) => s.peakMb)) };
}

function measureCommand(command: string, commandArgs: string[]): Sample {
  const started = process.hrtime.bigint();
  const result = spawnSync(command, commandArgs, { cwd: ROOT, encoding: "utf8", env: { ...process.env, CI: "1" } });
  if (result.status !== 0) throw new Error(`${command} ${commandArgs.join(" ")} failed:\n${result.stdout}\n${result.stderr}`);
  return { wallMs: Number(process.hrtime.bigint() - started) / 1e6, peakMb: Number.NaN };
}

interface Row {
  what: string;
  runs: number;
  sample: Sample;
  target: string;
  met?: boolean;
}

const rows: Row[] = [];
const synthRuns = RUNS ?? 7;
const otherRuns = RUNS ?? 3;

process.stdout.write("measuring synth of all stacks...\n");
const synth = repeat(synthRuns, () => measureNode(["scripts/run-ts.js", "main.ts"]));
rows.push({
  what: "npm run synth (all stacks)",
  runs: synthRuns,
  sample: synth,
  target: "<= 600 ms, <= 150 MB",
  met: synth.wallMs <= 600 && synth.peakMb <= 150,
});

process.stdout.write("measuring the barrel import for reference...\n");
const barrel = repeat(otherRuns, () => measureNode(["-e", 'require("@cdktf/provider-aws")']));
rows.push({ what: 'require("@cdktf/provider-aws") alone (barrel)', runs: otherRuns, sample: barrel, target: "reference" });

process.stdout.write("measuring the unit suite...\n");
const unit = repeat(otherRuns, () =>
  measureCommand(process.execPath, [join(ROOT, "node_modules", "jest", "bin", "jest.js"), "--selectProjects", "unit", "--silent"]),
);
rows.push({ what: "npm run test:unit", runs: otherRuns, sample: unit, target: "<= 10 s", met: unit.wallMs <= 10_000 });

const growth: { n: number; sample: Sample }[] = [];
for (const n of [1, 10, 100]) {
  process.stdout.write(`measuring synth of ${n} generated environment(s)...\n`);
  const sample = repeat(otherRuns, () => measureNode(["scripts/run-ts.js", "scripts/bench/synth-generated.ts", String(n)]));
  growth.push({ n, sample });
  rows.push({
    what: `synth of ${n} generated environment${n === 1 ? "" : "s"} (env + state stacks)`,
    runs: otherRuns,
    sample,
    target: n === 100 ? "<= 3 s" : "",
    met: n === 100 ? sample.wallMs <= 3000 : undefined,
  });
}

const fmtMs = (ms: number) => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(0)} ms`);
const fmtMb = (mb: number) => (Number.isNaN(mb) ? "-" : `${mb.toFixed(0)} MB`);
process.stdout.write("\n| measurement | runs | median wall | peak memory | target | met |\n|---|---|---|---|---|---|\n");
for (const r of rows) {
  process.stdout.write(
    `| ${r.what} | ${r.runs} | ${fmtMs(r.sample.wallMs)} | ${fmtMb(r.sample.peakMb)} | ${r.target} | ${r.met === undefined ? "" : r.met ? "yes" : "NO"} |\n`,
  );
}

// Growth: the marginal cost per environment between N=10 and N=100 should match the one between 1 and 10.
const [one, ten, hundred] = growth.map((g) => g.sample.wallMs);
const perEnvLow = (ten - one) / 9;
const perEnvHigh = (hundred - ten) / 90;
process.stdout.write(
  `\nmarginal cost per environment: ${perEnvLow.toFixed(1)} ms (1->10), ${perEnvHigh.toFixed(1)} ms (10->100); ` +
    `fixed start-up ~${fmtMs(one - perEnvLow)}. Linear growth means these two stay close.\n`,
);
process.stdout.write(
  `synth speed-up over the barrel import alone: ${(barrel.wallMs / synth.wallMs).toFixed(1)}x faster, ${(barrel.peakMb / synth.peakMb).toFixed(1)}x less memory\n`,
);

const missed = rows.filter((r) => r.met === false);
if (missed.length) {
  process.stdout.write(`\ntargets missed: ${missed.map((r) => r.what).join("; ")}\n`);
  if (CHECK) process.exitCode = 1;
}
