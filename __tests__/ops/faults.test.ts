/**
 * What the ops commands do when something went wrong before them, with a fake Io and a fake AWS:
 * a lock left by a killed run, a user pool outside the state, a lost or corrupted state, the API
 * going away mid-plan, and wrong or expired credentials. Every refusal says what to do, and writes
 * nothing.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { EnvironmentConfig } from "../../config";
import { apply } from "../../scripts/apply";
import { alreadyExisting, importInstructions } from "../../scripts/lib/terraform/already-existing";
import { deploy } from "../../scripts/deploy";
import type { AwsApi, ObjectVersion } from "../../scripts/lib/aws/ops-aws";
import { EXIT } from "../../scripts/lib/cli/exit-codes";
import { lockFromTerraformError } from "../../scripts/lib/state/state-lock";
import { outputs } from "../../scripts/outputs";
import { plan } from "../../scripts/plan";
import { state } from "../../scripts/state";
import { unlock } from "../../scripts/unlock";
import { callText, fakeIo, removeTempDirs, tempDir, type Call } from "./fake-io";

afterAll(removeTempDirs);

const BUCKET = "taskflow-tfstate-333333333333-ap-northeast-1";
const KEY = "taskflow/prod/terraform.tfstate";
const LOCK_ID = `${BUCKET}/${KEY}`;
const TABLE = "taskflow-tfstate-lock";
const lockStderr = readFileSync(join(__dirname, "fixtures", "state-lock.stderr.txt"), "utf8");
/** Terraform's errors for five resources that exist in AWS but not in the state (fixtures/RECORDING.md). */
const alreadyExistsStderr = readFileSync(join(__dirname, "fixtures", "already-exists.stderr.txt"), "utf8");

const LOCK = {
  ID: "f26f002c-d21b-d944-bc9e-59aacf20be2f",
  Operation: "OperationTypeApply",
  Info: "",
  Who: "deployer@ci-runner-7",
  Version: "1.11.4",
  Created: "2026-11-27T05:03:02.753605113Z",
  Path: LOCK_ID,
};
/** The lock table holding LOCK for prod's state. */
const locked = (): Partial<AwsApi> => ({
  getItem: async (_table, id) => (id === LOCK_ID ? { LockID: LOCK_ID, Info: JSON.stringify(LOCK) } : undefined),
});

const stateJson = (serial: number, lineage: string, poolIds: string[] = []) =>
  JSON.stringify({
    version: 4,
    terraform_version: "1.11.4",
    serial,
    lineage,
    outputs: {},
    resources: poolIds.map((id) => ({
      mode: "managed",
      type: "aws_cognito_user_pool",
      name: "user_pool",
      provider: 'provider["registry.terraform.io/hashicorp/aws"]',
      instances: [{ attributes: { id } }],
    })),
  });

/** `terraform show -json` prints a plan without changes. */
const showNoChanges = (call: Call) =>
  call.args.includes("-json")
    ? { code: 0, stdout: readFileSync(join(__dirname, "fixtures", "no-changes.plan.json"), "utf8") }
    : { code: 0, stdout: "" };

const terraformCalls = (calls: readonly Call[]) =>
  calls.filter((c) => c.command === "terraform").map((c) => c.args.filter((a) => !a.startsWith("-chdir="))[0]);

describe("StateLockLeftBehind: plan, apply and deploy refuse a locked state before synth, naming the lock and the unlock command", () => {
  const lockedCommands = {
    plan: (io: ReturnType<typeof fakeIo>) => plan(["prod"], io),
    apply: (io: ReturnType<typeof fakeIo>) => apply(["prod", "--yes"], io),
    deploy: (io: ReturnType<typeof fakeIo>) => deploy(["prod", "--yes"], io),
  };
  test.each(Object.keys(lockedCommands))(
    "%s exits 10 with the lock id, who, when and the exact unlock command, and runs nothing",
    async (name) => {
      const io = fakeIo({ aws: locked });
      const code = await lockedCommands[name as keyof typeof lockedCommands](io);
      expect(code).toBe(EXIT.LOCKED);
      expect(io.stderr).toContain(`The state of prod is locked (${LOCK_ID}):`);
      expect(io.stderr).toContain(`  lock id:   ${LOCK.ID}`);
      expect(io.stderr).toContain("  taken by:  deployer@ci-runner-7 for terraform apply (Terraform 1.11.4)");
      expect(io.stderr).toContain(`  taken at:  ${LOCK.Created}`);
      expect(io.stderr).toContain(`  npm run unlock -- prod ${LOCK.ID}`);
      expect(io.calls).toEqual([]);
    },
  );

  test("the lock is also found through the S3 lockfile (use_lockfile) when the table has no item", async () => {
    const io = fakeIo({
      aws: () => ({ getObject: async (_b, key) => (key === `${KEY}.tflock` ? Buffer.from(JSON.stringify(LOCK)) : undefined) }),
    });
    expect(await plan(["prod"], io)).toBe(EXIT.LOCKED);
    expect(io.stderr).toContain(`npm run unlock -- prod ${LOCK.ID}`);
  });

  test("Terraform's own lock error (taken between the check and the plan) is read back into the same message, exit 10", async () => {
    const io = fakeIo({
      run: (call) => {
        if (!call.args.includes("plan")) return 0;
        call.options?.onStderr?.(lockStderr);
        return 1;
      },
    });
    expect(await plan(["prod"], io)).toBe(EXIT.LOCKED);
    expect(io.stderr).toContain("  lock id:   f26f002c-d21b-d944-bc9e-59aacf20be2f");
    expect(io.stderr).toContain("  taken by:  root@vm for terraform apply (Terraform 1.11.4)");
    expect(io.stderr).toContain("  taken at:  2026-11-27 05:03:02.753605113 +0000 UTC");
    expect(io.stderr).toContain("  npm run unlock -- prod f26f002c-d21b-d944-bc9e-59aacf20be2f");
    expect(existsSync(join(io.root, "plans", "prod", "review.md"))).toBe(false);
  });

  test("lockFromTerraformError reads ID, Path, Operation, Who, Version and Created from the recorded diagnostic", () => {
    expect(lockFromTerraformError(lockStderr)).toEqual({
      ID: "f26f002c-d21b-d944-bc9e-59aacf20be2f",
      Path: "terraform.tfstate",
      Operation: "OperationTypeApply",
      Who: "root@vm",
      Version: "1.11.4",
      Created: "2026-11-27 05:03:02.753605113 +0000 UTC",
    });
    expect(lockFromTerraformError("Error: Invalid provider configuration")).toBeUndefined();
  });

  test("a bootstrap stack with local state has no remote lock to check", async () => {
    const io = fakeIo({ aws: locked });
    expect(await deploy(["state-prod", "--yes"], io)).toBe(EXIT.OK);
    expect(io.awsCalls).toEqual(["callerAccount"]);
  });
});

describe("StateUnlock: npm run unlock releases only the current lock, with prod's confirmation", () => {
  test("--help shows the usage with the lock id", async () => {
    const io = fakeIo();
    expect(await unlock(["--help"], io)).toBe(EXIT.OK);
    expect(io.stdout).toMatch(/^Usage: npm run unlock -- <stack> <lock-id> \[--yes\]/);
    expect(io.stdout).toContain("10  the state is locked");
  });

  test("a missing lock id is a usage error", async () => {
    const io = fakeIo();
    expect(await unlock(["prod"], io)).toBe(EXIT.USAGE);
    expect(io.stderr).toContain('unlock: expected <stack> <lock-id>, got "prod"');
  });

  test("an id that is not the current lock is refused (exit 4), naming the current one; Terraform never runs", async () => {
    const io = fakeIo({ aws: locked });
    expect(await unlock(["prod", "00000000-0000-0000-0000-000000000000", "--yes"], io)).toBe(EXIT.REFUSED);
    expect(io.stderr).toContain("Refusing to unlock prod: 00000000-0000-0000-0000-000000000000 is not the current lock.");
    expect(io.stderr).toContain(`  lock id:   ${LOCK.ID}`);
    expect(io.calls).toEqual([]);
  });

  test("no lock held: refused (exit 4), nothing to do", async () => {
    const io = fakeIo();
    expect(await unlock(["prod", LOCK.ID, "--yes"], io)).toBe(EXIT.REFUSED);
    expect(io.stderr).toContain("Refusing to unlock prod: its state is not locked");
    expect(io.calls).toEqual([]);
  });

  test("prod without --yes and without a terminal is refused (exit 4) after naming the lock", async () => {
    const io = fakeIo({ aws: locked });
    expect(await unlock(["prod", LOCK.ID], io)).toBe(EXIT.REFUSED);
    expect(io.stderr).toContain(`Refusing to release the state lock ${LOCK.ID} of prod without confirmation`);
    expect(io.calls).toEqual([]);
  });

  test("on a terminal the operator types the environment name", async () => {
    let held = true;
    const io = fakeIo({
      interactive: true,
      answers: ["prod"],
      aws: () => ({ getItem: async (_t, id) => (held && id === LOCK_ID ? { LockID: LOCK_ID, Info: JSON.stringify(LOCK) } : undefined) }),
      run: (call) => (call.args.includes("force-unlock") ? ((held = false), 0) : 0),
    });
    expect(await unlock(["prod", LOCK.ID], io)).toBe(EXIT.OK);
    expect(io.questions[0]).toContain(`release the state lock ${LOCK.ID} of prod`);
  });

  test("the current id with --yes: synth, init, terraform force-unlock -force <id>, then checks the lock is gone", async () => {
    let held = true;
    const io = fakeIo({
      aws: () => ({ getItem: async (_t, id) => (held && id === LOCK_ID ? { LockID: LOCK_ID, Info: JSON.stringify(LOCK) } : undefined) }),
      run: (call) => (call.args.includes("force-unlock") ? ((held = false), 0) : 0),
    });
    expect(await unlock(["prod", LOCK.ID, "--yes"], io)).toBe(EXIT.OK);
    expect(terraformCalls(io.calls)).toEqual(["init", "force-unlock"]);
    expect(io.calls.find((c) => c.args.includes("force-unlock"))?.args.slice(1)).toEqual(["force-unlock", "-force", LOCK.ID]);
    expect(io.stderr).toContain(`Released the state lock ${LOCK.ID} of prod.`);
    expect(io.stderr).toContain("Next: npm run plan -- prod.");
  });

  test("a lock still there after force-unlock is reported (exit 1)", async () => {
    const io = fakeIo({ aws: locked });
    expect(await unlock(["prod", LOCK.ID, "--yes"], io)).toBe(EXIT.FAILED);
    expect(io.stderr).toContain("terraform force-unlock ran, but prod is still locked");
  });

  test("a bootstrap stack with local state has nothing to unlock (exit 1)", async () => {
    const io = fakeIo();
    expect(await unlock(["state-prod", LOCK.ID, "--yes"], io)).toBe(EXIT.FAILED);
    expect(io.stderr).toContain('state-prod keeps its state in a local file (state.bootstrapBackend is "local")');
  });
});

describe("UnmanagedUserPool: plan stops (exit 3) when a pool of the configured name exists outside the state", () => {
  const pools = (...ids: string[]) => ids.map((id) => ({ id, name: "taskflow-prod" }));

  test("no state yet and one pool: exit 3 before synth; review.md names the pool and the adoption setting; no tfplan", async () => {
    const io = fakeIo({ aws: () => ({ userPools: async () => [...pools("ap-northeast-1_Orphan1"), { id: "x_1", name: "other" }] }) });
    expect(await plan(["prod"], io)).toBe(EXIT.PROTECTED);
    expect(io.calls).toEqual([]);
    const review = readFileSync(join(io.root, "plans", "prod", "review.md"), "utf8");
    expect(review).toContain(
      "**A user pool named `taskflow-prod` already exists in account 333333333333 but the state of prod does not manage it.**",
    );
    expect(review).toContain("> - existing pool **`ap-northeast-1_Orphan1`** (`taskflow-prod`)");
    expect(review).toContain('>     userPool: { existingUserPoolId: "ap-northeast-1_Orphan1" },');
    expect(review).toContain("The state of prod is missing.");
    expect(review).toContain("| Threat protection | ENFORCED |");
    expect(readdirSync(join(io.root, "plans", "prod"))).toEqual(["review.md"]);
    expect(io.stderr).toContain("but the state of prod does not manage it: ap-northeast-1_Orphan1. Terraform would create a second pool.");
  });

  test("the state manages one pool and a second of the same name exists: exit 3, the extra one is named, no adoption advised", async () => {
    const io = fakeIo({
      aws: () => ({
        userPools: async () => pools("ap-northeast-1_Managed", "ap-northeast-1_Extra"),
        getObject: async (_b, key) => (key === KEY ? Buffer.from(stateJson(7, "lin-1", ["ap-northeast-1_Managed"])) : undefined),
      }),
    });
    expect(await plan(["prod"], io)).toBe(EXIT.PROTECTED);
    const review = readFileSync(join(io.root, "plans", "prod", "review.md"), "utf8");
    expect(review).toContain("> - existing pool **`ap-northeast-1_Extra`**");
    expect(review).not.toContain("existing pool **`ap-northeast-1_Managed`**");
    expect(review).toContain("The state already manages `ap-northeast-1_Managed`");
    expect(review).not.toContain("existingUserPoolId:");
  });

  test("a corrupted state object: exit 3, and the advice starts with restoring the state", async () => {
    const io = fakeIo({
      aws: () => ({ userPools: async () => pools("ap-northeast-1_P"), getObject: async () => Buffer.from("garbage") }),
    });
    expect(await plan(["prod"], io)).toBe(EXIT.PROTECTED);
    expect(io.stderr).toContain(
      "The state of prod is not a readable Terraform state. If it was lost or corrupted, restore it first: `npm run state -- versions prod`",
    );
  });

  test("the pool the state manages is no reason to stop: Terraform plans", async () => {
    const io = fakeIo({
      aws: () => ({
        userPools: async () => pools("ap-northeast-1_Managed"),
        getObject: async () => Buffer.from(stateJson(7, "lin-1", ["ap-northeast-1_Managed"])),
      }),
      capture: showNoChanges,
    });
    expect(await plan(["prod"], io)).toBe(EXIT.OK);
    expect(terraformCalls(io.calls)).toEqual(["init", "plan", "show"]);
  });

  test("config that adopts a pool (existingUserPoolId) skips the check", async () => {
    const env = (e: EnvironmentConfig): EnvironmentConfig => ({
      ...e,
      userPool: { ...e.userPool, existingUserPoolId: "ap-northeast-1_Orphan1" },
    });
    const base = fakeIo({ aws: () => ({ userPools: async () => pools("ap-northeast-1_Orphan1") }), capture: showNoChanges });
    const io = { ...base, environments: () => base.environments().map((e) => (e.name === "prod" ? env(e) : e)) };
    expect(await plan(["prod"], io)).toBe(EXIT.OK);
    expect(base.awsCalls).not.toContain("userPools");
  });

  test("the check cannot reach AWS: exit 1, nothing planned, no review", async () => {
    const io = fakeIo({
      aws: () => ({
        userPools: async () => {
          throw Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:4566"), { name: "Error" });
        },
      }),
    });
    expect(await plan(["prod"], io)).toBe(EXIT.FAILED);
    expect(io.stderr).toContain("Could not check for user pools outside the state of prod (connect ECONNREFUSED 127.0.0.1:4566)");
    expect(existsSync(join(io.root, "plans", "prod", "review.md"))).toBe(false);
  });
});

describe("StateVersionsAndRestore: npm run state lists the state's versions and restores one through terraform state push", () => {
  const GOOD = Buffer.from(stateJson(12, "lin-1", ["ap-northeast-1_Pool"]));
  const OLDER = Buffer.from(stateJson(11, "lin-1", ["ap-northeast-1_Pool"]));
  const FOREIGN = Buffer.from(stateJson(3, "lin-other"));
  const DIGEST_ID = `${LOCK_ID}-md5`;
  /** The digest item's value: the MD5 of the last state Terraform wrote, no longer the current object. */
  const STALE = "5d41402abc4b2a76b9719d911017c592";
  const at = (minute: number) => new Date(Date.UTC(2026, 10, 27, 5, minute));
  const version = (versionId: string, minute: number, body?: Buffer): ObjectVersion => ({
    versionId,
    lastModified: at(minute),
    size: body?.length,
    isLatest: false,
    deleteMarker: body === undefined,
  });
  const current = (v: ObjectVersion): ObjectVersion => ({ ...v, isLatest: true });
  const bodies: Record<string, Buffer> = { "v-garbage": Buffer.from("garbage"), "v-good": GOOD, "v-foreign": FOREIGN, "v-older": OLDER };
  /** Lost: the good state overwritten with garbage, then deleted. */
  const history: ObjectVersion[] = [
    current(version("v-deleted", 4)),
    version("v-garbage", 3, bodies["v-garbage"]),
    version("v-good", 2, GOOD),
    version("v-foreign", 1, FOREIGN),
    version("v-older", 0, OLDER),
  ];
  const bucketAws =
    (extra: Partial<AwsApi> = {}, versions: ObjectVersion[] = history) =>
    () => ({
      objectVersions: async () => versions,
      getObject: async (_b: string, key: string, versionId?: string) => (key === KEY && versionId ? bodies[versionId] : undefined),
      ...extra,
    });

  type StateJson = { serial: number; lineage: string; resources: unknown[] };
  interface Pushed {
    readonly body: StateJson;
    readonly mode: number;
    readonly path: string;
  }
  /**
   * `terraform state push` as Terraform 1.11.4 does it (internal/states/remote/state.go): over a
   * state, the file's lineage with its serial + 1, refused without -force for another lineage or a
   * lower serial; onto no state, the content under a new lineage, serial 1 ("keeps-lineage": a
   * Terraform that kept the file's lineage there; "new-lineage": one that never writes the file's).
   */
  function fakePush(current: StateJson | undefined, file: StateJson, force: boolean, model: string): StateJson | undefined {
    if (model === "new-lineage") return { ...file, lineage: "lin-terraform", serial: (current?.serial ?? 0) + 1 };
    if (!current) return model === "keeps-lineage" ? file : { ...file, lineage: "lin-terraform", serial: 1 };
    if (!force && (current.lineage !== file.lineage || file.serial < current.serial)) return undefined;
    return { ...file, serial: file.serial + 1 };
  }
  /**
   * A restore against a fake bucket and a fake Terraform. `events` is one ordered log of every AWS
   * write and every command run (the pushed file shown as <file>); the current object is what the
   * deletes and the pushes leave.
   */
  async function restoreRun(
    args: string[],
    options: {
      versions?: ObjectVersion[];
      digest?: string;
      digestStillHolds?: boolean;
      /** A push that fails: its exit status, after handing Terraform's stderr to the command (undefined: it does not fail). */
      pushFails?: (call: Call) => number | undefined;
      terraform?: "1.11" | "keeps-lineage" | "new-lineage";
      answers?: string[];
    } = {},
  ) {
    const events: string[] = [];
    let pushed: Pushed | undefined;
    const currentId = (options.versions ?? history).find((v) => v.isLatest && !v.deleteMarker)?.versionId;
    let current: Buffer | undefined = currentId ? bodies[currentId] : undefined;
    const io = fakeIo({
      interactive: options.answers !== undefined,
      answers: options.answers,
      aws: bucketAws(
        {
          getItem: async (_t, id) => (id === DIGEST_ID && options.digest ? { LockID: id, Digest: options.digest } : undefined),
          deleteItemIf: async (table, id, attribute, value) => (
            events.push(`deleteItemIf ${table} ${id} ${attribute} ${value}`),
            options.digestStillHolds ?? true
          ),
          deleteObject: async (bucket, key) => {
            events.push(`deleteObject ${bucket} ${key}`);
            current = undefined;
          },
          getObject: async (_b, key, versionId) => (key !== KEY ? undefined : versionId ? bodies[versionId] : current),
        },
        options.versions,
      ),
      run: (call) => {
        const text = callText(call);
        if (!text.startsWith("terraform state push")) return (events.push(text), 0);
        const path = call.args[call.args.length - 1];
        events.push(text.replace(path, "<file>"));
        const failed = options.pushFails?.(call);
        if (failed !== undefined) return failed;
        pushed = { body: JSON.parse(readFileSync(path, "utf8")) as StateJson, mode: statSync(path).mode & 0o777, path };
        const before = current && (JSON.parse(current.toString()) as StateJson);
        const written = fakePush(before, pushed.body, call.args.includes("-force"), options.terraform ?? "1.11");
        if (!written) return 1;
        current = Buffer.from(JSON.stringify(written));
        return 0;
      },
    });
    const code = await state(["restore", "prod", ...args], io);
    return { code, io, events, pushed };
  }
  const SYNTH_AND_INIT = ["node scripts/run-ts.js main.ts", "terraform init -input=false"];

  test("versions lists every version newest first with time, size, serial and lineage, marking garbage and the delete marker", async () => {
    const io = fakeIo({ aws: bucketAws() });
    expect(await state(["versions", "prod"], io)).toBe(EXIT.OK);
    const lines = io.stdout.split("\n");
    expect(lines[0]).toBe(`Versions of s3://${BUCKET}/${KEY}, newest first:`);
    expect(lines[1]).toMatch(/^version id\s+time \(UTC\)\s+size\s+serial\s+lineage\s+note$/);
    expect(lines[2]).toMatch(/^v-deleted\s+2026-11-27T05:04:00.000Z\s+-\s+-\s+-\s+current, delete marker \(object deleted\)$/);
    expect(lines[3]).toMatch(/^v-garbage\s+2026-11-27T05:03:00.000Z\s+7\s+-\s+-\s+not a Terraform state$/);
    expect(lines[4]).toMatch(new RegExp(`^v-good\\s+2026-11-27T05:02:00.000Z\\s+${GOOD.length}\\s+12\\s+lin-1$`));
    expect(io.stderr).toContain(
      "The current state of prod is deleted. Restore the newest good version with: npm run state -- restore prod <version-id>",
    );
  });

  test("1. a deleted state: only the stale digest item is deleted (on its value), then a push and, over the lineage Terraform made, a push -force", async () => {
    const { code, io, events } = await restoreRun(["v-good", "--yes"], { digest: STALE });
    expect(code).toBe(EXIT.OK);
    expect(events).toEqual([
      ...SYNTH_AND_INIT,
      `deleteItemIf ${TABLE} ${DIGEST_ID} Digest ${STALE}`,
      "terraform state push <file>",
      "terraform state push -force <file>",
    ]);
    expect(io.stderr).toContain(
      `  1. delete the digest item ${DIGEST_ID} of ${TABLE} (${STALE}, the MD5 of a state that is no longer the current object)`,
    );
    expect(io.stderr).toContain(
      "  2. terraform state push of the version as serial 13: Terraform takes the state lock and writes the object and its digest (onto no state, under a new lineage of its own)",
    );
    expect(io.stderr).toContain("  3. terraform state push -force of the same file over that new lineage: lineage lin-1 back, serial 14");
    expect(io.stderr).toContain("Terraform stored the version under a new lineage lin-terraform (serial 1)");
    expect(io.stderr).toContain(`Restored version v-good of s3://${BUCKET}/${KEY} through terraform state push: lineage lin-1, serial 14;`);
  });

  test("2. the pushed file is the chosen version with a serial above every version, readable by its owner only, removed afterwards", async () => {
    const { pushed } = await restoreRun(["v-good", "--yes"], { digest: STALE });
    expect(pushed?.body.serial).toBe(13);
    expect(pushed?.body.lineage).toBe("lin-1");
    expect(pushed?.body.resources).toEqual(JSON.parse(GOOD.toString()).resources);
    expect(pushed?.mode).toBe(0o600);
    expect(existsSync(pushed?.path ?? "")).toBe(false);
  });

  test("3. a current object that is not a state: the digest item is deleted, then the object (a delete marker), then the two pushes", async () => {
    const versions = [current(version("v-garbage", 3, bodies["v-garbage"])), version("v-good", 2, GOOD)];
    const { code, io, events } = await restoreRun(["v-good", "--yes"], { versions, digest: STALE });
    expect(code).toBe(EXIT.OK);
    expect(events).toEqual([
      ...SYNTH_AND_INIT,
      `deleteItemIf ${TABLE} ${DIGEST_ID} Digest ${STALE}`,
      `deleteObject ${BUCKET} ${KEY}`,
      "terraform state push <file>",
      "terraform state push -force <file>",
    ]);
    expect(io.stderr).toContain(`  2. delete the current object s3://${BUCKET}/${KEY}, which is not a Terraform state`);
  });

  test("4. a readable current state: nothing deleted, and no -force for a version of a lower serial (it is pushed above the current one)", async () => {
    const versions = [current(version("v-good", 2, GOOD)), version("v-older", 0, OLDER)];
    const { code, events, pushed, io } = await restoreRun(["v-older", "--yes"], { versions, digest: STALE });
    expect(code).toBe(EXIT.OK);
    expect(events).toEqual([...SYNTH_AND_INIT, "terraform state push <file>"]);
    expect(pushed?.body.serial).toBe(13);
    expect(io.stderr).toContain("through terraform state push: lineage lin-1, serial 14;");
    expect(io.awsCalls.filter((c) => c.startsWith(`getItem ${TABLE} ${DIGEST_ID}`))).toEqual([]);
  });

  test("5. confirmation before any write: prod without --yes and no terminal is refused (exit 4) after the steps are shown; nothing deleted or run", async () => {
    const { code, io, events } = await restoreRun(["v-good"], { digest: STALE });
    expect(code).toBe(EXIT.REFUSED);
    expect(io.stderr).toContain(`  1. delete the digest item ${DIGEST_ID}`);
    expect(io.stderr).toContain("Refusing to restore state version v-good (serial 12) of prod without confirmation");
    expect(events).toEqual([]);
  });

  test("6. confirmation before any write: a wrong name typed is refused (exit 4); nothing deleted or run", async () => {
    const { code, io, events } = await restoreRun(["v-good"], { digest: STALE, answers: ["staging"] });
    expect(code).toBe(EXIT.REFUSED);
    expect(io.questions).toHaveLength(1);
    expect(events).toEqual([]);
  });

  test("7. a version of another lineage is refused (exit 4) without --force-lineage: nothing deleted or run", async () => {
    const { code, io, events } = await restoreRun(["v-foreign", "--yes"], { digest: STALE });
    expect(code).toBe(EXIT.REFUSED);
    expect(io.stderr).toContain(
      "Refusing to restore v-foreign: its lineage lin-other differs from the current state's lin-1 (version v-good, serial 12)",
    );
    expect(events).toEqual([]);
  });

  test("8. --force-lineage over a readable current state of another lineage pushes with -force (Terraform would refuse it otherwise)", async () => {
    const versions = [current(version("v-good", 2, GOOD)), version("v-foreign", 1, FOREIGN)];
    const { code, events } = await restoreRun(["v-foreign", "--yes", "--force-lineage"], { versions });
    expect(code).toBe(EXIT.OK);
    expect(events).toEqual([...SYNTH_AND_INIT, "terraform state push -force <file>"]);
  });

  test("9. the digest item changed after it was read (a state written meanwhile): exit 1, nothing else deleted, no push", async () => {
    const versions = [current(version("v-garbage", 3, bodies["v-garbage"])), version("v-good", 2, GOOD)];
    const { code, io, events } = await restoreRun(["v-good", "--yes"], { versions, digest: STALE, digestStillHolds: false });
    expect(code).toBe(EXIT.FAILED);
    expect(events).toEqual([...SYNTH_AND_INIT, `deleteItemIf ${TABLE} ${DIGEST_ID} Digest ${STALE}`]);
    expect(io.stderr).toContain(`The digest item ${DIGEST_ID} changed since it was read`);
  });

  test("10. Terraform finds the state locked when it pushes: exit 10 with the lock and the unlock command, and what was already deleted", async () => {
    const { code, io } = await restoreRun(["v-good", "--yes"], {
      digest: STALE,
      pushFails: (call) => (call.options?.onStderr?.(lockStderr), 1),
    });
    expect(code).toBe(EXIT.LOCKED);
    expect(io.stderr).toContain("  npm run unlock -- prod f26f002c-d21b-d944-bc9e-59aacf20be2f");
    expect(io.stderr).toContain(`Nothing was restored. Before it, this command did: delete the digest item ${DIGEST_ID}`);
  });

  test("11. a Terraform that keeps the pushed lineage onto no state: one push, no -force", async () => {
    const { code, events, io } = await restoreRun(["v-good", "--yes"], { digest: STALE, terraform: "keeps-lineage" });
    expect(code).toBe(EXIT.OK);
    expect(events).toEqual([...SYNTH_AND_INIT, `deleteItemIf ${TABLE} ${DIGEST_ID} Digest ${STALE}`, "terraform state push <file>"]);
    expect(io.stderr).toContain("through terraform state push: lineage lin-1, serial 13;");
  });

  test("12. pushes that succeed but leave another lineage in the bucket: exit 1 naming both lineages, never reported as restored", async () => {
    const { code, io } = await restoreRun(["v-good", "--yes"], { digest: STALE, terraform: "new-lineage" });
    expect(code).toBe(EXIT.FAILED);
    expect(io.stderr).toContain(`terraform state push succeeded, but s3://${BUCKET}/${KEY} has lineage lin-terraform, not lin-1 now.`);
    expect(io.stderr).not.toContain("Restored version");
  });

  test("13. the second push fails: exit 1 saying the content is current under Terraform's new lineage, and to restore again with --force-lineage", async () => {
    const { code, io } = await restoreRun(["v-good", "--yes"], {
      digest: STALE,
      pushFails: (call) => (call.args.includes("-force") ? 1 : undefined),
    });
    expect(code).toBe(EXIT.FAILED);
    expect(io.stderr).toContain(
      "The version's content is the current state, but under Terraform's new lineage lin-terraform: run the same restore again with --force-lineage",
    );
    expect(io.stderr).not.toContain("Nothing was restored.");
  });

  test("a version that is not a Terraform state is refused (exit 4)", async () => {
    const { code, io, events } = await restoreRun(["v-garbage", "--yes"]);
    expect(code).toBe(EXIT.REFUSED);
    expect(io.stderr).toContain("Refusing to restore v-garbage: it is not a Terraform state");
    expect(events).toEqual([]);
  });

  test("an unknown version id or a delete marker is a usage error (exit 64) that says how to list versions", async () => {
    for (const id of ["v-nope", "v-deleted"]) {
      const io = fakeIo({ aws: bucketAws() });
      expect(await state(["restore", "prod", id, "--yes"], io)).toBe(EXIT.USAGE);
      expect(io.stderr).toContain("List them with: npm run state -- versions prod");
    }
  });

  test("while someone holds the lock, restore refuses (exit 10) before it deletes or runs anything", async () => {
    const io = fakeIo({ aws: () => ({ ...bucketAws()(), ...locked() }) });
    expect(await state(["restore", "prod", "v-good", "--yes"], io)).toBe(EXIT.LOCKED);
    expect(io.awsCalls.filter((c) => c.startsWith("delete"))).toEqual([]);
    expect(io.calls).toEqual([]);
  });

  test("no subcommand is a usage error with the overview; --help prints it", async () => {
    const io = fakeIo();
    expect(await state([], io)).toBe(EXIT.USAGE);
    expect(io.stderr).toContain("Usage: npm run state -- versions <stack>");
    const help = fakeIo();
    expect(await state(["--help"], help)).toBe(EXIT.OK);
    expect(help.stdout).toContain("npm run state -- restore <stack> <version-id> [--yes] [--force-lineage]");
    const sub = fakeIo();
    expect(await state(["restore", "--help"], sub)).toBe(EXIT.OK);
    expect(sub.stdout).toMatch(/^Usage: npm run state -- restore <stack> <version-id> \[--yes\] \[--force-lineage\]/);
  });
});

describe("ResourcesLeftOutsideState: apply names what already exists in AWS but not in the state, and prints the imports that adopt it", () => {
  // Reason: an apply killed between two state writes leaves resources the next apply cannot create again.
  const LEFT = [
    { address: "aws_cloudwatch_log_group.user_activity", name: "/aws/vendedlogs/cognito/taskflow-prod/user-activity" },
    { address: "aws_wafv2_web_acl.user_pool", name: "taskflow-prod-user-pool" },
    { address: "aws_iam_role.responder", name: "taskflow-prod-incident-responder" },
    { address: "aws_kms_alias.alerts", name: "alias/taskflow-prod-alerts" },
    { address: "aws_s3_bucket.logs", name: "taskflow-prod-state-logs" },
  ];
  const applyFailingWith = (stderr: string) => {
    const root = tempDir();
    mkdirSync(join(root, "plans", "prod"), { recursive: true });
    writeFileSync(join(root, "plans", "prod", "tfplan"), "saved plan");
    return fakeIo({
      root,
      capture: (call) => ({
        code: 0,
        stdout: call.args.includes("-json") ? readFileSync(join(__dirname, "fixtures", "update.plan.json"), "utf8") : "",
      }),
      run: (call) => {
        if (!call.args.includes("apply")) return 0;
        call.options?.onStderr?.(stderr);
        return 1;
      },
    });
  };

  test("1. alreadyExisting reads the address and AWS name of each of the five recorded errors (log group, web ACL, role, alias, bucket)", () => {
    expect(alreadyExisting(alreadyExistsStderr)).toEqual(LEFT);
  });
  test("2. apply exits 1 and prints one terraform import per resource (the name as import id), then plan and apply", async () => {
    const io = applyFailingWith(alreadyExistsStderr);
    expect(await apply(["prod", "--yes"], io)).toBe(EXIT.FAILED);
    expect(io.stderr).toContain("5 resource(s) already exist in AWS but not in the state");
    const dir = "cdktf.out/stacks/prod";
    for (const line of [
      `  terraform -chdir=${dir} import aws_cloudwatch_log_group.user_activity /aws/vendedlogs/cognito/taskflow-prod/user-activity\n`,
      `  terraform -chdir=${dir} import aws_iam_role.responder taskflow-prod-incident-responder\n`,
      `  terraform -chdir=${dir} import aws_kms_alias.alerts alias/taskflow-prod-alerts\n`,
      `  terraform -chdir=${dir} import aws_s3_bucket.logs taskflow-prod-state-logs\n  npm run plan -- prod\n  npm run apply -- prod\n`,
    ])
      expect(io.stderr).toContain(line);
  });
  test("3. the web ACL's import id (<id>/<name>/REGIONAL) looks its id up with the AWS CLI in the environment's region", () => {
    expect(importInstructions([LEFT[1]], "cdktf.out/stacks/prod", "ap-northeast-1")).toEqual([
      `  terraform -chdir=cdktf.out/stacks/prod import aws_wafv2_web_acl.user_pool "$(aws wafv2 list-web-acls --scope REGIONAL --region ap-northeast-1 --query "WebACLs[?Name=='taskflow-prod-user-pool'].Id" --output text)/taskflow-prod-user-pool/REGIONAL"`,
    ]);
  });
  test("4. a type whose import id is not its name gets a placeholder and where to look it up, never a guessed id", () => {
    expect(importInstructions([{ address: "aws_sns_topic.alerts", name: "taskflow-prod-alerts" }], "d", "ap-northeast-1")).toEqual([
      "  terraform -chdir=d import aws_sns_topic.alerts '<import id>'",
      '    <import id>: see "Import" on the aws provider\'s page for aws_sns_topic (taskflow-prod-alerts is its name)',
    ]);
  });
  test("5. npm run deploy without a terminal reads cdktf's output (which adds the construct path) and prints the import, then deploy again", async () => {
    const cdktfOutput = readFileSync(join(__dirname, "fixtures", "deploy-already-exists.stdout.txt"), "utf8");
    const io = fakeIo({
      run: (call) => {
        call.options?.onStdout?.(cdktfOutput);
        return 1;
      },
    });
    expect(await deploy(["prod", "--yes"], io)).toBe(EXIT.FAILED);
    expect(io.stderr).toContain(
      "cdktf deploy prod failed (exit 1): 1 resource(s) already exist in AWS but not in the state (what an apply interrupted before it wrote its state leaves; if one was made by hand, adopt it only if it is meant to be this stack's). Adopt each into the state, then go on:\n" +
        "  terraform -chdir=cdktf.out/stacks/prod import aws_cloudwatch_log_group.audit_user_activity_log_group /aws/vendedlogs/cognito/taskflow-prod/user-activity\n" +
        "  npm run deploy -- prod\n",
    );
  });
  test("6. any other apply failure keeps the general message and prints no import", async () => {
    const io = applyFailingWith("Error: Saved plan is stale\n");
    expect(await apply(["prod", "--yes"], io)).toBe(EXIT.FAILED);
    expect(io.stderr).toContain("failed: see the output above");
    expect(io.stderr).not.toContain("import");
  });
});

describe("StagedPlanFiles: a plan that fails half-way leaves no review.md or tfplan in plans/<stack>/", () => {
  test("the API goes away during terraform plan: exit 1, a message saying so, no files from this or an earlier run", async () => {
    const root = tempDir();
    mkdirSync(join(root, "plans", "prod"), { recursive: true });
    for (const f of ["tfplan", "review.md"]) writeFileSync(join(root, "plans", "prod", f), "from an earlier run");
    const io = fakeIo({
      root,
      run: (call) => {
        if (!call.args.includes("plan")) return 0;
        writeFileSync(call.args.find((a) => a.startsWith("-out="))?.slice(5) ?? "", "partial");
        call.options?.onStderr?.(
          "Error: reading Cognito User Pool (ap-northeast-1_X): operation error Cognito Identity Provider: DescribeUserPool, " +
            "exceeded maximum number of attempts, 25, https response error StatusCode: 0, RequestID: , " +
            'request send failed, Post "https://cognito-idp.ap-northeast-1.amazonaws.com/": dial tcp 10.0.0.1:443: connect: connection refused\n',
        );
        return 1;
      },
    });
    expect(await plan(["prod"], io)).toBe(EXIT.FAILED);
    expect(io.stderr).toContain("Terraform could not reach the AWS API (connection refused)");
    expect(io.stderr).toContain("No plan was saved; plans/prod/ holds no review.");
    expect(readdirSync(join(root, "plans"))).toEqual(["prod"]);
    expect(readdirSync(join(root, "plans", "prod"))).toEqual([]);
  });

  test("terraform show failing after the plan: exit 1, the staged tfplan is discarded", async () => {
    const io = fakeIo({
      run: (call) =>
        call.args.includes("plan") ? (writeFileSync(call.args.find((a) => a.startsWith("-out="))?.slice(5) ?? "", "p"), 0) : 0,
      capture: () => ({ code: 1, stdout: "" }),
    });
    expect(await plan(["prod"], io)).toBe(EXIT.FAILED);
    expect(readdirSync(join(io.root, "plans", "prod"))).toEqual([]);
    expect(readdirSync(join(io.root, "plans"))).toEqual(["prod"]);
  });
});

describe("CallerAccount: wrong or expired credentials are refused before anything is written", () => {
  const commands = {
    plan: (io: ReturnType<typeof fakeIo>) => plan(["prod"], io),
    apply: (io: ReturnType<typeof fakeIo>) => apply(["prod", "--yes"], io),
    deploy: (io: ReturnType<typeof fakeIo>) => deploy(["prod", "--yes"], io),
    unlock: (io: ReturnType<typeof fakeIo>) => unlock(["prod", LOCK.ID, "--yes"], io),
    "state versions": (io: ReturnType<typeof fakeIo>) => state(["versions", "prod"], io),
    "state restore": (io: ReturnType<typeof fakeIo>) => state(["restore", "prod", "v1", "--yes"], io),
    outputs: (io: ReturnType<typeof fakeIo>) => outputs(["prod"], io),
  };

  test.each(Object.keys(commands))(
    "%s with another account's credentials exits 8 naming both accounts; nothing runs or is written",
    async (name) => {
      const root = tempDir();
      mkdirSync(join(root, "plans", "prod"), { recursive: true });
      writeFileSync(join(root, "plans", "prod", "review.md"), "earlier review");
      const io = fakeIo({ root, aws: () => ({ ...locked(), callerAccount: async () => "111111111111" }) });
      expect(await commands[name as keyof typeof commands](io)).toBe(EXIT.WRONG_ACCOUNT);
      expect(io.stderr).toContain(
        "Refusing to touch prod: the AWS credentials belong to account 111111111111, but prod is account 333333333333.",
      );
      expect(io.stderr).toContain("Nothing was written.");
      expect(io.calls).toEqual([]);
      expect(io.awsCalls).toEqual(["callerAccount"]);
      expect(readdirSync(root)).toEqual(["plans"]);
      expect(readFileSync(join(root, "plans", "prod", "review.md"), "utf8")).toBe("earlier review");
    },
  );

  test("expired credentials: exit 8 with STS's error, the expected account and what to do", async () => {
    const expired = Object.assign(new Error("The security token included in the request is expired"), { name: "ExpiredToken" });
    const io = fakeIo({
      aws: () => ({
        callerAccount: async () => {
          throw expired;
        },
      }),
    });
    expect(await plan(["prod"], io)).toBe(EXIT.WRONG_ACCOUNT);
    expect(io.stderr).toContain(
      "Refusing to touch prod: the AWS credentials could not be verified (ExpiredToken: The security token included in the request is expired).",
    );
    expect(io.stderr).toContain("Expected credentials of account 333333333333 (prod).");
    expect(io.calls).toEqual([]);
    expect(existsSync(join(io.root, "plans"))).toBe(false);
  });
});
