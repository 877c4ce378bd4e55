/**
 * N generated environments for the bench: each copies one of the shipped ones (cycling dev,
 * staging, prod) with its own name, account and domain.
 */
import { environments } from "../../config/environments";
import { STAGES } from "../../config/schema";

export function generatedEnvironments(count: number): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (let i = 0; i < count; i++) {
    const stage = STAGES[i % STAGES.length];
    const template = structuredClone(environments[stage]) as Record<string, unknown> & { userPool?: Record<string, unknown> };
    const name = `env${String(i).padStart(3, "0")}`;
    const domainName = `${name}.taskflow.example.com`;
    out[name] = {
      ...template,
      stage,
      accountId: String(100000000000 + i),
      domainName,
      userPool: { ...template.userPool, name: `taskflow-${name}` },
      appClient: { callbackUrls: [`https://${domainName}/auth/callback`], logoutUrls: [`https://${domainName}/`] },
    };
  }
  return out;
}
