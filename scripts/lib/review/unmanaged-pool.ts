/**
 * A user pool that exists but is not in the state: what a crash between CreateUserPool and the next
 * state write leaves (Terraform persists remote state only from time to time during an apply), or a
 * pool made by hand. Cognito allows any number of pools with the same name, so Terraform would
 * simply plan a second, empty one; users would then sign up in two places. plan looks first
 * (ListUserPools with the stack's credentials) and stops with exit 3 and a review.md that says how
 * to adopt the pool instead.
 * https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_ListUserPools.html
 */
import { awsErrorText } from "../aws/ops-aws";
import type { Io } from "../cli/io";
import { postureRows } from "./posture";
import { reviewHeader } from "./review";
import { remoteStateOf } from "../state/state-lock";
import { managedIds, parseState } from "../state/state-file";
import type { StackTarget } from "../cli/stacks";

export interface UnmanagedPools {
  /** Pools named like the configured one that the state does not manage. */
  readonly pools: readonly { readonly id: string; readonly name: string }[];
  /** Pool ids the state manages (empty when there is no state yet). */
  readonly managed: readonly string[];
  /** "missing": no state object; "unreadable": an object that is not a Terraform state. */
  readonly state: "ok" | "missing" | "unreadable";
}

/**
 * Pools of the configured name outside the state, or undefined when there is nothing to check: a
 * bootstrap stack (no pool), or config that already adopts a pool (existingUserPoolId: the import
 * block takes it over).
 */
export async function findUnmanagedPools(io: Io, target: StackTarget): Promise<UnmanagedPools | undefined> {
  const remote = remoteStateOf(target);
  if (target.kind !== "environment" || !remote || target.env.userPool.existingUserPoolId) return undefined;
  const aws = io.aws(target.env);
  const named = (await aws.userPools()).filter((p) => p.name === target.env.userPool.name);
  if (!named.length) return { pools: [], managed: [], state: "ok" };
  const bytes = await aws.getObject(remote.bucket, remote.key);
  const snapshot = parseState(bytes);
  const managed = snapshot ? managedIds(snapshot, "aws_cognito_user_pool") : [];
  return {
    pools: named.filter((p) => !managed.includes(p.id)),
    managed,
    state: bytes === undefined ? "missing" : snapshot ? "ok" : "unreadable",
  };
}

/** The operator's instructions, for stderr and review.md alike. */
export function unmanagedPoolAdvice(target: StackTarget, found: UnmanagedPools): string[] {
  const [first] = found.pools;
  const stateNote =
    found.state === "ok"
      ? []
      : [
          `The state of ${target.name} is ${found.state === "missing" ? "missing" : "not a readable Terraform state"}. If it was lost or corrupted, restore it first: ` +
            `\`npm run state -- versions ${target.name}\`, then \`npm run state -- restore ${target.name} <version-id>\`, and plan again.`,
        ];
  const adopt = found.managed.length
    ? [
        `The state already manages ${found.managed.map((id) => `\`${id}\``).join(", ")}: the pool(s) above are extra. Find out who created them and delete or rename them; do not adopt a second pool.`,
      ]
    : [
        `To take the existing pool over instead of creating a second one, set it in config/environments.ts for ${target.env.name}:`,
        "",
        `    userPool: { existingUserPoolId: "${first.id}" },`,
        "",
        `then \`npm run plan -- ${target.name}\` shows it as **import** (no create); apply that plan and remove the id once it is applied (scripts/README.md, "Adopting an existing user pool").`,
      ];
  return [...stateNote, ...adopt];
}

export function renderUnmanagedReview(target: StackTarget, found: UnmanagedPools, when: string): string {
  const { env } = target;
  return [
    ...reviewHeader(
      target,
      `${when}: **not planned**: a user pool named \`${env.userPool.name}\` exists outside the state (no saved plan)`,
    ),
    "",
    "> [!CAUTION]",
    `> **A user pool named \`${env.userPool.name}\` already exists in account ${env.accountId} but the state of ${target.name} does not manage it.** ` +
      "Terraform would create a second pool with the same name (Cognito allows it) and its users would not be there.",
    ...found.pools.map((p) => `> - existing pool **\`${p.id}\`** (\`${p.name}\`)`),
    ">",
    ...unmanagedPoolAdvice(target, found).map((l) => (l ? `> ${l}` : ">")),
    ">",
    "> `npm run plan` exited with status 3.",
    "",
    "## Security posture",
    "",
    "| setting | value |",
    "|---|---|",
    ...postureRows(target).map(([k, v]) => `| ${k} | ${v.replace(/\|/g, "\\|")} |`),
    "",
  ].join("\n");
}

/** Error text when the check itself could not run (the API is unreachable, permissions). */
export const unmanagedCheckFailed = (target: StackTarget, e: unknown): string =>
  `Could not check for user pools outside the state of ${target.name} (${awsErrorText(e)}). Nothing was planned; no review was written. Retry when AWS answers.\n`;
