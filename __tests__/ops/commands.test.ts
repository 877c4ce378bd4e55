/**
 * Argument handling of the ops commands, with a fake Io: nothing is synthesized and no Terraform
 * runs unless the command line, the stack name and the confirmation rule all allow it.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { apply } from "../../scripts/apply";
import { deploy } from "../../scripts/deploy";
import { drift } from "../../scripts/drift";
import { EXIT } from "../../scripts/lib/cli/exit-codes";
import { outputs } from "../../scripts/outputs";
import { plan } from "../../scripts/plan";
import { callText, fakeIo, removeTempDirs, tempDir, type Call } from "./fake-io";

afterAll(removeTempDirs);

const VALID = "Valid stacks: dev, staging, prod, state-dev, state-staging, state-prod";
const commands = { deploy, plan, apply, outputs, drift };
const fixture = (name: string) => readFileSync(join(__dirname, "fixtures", `${name}.plan.json`), "utf8");

describe.each(Object.entries(commands))("npm run %s", (name, command) => {
  test("an unknown stack lists the valid names and exits 64 before synth or Terraform", async () => {
    const io = fakeIo();
    expect(await command(["production"], io)).toBe(EXIT.USAGE);
    expect(io.stderr).toContain('Unknown stack "production". ' + VALID);
    expect(io.calls).toEqual([]);
  });

  test("a missing stack is a usage error that lists the valid names", async () => {
    const io = fakeIo();
    expect(await command([], io)).toBe(EXIT.USAGE);
    expect(io.stderr).toContain(`${name}: expected <stack>, got nothing`);
    expect(io.stderr).toContain(VALID);
    expect(io.calls).toEqual([]);
  });

  test("an unknown option is refused, not ignored (a typo of --yes must not deploy)", async () => {
    const io = fakeIo();
    expect(await command(["dev", "--yse"], io)).toBe(EXIT.USAGE);
    expect(io.stderr).toContain("Unknown option '--yse'");
    expect(io.calls).toEqual([]);
  });

  test("--help prints usage, options and exit codes, and runs nothing", async () => {
    const io = fakeIo();
    expect(await command(["--help"], io)).toBe(EXIT.OK);
    expect(io.stdout).toMatch(new RegExp(`^Usage: npm run ${name} -- <stack>`));
    expect(io.stdout).toContain("state-<env>");
    expect(io.stdout).toContain("64  usage");
    expect(io.calls).toEqual([]);
  });
});

describe("confirmation for prod-stage stacks", () => {
  test.each(["prod", "state-prod"])("deploy %s without --yes and without a terminal is refused before anything runs", async (stack) => {
    const io = fakeIo({ interactive: false });
    expect(await deploy([stack], io)).toBe(EXIT.REFUSED);
    expect(io.stderr).toContain(`Refusing to deploy ${stack} without confirmation`);
    expect(io.stderr).toContain("--yes");
    expect(io.calls).toEqual([]);
  });

  test("deploy prod with --yes runs cdktf deploy prod --auto-approve", async () => {
    const io = fakeIo({ interactive: false });
    expect(await deploy(["prod", "--yes"], io)).toBe(EXIT.OK);
    expect(io.calls).toHaveLength(1);
    expect(io.calls[0].args[0]).toMatch(/cdktf-cli[/\\]bundle[/\\]bin[/\\]cdktf$/);
    expect(io.calls[0].args.slice(1)).toEqual(["deploy", "prod", "--auto-approve"]);
  });

  test("on a terminal the operator must type the environment name; anything else cancels with a non-zero status", async () => {
    const io = fakeIo({ interactive: true, answers: ["yes"] });
    expect(await deploy(["state-prod"], io)).toBe(EXIT.REFUSED);
    expect(io.questions[0]).toContain('Type the environment name "prod"');
    expect(io.stderr).toContain('Cancelled: you typed "yes", not "prod"');
    expect(io.calls).toEqual([]);
  });

  test("typing the name deploys, and leaves cdktf's own plan-and-approve prompt on", async () => {
    const io = fakeIo({ interactive: true, answers: ["prod"] });
    expect(await deploy(["prod"], io)).toBe(EXIT.OK);
    expect(io.calls[0].args.slice(1)).toEqual(["deploy", "prod"]);
  });

  test("dev needs no confirmation; without a terminal cdktf is told to auto-approve", async () => {
    const io = fakeIo({ interactive: false });
    expect(await deploy(["dev"], io)).toBe(EXIT.OK);
    expect(io.questions).toEqual([]);
    expect(io.calls[0].args.slice(1)).toEqual(["deploy", "dev", "--auto-approve"]);
  });

  test("--migrate-state lets terraform init copy the bootstrap's state without a prompt (-force-copy), after the confirmation", async () => {
    const io = fakeIo({ interactive: false });
    expect(await deploy(["state-prod", "--yes", "--migrate-state"], io)).toBe(EXIT.OK);
    expect(io.calls[0].args.slice(1)).toEqual(["deploy", "state-prod", "--auto-approve", "--migrate-state"]);
    expect(io.calls[0].options?.env).toEqual({ CI: "1", TF_CLI_ARGS_init: "-force-copy" });
  });

  test("a failing cdktf deploy exits 1", async () => {
    const io = fakeIo({ run: () => 2 });
    expect(await deploy(["dev"], io)).toBe(EXIT.FAILED);
    expect(io.stderr).toContain("cdktf deploy dev failed (exit 2)");
  });
});

describe("provider mirror (TF_CLI_CONFIG_FILE)", () => {
  const cliConfig = (text: string) => {
    const file = join(tempDir(), "cli.tfrc");
    writeFileSync(file, text);
    return file;
  };

  test("a filesystem_mirror makes deploy skip cdktf's provider lock, and says so", async () => {
    const file = cliConfig(
      'provider_installation {\n  filesystem_mirror {\n    path    = "/srv/mirror"\n    include = ["registry.terraform.io/*/*"]\n  }\n}\n',
    );
    const io = fakeIo({ env: { TF_CLI_CONFIG_FILE: file } });
    expect(await deploy(["dev"], io)).toBe(EXIT.OK);
    expect(io.calls[0].args).toContain("--skip-provider-lock");
    expect(io.stderr).toContain(
      `Provider lock skipped (--skip-provider-lock): ${file} installs providers from the filesystem mirror /srv/mirror`,
    );
  });

  test.each([
    ["a commented-out mirror", '# provider_installation { filesystem_mirror { path = "/srv/mirror" } }\nplugin_cache_dir = "/tmp/cache"\n'],
    ["direct installation only", "provider_installation {\n  direct {}\n}\n"],
  ])("%s keeps the provider lock", async (_, text) => {
    const io = fakeIo({ env: { TF_CLI_CONFIG_FILE: cliConfig(text) } });
    expect(await deploy(["dev"], io)).toBe(EXIT.OK);
    expect(io.calls[0].args).not.toContain("--skip-provider-lock");
  });

  test("a CLI config file that does not exist keeps the provider lock", async () => {
    const io = fakeIo({ env: { TF_CLI_CONFIG_FILE: "/nonexistent/cli.tfrc" } });
    expect(await deploy(["dev"], io)).toBe(EXIT.OK);
    expect(io.calls[0].args).not.toContain("--skip-provider-lock");
  });
});

/** A fake Terraform: `show -json` prints a recorded plan, `show` its text. */
function terraformShowing(planFixture: string) {
  return (call: { args: readonly string[] }) =>
    call.args.includes("-json") ? { code: 0, stdout: fixture(planFixture) } : { code: 0, stdout: "plan text\n" };
}

/** A fake `terraform plan` that prints its plan text (with colours, as on a terminal). */
const planPrinting = (call: Call) => {
  if (call.args.includes("plan")) call.options?.onStdout?.("\u001b[1mplan text\u001b[0m\n");
  return 0;
};

describe("npm run plan", () => {
  test("runs synth, init, plan -out (its printed text is plan.txt) and show -json in a staging folder, moves the four files into plans/prod/, and exits 0 for an update-only plan", async () => {
    const io = fakeIo({ run: planPrinting, capture: terraformShowing("update") });
    expect(await plan(["prod"], io)).toBe(EXIT.OK);
    const staged = io.calls[2].args.find((a) => a.startsWith("-out="))?.slice("-out=".length) ?? "";
    expect(staged).toMatch(new RegExp(`^${join(io.root, "plans")}/\\.partial-prod-[^/]+/tfplan$`));
    expect(io.calls.map(callText)).toEqual([
      "node scripts/run-ts.js main.ts",
      "terraform init -input=false",
      `terraform plan -input=false -out=${staged}`,
      `terraform show -json ${staged}`,
    ]);
    expect(readdirSync(join(io.root, "plans"))).toEqual(["prod"]);
    expect(io.calls[1].args[0]).toBe(`-chdir=${join(io.root, "cdktf.out/stacks/prod")}`);
    const dir = join(io.root, "plans", "prod");
    expect(readFileSync(join(dir, "plan.txt"), "utf8")).toBe("plan text\n");
    expect(JSON.parse(readFileSync(join(dir, "plan.json"), "utf8"))).toEqual(JSON.parse(fixture("update")));
    expect(readFileSync(join(dir, "review.md"), "utf8")).toContain("# Plan review: prod");
    expect(io.stderr).toContain("Plan of prod: 0 to add, 4 to change, 0 to replace, 0 to destroy, 0 to import.");
  });

  test("exits 3 when the plan replaces or destroys a protected resource", async () => {
    const io = fakeIo({ capture: terraformShowing("mixed") });
    expect(await plan(["prod"], io)).toBe(EXIT.PROTECTED);
    expect(io.stderr).toContain("WARNING: this plan replaces or destroys protected resources");
    expect(io.stderr).toContain("replace aws_s3_bucket.state");
  });

  test("--detailed-exitcode: 2 for changes, 0 for none", async () => {
    expect(await plan(["prod", "--detailed-exitcode"], fakeIo({ capture: terraformShowing("update") }))).toBe(EXIT.CHANGES);
    expect(await plan(["prod", "--detailed-exitcode"], fakeIo({ capture: terraformShowing("no-changes") }))).toBe(EXIT.OK);
  });

  test("--replace <address> plans that resource as replaced (how drift's fix for a deleted branding style is planned)", async () => {
    const io = fakeIo({ run: planPrinting, capture: terraformShowing("update") });
    expect(await plan(["prod", "--replace", "aws_cloudformation_stack.managed_login_branding"], io)).toBe(EXIT.OK);
    const planCall = io.calls.map(callText).find((c) => c.startsWith("terraform plan"));
    expect(planCall).toMatch(/^terraform plan -input=false -replace=aws_cloudformation_stack\.managed_login_branding -out=/);
  });

  test("Terraform's refusal to destroy a prevent_destroy resource exits 3 with the refusal in review.md", async () => {
    const stderr = readFileSync(join(__dirname, "fixtures", "prevent-destroy.stderr.txt"), "utf8");
    const io = fakeIo({
      run: (call) => {
        if (!call.args.includes("plan")) return 0;
        call.options?.onStderr?.(stderr.slice(0, 200)); // arrives in chunks
        call.options?.onStderr?.(stderr.slice(200));
        return 1;
      },
    });
    expect(await plan(["prod"], io)).toBe(EXIT.PROTECTED);
    const review = readFileSync(join(io.root, "plans", "prod", "review.md"), "utf8");
    expect(review).toContain("**Terraform refused this change: it would destroy resources protected by `lifecycle.prevent_destroy`.**");
    expect(review).toContain("**DESTROY or REPLACE** `aws_cognito_user_pool.user_pool` (Cognito user pool)");
    expect(review).toContain("## Security posture");
    expect(io.stderr).toContain("Terraform refused the plan: it would destroy aws_cognito_user_pool.user_pool");
  });

  test("a failed terraform plan exits 1 and leaves no saved plan from an earlier run", async () => {
    const root = tempDir();
    mkdirSync(join(root, "plans", "prod"), { recursive: true });
    writeFileSync(join(root, "plans", "prod", "tfplan"), "older plan");
    const io = fakeIo({ root, run: (call) => (call.args.includes("plan") ? 1 : 0) });
    expect(await plan(["prod"], io)).toBe(EXIT.FAILED);
    expect(() => readFileSync(join(root, "plans", "prod", "tfplan"))).toThrow();
  });
});

describe("npm run apply", () => {
  const withSavedPlan = () => {
    const root = tempDir();
    mkdirSync(join(root, "plans", "prod"), { recursive: true });
    writeFileSync(join(root, "plans", "prod", "tfplan"), "saved plan");
    return root;
  };

  test("refuses when there is no saved plan, and runs nothing", async () => {
    const io = fakeIo();
    expect(await apply(["prod", "--yes"], io)).toBe(EXIT.FAILED);
    expect(io.stderr).toContain("No saved plan at plans/prod/tfplan. Run npm run plan -- prod");
    expect(io.calls).toEqual([]);
  });

  test("applies exactly the saved plan file, saying that Terraform refuses a stale one", async () => {
    const io = fakeIo({ root: withSavedPlan(), capture: terraformShowing("update") });
    expect(await apply(["prod", "--yes"], io)).toBe(EXIT.OK);
    expect(io.calls.map(callText).at(-1)).toBe(`terraform apply -input=false ${join(io.root, "plans/prod/tfplan")}`);
    expect(io.stderr).toContain("Terraform refuses the stale plan");
  });

  test("prod without --yes and without a terminal is refused before terraform apply", async () => {
    const io = fakeIo({ root: withSavedPlan(), capture: terraformShowing("update") });
    expect(await apply(["prod"], io)).toBe(EXIT.REFUSED);
    expect(io.calls.map(callText).some((c) => c.includes(" apply "))).toBe(false);
  });

  test("refuses a plan that replaces or destroys a protected resource unless --allow-protected", async () => {
    const io = fakeIo({ root: withSavedPlan(), capture: terraformShowing("mixed") });
    expect(await apply(["prod", "--yes"], io)).toBe(EXIT.REFUSED);
    expect(io.stderr).toContain("delete aws_kms_key.state");
    expect(io.calls.map(callText).some((c) => c.includes(" apply "))).toBe(false);

    const allowed = fakeIo({ root: io.root, capture: terraformShowing("mixed") });
    expect(await apply(["prod", "--yes", "--allow-protected"], allowed)).toBe(EXIT.OK);
    expect(allowed.calls.map(callText).at(-1)).toContain("terraform apply -input=false");
  });
});

describe("npm run outputs", () => {
  const outputsJson = '{"user_pool_id":{"sensitive":false,"type":"string","value":"ap-northeast-1_X"}}\n';
  const capture = () => ({ code: 0, stdout: outputsJson });

  test("writes plans/<stack>/outputs.json by default", async () => {
    const io = fakeIo({ capture });
    expect(await outputs(["dev"], io)).toBe(EXIT.OK);
    expect(readFileSync(join(io.root, "plans", "dev", "outputs.json"), "utf8")).toBe(outputsJson);
    expect(io.stdout).toBe("");
  });

  test("--stdout prints only the JSON on stdout; Terraform's init output goes to stderr", async () => {
    const io = fakeIo({ capture });
    expect(await outputs(["dev", "--stdout"], io)).toBe(EXIT.OK);
    expect(io.stdout).toBe(outputsJson);
    expect(io.calls.find((c) => c.args.includes("init"))?.options?.stdout).toBe("stderr");
  });
});

describe("the npm scripts as processes (stdin is a pipe, not a terminal)", () => {
  const root = resolve(__dirname, "..", "..");
  const run = (script: string, args: string[]) =>
    spawnSync(process.execPath, ["scripts/run-ts.js", `scripts/${script}.ts`, ...args], {
      cwd: root,
      encoding: "utf8",
      stdio: ["pipe", "pipe", "pipe"],
      env: { ...process.env, CI: "1" },
    });

  test("deploy of an unknown stack exits 64 listing the valid stacks", () => {
    const result = run("deploy", ["prdo"]);
    expect(result.status).toBe(EXIT.USAGE);
    expect(result.stderr).toContain(VALID);
  });

  test("deploy prod without --yes exits 4 without running cdktf", () => {
    const result = run("deploy", ["prod"]);
    expect(result.status).toBe(EXIT.REFUSED);
    expect(result.stderr).toContain("Refusing to deploy prod without confirmation");
    expect(result.stderr).not.toContain("Running: cdktf");
  });

  test("--help exits 0", () => {
    const result = run("plan", ["--help"]);
    expect(result.status).toBe(EXIT.OK);
    expect(result.stdout).toContain("Usage: npm run plan -- <stack>");
  });
});
