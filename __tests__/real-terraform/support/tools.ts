/**
 * The external tools the real-Terraform suites need. A missing tool fails the suite with what to
 * install: these suites prove the stacks on real Terraform, so they never skip silently.
 */
import { spawnSync } from "node:child_process";
import { accessSync, constants } from "node:fs";
import { delimiter, join } from "node:path";

/** Terraform >= 1.10: S3-native state locking (`use_lockfile`), which the backend uses. */
export const MIN_TERRAFORM = [1, 10] as const;

const INSTALL_HINTS: Record<string, string> = {
  terraform: `Terraform CLI >= ${MIN_TERRAFORM.join(".")} (https://developer.hashicorp.com/terraform/install; on Debian/Ubuntu: the hashicorp apt repository, \`apt-get install terraform\`)`,
  python3: 'Python 3 with moto and its server extra: `pip install "moto[server]>=5.2,<5.3"`',
  openssl: "OpenSSL's command-line tool (it makes the emulator's TLS certificate; on Debian/Ubuntu: `apt-get install openssl`)",
};

/** Absolute path of an executable on PATH, or undefined. */
export function which(name: string, path: string = process.env.PATH ?? ""): string | undefined {
  for (const dir of path.split(delimiter).filter(Boolean)) {
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      /* not here */
    }
  }
  return undefined;
}

/** Path of a required tool; throws naming what to install when it is missing. */
export function requireTool(name: keyof typeof INSTALL_HINTS & string, path: string = process.env.PATH ?? ""): string {
  const found = which(name, path);
  if (!found) {
    throw new Error(
      `The real-Terraform suites need \`${name}\` on PATH, and it was not found (PATH=${path}).\n` +
        `Install ${INSTALL_HINTS[name]}.\nThese suites never skip: CI must have the tool.`,
    );
  }
  return found;
}

/** Terraform's version, checked against MIN_TERRAFORM. */
export function requireTerraform(searchPath?: string): { path: string; version: string } {
  const path = requireTool("terraform", searchPath);
  const r = spawnSync(path, ["version", "-json"], {
    encoding: "utf8",
    env: { ...process.env, CHECKPOINT_DISABLE: "1", TF_CLI_CONFIG_FILE: "/dev/null" },
  });
  let version = "";
  try {
    version = (JSON.parse(r.stdout) as { terraform_version: string }).terraform_version;
  } catch {
    throw new Error(`\`${path} version -json\` did not answer with JSON:\n${r.stdout}\n${r.stderr}`);
  }
  const [major, minor] = version.split(".").map(Number);
  if (major < MIN_TERRAFORM[0] || (major === MIN_TERRAFORM[0] && minor < MIN_TERRAFORM[1])) {
    throw new Error(`Terraform ${version} at ${path} is too old: install ${INSTALL_HINTS.terraform}.`);
  }
  return { path, version };
}

/** The Python that runs the emulator launcher: python3 on PATH, able to import moto's server. */
export function requireMotoPython(searchPath?: string): string {
  const python = requireTool("python3", searchPath);
  const r = spawnSync(python, ["-c", "import moto, moto.server; print(moto.__version__)"], { encoding: "utf8" });
  if (r.status !== 0) {
    throw new Error(
      `The real-Terraform suites run the AWS API emulator (moto) with ${python}, which cannot import it:\n${r.stderr}\n` +
        `Install ${INSTALL_HINTS.python3}.\nThese suites never skip: CI must have the tool.`,
    );
  }
  return python;
}
