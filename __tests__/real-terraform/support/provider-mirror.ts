/**
 * Where the suites' Terraform installs the aws provider from: a mirror on this machine when one is
 * configured or found (machines without registry access; find-provider-mirror.ts looks), and
 * otherwise the Terraform registry, as any Terraform user gets it.
 *
 * From the registry, one `terraform init` installs the pinned provider (checked against the registry's
 * signed checksums) with TF_PLUGIN_CACHE_DIR pointing at a cache folder, and every init of the run then
 * installs from that folder as a filesystem mirror: a plugin cache has the unpacked mirror layout
 * (https://developer.hashicorp.com/terraform/cli/config/config-file#provider-plugin-cache), which
 * Terraform symlinks instead of unpacking. Letting each init fetch the provider would download
 * ~100 MB and unpack ~675 MB about 40 times a run; sharing the plugin cache itself is not safe for
 * concurrent inits (terraform-env.ts). (`terraform providers mirror` writes the packed layout, which
 * every init would unpack again.)
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import {
  findProviderMirror,
  MIRROR_ENV,
  mirrorHolds,
  requiredAwsProvider,
  terraformPlatform,
  type ProviderRequirement,
} from "./find-provider-mirror";

export { MIRROR_ENV, requiredAwsProvider };

export interface ProviderSource {
  /** A filesystem mirror that holds the provider (found on this machine, or downloaded into the cache). */
  readonly dir: string;
  /** How it was found, for the suites' log. */
  readonly from: string;
}

/** The download cache: $XDG_CACHE_HOME (or ~/.cache)/taskflow/terraform-providers/<type>-<version>-<platform>. */
export function registryCacheDir(provider: ProviderRequirement, platform: string, env: NodeJS.ProcessEnv): string {
  const cache = env.XDG_CACHE_HOME ? env.XDG_CACHE_HOME : join(homedir(), ".cache");
  return join(cache, "taskflow", "terraform-providers", `${provider.source.split("/").pop()}-${provider.version}-${platform}`);
}

/**
 * The provider from the registry, installed by `terraform init` into the cache unless it is there
 * already. The download goes to a folder of its own and is renamed into place, so two runs at once
 * never see half a mirror.
 */
export function mirrorFromRegistry(
  terraform: string,
  provider: ProviderRequirement = requiredAwsProvider(),
  env: NodeJS.ProcessEnv = process.env,
  platform: string = terraformPlatform(),
): ProviderSource {
  const dir = registryCacheDir(provider, platform, env);
  const from = `the Terraform registry (terraform init, cached in ${dir})`;
  if (mirrorHolds(dir, provider, platform)) return { dir, from };
  mkdirSync(join(dir, ".."), { recursive: true });
  const work = mkdtempSync(`${dir}.download-`);
  try {
    const [namespace, type] = provider.source.split("/").slice(1);
    const config = { terraform: { required_providers: { [type]: { source: `${namespace}/${type}`, version: provider.version } } } };
    writeFileSync(join(work, "providers.tf.json"), JSON.stringify(config));
    mkdirSync(join(work, "mirror"));
    const r = spawnSync(terraform, [`-chdir=${work}`, "init", "-backend=false", "-input=false", "-no-color"], {
      encoding: "utf8",
      env: { ...env, TF_PLUGIN_CACHE_DIR: join(work, "mirror"), CHECKPOINT_DISABLE: "1", TF_IN_AUTOMATION: "1" },
      timeout: 600_000,
    });
    if (r.status !== 0 || !mirrorHolds(join(work, "mirror"), provider, platform)) {
      throw new Error(
        `No provider mirror on this machine holds ${provider.source} ${provider.version} (${platform}), and ` +
          `\`terraform init\` could not install it from the registry (exit ${r.status ?? r.error}):\n${r.stderr}${r.stdout}\n` +
          `Without registry access, set ${MIRROR_ENV} to a filesystem mirror (the folder that contains registry.terraform.io/, ` +
          "made with `terraform providers mirror <dir>` on a machine that has access).",
      );
    }
    try {
      renameSync(join(work, "mirror"), dir);
    } catch (e) {
      // Another run put it in place first: use theirs.
      if (!mirrorHolds(dir, provider, platform)) throw e;
    }
    return { dir, from };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** A mirror on this machine when there is one, else the registry through the cache (downloaded once per machine). */
export async function providerSource(terraform: string, env: NodeJS.ProcessEnv = process.env): Promise<ProviderSource> {
  return (await findProviderMirror(requiredAwsProvider(), env)) ?? mirrorFromRegistry(terraform, requiredAwsProvider(), env);
}
