/**
 * Does Terraform's CLI configuration install providers from a filesystem mirror? Then there is no
 * registry to talk to, and cdktf's provider-lock step (`terraform providers lock`, which queries
 * the registry) must be skipped; `terraform init` still records the mirror's hashes in
 * .terraform.lock.hcl. The mirror's location is whatever the operator's config says: never assumed.
 */
import { readFile } from "node:fs/promises";
import { homedir } from "node:os";
import { join } from "node:path";
import { parse } from "@cdktf/hcl2json";

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

type Block = Record<string, unknown>;
const blocks = (v: unknown): Block[] => (Array.isArray(v) ? (v as Block[]) : v && typeof v === "object" ? [v as Block] : []);

/** filesystem_mirror paths of the CLI config, or undefined when it has none (or does not exist). */
export async function providerMirror(env: NodeJS.ProcessEnv): Promise<MirrorConfig | undefined> {
  const file = cliConfigFile(env);
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch {
    return undefined; // no CLI config: Terraform uses the registry
  }
  // A real HCL parser, so a commented-out mirror does not count.
  const config: Block = file.endsWith(".json") ? (JSON.parse(text) as Block) : await parse(file, text);
  const paths = blocks(config.provider_installation)
    .flatMap((pi) => blocks(pi.filesystem_mirror))
    .map((m) => m.path)
    .filter((p): p is string => typeof p === "string");
  return paths.length ? { file, paths } : undefined;
}
