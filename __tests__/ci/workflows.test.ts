/**
 * The GitHub Actions workflows (.github/workflows): valid for GitHub's schema, every command a real
 * npm script, credentials only through OIDC, every action pinned to a release that was checked, and
 * the three flows wired the way the README describes them.
 */
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { load } from "js-yaml";
import { loadEnvironments } from "../../config";

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

/**
 * Every action a workflow uses, with where its exact release was verified. Adding or bumping an
 * action means verifying the tag (or commit) in the action's repository and recording it here.
 */
const VERIFIED_ACTIONS: Record<string, string> = {
  "actions/checkout@v4.2.2": "actions/checkout CHANGELOG.md lists v4.2.2",
  "actions/setup-node@v4.0.3": "actions/setup-node release notes (v4.0.3 compare link from v4.0.2)",
  "hashicorp/setup-terraform@v3.1.2": "hashicorp/setup-terraform CHANGELOG.md lists 3.1.2; tags are v-prefixed (compare links)",
  "aws-actions/configure-aws-credentials@v4.2.1": "aws-actions/configure-aws-credentials release notes: compare v4.2.0...v4.2.1",
  "actions/upload-artifact@v4.6.2": "actions/upload-artifact release notes list v4.6.2",
  "actions/download-artifact@v4.1.8": "actions/download-artifact release notes list v4.1.8",
};

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

describe("ActionsPinned", () => {
  const uses = allSteps()
    .map(({ step }) => step.uses as string | undefined)
    .filter((u): u is string => u !== undefined);

  test("every action is pinned to an exact release tag (vX.Y.Z) or a full commit SHA", () => {
    for (const u of uses) expect(u).toMatch(/^[\w.-]+\/[\w.-]+(\/[\w./-]+)?@(v\d+\.\d+\.\d+|[0-9a-f]{40})$/);
  });

  test("every pinned action is one whose release was verified (VERIFIED_ACTIONS)", () => {
    expect([...new Set(uses)].filter((u) => !(u in VERIFIED_ACTIONS))).toEqual([]);
  });

  test("reusable workflows are called from this repository only", () => {
    const called = FILES.flatMap((f) => Object.values(jobsOf(f)).map((j) => j.uses as string | undefined)).filter(Boolean);
    expect(called.length).toBeGreaterThan(0);
    for (const c of called) expect(c).toMatch(/^\.\/\.github\/workflows\/[\w-]+\.yml$/);
  });
});

describe("PullRequestFlow", () => {
  test("on pull requests to main: the checks only, with no id-token (no role trusts a pull request's OIDC subject)", () => {
    expect(workflows["pull-request.yml"].on).toEqual({ pull_request: { branches: ["main"] } });
    const jobs = jobsOf("pull-request.yml");
    expect(Object.keys(jobs)).toEqual(["checks"]);
    expect(jobs.checks.uses).toBe("./.github/workflows/checks.yml");
    expect(JSON.stringify(workflows["pull-request.yml"])).not.toContain("id-token");
  });

  test("the checks: npm ci, typecheck, lint, format check, unit tests, synth, in that order", () => {
    expect(stepsOf("checks.yml", "checks").flatMap((s) => (s.run ? [s.run] : []))).toEqual([
      "npm ci --no-audit --no-fund",
      "npm run typecheck",
      "npm run lint",
      "npm run format:check",
      "npm run test:unit",
      "npm run synth",
    ]);
  });

  test("a plan job: plan role, plan, record; review.md in the summary and uploaded with tfplan even when the plan fails (exit 3)", () => {
    const steps = stepsOf("plan-stack.yml", "plan");
    const index = (pred: (s: any) => boolean) => steps.findIndex(pred); // eslint-disable-line @typescript-eslint/no-explicit-any
    const role = index((s) => s.run === 'npm run --silent ci-role -- "$STACK" --role plan >> "$GITHUB_OUTPUT"');
    const creds = index((s) => String(s.uses).startsWith("aws-actions/configure-aws-credentials@"));
    const plan = index((s) => s.run === 'npm run plan -- "$STACK"');
    const record = index((s) => s.run === 'npm run plan-record -- "$STACK"');
    const summary = index((s) => String(s.run).includes('cat "plans/$STACK/review.md" >> "$GITHUB_STEP_SUMMARY"'));
    const upload = index((s) => String(s.uses).startsWith("actions/upload-artifact@"));
    expect([role, creds, plan, record, summary, upload].every((i) => i >= 0)).toBe(true);
    expect(role < creds && creds < plan && plan < record && record < summary && summary < upload).toBe(true);
    // A failed plan step (exit 3) fails the job, and these two still run: the CAUTION block stays visible.
    expect(steps[summary].if).toBe("${{ !cancelled() }}");
    expect(steps[upload].if).toBe("${{ !cancelled() }}");
    expect(steps[plan]["continue-on-error"]).toBeUndefined();
    expect(steps[upload].with.path.split("\n").filter(Boolean)).toEqual([
      "plans/${{ inputs.stack }}/review.md",
      "plans/${{ inputs.stack }}/tfplan",
      "plans/${{ inputs.stack }}/reviewed-plan.json",
    ]);
    expect(steps[upload].with.name).toBe("plan-${{ inputs.stack }}");
  });
});

describe("DeployFlow", () => {
  const jobs = jobsOf("deploy.yml");

  test("on pushes to main, one run at a time, never cancelling an apply", () => {
    expect(workflows["deploy.yml"].on).toEqual({ push: { branches: ["main"] } });
    expect(workflows["deploy.yml"].concurrency).toEqual({ group: "deploy-main", "cancel-in-progress": false });
  });

  test("every environment is planned then applied, in promotion order: each plan waits for the previous environment's apply", () => {
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

  test("the apply job runs in the GitHub environment of the stack (its required reviewers gate staging and prod)", () => {
    expect(jobsOf("apply-stack.yml").apply.environment).toBe("${{ inputs.stack }}");
  });

  test("an apply job: this run's plan artifact, synth, plan-verify before any credential, then the apply role and npm run apply --yes", () => {
    const steps = stepsOf("apply-stack.yml", "apply");
    const text = steps.map((s) => s.run ?? s.uses);
    const at = (pred: (t: string) => boolean) => text.findIndex((t) => pred(String(t)));
    const download = at((t) => t.startsWith("actions/download-artifact@"));
    const synth = at((t) => t === "npm run synth");
    const verify = at((t) => t === 'npm run plan-verify -- "$STACK" --max-age-minutes "$MAX_PLAN_AGE"');
    const role = at((t) => t === 'npm run --silent ci-role -- "$STACK" --role apply >> "$GITHUB_OUTPUT"');
    const creds = at((t) => t.startsWith("aws-actions/configure-aws-credentials@"));
    const apply = at((t) => t === 'npm run apply -- "$STACK" --yes');
    expect([download, synth, verify, role, creds, apply].every((i) => i >= 0)).toBe(true);
    expect(download < synth && synth < verify && verify < role && role < creds && creds < apply).toBe(true);
    expect(steps[download].with).toEqual({ name: "plan-${{ inputs.stack }}", path: "plans/${{ inputs.stack }}" });
    // No step may be skipped or tolerated on failure between the verification and the apply.
    for (const s of steps) {
      expect(s.if).toBeUndefined();
      expect(s["continue-on-error"]).toBeUndefined();
    }
  });
});

describe("DriftFlow", () => {
  test("daily (and on demand), in every environment's account with its read-only plan role", () => {
    const drift = workflows["drift.yml"];
    expect(drift.on.schedule).toEqual([{ cron: expect.stringMatching(/^\d+ \d+ \* \* \*$/) }]);
    expect(drift.on).toHaveProperty("workflow_dispatch");
    expect(drift.jobs.drift.strategy.matrix.environment).toEqual(ENVS);
    expect(stepsOf("drift.yml", "drift").map((s) => s.run)).toContain(
      'npm run --silent ci-role -- "$ENVIRONMENT" --role plan >> "$GITHUB_OUTPUT"',
    );
  });

  test("npm run drift -- --all: exit 2 (drift, no security control) is a warning, any other failure (5: security drift) fails the run", () => {
    const step = stepsOf("drift.yml", "drift").find((s) => String(s.run).includes("npm run drift -- --all"));
    const script = String(step.run);
    expect(script).toContain("npm run drift -- --all || status=$?");
    expect(script).toMatch(/if \[ "\$status" -eq 2 \]; then .*exit 0; fi/);
    expect(script.trim().split("\n").pop()).toBe('exit "$status"');
    // Run the step's own shell logic with a stand-in for npm that exits as drift would.
    for (const [code, expected] of [
      [0, 0],
      [2, 0],
      [5, 5],
      [1, 1],
    ]) {
      const r = spawnSync("bash", ["-e", "-c", `npm() { return ${code}; }\n${script}`], {
        encoding: "utf8",
        env: { PATH: process.env.PATH, ENVIRONMENT: "prod" },
      });
      expect({ code, status: r.status }).toEqual({ code, status: expected });
    }
  });
});
