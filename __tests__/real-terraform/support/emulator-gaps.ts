/**
 * Every way the emulator (moto 5.2 plus the extensions in ../emulator) still differs from AWS in what the
 * deploy suites check: ONE list, each entry with its reason, found empirically (and re-checked on every
 * run: a gap that no longer shows up is reported, so the list can shrink).
 *
 * What an entry may do, and nothing else:
 * - planDiff: tolerate exactly this diff in the plan right after apply (resource type, optional resource
 *   name, plan action, and for updates the top-level attributes). Any other diff fails the suite.
 * - notReadBack: settings the read-back cannot check because the emulator does not return them (they
 *   are checked by `terraform validate` with the real provider and by the unit suites instead).
 *
 * Nothing here may change what is deployed: every stack deploys its synthesized JSON unmodified (no
 * override file, no resource switched off, no setting undone in the emulator after a deploy). Where moto
 * lacked an API or got one wrong, ../emulator/ext_<service>.py fills it in, as AWS documents it.
 *
 * Empty today: every gap the first version of this list had (5: passkey settings, the default tier,
 * the managed-login version, the risk configuration, conditional bucket policies) is filled by the
 * extensions. The list and its checks stay so that a new one is written down, not worked around.
 */
import type { EnvironmentConfig } from "../../../config";

/** Which stacks an entry concerns: each environment's, or its bootstrap state-<env>. */
export type StackKind = "environment" | "state";

export interface EmulatorGap {
  readonly id: string;
  readonly stack: StackKind;
  /** Why the emulator needs this, as observed. */
  readonly reason: string;
  readonly planDiff?: {
    readonly type: string;
    readonly name?: string;
    readonly action: "update" | "create";
    /** For updates: the only top-level attributes that may differ. */
    readonly attributes?: readonly string[];
    /** Only in environments where this holds (default: all). */
    readonly when?: (env: EnvironmentConfig) => boolean;
  };
  readonly notReadBack?: readonly string[];
}

export const EMULATOR_GAPS: readonly EmulatorGap[] = [];

/** Entries for one kind of stack. */
export const gapsFor = (stack: StackKind): EmulatorGap[] => EMULATOR_GAPS.filter((g) => g.stack === stack);

/** Kind of a synthesized stack by its id (state-<env> is a bootstrap stack). */
export const stackKindOf = (stackId: string): StackKind => (stackId.startsWith("state-") ? "state" : "environment");
