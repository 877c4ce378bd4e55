/**
 * The GitHub Actions workflows (.github/workflows): valid for GitHub's schema, every command a real
 * npm script, credentials only through OIDC, every third-party action pinned to a commit SHA with its
 * tag (checked against the action's repository by action-pins.ts), one Node.js version everywhere,
 * and the three flows wired the way the README describes them. The flows' steps are run here, in
 * bash, with a stand-in for npm that records what each step calls it with.
 */
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { load } from "js-yaml";
import { loadEnvironments } from "../../config";
import { actionPins, pinProblems, tagCommit, verifyPins } from "./action-pins";
import { MIN_TERRAFORM } from "../real-terraform/support/tools";

const ROOT = resolve(__dirname, "..", "..");
const DIR = join(ROOT, ".github", "workflows");
const VALIDATOR = join(ROOT, "node_modules", ".bin", "action-validator");
const FILES = readdirSync(DIR)
  .filter((f) => /\.ya?ml$/.test(f))
  .sort();

/* eslint-disable @typescript-eslint/no-explicit-any -- workflow YAML is untyped data */
const workflows: Record<string, any> = Object.fromEntries(FILES.map((f) => [f, load(readFileSync(join(DIR, f), "utf8"))]));
const jobsOf = (file: string): Record<string, any> => workflows[file].jobs;
const stepsOf = (file: string, job: string): any[] => jobsOf(file)[job].steps ?? [];
const allSteps = (): { file: string; job: string; step: any }[] =>
  FILES.flatMap((file) => Object.entries(jobsOf(file)).flatMap(([job, j]) => (j.steps ?? []).map((step: any) => ({ file, job, step }))));
/* eslint-enable @typescript-eslint/no-explicit-any */

const ENVS = loadEnvironments().map((e) => e.name);

/* eslint-disable @typescript-eslint/no-explicit-any -- workflow YAML is untyped data */
interface StepRun {
  /** The step's index in its job. */
  readonly index: number;
  readonly step: any;
  /** Each `npm` call the step made, as its argument list. */
  readonly npm: string[][];
  /** Every call of a stand-in (npm included), the tool's name first. */
  readonly commands: string[][];
  readonly status: number | null;
  /** What the step appended to $GITHUB_OUTPUT and $GITHUB_STEP_SUMMARY. */
  readonly output: string;
  readonly summary: string;
}
/* eslint-enable @typescript-eslint/no-explicit-any */

/** Tools a step may call that never run here: each is a shell function that records its arguments. */
const STAND_INS = ["node", "python", "python3", "pip", "terraform"];

/**
 * Runs every `run:` step of a job, in order, as GitHub runs a step without `shell:` on Linux (`bash -e
 * {0}`: "Workflow syntax for GitHub Actions", jobs.<job_id>.steps[*].shell; not pipefail, which only `shell: bash` sets)
 * in a scratch folder, with `env` as the job's variables and `npm` a shell function that records its
 * arguments, runs the shell snippet `print` (ci-role's output lines, say) and returns `npmStatus`.
 * `uses:` steps are listed, not run.
 */
function runJob(
  file: string,
  job: string,
  env: Record<string, string>,
  options: { print?: string; npmStatus?: number; files?: Record<string, string> } = {},
): StepRun[] {
  const dir = mkdtempSync(join(tmpdir(), "taskflow-workflow-run-"));
  try {
    for (const [name, text] of Object.entries(options.files ?? {})) {
      mkdirSync(join(dir, name, ".."), { recursive: true });
      writeFileSync(join(dir, name), text);
    }
    return stepsOf(file, job).map((step, index) => {
      const calls = join(dir, `calls-${index}`);
      const output = join(dir, `output-${index}`);
      const summary = join(dir, `summary-${index}`);
      const status = step.run
        ? spawnSync(
            "bash",
            [
              "-e",
              "-c",
              [
                // npm prints what `print` says and exits npmStatus; the other tools a step may call only record.
                `npm() { record npm "$@"; ${options.print ?? ""} return ${options.npmStatus ?? 0}; }`,
                ...STAND_INS.map((tool) => `${tool}() { record ${tool} "$@"; }`),
                `record() { printf '%s\\0' "$@" >> "${calls}"; printf '\\n' >> "${calls}"; }`,
                step.run,
              ].join("\n"),
            ],
            {
              cwd: dir,
              encoding: "utf8",
              env: { PATH: process.env.PATH, ...env, GITHUB_OUTPUT: output, GITHUB_STEP_SUMMARY: summary },
              // Not node's default stdin, a socket: bash reads ~/.bashrc when its stdin is a network connection
              // (bash(1), INVOCATION: "as when executed by ... sshd"), so each step would run the machine's rc files
              // (here ~0.1 s of CPU each, and whatever they change).
              stdio: ["ignore", "pipe", "pipe"],
            },
          ).status
        : null;
      const read = (f: string) => (existsSync(f) ? readFileSync(f, "utf8") : "");
      const commands = read(calls)
        .split("\n")
        .filter(Boolean)
        .map((l) => l.split("\0").filter(Boolean));
      const npm = commands.filter((c) => c[0] === "npm").map((c) => c.slice(1));
      return { index, step, npm, commands, status, output: read(output), summary: read(summary) };
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Index of the first step that called npm with exactly `args`. */
const callIndex = (runs: StepRun[], args: string[]) => runs.findIndex((r) => r.npm.some((c) => c.join(" ") === args.join(" ")));
/** Index of the first step that uses the action `action` (any ref). */
const usesIndex = (runs: StepRun[], action: string) => runs.findIndex((r) => String(r.step.uses ?? "").startsWith(`${action}@`));

describe("WorkflowSchema", () => {
  test("there are the pull-request, deploy and drift workflows and their reusable parts", () => {
    expect(FILES).toEqual(["apply-stack.yml", "checks.yml", "deploy.yml", "drift.yml", "plan-stack.yml", "pull-request.yml"]);
  });

  // One validator process per file (it takes one path), all at once: each spends its time starting Node and wasm.
  const results = new Map<string, { status: number | null; output: string }>();
  beforeAll(async () => {
    await Promise.all(
      FILES.map(
        (file) =>
          new Promise<void>((done) => {
            const child = spawn(VALIDATOR, [join(DIR, file)]);
            let output = "";
            child.stdout.on("data", (d: Buffer) => (output += d.toString("utf8")));
            child.stderr.on("data", (d: Buffer) => (output += d.toString("utf8")));
            child.on("close", (status) => (results.set(file, { status, output }), done()));
          }),
      ),
    );
  }, 60_000);

  test.each(FILES)("%s passes action-validator (GitHub's workflow schema)", (file) => {
    expect(results.get(file)).toEqual({ status: 0, output: "" });
  });

  test("control: the validator refuses a workflow with a misspelt key (so a pass means something)", () => {
    const dir = mkdtempSync(join(tmpdir(), "taskflow-workflow-"));
    try {
      const broken = readFileSync(join(DIR, "checks.yml"), "utf8").replace("runs-on:", "runs_on:");
      writeFileSync(join(dir, "broken.yml"), broken);
      expect(spawnSync(VALIDATOR, [join(dir, "broken.yml")], { encoding: "utf8" }).status).not.toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("WorkflowCommandsExist", () => {
  const scripts = Object.keys(JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")).scripts);
  const used = [
    ...new Set(allSteps().flatMap(({ step }) => [...String(step.run ?? "").matchAll(/npm run(?: --silent)? ([\w:-]+)/g)].map((m) => m[1]))),
  ].sort();

  test("the workflows run the ops commands, not ad-hoc shell", () => {
    expect(used).toEqual(
      expect.arrayContaining([
        "apply",
        "ci-role",
        "drift",
        "format:check",
        "lint",
        "plan",
        "plan-record",
        "plan-verify",
        "synth",
        "test:unit",
        "typecheck",
      ]),
    );
  });

  test("every `npm run <script>` in a workflow is a script in package.json", () => {
    expect(used.filter((s) => !scripts.includes(s))).toEqual([]);
  });

  test("no workflow runs `npm run deploy` (cdktf deploy plans again and applies what nobody reviewed)", () => {
    expect(used).not.toContain("deploy");
  });
});

describe("NoLongLivedAwsKeys", () => {
  test.each(FILES)("%s: no access-key inputs, AWS key variables or secrets", (file) => {
    const text = readFileSync(join(DIR, file), "utf8");
    expect(text).not.toMatch(/aws-access-key-id|aws-secret-access-key|AWS_ACCESS_KEY_ID|AWS_SECRET_ACCESS_KEY|AWS_SESSION_TOKEN/i);
    expect(text).not.toMatch(/secrets\./);
  });

  test("every configure-aws-credentials step assumes a role through OIDC, in a job allowed to request the token", () => {
    const steps = allSteps().filter(({ step }) => String(step.uses ?? "").startsWith("aws-actions/configure-aws-credentials@"));
    expect(steps.length).toBeGreaterThanOrEqual(3);
    for (const { file, step } of steps) {
      expect(Object.keys(step.with).sort()).toEqual(["aws-region", "role-duration-seconds", "role-session-name", "role-to-assume"]);
      expect(step.with["role-to-assume"]).toBe("${{ steps.role.outputs.role_arn }}");
      const permissions = workflows[file].permissions ?? {};
      const jobPermissions = Object.values(jobsOf(file)).map((j) => j.permissions ?? {});
      expect([permissions, ...jobPermissions].some((p) => p["id-token"] === "write")).toBe(true);
    }
  });
});

describe("ActionsPinnedToVerifiedCommits", () => {
  const pins = actionPins(DIR);

  test("1. the workflows use third-party actions (so the checks below have something to check)", () => {
    expect(new Set(pins.map((p) => p.repo)).size).toBeGreaterThanOrEqual(6);
  });

  test("2. every third-party action is pinned to a full commit SHA with its release tag as a comment", () => {
    expect(pinProblems(pins)).toEqual([]);
  });

  test("3. control: a tag ref, a short SHA and a SHA without its tag comment are each refused", () => {
    const bad = [
      { file: "x.yml", line: 1, action: "actions/checkout", repo: "actions/checkout", ref: "v4.2.2", tag: undefined },
      { file: "x.yml", line: 2, action: "actions/checkout", repo: "actions/checkout", ref: "11bd719", tag: "v4.2.2" },
      {
        file: "x.yml",
        line: 3,
        action: "actions/checkout",
        repo: "actions/checkout",
        ref: "11bd71901bbe5b1630ceea73d27597364c9af683",
        tag: undefined,
      },
    ];
    expect(pinProblems(bad)).toHaveLength(3);
  });

  test("4. one action at one tag has one SHA in every workflow", () => {
    const shas = new Map<string, Set<string>>();
    for (const p of pins) shas.set(`${p.repo}@${p.tag}`, (shas.get(`${p.repo}@${p.tag}`) ?? new Set()).add(p.ref));
    expect([...shas].filter(([, set]) => set.size > 1)).toEqual([]);
  });

  test("5. the verifier accepts the commit a tag names, reports any other commit, a missing tag and an unreadable repository (a real git repository, annotated tag peeled)", () => {
    const repo = mkdtempSync(join(tmpdir(), "taskflow-action-repo-"));
    try {
      const git = (...args: string[]) =>
        spawnSync("git", ["-C", repo, "-c", "user.name=t", "-c", "user.email=t@example.com", ...args], { encoding: "utf8" }).stdout.trim();
      git("init", "-q");
      git("commit", "-q", "--allow-empty", "-m", "release");
      const released = git("rev-parse", "HEAD");
      git("tag", "-a", "v1.0.0", "-m", "v1.0.0");
      git("commit", "-q", "--allow-empty", "-m", "later");
      const later = git("rev-parse", "HEAD");
      expect(tagCommit(repo, "v1.0.0")).toBe(released);
      const pin = (ref: string, tag: string) => ({ file: "w.yml", line: 1, action: "o/a", repo: "o/a", ref, tag });
      const lookup = (_repo: string, tag: string) => tagCommit(repo, tag);
      expect(verifyPins([pin(released, "v1.0.0")], lookup).problems).toEqual([]);
      expect(verifyPins([pin(later, "v1.0.0")], lookup).problems).toEqual([
        `w.yml:1 o/a@${later} # v1.0.0: the tag names ${released} in o/a`,
      ]);
      expect(verifyPins([pin(released, "v9.9.9")], lookup).problems).toEqual([
        `w.yml:1 o/a@${released} # v9.9.9: the tag names nothing (no such tag) in o/a`,
      ]);
      const offline = () => {
        throw new Error("git ls-remote failed: Could not resolve host");
      };
      expect(verifyPins([pin(released, "v1.0.0")], offline).problems).toEqual([
        "w.yml:1 o/a: cannot read the tags of o/a: git ls-remote failed: Could not resolve host",
      ]);
    } finally {
      rmSync(repo, { recursive: true, force: true });
    }
  });

  test("6. the checks job verifies every pin against the actions' repositories, right after npm ci", () => {
    const runs = runJob("checks.yml", "checks", {});
    const verify = runs.findIndex((r) => r.commands.some((c) => c.join(" ") === "node scripts/run-ts.js __tests__/ci/action-pins.ts"));
    expect(verify).toBe(callIndex(runs, ["ci", "--no-audit", "--no-fund"]) + 1);
  });

  test("7. Dependabot keeps the actions and the npm packages up to date", () => {
    const config = load(readFileSync(join(ROOT, ".github", "dependabot.yml"), "utf8")) as {
      updates: { "package-ecosystem": string; directory: string }[];
    };
    expect(config.updates.map((u) => [u["package-ecosystem"], u.directory])).toEqual([
      ["github-actions", "/"],
      ["npm", "/"],
    ]);
  });

  test("8. reusable workflows are called from this repository only", () => {
    const called = FILES.flatMap((f) => Object.values(jobsOf(f)).map((j) => j.uses as string | undefined)).filter(Boolean);
    expect(called.length).toBeGreaterThan(0);
    for (const c of called) expect(c).toMatch(/^\.\/\.github\/workflows\/[\w-]+\.yml$/);
  });
});

describe("OneNodeVersion", () => {
  const nvmrc = readFileSync(join(ROOT, ".nvmrc"), "utf8").trim();
  const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8"));

  test("1. .nvmrc names Node.js 22 (the supported LTS), and package.json's engines and @types/node agree", () => {
    expect(nvmrc).toBe("22");
    expect(pkg.engines.node).toBe(`>=${nvmrc}`);
    expect(pkg.devDependencies["@types/node"]).toMatch(new RegExp(`^${nvmrc}\\.\\d+\\.\\d+$`));
  });

  test("2. every setup-node step reads .nvmrc", () => {
    const setups = allSteps().filter(({ step }) => String(step.uses ?? "").startsWith("actions/setup-node@"));
    expect(setups.length).toBeGreaterThanOrEqual(5);
    expect(setups.map(({ step }) => step.with)).toEqual(setups.map(() => ({ "node-version-file": ".nvmrc", cache: "npm" })));
  });

  test("3. .ci/run installs the pinned Node.js of .nvmrc's major before npm ci", () => {
    const script = readFileSync(join(ROOT, ".ci", "use-node.sh"), "utf8");
    expect(script).toMatch(new RegExp(`^NODE_VERSION=${nvmrc}\\.\\d+\\.\\d+$`, "m"));
    const run = readFileSync(join(ROOT, ".ci", "run"), "utf8");
    expect(run.indexOf(". .ci/use-node.sh")).toBeGreaterThan(0);
    expect(run.indexOf(". .ci/use-node.sh")).toBeLessThan(run.indexOf("npm ci"));
  });
});

/** The stack the caller passed, named like no environment so that a step naming one itself shows. */
const STACK = "stack-from-input";
const STACK_ENV = { STACK, MAX_PLAN_AGE: "720" };
const ROLE_LINES = "echo role_arn=arn:aws:iam::111111111111:role/taskflow-dev-ci-plan; echo aws_region=eu-west-1;";

describe("PullRequestFlow", () => {
  test("1. on pull requests to main: the checks only, with no id-token (no role trusts a pull request's OIDC subject)", () => {
    expect(workflows["pull-request.yml"].on).toEqual({ pull_request: { branches: ["main"] } });
    const jobs = jobsOf("pull-request.yml");
    expect(Object.keys(jobs)).toEqual(["checks"]);
    expect(jobs.checks.uses).toBe("./.github/workflows/checks.yml");
    expect(JSON.stringify(workflows["pull-request.yml"])).not.toContain("id-token");
  });

  test("2. the checks call npm ci, then typecheck, lint, format:check, test:unit, synth, in that order", () => {
    const calls = runJob("checks.yml", "checks", {}).flatMap((r) => r.npm);
    expect(calls).toEqual([
      ["ci", "--no-audit", "--no-fund"],
      ...["typecheck", "lint", "format:check", "test:unit", "synth"].map((s) => ["run", s]),
    ]);
  });

  test("3. every checks step that calls npm fails when npm fails: no check is tolerated", () => {
    const runs = runJob("checks.yml", "checks", {}, { npmStatus: 1 }).filter((r) => r.npm.length);
    expect(runs.map((r) => r.status)).toEqual(runs.map(() => 1));
    expect(runs.filter((r) => r.step["continue-on-error"] !== undefined || r.step.if !== undefined)).toEqual([]);
  });

  test("4. the real-Terraform job: Terraform >= 1.10 without its wrapper, Python with a pinned moto, then npm run test:real", () => {
    const runs = runJob("checks.yml", "real-terraform", {});
    const terraform = runs[usesIndex(runs, "hashicorp/setup-terraform")].step.with;
    expect(terraform.terraform_wrapper).toBe(false);
    const [major, minor] = String(terraform.terraform_version).split(".").map(Number);
    expect(major * 100 + minor).toBeGreaterThanOrEqual(MIN_TERRAFORM[0] * 100 + MIN_TERRAFORM[1]);
    expect(runs[usesIndex(runs, "actions/setup-python")].step.with["python-version"]).toMatch(/^3\.\d+$/);
    expect(runs.flatMap((r) => r.commands).filter((c) => c[0] !== "npm")).toEqual([
      ["python", "-m", "pip", "install", "moto[server]==5.2.1"],
    ]);
    expect(runs.flatMap((r) => r.npm)).toEqual([
      ["ci", "--no-audit", "--no-fund"],
      ["run", "test:real"],
    ]);
  });

  test("5. a plan job: plan role, credentials, plan and record of the stack; the role's lines go to $GITHUB_OUTPUT", () => {
    expect(jobsOf("plan-stack.yml").plan.env).toEqual({ STACK: "${{ inputs.stack }}" });
    const runs = runJob("plan-stack.yml", "plan", STACK_ENV, { print: ROLE_LINES });
    const role = callIndex(runs, ["run", "--silent", "ci-role", "--", STACK, "--role", "plan"]);
    const creds = usesIndex(runs, "aws-actions/configure-aws-credentials");
    const plan = callIndex(runs, ["run", "plan", "--", STACK]);
    const record = callIndex(runs, ["run", "plan-record", "--", STACK]);
    const upload = usesIndex(runs, "actions/upload-artifact");
    expect([role, creds, plan, record, upload].every((i) => i >= 0)).toBe(true);
    expect(role < creds && creds < plan && plan < record && record < upload).toBe(true);
    expect(runs[role].output).toContain("role_arn=arn:aws:iam::111111111111:role/taskflow-dev-ci-plan\naws_region=eu-west-1\n");
    expect(runs[role].step.id).toBe("role");
    expect(runs[creds].step.with["role-to-assume"]).toBe("${{ steps.role.outputs.role_arn }}");
  });

  test("6. the plan job's summary is review.md when the plan wrote one, and says the plan failed when not; both it and the upload run after a failed plan (exit 3)", () => {
    const written = runJob("plan-stack.yml", "plan", STACK_ENV, {
      files: { [`plans/${STACK}/review.md`]: "> [!CAUTION]\n> replaces the pool\n" },
    });
    const missing = runJob("plan-stack.yml", "plan", STACK_ENV);
    const summary = written.findIndex((r) => r.summary !== "");
    expect(written[summary].summary).toBe("> [!CAUTION]\n> replaces the pool\n");
    expect(missing[summary].summary).toBe(`No review of ${STACK}: the plan failed before writing one (see the log).\n`);
    const upload = usesIndex(written, "actions/upload-artifact");
    expect(summary).toBeLessThan(upload);
    expect(written[summary].step.if).toBe("${{ !cancelled() }}");
    expect(written[upload].step.if).toBe("${{ !cancelled() }}");
    expect(written[callIndex(written, ["run", "plan", "--", STACK])].step["continue-on-error"]).toBeUndefined();
    expect(written[upload].step.with.path.split("\n").filter(Boolean)).toEqual([
      "plans/${{ inputs.stack }}/review.md",
      "plans/${{ inputs.stack }}/tfplan",
      "plans/${{ inputs.stack }}/reviewed-plan.json",
    ]);
    expect(written[upload].step.with.name).toBe("plan-${{ inputs.stack }}");
  });

  test("7. a step that calls npm fails its job when npm fails (bash -e), so a failed plan stops the job", () => {
    const runs = runJob("plan-stack.yml", "plan", STACK_ENV, { npmStatus: 3 });
    expect(runs[callIndex(runs, ["run", "plan", "--", STACK])].status).toBe(3);
  });
});

describe("DeployFlow", () => {
  const jobs = jobsOf("deploy.yml");

  test("1. on pushes to main, one run at a time, never cancelling an apply", () => {
    expect(workflows["deploy.yml"].on).toEqual({ push: { branches: ["main"] } });
    expect(workflows["deploy.yml"].concurrency).toEqual({ group: "deploy-main", "cancel-in-progress": false });
  });

  test("2. every environment is planned then applied, in promotion order: each plan waits for the previous environment's apply", () => {
    let previous = "checks";
    for (const env of ENVS) {
      expect(jobs[`plan-${env}`]).toMatchObject({ needs: previous, uses: "./.github/workflows/plan-stack.yml", with: { stack: env } });
      expect(jobs[`apply-${env}`]).toMatchObject({
        needs: `plan-${env}`,
        uses: "./.github/workflows/apply-stack.yml",
        with: { stack: env },
      });
      previous = `apply-${env}`;
    }
  });

  test("3. the apply job runs in the GitHub environment of the stack (its required reviewers gate staging and prod)", () => {
    expect(jobsOf("apply-stack.yml").apply.environment).toBe("${{ inputs.stack }}");
  });

  test("4. an apply job: this run's plan artifact, synth, plan-verify with the age limit before any credential, then the apply role and apply --yes", () => {
    expect(jobsOf("apply-stack.yml").apply.env).toEqual({
      STACK: "${{ inputs.stack }}",
      MAX_PLAN_AGE: "${{ inputs.max-plan-age-minutes }}",
    });
    const runs = runJob("apply-stack.yml", "apply", STACK_ENV, { print: ROLE_LINES });
    const download = usesIndex(runs, "actions/download-artifact");
    const synth = callIndex(runs, ["run", "synth"]);
    const verify = callIndex(runs, ["run", "plan-verify", "--", STACK, "--max-age-minutes", "720"]);
    const role = callIndex(runs, ["run", "--silent", "ci-role", "--", STACK, "--role", "apply"]);
    const creds = usesIndex(runs, "aws-actions/configure-aws-credentials");
    const apply = callIndex(runs, ["run", "apply", "--", STACK, "--yes"]);
    expect([download, synth, verify, role, creds, apply].every((i) => i >= 0)).toBe(true);
    expect(download < synth && synth < verify && verify < role && role < creds && creds < apply).toBe(true);
    expect(runs[role].output).toContain("role_arn=");
    expect(runs[download].step.with).toEqual({ name: "plan-${{ inputs.stack }}", path: "plans/${{ inputs.stack }}" });
    // No step may be skipped or tolerated on failure between the verification and the apply.
    expect(runs.filter((r) => r.step.if !== undefined || r.step["continue-on-error"] !== undefined)).toEqual([]);
  });

  test("5. a refused plan-verify (exit 4) fails its step, and no later step runs after a failure: the apply role is never read", () => {
    const runs = runJob("apply-stack.yml", "apply", STACK_ENV, { npmStatus: 4 });
    const verify = callIndex(runs, ["run", "plan-verify", "--", STACK, "--max-age-minutes", "720"]);
    expect(runs[verify].status).toBe(4);
    expect(runs.slice(verify + 1).filter((r) => r.step.if !== undefined)).toEqual([]);
  });
});

describe("DriftFlow", () => {
  test("1. daily (and on demand), in every environment's account with its read-only plan role", () => {
    const drift = workflows["drift.yml"];
    expect(drift.on.schedule).toEqual([{ cron: expect.stringMatching(/^\d+ \d+ \* \* \*$/) }]);
    expect(drift.on).toHaveProperty("workflow_dispatch");
    expect(drift.jobs.drift.strategy.matrix.environment).toEqual(ENVS);
    const runs = runJob("drift.yml", "drift", { ENVIRONMENT: "prod" }, { print: ROLE_LINES });
    const role = callIndex(runs, ["run", "--silent", "ci-role", "--", "prod", "--role", "plan"]);
    expect(role).toBeGreaterThan(0);
    expect(runs[role].output).toContain("role_arn=");
    expect(callIndex(runs, ["run", "drift", "--", "--all"])).toBeGreaterThan(usesIndex(runs, "aws-actions/configure-aws-credentials"));
  });

  test.each([
    [0, 0],
    [2, 0],
    [5, 5],
    [1, 1],
  ])("2. npm run drift -- --all exiting %i ends the step with %i (2, drift without a security control, is a warning)", (code, expected) => {
    const runs = runJob("drift.yml", "drift", { ENVIRONMENT: "prod" }, { npmStatus: code });
    const drift = runs[callIndex(runs, ["run", "drift", "--", "--all"])];
    expect(drift.status).toBe(expected);
  });
});
