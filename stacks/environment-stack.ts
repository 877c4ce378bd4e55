import { TerraformStack } from "cdktf";
import type { Construct } from "constructs";
import type { EnvironmentConfig } from "../config";
import { awsProviderFor } from "./aws-provider";
import { useS3Backend } from "./backend";

/**
 * TaskFlow's authentication platform in one environment: one instance per entry of
 * config/environments.ts, with the environment's name as stack id (`cdktf deploy prod`).
 */
export class EnvironmentStack extends TerraformStack {
  constructor(scope: Construct, readonly env: EnvironmentConfig) {
    super(scope, env.name);
    useS3Backend(this, env);
    awsProviderFor(this, env);
  }
}
