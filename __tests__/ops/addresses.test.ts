/**
 * Address stability: addresses.json records every resource address per stack. Losing a protected
 * address (user pool, app client, state bucket, lock table, KMS key) would make Terraform destroy
 * the resource and create an empty one, so it fails here with what to do; every other difference
 * only asks for a deliberate `npm run addresses -- --update`.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { loadEnvironments } from "../../config";
import { addresses } from "../../scripts/addresses";
import { EXIT } from "../../scripts/lib/cli/exit-codes";
import { fakeIo, removeTempDirs, tempDir } from "./fake-io";
import {
  addressDifferences,
  lostMessage,
  lostProtectedAddresses,
  readAddressesFile,
  synthAddresses,
  type StackAddresses,
} from "../../scripts/lib/review/addresses";

/** The shipped stacks' addresses, synthesized once for the whole file. */
const current = synthAddresses(loadEnvironments());

describe("addresses.json against the synthesized stacks", () => {
  const recorded = readAddressesFile() ?? {};

  test("no protected resource address changed or disappeared", () => {
    const lost = lostProtectedAddresses(recorded, current);
    if (lost.length) throw new Error(lostMessage(lost));
  });

  test("lists exactly the addresses of every stack (update deliberately: npm run addresses -- --update)", () => {
    const diffs = addressDifferences(recorded, current);
    if (diffs.length) {
      const lines = diffs.flatMap((d) => [`${d.stack}:`, ...d.added.map((a) => `  + ${a}`), ...d.removed.map((a) => `  - ${a}`)]);
      throw new Error(
        `addresses.json differs from the synthesized stacks:\n${lines.join("\n")}\nIf intended, run npm run addresses -- --update and commit addresses.json.`,
      );
    }
  });

  test("every stack has its protected resources recorded", () => {
    for (const stack of Object.keys(current)) {
      const kind = stack.startsWith("state-")
        ? ["aws_s3_bucket.", "aws_dynamodb_table.", "aws_kms_key."]
        : ["aws_cognito_user_pool.", "aws_cognito_user_pool_client."];
      for (const prefix of kind) expect(recorded[stack]?.some((a) => a.startsWith(prefix))).toBe(true);
    }
  });
});

describe("npm run addresses with an unreadable addresses.json", () => {
  afterAll(removeTempDirs);

  test.each([
    ["not JSON", "{ not json"],
    ["JSON without a stacks object", JSON.stringify({ about: "x" })],
  ])("%s: --update exits 1 naming the file and leaves it unchanged", async (_what, content) => {
    const root = tempDir();
    const file = join(root, "addresses.json");
    writeFileSync(file, content);
    const io = fakeIo({ root });
    expect(await addresses(["--update"], io)).toBe(EXIT.FAILED);
    expect(io.stderr).toContain(file);
    expect(io.stderr).toContain("Nothing was changed.");
    expect(readFileSync(file, "utf8")).toBe(content);
  });

  test("a missing file starts empty: --update writes every stack", async () => {
    const root = tempDir();
    const io = fakeIo({ root });
    expect(await addresses(["--update"], io)).toBe(EXIT.OK);
    const written = readAddressesFile(join(root, "addresses.json")) ?? {};
    expect(Object.keys(written).sort()).toEqual(Object.keys(current).sort());
  });
});

describe("the protection rule", () => {
  const stacks = (resources: string[], moved: StackAddresses["moved"] = []): Record<string, StackAddresses> => ({
    prod: { resources, moved },
  });
  const recorded = { prod: ["aws_cognito_user_pool.user_pool", "aws_sns_topic.alerts"] };

  test("a renamed pool without a moved block is lost, with instructions", () => {
    const lost = lostProtectedAddresses(recorded, stacks(["aws_cognito_user_pool.auth_user_pool_1A2B3C4D", "aws_sns_topic.alerts"]));
    expect(lost).toEqual([{ stack: "prod", address: "aws_cognito_user_pool.user_pool" }]);
    expect(lostMessage(lost)).toContain("add a moved block");
    expect(lostMessage(lost)).toContain("revert");
  });

  test("a moved block from the old address accounts for it", () => {
    const moved = [{ from: "aws_cognito_user_pool.user_pool", to: "aws_cognito_user_pool.auth_user_pool_1A2B3C4D" }];
    expect(
      lostProtectedAddresses(recorded, stacks(["aws_cognito_user_pool.auth_user_pool_1A2B3C4D", "aws_sns_topic.alerts"], moved)),
    ).toEqual([]);
  });

  test("an unprotected address is only a difference, not a loss", () => {
    const current = stacks(["aws_cognito_user_pool.user_pool", "aws_sns_topic.alerts_v2"]);
    expect(lostProtectedAddresses(recorded, current)).toEqual([]);
    expect(addressDifferences(recorded, current)).toEqual([
      { stack: "prod", added: ["aws_sns_topic.alerts_v2"], removed: ["aws_sns_topic.alerts"] },
    ]);
  });

  test("a whole stack disappearing loses its protected addresses", () => {
    expect(lostProtectedAddresses(recorded, {})).toEqual([{ stack: "prod", address: "aws_cognito_user_pool.user_pool" }]);
  });
});
