/**
 * Does Terraform's CLI configuration install providers from a filesystem mirror? Then there is no
 * registry to talk to, and cdktf's provider-lock step (`terraform providers lock`, which queries the
 * registry) must be skipped (`npm run deploy` says so); `terraform init` still records the mirror's
 * hashes in .terraform.lock.hcl.
 *
 * CLI configurations are read with a real HCL parser, so a commented-out mirror never counts.
 * Finding a mirror on a machine that has no CLI configuration for it is the test harness's job
 * (__tests__/real-terraform/support/find-provider-mirror.ts), not the ops commands'.
 */
import { readFile } from "node:fs/promises";
import { homedir } from "node:os";
import { join } from "node:path";

export interface MirrorConfig {
  /** The CLI configuration file that declares the mirror. */
  readonly file: string;
  readonly paths: readonly string[];
}

/** The CLI config Terraform reads: TF_CLI_CONFIG_FILE, else (deprecated) TERRAFORM_CONFIG, else ~/.terraformrc. */
export function cliConfigFile(env: NodeJS.ProcessEnv): string {
  // An empty variable counts as unset, as it does for Terraform.
  return [env.TF_CLI_CONFIG_FILE, env.TERRAFORM_CONFIG].find((f) => f) ?? join(homedir(), ".terraformrc");
}

/** On first use only: importing @cdktf/hcl2json decompresses and compiles its WebAssembly parser (~0.2 s), which only a CLI configuration in HCL needs. */
const hcl2json = (): typeof import("@cdktf/hcl2json") => require("@cdktf/hcl2json");

type Block = Record<string, unknown>;
const blocks = (v: unknown): Block[] => (Array.isArray(v) ? (v as Block[]) : v && typeof v === "object" ? [v as Block] : []);

/** filesystem_mirror paths declared in a CLI configuration file ([] when it does not exist or declares none). */
export async function mirrorsInCliConfig(file: string): Promise<string[]> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch {
    return []; // no CLI config: Terraform uses the registry
  }
  const config: Block = file.endsWith(".json") ? (JSON.parse(text) as Block) : await hcl2json().parse(file, text);
  return blocks(config.provider_installation)
    .flatMap((pi) => blocks(pi.filesystem_mirror))
    .map((m) => m.path)
    .filter((p): p is string => typeof p === "string")
    .map((p) => p.replace(/^~(?=\/)/, homedir()));
}

/** The CLI configuration's filesystem_mirror paths, or undefined when it has none. */
export async function providerMirror(env: NodeJS.ProcessEnv): Promise<MirrorConfig | undefined> {
  const file = cliConfigFile(env);
  const paths = await mirrorsInCliConfig(file);
  return paths.length ? { file, paths } : undefined;
}
