/**
 * The one reader of Terraform provider mirrors, for the ops commands and the test harness.
 *
 * - providerMirror(env): does Terraform's CLI configuration install providers from a filesystem
 *   mirror? Then there is no registry to talk to, and cdktf's provider-lock step (`terraform
 *   providers lock`, which queries the registry) must be skipped; `terraform init` still records the
 *   mirror's hashes in .terraform.lock.hcl.
 * - findProviderMirror(): a mirror on this machine that holds the aws provider, for machines that
 *   reach no registry. Never hard-coded: TASKFLOW_TF_PROVIDER_MIRROR names it (and must then hold
 *   it); without it, the CLI configuration's filesystem_mirror, the places Terraform itself and
 *   common set-ups use, then a bounded `find`. Nothing found is undefined: the caller then installs
 *   the provider from the registry.
 *
 * CLI configurations are read with a real HCL parser, so a commented-out mirror never counts.
 * A mirror is the folder above `registry.terraform.io`, in either of Terraform's layouts:
 *   unpacked: registry.terraform.io/hashicorp/aws/5.100.0/linux_amd64/terraform-provider-aws_v5.100.0_x5
 *   packed:   registry.terraform.io/hashicorp/aws/terraform-provider-aws_5.100.0_linux_amd64.zip
 */
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { homedir } from "node:os";
import { dirname, join, resolve } from "node:path";

/** The variable that names the mirror explicitly (the harness, the bench and the fixture recorder read it). */
export const MIRROR_ENV = "TASKFLOW_TF_PROVIDER_MIRROR";

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

export interface ProviderRequirement {
  /** e.g. registry.terraform.io/hashicorp/aws */
  readonly source: string;
  readonly version: string;
}

/** The provider @cdktf/provider-aws was generated from: the synthesized stacks pin exactly this version. */
export function requiredAwsProvider(): ProviderRequirement {
  const pkg = require("@cdktf/provider-aws/package.json") as { cdktf: { provider: { name: string; version: string } } };
  return { source: pkg.cdktf.provider.name, version: pkg.cdktf.provider.version };
}

/** Terraform's name for this machine's platform, e.g. linux_amd64. */
export function terraformPlatform(): string {
  const arch: Record<string, string> = { x64: "amd64", arm64: "arm64", ia32: "386", arm: "arm" };
  return `${process.platform}_${arch[process.arch] ?? process.arch}`;
}

/** True when `dir` is a mirror holding the provider for this platform. */
export function mirrorHolds(dir: string, provider: ProviderRequirement, platform = terraformPlatform()): boolean {
  const base = join(dir, ...provider.source.split("/"));
  const type = provider.source.split("/").pop() as string;
  const unpacked = join(base, provider.version, platform);
  try {
    if (statSync(unpacked).isDirectory() && readdirSync(unpacked).some((f) => f.startsWith(`terraform-provider-${type}`))) return true;
  } catch {
    /* not this layout */
  }
  return existsSync(join(base, `terraform-provider-${type}_${provider.version}_${platform}.zip`));
}

/** Candidates in the order they are tried, each with where it came from (for the error message). */
export async function candidateMirrors(env: NodeJS.ProcessEnv = process.env): Promise<{ dir: string; from: string }[]> {
  const home = homedir();
  const cliConfigs = [...new Set([cliConfigFile(env), join(home, ".terraformrc"), join(home, "terraform.rc")])];
  const declared = await Promise.all(
    cliConfigs.map(async (f) => (await mirrorsInCliConfig(f)).map((dir) => ({ dir, from: `filesystem_mirror in ${f}` }))),
  );
  // The XDG base-directory spec treats an empty variable as unset.
  const set = (v: string | undefined) => (v ? v : undefined);
  const xdgData = set(env.XDG_DATA_HOME) ?? join(home, ".local", "share");
  const xdgDirs = (set(env.XDG_DATA_DIRS) ?? "/usr/local/share:/usr/share").split(":").filter(Boolean);
  return [
    ...declared.flat(),
    // Terraform's implied local mirror directories (CLI configuration docs, "Implied Local Mirror Directories").
    { dir: join(home, ".terraform.d", "plugins"), from: "Terraform's implied mirror ~/.terraform.d/plugins" },
    { dir: join(xdgData, "terraform", "plugins"), from: "Terraform's implied mirror $XDG_DATA_HOME/terraform/plugins" },
    ...xdgDirs.map((d) => ({ dir: join(d, "terraform", "plugins"), from: `Terraform's implied mirror ${d}/terraform/plugins` })),
    // Common places for a machine-wide mirror.
    { dir: "/opt/tf-plugins", from: "well-known path" },
    { dir: "/opt/terraform/plugins", from: "well-known path" },
    { dir: "/usr/local/lib/terraform/plugins", from: "well-known path" },
  ];
}

/** Last resort: a bounded search (depth- and time-limited) for the provider binary or package. */
function findMirrorOnDisk(provider: ProviderRequirement, platform: string): string | undefined {
  const type = provider.source.split("/").pop() as string;
  const roots = ["/opt", "/usr/local", "/usr/share", "/srv", "/var/lib", homedir()].filter((r) => existsSync(r));
  const r = spawnSync("find", [...roots, "-maxdepth", "8", "-name", `terraform-provider-${type}_*`, "-not", "-path", "*/.terraform/*"], {
    encoding: "utf8",
    timeout: 20_000,
    maxBuffer: 4 * 1024 * 1024,
  });
  const host = provider.source.split("/")[0];
  for (const file of (r.stdout ?? "").split("\n").filter(Boolean)) {
    // unpacked: <mirror>/<host>/<ns>/<type>/<version>/<platform>/<binary>; packed: <mirror>/<host>/<ns>/<type>/<zip>
    for (const up of [6, 4]) {
      let dir = file;
      for (let i = 0; i < up; i++) dir = dirname(dir);
      const hostDir = join(dir, host);
      if (existsSync(hostDir) && mirrorHolds(dir, provider, platform)) return dir;
    }
  }
  return undefined;
}

/**
 * The mirror to install the provider from: $TASKFLOW_TF_PROVIDER_MIRROR when set (and then it must
 * hold the provider), else the first candidate that holds it, else a bounded search of the disk,
 * else undefined (`tried` lists where it looked, for the caller's message).
 */
export async function findProviderMirror(
  provider: ProviderRequirement = requiredAwsProvider(),
  env: NodeJS.ProcessEnv = process.env,
  tried: string[] = [],
): Promise<{ dir: string; from: string } | undefined> {
  const platform = terraformPlatform();
  const wanted = `${provider.source} ${provider.version} (${platform})`;
  const explicit = env[MIRROR_ENV];
  if (explicit) {
    const dir = resolve(explicit);
    if (!mirrorHolds(dir, provider, platform)) {
      throw new Error(
        `${MIRROR_ENV}=${explicit} does not hold ${wanted}.\n` +
          `Expected ${join(dir, provider.source, provider.version, platform)}/terraform-provider-*` +
          ` or ${join(dir, provider.source)}/terraform-provider-*_${provider.version}_${platform}.zip.`,
      );
    }
    return { dir, from: `$${MIRROR_ENV}` };
  }
  for (const c of await candidateMirrors(env)) {
    if (mirrorHolds(c.dir, provider, platform)) return c;
    tried.push(`${c.dir} (${c.from})`);
  }
  const found = findMirrorOnDisk(provider, platform);
  if (found) return { dir: found, from: "bounded find" };
  tried.push("a bounded find");
  return undefined;
}
