/**
 * `npm run bench:ops [-- --runs N]`: how long `npm run plan` and `npm run drift` take next to `cdktf diff`
 * and a bare `terraform plan -out` of the same stack, on the emulator with dev deployed once.
 * Uses this folder's harness (its own emulator with this project's extensions, the provider
 * mirror, a temp working copy), so the repository's cdktf.out and plans/ are untouched.
 *
 * The four commands run round-robin (plan, drift, cdktf diff, terraform plan, then again), so load
 * from other work on the machine spreads over all of them; one warm-up round is not counted
 * (the first plan runs init). The machine's load average is printed before and after.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { loadEnvironments, type EnvironmentConfig } from "../../config";
import { helpText, parseCommand, stringOption, usageLine, type CommandSpec } from "../../scripts/lib/cli/args";
import { EXIT } from "../../scripts/lib/cli/exit-codes";
import { awsEnvFor } from "./support/aws";
import { startMoto } from "./support/moto";
import { describeRun, run, type RunResult } from "./support/run";
import { terraformSetup } from "./support/terraform-env";
import { makeWorkingCopy } from "./support/workdir";

export interface OpsTiming {
  readonly what: string;
  readonly samplesMs: readonly number[];
}

const median = (xs: readonly number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const load = () => execFileSync("uptime", { encoding: "utf8" }).trim();

/** cdktf-cli's entry script (what `npx cdktf` runs). */
function cdktfBin(): string {
  const pkgFile = require.resolve("cdktf-cli/package.json");
  return join(dirname(pkgFile), (require(pkgFile) as { bin: { cdktf: string } }).bin.cdktf);
}

export async function benchOps(runs: number, log: (text: string) => void): Promise<OpsTiming[]> {
  const dev = loadEnvironments().find((e) => e.name === "dev") as EnvironmentConfig;
  const copy = makeWorkingCopy("bench-ops");
  const setup = await terraformSetup(copy.root);
  // Authorization off: these timings stay comparable from run to run (the suites check authorization).
  const moto = await startMoto({ authz: "off" });
  const scratch = mkdtempSync(join(tmpdir(), "taskflow-bench-plan-"));
  try {
    const aws = await awsEnvFor(moto, dev.accountId, dev.region);
    const env = { ...setup.env, ...aws };
    const exec = async (label: string, command: string, args: string[], ok: readonly number[] = [0]): Promise<RunResult> => {
      const r = await run(command, args, { cwd: copy.project, env, label, timeoutMs: 600_000 });
      if (r.code === null || !ok.includes(r.code)) throw new Error(`${label} failed:\n${describeRun(r)}`);
      return r;
    };
    const npmRun = (script: string, args: string[], ok?: readonly number[]) =>
      exec(`npm run ${script} -- ${args.join(" ")}`, process.execPath, ["scripts/run-ts.js", `scripts/${script}.ts`, ...args], ok);

    log("deploying dev on the emulator (state-dev, then dev)...\n");
    await exec("synth", process.execPath, ["scripts/run-ts.js", "main.ts"]);
    await npmRun("deploy", ["state-dev"]);
    await npmRun("deploy", ["dev"]);

    const commands: { what: string; go: () => Promise<RunResult> }[] = [
      { what: "npm run plan -- dev", go: () => npmRun("plan", ["dev"]) },
      // 2 and 5 are findings, not failures (the emulator gaps can show as drift).
      { what: "npm run drift -- dev", go: () => npmRun("drift", ["dev"], [0, 2, 5]) },
      { what: "npx cdktf diff dev", go: () => exec("cdktf diff", process.execPath, [cdktfBin(), "diff", "dev"]) },
      {
        what: "terraform plan -out (bare, initialised)",
        go: () =>
          exec("terraform plan", "terraform", [
            `-chdir=${copy.stackDir("dev")}`,
            "plan",
            "-input=false",
            `-out=${join(scratch, "tfplan")}`,
          ]),
      },
    ];
    log(`load before: ${load()}\n`);
    const samples = new Map(commands.map((c) => [c.what, [] as number[]]));
    for (let round = 0; round <= runs; round++) {
      for (const c of commands) {
        const r = await c.go();
        if (round > 0) samples.get(c.what)?.push(r.ms);
        log(`  ${round === 0 ? "warm-up" : `round ${round}`}: ${c.what} ${(r.ms / 1000).toFixed(1)} s\n`);
      }
    }
    log(`load after: ${load()}\n`);
    return commands.map((c) => ({ what: c.what, samplesMs: samples.get(c.what) ?? [] }));
  } finally {
    await moto.stop();
    copy.remove();
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** The comparison as a table: median and range of each command, and its ratio to the bare plan. */
export function opsTable(timings: readonly OpsTiming[]): string {
  const bare = median(timings.find((t) => t.what.startsWith("terraform plan"))?.samplesMs ?? [Number.NaN]);
  const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
  return [
    "| command | runs | median | min – max | × bare terraform plan |",
    "|---|---|---|---|---|",
    ...timings.map((t) => {
      const m = median(t.samplesMs);
      return `| ${t.what} | ${t.samplesMs.length} | ${s(m)} | ${s(Math.min(...t.samplesMs))} – ${s(Math.max(...t.samplesMs))} | ${(m / bare).toFixed(2)} |`;
    }),
  ].join("\n");
}

const spec: CommandSpec = {
  name: "bench:ops",
  summary: "Times npm run plan / npm run drift / cdktf diff / bare terraform plan of dev on the emulator.",
  positionals: [],
  options: { runs: stringOption("counted rounds after one warm-up round (default 5)") },
};

if (require.main === module) {
  const parsed = parseCommand(spec, process.argv.slice(2));
  if (parsed.kind === "help") {
    process.stdout.write(helpText(spec));
  } else if (parsed.kind === "error" || (parsed.values.runs !== undefined && !(Number(parsed.values.runs) >= 1))) {
    process.stderr.write(
      `bench:ops: ${parsed.kind === "error" ? parsed.message : "--runs must be a number >= 1"}\nUsage: ${usageLine(spec)}\n`,
    );
    process.exitCode = EXIT.USAGE;
  } else {
    benchOps(Number(parsed.values.runs ?? 5), (text) => void process.stdout.write(text)).then(
      (timings) => process.stdout.write(`\n${opsTable(timings)}\n`),
      (e: unknown) => {
        process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
        process.exitCode = EXIT.FAILED;
      },
    );
  }
}
