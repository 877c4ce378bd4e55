/**
 * Exit statuses of the ops commands (npm run deploy/plan/apply/outputs/addresses/unlock/state), one meaning
 * each, so a pipeline can branch on them. Documented in README "Operating it" and in --help.
 */
export const EXIT = {
  /** Done. For plan: the plan is written and replaces or destroys nothing protected. */
  OK: 0,
  /** A step failed (invalid config, Terraform or cdktf error): see the messages above it. */
  FAILED: 1,
  /** plan --detailed-exitcode only: the plan has changes, none of them to a protected resource. */
  CHANGES: 2,
  /** plan: the plan is written but replaces or destroys a protected resource, or a pool of that name exists outside the state (see review.md). */
  PROTECTED: 3,
  /** Not confirmed: no terminal and no --yes, a wrong answer at the prompt, or apply of a protected plan without --allow-protected. */
  REFUSED: 4,
  /** The stack's state is locked by another run (or one that was killed): the message names the lock and the unlock command. */
  LOCKED: 5,
  /** The AWS credentials are missing, expired or of another account than the environment's. Nothing was written. */
  CREDENTIALS: 6,
  /** Bad command line: unknown stack or option, missing argument. Nothing ran. */
  USAGE: 64,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** The table printed by every command's --help. */
export const EXIT_CODES_HELP = [
  "Exit status:",
  "  0   done (plan: nothing protected is replaced or destroyed)",
  "  1   a step failed (config, cdktf or Terraform): see the output",
  "  2   plan --detailed-exitcode: changes, none to a protected resource",
  "  3   plan: replaces or destroys a protected resource, or a user pool of that name exists outside the state (see review.md)",
  "  4   refused: not confirmed (no terminal and no --yes, wrong answer), a protected plan without --allow-protected,",
  "      unlock of an id that is not the current lock, restore of another lineage without --force-lineage",
  "  5   the state is locked: the message names the lock, who took it and when, and the unlock command",
  "  6   AWS credentials missing, expired or of another account (expected and found account named); nothing written",
  "  64  usage: unknown stack or option, missing argument; nothing ran",
].join("\n");
