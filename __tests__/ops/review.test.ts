/**
 * review.md rendered from plans recorded with real `terraform show -json` (aws provider 5.100.0
 * against moto; how: fixtures/RECORDING.md). Together they contain create, update, replace,
 * destroy and import.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { loadEnvironments } from "../../config";
import { attributeDiff } from "../../scripts/lib/review/attribute-diff";
import { parsePlanJson, type PlanJson, type ResourceChange } from "../../scripts/lib/review/plan-json";
import { analysePlan, renderReview } from "../../scripts/lib/review/review";
import { findStack, type StackTarget } from "../../scripts/lib/cli/stacks";

const envs = loadEnvironments();
const target = (name: string): StackTarget =>
  findStack(name, envs) ??
  (() => {
    throw new Error(name);
  })();
const recorded = (name: string): PlanJson => parsePlanJson(readFileSync(join(__dirname, "fixtures", `${name}.plan.json`), "utf8"), name);
const review = (name: string, stack = "prod") => renderReview(recorded(name), { target: target(stack), tfplan: `plans/${stack}/tfplan` });

/** The table row of one address. */
const row = (markdown: string, address: string) => markdown.split("\n").find((l) => l.startsWith(`| \`${address}\``)) ?? "";
/** The CAUTION block (every line starting with ">" after [!CAUTION]). */
const caution = (markdown: string) => {
  const lines = markdown.split("\n");
  const start = lines.indexOf("> [!CAUTION]");
  if (start < 0) return "";
  const end = lines.findIndex((l, i) => i > start && !l.startsWith(">"));
  return lines.slice(start, end).join("\n");
};
const summaryRow = (markdown: string) => {
  const lines = markdown.split("\n");
  return lines[lines.indexOf("| add | change | replace | destroy | import |") + 2];
};

describe("counts", () => {
  test.each([
    ["create", "| 9 | 0 | 0 | 0 | 0 |"],
    ["update", "| 0 | 4 | 0 | 0 | 0 |"],
    ["mixed", "| 1 | 2 | 3 | 3 | 0 |"],
    ["replace-pool", "| 0 | 0 | 3 | 0 | 0 |"],
    ["import", "| 0 | 1 | 0 | 0 | 1 |"],
    ["no-changes", "| 0 | 0 | 0 | 0 | 0 |"],
  ])("%s: add | change | replace | destroy | import = %s", (fixture, expected) => {
    expect(summaryRow(review(fixture))).toBe(expected);
  });
});

describe("a plan with create, update, replace and destroy (mixed)", () => {
  const md = review("mixed");
  const plan = recorded("mixed");

  test("lists every resource change with its action, and no unchanged resource", () => {
    const changed = (plan.resource_changes ?? []).filter((r) => !r.change.actions.includes("no-op")).map((r) => r.address);
    expect(changed).toHaveLength(9);
    for (const address of changed) expect(row(md, address)).not.toBe("");
    expect(row(md, "aws_cognito_user_pool_client.web")).toBe(""); // no-op in this plan
    expect(row(md, "aws_cloudwatch_log_group.audit")).toContain("| create | new |");
    expect(row(md, "aws_cloudwatch_log_group.old")).toContain("| **destroy** | removed from the configuration |");
    expect(row(md, "aws_sns_topic.alerts")).toContain("**replace** (destroy, then create)");
  });

  test("names the attributes that change, with before and after, and what forces a replacement", () => {
    expect(row(md, "aws_cognito_user_pool.user_pool")).toContain("| update in place | `password_policy.minimum_length`: `12` → `14` |");
    expect(row(md, "aws_sns_topic.alerts")).toContain(
      '`name`: `"taskflow-recording-alerts"` → `"taskflow-recording-alerts-v2"` **forces replacement**',
    );
    expect(row(md, "aws_cognito_user_pool_client.backend")).toContain("`generate_secret`: `true` → `false` **forces replacement**");
  });

  test("masks sensitive values: the SSM SecureString and the client secret never appear", () => {
    expect(row(md, "aws_ssm_parameter.webhook_token")).toContain("`value`: `(sensitive)` → `(sensitive)`");
    expect(md).not.toContain("recorded-secret");
    const secret = (plan.resource_changes ?? []).find((r) => r.address === "aws_cognito_user_pool_client.backend")?.change.before as {
      client_secret: string;
    };
    expect(secret.client_secret).toMatch(/\w{8}/); // the fixture does hold a real secret
    expect(md).not.toContain(secret.client_secret);
  });

  test("warns prominently about each protected replace or destroy, and only about those", () => {
    const block = caution(md);
    expect(block).toContain("**This plan replaces or destroys 4 protected resources.**");
    expect(block).toContain("**REPLACE** `aws_cognito_user_pool_client.backend` (Cognito app client)");
    expect(block).toContain("**REPLACE** `aws_s3_bucket.state` (S3 state bucket)");
    expect(block).toContain("**DESTROY** `aws_dynamodb_table.lock` (DynamoDB state lock table)");
    expect(block).toContain("**DESTROY** `aws_kms_key.state` (KMS key)");
    expect(block).toContain("add a `moved` block");
    expect(block).not.toContain("aws_sns_topic.alerts"); // replaced, but not protected
    expect(block).not.toContain("aws_cloudwatch_log_group.old");
    expect(md.indexOf("> [!CAUTION]")).toBeLessThan(md.indexOf("## Summary")); // before anything else
    expect(analysePlan(plan).protectedChanges.map((c) => c.resource.address)).toEqual([
      "aws_cognito_user_pool_client.backend",
      "aws_dynamodb_table.lock",
      "aws_kms_key.state",
      "aws_s3_bucket.state",
    ]);
  });
});

test("a pool rename replaces the pool and, through user_pool_id, both clients: all flagged with the cause", () => {
  const block = caution(review("replace-pool"));
  expect(block).toContain("**REPLACE** `aws_cognito_user_pool.user_pool` (Cognito user pool): every user");
  expect(block).toContain("Forced by `name`.");
  expect(block).toContain("**REPLACE** `aws_cognito_user_pool_client.web` (Cognito app client)");
  expect(block).toContain("Forced by `user_pool_id`.");
});

test("an update-only plan has no warning and in-place rows", () => {
  const md = review("update");
  expect(caution(md)).toBe("");
  expect(analysePlan(recorded("update")).protectedChanges).toEqual([]);
  expect(row(md, "aws_cognito_user_pool_client.web")).toContain("| update in place | `access_token_validity`: `30` → `60` |");
  expect(row(md, "aws_cloudwatch_log_group.old")).toContain("`retention_in_days`: `30` → `60`");
});

test("an import shows the imported id and what the first apply changes", () => {
  const md = review("import");
  const r = row(md, "aws_cognito_user_pool.user_pool");
  expect(r).toContain("| import, then update in place |");
  expect(r).toMatch(/import id `ap-northeast-1_\w+`/);
  expect(r).toContain("`password_policy.minimum_length`: `8` → `14`");
  expect(caution(md)).toBe("");
});

test("a plan without changes says so", () => {
  const md = review("no-changes");
  expect(md).toContain("**No changes.**");
  expect(md).not.toContain("## Resource changes");
  expect(analysePlan(recorded("no-changes")).hasChanges).toBe(false);
});

test("a changed schema attribute gets a note: planned in place, refused by Cognito at apply", () => {
  const md = review("schema-update");
  expect(md).toContain("## Notes");
  expect(md).toContain("schema attribute `organizationId` is modified or removed");
  expect(caution(md)).toBe("");
});

test("a partly sensitive nested block is masked as a whole", () => {
  // Recorded update, with password_policy's minimum_length marked sensitive (as a provider could).
  const change = (recorded("update").resource_changes ?? []).find((r) => r.address === "aws_cognito_user_pool.user_pool") as ResourceChange;
  const sensitiveLength = { password_policy: [{ minimum_length: true }] };
  const diff = attributeDiff({ ...change.change, before_sensitive: sensitiveLength, after_sensitive: sensitiveLength });
  expect(diff.changes).toEqual([
    { path: "password_policy.minimum_length", before: "(sensitive)", after: "(sensitive)", forcesReplacement: false },
  ]);
  // And when the block's length changes (no element-wise walk), the whole block is masked.
  const grown = attributeDiff({
    actions: ["update"],
    before: { rules: [{ v: "a" }] },
    after: { rules: [{ v: "a" }, { v: "b" }] },
    after_sensitive: { rules: [{ v: false }, { v: true }] },
  });
  expect(grown.changes).toEqual([{ path: "rules", before: "(sensitive)", after: "(sensitive)", forcesReplacement: false }]);
});

describe("security posture", () => {
  const rows = (md: string) =>
    new Map(
      md
        .slice(md.indexOf("## Security posture"))
        .split("\n")
        .filter((l) => l.startsWith("| ") && !l.startsWith("| setting"))
        .map((l) => l.split(" | ").map((c) => c.replace(/^\| | \|$/g, "")) as [string, string]),
    );

  test("prod: the values the control tests check, from the validated config", () => {
    const prod = envs.find((e) => e.name === "prod");
    const posture = rows(review("update"));
    expect(posture.get("Password minimum length")).toBe(String(prod?.userPool.passwordPolicy.minimumLength));
    expect(posture.get("MFA")).toBe(prod?.userPool.mfa);
    expect(posture.get("Email MFA")).toBe("on");
    expect(posture.get("SRP sign-in (not checked for leaked passwords)")).toBe("not allowed");
    expect(posture.get("Threat protection")).toBe("ENFORCED");
    expect(posture.get("Deletion protection")).toBe("on");
    expect(posture.get("Passkeys")).toBe(
      "on (user verification required, relying party taskflow-prod.auth.ap-northeast-1.amazoncognito.com)",
    );
    expect(posture.get("Access token lifetime")).toBe("30 minutes");
    expect(posture.get("Refresh token lifetime")).toBe("7 days");
    expect(posture.get("Feature plan")).toBe("PLUS");
    expect(posture.get("AWS WAF on the user pool")).toBe("block (IP reputation, known bad inputs, 1000 requests per IP per 300 s)");
  });

  test("dev shows its relaxations", () => {
    const posture = rows(review("update", "dev"));
    expect(posture.get("Deletion protection")).toBe("off");
    expect(posture.get("Threat protection")).toBe("OFF");
    expect(posture.get("AWS WAF on the user pool")).toBe("off");
    expect(posture.get("Password minimum length")).toBe("8");
    expect(posture.get("Email MFA")).toBe("off");
  });

  test("a bootstrap stack shows the state settings", () => {
    const posture = rows(review("no-changes", "state-prod"));
    expect(posture.get("State bucket")).toBe("taskflow-tfstate-333333333333-ap-northeast-1");
    expect(posture.get("Lock table")).toBe("taskflow-tfstate-lock");
    expect(posture.get("KMS key alias")).toBe("alias/taskflow-tfstate");
  });
});
