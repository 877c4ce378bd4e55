/**
 * The environment the suites give Terraform and cdktf: their own CLI config (in a temp dir: the
 * user's ~/.terraformrc or $TF_CLI_CONFIG_FILE is never read or written), the provider from one
 * filesystem mirror only (this machine's, or the registry's download: provider-mirror.ts), no plugin
 * cache, no checkpoint calls, and non-interactive cdktf output.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { providerSource, requiredAwsProvider, type ProviderSource } from "./provider-mirror";
import { requireTerraform } from "./tools";

/** Host of the provider's source address (registry.terraform.io). */
const registryHost = () => requiredAwsProvider().source.split("/")[0];

/**
 * Writes `<dir>/terraformrc`: install every provider of the registry from the mirror, never from the
 * network. (An unpacked mirror is symlinked into each .terraform, measured here: init takes ~0.7 s
 * and copies nothing.)
 */
export function writeCliConfig(dir: string, mirror: string): string {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, "terraformrc");
  const host = registryHost();
  writeFileSync(
    file,
    [
      "# Written by __tests__/real-terraform: providers from the local mirror only.",
      "provider_installation {",
      "  filesystem_mirror {",
      `    path    = ${JSON.stringify(mirror)}`,
      `    include = ["${host}/*/*"]`,
      "  }",
      "  direct {",
      `    exclude = ["${host}/*/*"]`,
      "  }",
      "}",
      "",
    ].join("\n"),
  );
  return file;
}

/** Variables that would let the user's own set-up leak into the suites' Terraform and AWS calls. */
const INHERITED_PREFIXES = ["AWS_", "TF_"];
/** Kept from the user's environment: they only change logging. */
const KEPT = new Set(["TF_LOG", "TF_LOG_PATH", "TF_LOG_CORE", "TF_LOG_PROVIDER"]);

/** process.env without AWS_* and TF_* (except logging), so only what the suite sets reaches the tools. */
export function cleanBaseEnv(env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(env).filter(([k]) => KEPT.has(k) || !INHERITED_PREFIXES.some((p) => k.startsWith(p))));
}

export interface TerraformSetup {
  /** Where the provider comes from, and how it was found. */
  readonly mirror: ProviderSource;
  readonly cliConfigFile: string;
  /** Environment for terraform and cdktf (no AWS credentials: add them per account). */
  readonly env: NodeJS.ProcessEnv;
}

/** CLI config under `tempDir`, and the environment that uses it. */
export async function terraformSetup(tempDir: string): Promise<TerraformSetup> {
  const mirror = await providerSource(requireTerraform().path);
  const cliConfigFile = writeCliConfig(join(tempDir, "terraform-cli"), mirror.dir);
  return {
    mirror,
    cliConfigFile,
    env: {
      ...cleanBaseEnv(),
      TF_CLI_CONFIG_FILE: cliConfigFile,
      // No plugin cache: Terraform's cache is not safe for concurrent inits (two bootstraps and the
      // validations run at once here: one run failed with the provider binary missing). Without it
      // each init symlinks the unpacked mirror. This also stops cdktf from creating and exporting
      // ~/.terraform.d/plugin-cache.
      CDKTF_DISABLE_PLUGIN_CACHE_ENV: "1",
      TF_IN_AUTOMATION: "1",
      TF_INPUT: "0",
      CHECKPOINT_DISABLE: "1",
      CI: "1",
      NO_COLOR: "1",
      FORCE_COLOR: "0",
      // Go's garbage collector for terraform and the aws provider (a plugin inherits it). Each start
      // builds and decodes the provider's whole schema, so at the default (100) the collector runs
      // again and again: measured on the 2-core machine, `terraform validate` of prod takes 6.1 CPU-s
      // at 100 and 4.8 at 400, for about 6% more peak memory. Behaviour is unchanged; a GOGC already
      // set in the environment wins.
      GOGC: process.env.GOGC ?? "400",
    },
  };
}
