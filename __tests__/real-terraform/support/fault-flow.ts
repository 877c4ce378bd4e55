/**
 * The harness of the fault suites (faults, faults-persist-interval): a flow (support/flow.ts) whose
 * tools reach the shared emulator through an HTTP relay of its own (support/api-proxy.ts), which can
 * cut the connection or hold requests back, and the checks every fault scenario ends with.
 */
import { AdminCreateUserCommand, ListUsersCommand } from "@aws-sdk/client-cognito-identity-provider";
import { isMissingObject } from "../../../scripts/lib/aws/ops-aws";
import { EXIT } from "../../../scripts/lib/cli/exit-codes";
import { stripColours } from "../../../scripts/lib/cli/colours";
import { startApiProxy, type ApiProxy } from "./api-proxy";
import { withAwsClients, type AwsClients } from "./aws";
import { expectExit, makeFlow, npmRun, type Flow } from "./flow";
import { editConfig, PREPARED_WAIT_MS, type PreparedCopyName } from "./prepared-copies";
import { requireTerraform } from "./tools";
import { lockItem, objectExists, readRemoteState, userPoolsNamed } from "./readback";
import { killRunning, npmCommand, run, start, StepTimer as StepTimerClass, type Running, type StepTimer } from "./run";
import { sharedEmulator } from "./shared-deployment";

export { expectExit, npmRun, plansFile, unexpectedDiffs } from "./flow";

// Each test runs several full plans and applies; on a busy 2-core machine one plan has taken 80 s.
export const FAULT_TEST_TIMEOUT_MS = 600_000;

export const USER = "alice@example.com";

/** A flow whose tools reach the emulator through a relay of its own, which can cut or hold their requests. */
export interface FaultFlow extends Flow {
  readonly proxy: ApiProxy;
}

/** The prepared copy `name` (its bootstrap deployed by the shared set-up), with environment `envName` behind a new relay. */
async function makeFaultFlow(name: PreparedCopyName, envName: string, timer: StepTimer): Promise<FaultFlow> {
  const flow = await makeFlow(name, envName, timer);
  const emulator = sharedEmulator();
  const proxy = await startApiProxy(emulator.endpoint, emulator.caBundle);
  return { ...flow, proxy, aws: { ...flow.aws, AWS_ENDPOINT_URL: proxy.endpoint } };
}

export const aws = <T>(flow: Flow, fn: (c: AwsClients) => Promise<T>) => withAwsClients(flow.aws, fn);

/** The `terraform ... import ...` lines apply prints for resources that exist outside the state. */
export const importLinesOf = (stderr: string): string[] =>
  stripColours(stderr)
    .split("\n")
    .filter((line) => /^\s+terraform -chdir=\S+ import /.test(line))
    .map((line) => line.trim());

/** A command line exactly as a command printed it for the operator, run by bash in the flow's copy; throws unless it exits 0. */
export async function runAsPrinted(flow: Flow, commandLine: string): Promise<void> {
  expectExit(
    await run("bash", ["-c", commandLine], {
      cwd: flow.copy.project,
      env: { ...flow.setup.env, ...flow.aws },
      label: commandLine.replace(/^terraform -chdir=\S+ /, "terraform "),
      timer: flow.timer,
      timeoutMs: 240_000,
    }),
    0,
  );
}

/**
 * `npm run apply -- <env> --yes` after a killed apply, as the operator recovers: when apply names
 * resources that exist in AWS but not in the state (created after the killed apply's last state
 * write), run its import lines as printed, plan, and apply again. Throws unless the apply ends with
 * exit 0; returns the import lines run (each is also a step in the suite's timings).
 */
export async function applyAdoptingLeftovers(flow: Flow): Promise<string[]> {
  const env = flow.env.name;
  let apply = await npmRun(flow, "apply", [env, "--yes"]);
  const imports = importLinesOf(apply.stderr);
  if (apply.code !== 0 && imports.length) {
    expect(apply.stderr).toContain(`${imports.length} resource(s) already exist in AWS but not in the state`);
    for (const line of imports) await runAsPrinted(flow, line);
    expectExit(await npmRun(flow, "plan", [env]), EXIT.OK);
    apply = await npmRun(flow, "apply", [env, "--yes"]);
  }
  expectExit(apply, EXIT.OK);
  return imports;
}

export function npmStart(flow: Flow, script: string, args: string[]): Running {
  const npm = npmCommand(script, args);
  return start(npm.command, npm.args, {
    cwd: flow.copy.project,
    env: { ...flow.setup.env, ...flow.aws },
    label: npm.label,
    timer: flow.timer,
  });
}

export const pools = (flow: Flow) => aws(flow, (c) => userPoolsNamed(c, flow.env.userPool.name));
/** The pool's users by email (with email as the username attribute, Cognito's Username is a generated id). */
export const usersOf = (flow: Flow, poolId: string) =>
  aws(flow, async (c) =>
    ((await c.cognito.send(new ListUsersCommand({ UserPoolId: poolId }))).Users ?? []).map(
      (u) => u.Attributes?.find((a) => a.Name === "email")?.Value,
    ),
  );
export const lockOf = (flow: Flow) =>
  aws(flow, (c) => lockItem(c, flow.env.state.lockTable, `${flow.env.state.bucket}/${flow.env.state.key}`));
export const lockfileExists = (flow: Flow) => aws(flow, (c) => objectExists(c, flow.env.state.bucket, `${flow.env.state.key}.tflock`));
export const stateOf = (flow: Flow) => aws(flow, (c) => readRemoteState(c, flow.env.state.bucket, flow.env.state.key));
/** The remote state, or undefined when there is no state object; any other failure to read it (TLS, AccessDenied) throws. */
export const stateOrNone = (flow: Flow) =>
  stateOf(flow).catch((e: unknown) => {
    if (isMissingObject(e)) return undefined;
    throw e;
  });
export const lockIdOf = async (flow: Flow) => (JSON.parse((await lockOf(flow))?.Info ?? "{}") as { ID?: string }).ID;

export async function waitUntil<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs: number, everyMs = 150): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** A user signs up in the pool, so "nothing lost" covers users, not just the pool. */
export async function addUser(flow: Flow, poolId: string): Promise<void> {
  await aws(flow, (c) =>
    c.cognito.send(
      new AdminCreateUserCommand({
        UserPoolId: poolId,
        Username: USER,
        UserAttributes: [{ Name: "email", Value: USER }],
        MessageAction: "SUPPRESS",
      }),
    ),
  );
}

/** The end of every scenario: exactly one pool, still holding its user, and the state manages it. */
export async function expectNothingLostOrDuplicated(flow: Flow, poolId: string): Promise<void> {
  expect(await pools(flow)).toEqual([poolId]);
  expect(await usersOf(flow, poolId)).toEqual([USER]);
  const state = await stateOf(flow);
  expect(state.addresses).toContain("aws_cognito_user_pool.user_pool");
  expect(
    JSON.parse(state.body).resources.find((r: { type: string }) => r.type === "aws_cognito_user_pool").instances[0].attributes.id,
  ).toBe(poolId);
}

/** Replaces one exact, unique piece of the flow's config/environments.ts, as an engineer would edit it. */
export const editFlowConfig = (flow: Flow, from: string, to: string): void => editConfig(flow.copy, from, to);

/**
 * A fault suite's flow: its beforeAll makes it (once the set-up has prepared the copy) and runs
 * `ready` on it; its afterAll kills what still runs, closes the relay and prints the step times.
 * Returns the flow, for use inside tests.
 */
export function faultSuite(
  name: PreparedCopyName,
  envName: string,
  timerLabel: string,
  ready?: (flow: FaultFlow) => Promise<void>,
): () => FaultFlow {
  const timer = new StepTimerClass(timerLabel);
  let flow: FaultFlow | undefined;
  beforeAll(async () => {
    requireTerraform();
    flow = await makeFaultFlow(name, envName, timer);
    await ready?.(flow);
  }, PREPARED_WAIT_MS + 60_000);
  afterAll(async () => {
    killRunning();
    await flow?.proxy.close();
    timer.printSummary();
  });
  return () => {
    if (!flow) throw new Error(`the flow of ${name} was not made: see beforeAll's error`);
    return flow;
  };
}
