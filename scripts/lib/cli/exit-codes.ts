/**
 * Exit statuses of the ops commands (npm run deploy/plan/apply/outputs/addresses/drift/user/investigate/unlock/state),
 * one meaning each, so a pipeline can branch on them. Documented in scripts/README.md and in --help.
 */
export const EXIT = {
  /** Done. For plan: the plan is written and replaces or destroys nothing protected. */
  OK: 0,
  /** A step failed (invalid config, Terraform or cdktf error): see the messages above it. */
  FAILED: 1,
  /** plan --detailed-exitcode: the plan has changes, none of them to a protected resource. drift: AWS differs from the state, no security control. */
  CHANGES: 2,
  /** plan: the plan is written but replaces or destroys a protected resource, or a pool of that name exists outside the state (see review.md). */
  PROTECTED: 3,
  /** Not confirmed: no terminal and no --yes, a wrong answer at the prompt, or apply of a protected plan without --allow-protected. */
  REFUSED: 4,
  /** drift: a security control (stacks/security-controls.ts) differs in AWS from the state, or a resource carrying one was deleted. */
  SECURITY_DRIFT: 5,
  /** user: the user is already in the requested state (disabled, enabled, password reset). Nothing was changed. */
  ALREADY: 6,
  /** user, investigate: the stack has no such output or log group (not deployed, or deployed without it). Nothing was changed. */
  NOT_DEPLOYED: 7,
  /**
   * user, investigate: the credentials belong to another account than the environment's. Nothing was called.
   * deploy, plan, apply, unlock, state, outputs: the same, or the credentials are missing or expired. Nothing was written.
   */
  WRONG_ACCOUNT: 8,
  /** user, investigate --user: the pool has no such user. Nothing was changed. */
  NO_SUCH_USER: 9,
  /** deploy, plan, apply, state restore: the stack's state is locked (by a running or a killed run); the message names the lock and the unlock command. */
  LOCKED: 10,
  /** Bad command line: unknown stack or option, missing argument. Nothing ran. */
  USAGE: 64,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** The table printed by every command's --help. */
export const EXIT_CODES_HELP = [
  "Exit status:",
  "  0   done (plan: nothing protected is replaced or destroyed)",
  "  1   a step failed (config, cdktf, Terraform or an AWS call): see the output",
  "  2   plan --detailed-exitcode: changes, none to a protected resource; drift: AWS differs from the state",
  "  3   plan: replaces or destroys a protected resource, or a user pool of that name exists outside the state (see review.md)",
  "  4   refused: not confirmed (no terminal and no --yes, wrong answer), a protected plan without --allow-protected,",
  "      unlock of an id that is not the current lock, state restore of another lineage without --force-lineage",
  "  5   drift: security drift (a security control changed or its resource deleted outside Terraform; see drift.md)",
  "  6   user: the user is already in the requested state; nothing changed",
  "  7   user, investigate: the stack has no such output or log group (not deployed?); nothing changed",
  "  8   the credentials are of another account than the environment's (deploy, plan, apply, unlock, state, outputs: or missing",
  "      or expired; expected and found account named); nothing called or written",
  "  9   user, investigate --user: no such user in the pool; nothing changed",
  "  10  the state is locked: the message names the lock, who took it and when, and the unlock command",
  "  64  usage: unknown stack or option, missing argument; nothing ran",
].join("\n");
