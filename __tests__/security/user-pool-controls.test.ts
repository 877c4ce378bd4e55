/**
 * Security controls of the Cognito user pool, in the style of cdk-nag: one describe per control,
 * named after what it enforces, with its reason in one line. Compliant cases assert on the
 * synthesized JSON of every environment the control applies to; non-compliant cases show the
 * config that would break the control is refused before anything is synthesized.
 * Refusals already in config-validation.test.ts are referenced there, not repeated.
 */
import { ENV_NAMES } from "../support/synth";
import { ACCOUNT, DOMAIN_NAME, patched, refusals, riskOf, shipped, describeControl, controlled, POOL } from "./helpers";

const STAGING_AND_PROD = ["staging", "prod"] as const;

describeControl("CognitoUserPoolMinimumPasswordLength", "prod passwords have at least 15 characters, staging passwords at least 12", () => {
  // Reason: with MFA OPTIONAL the password is the only factor for users without TOTP or a passkey;
  // NIST SP 800-63B rev. 4 (3.1.1.2) requires 15 characters for a single-factor password.
  test("1. compliant: prod requires 15 characters", () => {
    expect(controlled("CognitoUserPoolMinimumPasswordLength", POOL, shipped("prod").pool)).toEqual({
      "password_policy.minimum_length": 15,
    });
  });
  test("2. compliant: staging mirrors prod's 15 characters (the default)", () => {
    expect(controlled("CognitoUserPoolMinimumPasswordLength", POOL, shipped("staging").pool)).toEqual({
      "password_policy.minimum_length": 15,
    });
  });
  test("3. non-compliant: prod at 14 characters, Prowler's and the old minimum, is refused", () => {
    expect(refusals("prod", { userPool: { passwordPolicy: { minimumLength: 14 } } })).toEqual([
      "prod.userPool.passwordPolicy.minimumLength: must be at least 15 in prod, got 14",
    ]);
  });
  test("4. compliant: staging may go down to 12 for its test accounts", () => {
    expect(refusals("staging", { userPool: { passwordPolicy: { minimumLength: 12 } } })).toEqual([]);
  });
  test("5. not applied: dev synthesizes its relaxed 8 characters as configured", () => {
    expect(shipped("dev").pool.password_policy.minimum_length).toBe(8);
  });
});

describeControl(
  "CognitoUserPoolPasswordComplexity",
  "staging and prod passwords need all four character classes; temporary passwords last 3 days",
  () => {
    // Reason: a policy that only counts characters accepts "aaaaaaaaaaaa" (Security Hub Cognito.3, cdk-nag COG1).
    test.each(STAGING_AND_PROD)("1. compliant: %s requires lowercase, uppercase, numbers and symbols", (env) => {
      expect(controlled("CognitoUserPoolPasswordComplexity", POOL, shipped(env).pool)).toEqual({
        "password_policy.require_lowercase": true,
        "password_policy.require_uppercase": true,
        "password_policy.require_numbers": true,
        "password_policy.require_symbols": true,
        "password_policy.temporary_password_validity_days": 3,
      });
    });
    test("2. non-compliant: prod without symbols is refused", () => {
      expect(refusals("prod", { userPool: { passwordPolicy: { requireSymbols: false } } })).toContain(
        "prod.userPool.passwordPolicy.requireSymbols: must be true in prod, got false",
      );
    });
    test("3. non-compliant: staging without lowercase and numbers is refused, naming both", () => {
      expect(refusals("staging", { userPool: { passwordPolicy: { requireLowercase: false, requireNumbers: false } } })).toEqual([
        "staging.userPool.passwordPolicy.requireLowercase: must be true in staging, got false",
        "staging.userPool.passwordPolicy.requireNumbers: must be true in staging, got false",
      ]);
    });
    test("4. not applied: dev may drop a class", () => {
      expect(refusals("dev", { userPool: { passwordPolicy: { requireSymbols: false } } })).toEqual([]);
    });
  },
);

describeControl("CognitoUserPoolPasswordHistory", "pools on ESSENTIALS or PLUS refuse the last 5 passwords", () => {
  // Reason: password history stops users from cycling back to a leaked password; the LITE tier rejects the field.
  test.each(ENV_NAMES)("1. compliant: %s keeps a history of 5", (env) => {
    expect(controlled("CognitoUserPoolPasswordHistory", POOL, shipped(env).pool)).toEqual({ "password_policy.password_history_size": 5 });
  });
  test("2. non-compliant: password history on LITE is refused", () => {
    expect(refusals("dev", { userPool: { tier: "LITE", passkeys: { enabled: false } }, appClient: { allowSrpSignIn: true } })).toEqual([
      'dev.userPool.tier: must be ESSENTIALS or PLUS for password history, got "LITE"',
    ]);
  });
  test("3. compliant: a LITE pool without history omits the field the API would reject", () => {
    const { pool } = patched("dev", {
      userPool: { tier: "LITE", passkeys: { enabled: false }, passwordPolicy: { passwordHistorySize: 0 } },
      appClient: { allowSrpSignIn: true },
    });
    expect(pool.password_policy).not.toHaveProperty("password_history_size");
  });
});

describeControl(
  "CognitoUserPoolTotpMfa",
  "every pool offers TOTP MFA, staging and prod email MFA too, never SMS; prod MFA is OPTIONAL (documented exception)",
  () => {
    // Reason: MFA ON cannot be combined with passkeys on aws provider 5.100.0 (#50110); prod compensates with adaptive
    // authentication, whose medium-risk challenge needs a factor every user has: email MFA (the username is the email).
    test.each(STAGING_AND_PROD)("1. compliant: %s enables TOTP and email MFA, MFA OPTIONAL, and configures no SMS", (env) => {
      expect(controlled("CognitoUserPoolTotpMfa", POOL, shipped(env).pool)).toEqual({
        mfa_configuration: "OPTIONAL",
        software_token_mfa_configuration: { enabled: true },
        email_mfa_configuration: {
          subject: "Your TaskFlow sign-in code",
          message: "Your TaskFlow sign-in code is {####}. If you did not just sign in, change your password now.",
        },
      });
    });
    test("1b. not applied: dev (Cognito's default sender, which cannot send MFA codes) enables TOTP only", () => {
      expect(controlled("CognitoUserPoolTotpMfa", POOL, shipped("dev").pool)).toEqual({
        mfa_configuration: "OPTIONAL",
        software_token_mfa_configuration: { enabled: true },
      });
    });
    test("1c. non-compliant: prod without email MFA is refused (medium-risk sign-ins would have no factor to ask for)", () => {
      expect(refusals("prod", { userPool: { emailMfa: { enabled: false } } })).toEqual([
        "prod.userPool.emailMfa.enabled: must be true while threatProtection is ENFORCED (medium-risk sign-ins are challenged by email), got false",
      ]);
    });
    test("1d. non-compliant: an email MFA message without the {####} placeholder is refused", () => {
      expect(refusals("prod", { userPool: { emailMfa: { message: "Your code is below." } } })).toEqual([
        'prod.userPool.emailMfa.message: must contain the {####} placeholder, which Cognito replaces with the code, got "Your code is below."',
      ]);
    });
    test("2. compliant: prod MFA is OPTIONAL together with ENFORCED threat protection", () => {
      const { pool } = shipped("prod");
      expect(pool.mfa_configuration).toBe("OPTIONAL");
      expect(pool.user_pool_add_ons.advanced_security_mode).toBe("ENFORCED");
    });
    // 3. non-compliant: refused by config rule MfaInProd (its cases are in __tests__/config-rules.test.ts).
    test("4. non-compliant: prod MFA ON with passkeys is refused, naming the provider limitation", () => {
      expect(refusals("prod", { userPool: { mfa: "ON" } })).toContain(
        'prod.userPool.mfa: must be OPTIONAL while passkeys are enabled (aws provider 5.100.0 cannot set FactorConfiguration), got "ON"',
      );
    });
    test("5. compliant: prod MFA ON without passkeys synthesizes ON with TOTP (the exception exists only for passkeys)", () => {
      const { pool } = patched("prod", { userPool: { mfa: "ON", passkeys: { enabled: false } } });
      expect(pool.mfa_configuration).toBe("ON");
      expect(pool.software_token_mfa_configuration).toEqual({ enabled: true });
      expect(pool).not.toHaveProperty("web_authn_configuration");
    });
  },
);

describeControl("CognitoUserPoolThreatProtection", "prod enforces threat protection, staging audits it, both on the PLUS tier", () => {
  // Reason: adaptive authentication and leaked-password checks replace mandatory MFA in prod (Security Hub Cognito.1, cdk-nag COG3).
  test("1. compliant: prod is ENFORCED on PLUS", () => {
    const { pool } = shipped("prod");
    expect(controlled("CognitoUserPoolThreatProtection", POOL, pool)).toEqual({
      user_pool_add_ons: { advanced_security_mode: "ENFORCED" },
    });
    expect(pool.user_pool_tier).toBe("PLUS");
  });
  test("2. compliant: staging is AUDIT on PLUS", () => {
    const { pool } = shipped("staging");
    expect(pool.user_pool_add_ons).toEqual({ advanced_security_mode: "AUDIT" });
    expect(pool.user_pool_tier).toBe("PLUS");
  });
  test("3. not applied: dev writes OFF explicitly on ESSENTIALS", () => {
    const { pool } = shipped("dev");
    expect(pool.user_pool_add_ons).toEqual({ advanced_security_mode: "OFF" });
    expect(pool.user_pool_tier).toBe("ESSENTIALS");
  });
  test("4. non-compliant: prod threat protection OFF is refused", () => {
    expect(refusals("prod", { userPool: { threatProtection: "OFF" } })).toContain(
      'prod.userPool.threatProtection: must be ENFORCED in prod, got "OFF"',
    );
  });
  test("5. non-compliant: ENFORCED on ESSENTIALS is refused (FeatureUnavailableInTierException)", () => {
    expect(refusals("prod", { userPool: { tier: "ESSENTIALS" } })).toEqual([
      'prod.userPool.tier: must be PLUS when threatProtection is ENFORCED, got "ESSENTIALS"',
    ]);
  });
  test("6. compliant: custom-auth flows are risk-scored too when the client allows them (Security Hub Cognito.4)", () => {
    const { pool } = patched("prod", { appClient: { allowCustomAuth: true } });
    expect(pool.user_pool_add_ons).toEqual({
      advanced_security_mode: "ENFORCED",
      advanced_security_additional_flows: { custom_auth_mode: "ENFORCED" },
    });
  });
});

describeControl("CognitoUserPoolFeaturePlan", "threat protection runs on the PLUS tier, passkeys on ESSENTIALS or higher", () => {
  // Reason: below those tiers the API fails with FeatureUnavailableInTierException (refusals: ThreatProtection above, config-validation "passkeys need ESSENTIALS").
  const expected = {
    dev: { tier: "ESSENTIALS", threatProtection: "OFF", passkeys: true },
    staging: { tier: "PLUS", threatProtection: "AUDIT", passkeys: true },
    prod: { tier: "PLUS", threatProtection: "ENFORCED", passkeys: true },
  };
  test.each(ENV_NAMES)("1. compliant: %s has the tier its threat protection and passkeys need", (env) => {
    const { pool } = shipped(env);
    expect({
      tier: pool.user_pool_tier,
      threatProtection: pool.user_pool_add_ons.advanced_security_mode,
      passkeys: pool.web_authn_configuration !== undefined,
    }).toEqual(expected[env]);
  });
});

describeControl(
  "CognitoRiskConfiguration",
  "where threat protection runs, high risk is blocked, medium risk must pass MFA (email for everyone) or is blocked, leaked passwords are blocked",
  () => {
    // Reason: adaptive authentication is prod's compensating control for OPTIONAL MFA; compromised credentials must never sign in.
    test.each(STAGING_AND_PROD)("1. compliant: %s blocks high risk, requires MFA at medium risk, lets low risk through", (env) => {
      const risk = riskOf(shipped(env));
      expect(risk.user_pool_id).toBe("${aws_cognito_user_pool.user_pool.id}");
      expect(risk).not.toHaveProperty("client_id"); // pool-wide, every client
      const actions = risk.account_takeover_risk_configuration.actions;
      expect(actions).toEqual({
        high_action: { event_action: "BLOCK", notify: true },
        // MFA_REQUIRED, not MFA_IF_CONFIGURED: a user with no factor is blocked, never let in on the password alone.
        medium_action: { event_action: "MFA_REQUIRED", notify: true },
        low_action: { event_action: "NO_ACTION", notify: false },
      });
    });
    test.each(STAGING_AND_PROD)("2. compliant: %s blocks compromised credentials on sign-in, sign-up and password change", (env) => {
      const risk = riskOf(shipped(env));
      expect(risk.compromised_credentials_risk_configuration.actions).toEqual({ event_action: "BLOCK" });
      expect([...risk.compromised_credentials_risk_configuration.event_filter].sort()).toEqual(["PASSWORD_CHANGE", "SIGN_IN", "SIGN_UP"]);
    });
    test.each(STAGING_AND_PROD)("3. compliant: %s notifies users from the pool's own SES identity", (env) => {
      const auth = shipped(env);
      expect(riskOf(auth).account_takeover_risk_configuration.notify_configuration).toEqual({
        source_arn: auth.pool.email_configuration.source_arn,
        from: `noreply@${DOMAIN_NAME[env]}`,
      });
    });
    test("4. not applied: dev (threat protection OFF) has no risk configuration", () => {
      expect(shipped("dev").risk).toBeUndefined();
    });
    // 5. non-compliant: refused by config rule ThreatProtectionNeedsSes (its cases are in __tests__/config-rules.test.ts).
    test("6. compliant: dev auditing threats over SES gets a risk configuration too", () => {
      const risk = riskOf(
        patched("dev", { userPool: { tier: "PLUS", threatProtection: "AUDIT", email: { sender: "SES" }, emailMfa: { enabled: true } } }),
      );
      expect(risk.account_takeover_risk_configuration.actions.high_action.event_action).toBe("BLOCK");
    });
  },
);

/** Managed login's host of a shipped environment (its prefix domain taskflow-<env>, region ap-northeast-1). */
const MANAGED_LOGIN_HOST = (env: string) => `taskflow-${env}.auth.ap-northeast-1.amazoncognito.com`;

describeControl(
  "CognitoUserPoolPasskeys",
  "the relying party is the host of the pages that run the passkey ceremony; prod passkeys verify the user",
  () => {
    // Reason: a browser refuses a relying party that is not the page's host or a parent of it, so passkeys for another domain never work
    // (WebAuthn "Relying Party Identifier"; Cognito API reference WebAuthnConfigurationType; auth.<region>.amazoncognito.com is a public suffix).
    test.each(ENV_NAMES)(
      "1. compliant: %s runs passkeys on managed login, so the relying party is its prefix domain's full host",
      (env) => {
        const { pool, domain } = shipped(env);
        expect(domain.domain).toBe(`taskflow-${env}`);
        expect(pool.web_authn_configuration.relying_party_id).toBe(MANAGED_LOGIN_HOST(env));
        expect(pool.sign_in_policy).toEqual({ allowed_first_auth_factors: ["PASSWORD", "WEB_AUTHN"] });
      },
    );
    test("2. compliant: prod requires user verification", () => {
      expect(shipped("prod").pool.web_authn_configuration.user_verification).toBe("required");
    });
    // Non-compliant prod "preferred": config-validation.test.ts "passkey user verification required in prod".
    test("3. compliant: with a managed-login custom domain the relying party is that domain", () => {
      const { pool } = patched("prod", { authDomain: { customDomain: "auth.taskflow.example.com" } });
      expect(pool.web_authn_configuration).toEqual({ relying_party_id: "auth.taskflow.example.com", user_verification: "required" });
    });
    test("4. compliant: passkeys on the app's own pages bind to the app's domain", () => {
      const { pool } = patched("prod", { userPool: { passkeys: { ceremony: "appPages" } } });
      expect(pool.web_authn_configuration.relying_party_id).toBe(DOMAIN_NAME.prod);
    });
    test("5. compliant: on the app's own pages a parent of the app's domain is accepted", () => {
      expect(refusals("staging", { userPool: { passkeys: { ceremony: "appPages", relyingPartyId: "taskflow.example.com" } } })).toEqual([]);
    });
    test("6. compliant: passkeys switched off leave neither web_authn_configuration nor sign_in_policy", () => {
      const { pool } = patched("staging", { userPool: { passkeys: { enabled: false } } });
      expect(pool).not.toHaveProperty("web_authn_configuration");
      expect(pool).not.toHaveProperty("sign_in_policy");
    });
    test("7. non-compliant: the app's domain as relying party while passkeys run on managed login at the prefix domain is refused", () => {
      expect(refusals("prod", { userPool: { passkeys: { relyingPartyId: "taskflow.example.com" } } })).toEqual([
        `prod.userPool.passkeys.relyingPartyId: must be managed login's host "${MANAGED_LOGIN_HOST("prod")}" while passkeys run on managed login: a browser accepts only that host there (auth.ap-northeast-1.amazoncognito.com is a public suffix), got "taskflow.example.com"`,
      ]);
    });
    test("8. non-compliant: the public suffix auth.<region>.amazoncognito.com as relying party is refused", () => {
      expect(refusals("prod", { userPool: { passkeys: { relyingPartyId: "auth.ap-northeast-1.amazoncognito.com" } } })).toEqual([
        `prod.userPool.passkeys.relyingPartyId: must be managed login's host "${MANAGED_LOGIN_HOST("prod")}" while passkeys run on managed login: a browser accepts only that host there (auth.ap-northeast-1.amazoncognito.com is a public suffix), got "auth.ap-northeast-1.amazoncognito.com"`,
      ]);
    });
    test("9. non-compliant: with a custom domain and managed login, any other relying party is refused", () => {
      expect(
        refusals("prod", {
          authDomain: { customDomain: "auth.taskflow.example.com" },
          userPool: { passkeys: { relyingPartyId: "taskflow.example.com" } },
        }),
      ).toEqual([
        'prod.userPool.passkeys.relyingPartyId: must be the custom auth domain "auth.taskflow.example.com" while passkeys run on managed login (Cognito requires it), got "taskflow.example.com"',
      ]);
    });
    test("10. non-compliant: on the app's own pages, a relying party outside the app's domain is refused", () => {
      expect(refusals("prod", { userPool: { passkeys: { ceremony: "appPages", relyingPartyId: MANAGED_LOGIN_HOST("prod") } } })).toEqual([
        `prod.userPool.passkeys.relyingPartyId: must be "taskflow.example.com" or a parent domain of it while passkeys run on the app's pages (a browser accepts only the page's host or a parent), got "${MANAGED_LOGIN_HOST("prod")}"`,
      ]);
    });
  },
);

describeControl("CognitoUserPoolDeletionProtection", "staging and prod pools cannot be deleted, by Cognito or by Terraform", () => {
  // Reason: deleting a user pool deletes every user irrecoverably (Security Hub Cognito.6).
  test.each(STAGING_AND_PROD)("1. compliant: %s has deletion protection ACTIVE and prevent_destroy", (env) => {
    const { pool } = shipped(env);
    expect(controlled("CognitoUserPoolDeletionProtection", POOL, pool)).toEqual({ deletion_protection: "ACTIVE" });
    expect(pool.lifecycle).toEqual({ prevent_destroy: true });
  });
  test("2. not applied: dev stays deletable", () => {
    const { pool } = shipped("dev");
    expect(pool.deletion_protection).toBe("INACTIVE");
    expect(pool).not.toHaveProperty("lifecycle");
  });
  // Non-compliant staging/prod deletionProtection false: config-validation.test.ts "deletion protection on in staging|prod".
});

describeControl("CognitoUserPoolSignInAndRecovery", "users sign in with a verified email and recover by verified email first", () => {
  // Reason: SMS recovery is open to SIM swapping; an unverified email must never become the sign-in or recovery address.
  // With email MFA AWS refuses email as the only recovery mechanism: a verified phone (which only an admin can set) is second.
  const recovery = {
    dev: [{ name: "verified_email", priority: 1 }],
    staging: [
      { name: "verified_email", priority: 1 },
      { name: "verified_phone_number", priority: 2 },
    ],
    prod: [
      { name: "verified_email", priority: 1 },
      { name: "verified_phone_number", priority: 2 },
    ],
  };
  test.each(ENV_NAMES)("1. compliant: %s", (env) => {
    expect(controlled("CognitoUserPoolSignInAndRecovery", POOL, shipped(env).pool)).toEqual({
      username_attributes: ["email"],
      auto_verified_attributes: ["email"],
      account_recovery_setting: { recovery_mechanism: recovery[env] },
      user_attribute_update_settings: { attributes_require_verification_before_update: ["email"] },
      username_configuration: { case_sensitive: false },
      admin_create_user_config: { allow_admin_create_user_only: false },
    });
  });
});

describeControl("CognitoUserPoolSesEmail", "staging and prod send email through the environment's SES identity", () => {
  // Reason: Cognito's default sender is capped at 50 emails a day and sends from an amazonses.com address.
  test.each(STAGING_AND_PROD)("1. compliant: %s sends as TaskFlow <noreply@domain> from its SES identity", (env) => {
    expect(shipped(env).pool.email_configuration).toEqual({
      email_sending_account: "DEVELOPER",
      source_arn: `arn:aws:ses:ap-northeast-1:${ACCOUNT[env]}:identity/${DOMAIN_NAME[env]}`,
      from_email_address: `TaskFlow <noreply@${DOMAIN_NAME[env]}>`,
    });
  });
  test("2. not applied: dev uses Cognito's default sender", () => {
    expect(shipped("dev").pool.email_configuration).toEqual({ email_sending_account: "COGNITO_DEFAULT" });
  });
  test("3. non-compliant: staging with Cognito's default sender is refused", () => {
    expect(refusals("staging", { userPool: { email: { sender: "COGNITO_DEFAULT" } } })).toContain(
      'staging.userPool.email.sender: must be "SES" in staging, got "COGNITO_DEFAULT"',
    );
  });
  test("4. compliant: another verified domain identity sends from that domain", () => {
    const { pool } = patched("prod", { userPool: { email: { sender: "SES", identity: "mail.taskflow.example.com" } } });
    expect(pool.email_configuration).toMatchObject({
      source_arn: "arn:aws:ses:ap-northeast-1:333333333333:identity/mail.taskflow.example.com",
      from_email_address: "TaskFlow <noreply@mail.taskflow.example.com>",
    });
  });
  test("5. compliant: an address identity sends from exactly that address", () => {
    const { pool } = patched("prod", { userPool: { email: { sender: "SES", identity: "accounts@taskflow.example.com" } } });
    expect(pool.email_configuration.from_email_address).toBe("TaskFlow <accounts@taskflow.example.com>");
  });
});

describeControl(
  "CognitoUserPoolSchema",
  "every String attribute has explicit constraints; email is required; organizationId is a custom attribute",
  () => {
    // Reason: without constraints every plan shows a schema diff, and Cognito refuses to change an existing attribute at apply.
    test.each(ENV_NAMES)("1. compliant: %s", (env) => {
      const { pool } = shipped(env);
      const strings = pool.schema.filter((a: { attribute_data_type: string }) => a.attribute_data_type === "String");
      expect(strings.length).toBe(pool.schema.length);
      for (const attribute of strings) {
        expect(attribute.string_attribute_constraints).toEqual({ min_length: expect.any(String), max_length: expect.any(String) });
      }
      expect(pool.schema).toEqual([
        {
          name: "email",
          attribute_data_type: "String",
          required: true,
          mutable: true,
          developer_only_attribute: false,
          string_attribute_constraints: { min_length: "0", max_length: "2048" },
        },
        {
          name: "organizationId",
          attribute_data_type: "String",
          required: false,
          mutable: true,
          developer_only_attribute: false,
          string_attribute_constraints: { min_length: "1", max_length: "256" },
        },
      ]);
    });
  },
);

describeControl("CognitoUserPoolDeviceTracking", "new devices are challenged; devices are remembered only when the user asks", () => {
  // Reason: a remembered device skips MFA, so remembering must be the user's explicit choice.
  test.each(ENV_NAMES)("1. compliant: %s", (env) => {
    expect(controlled("CognitoUserPoolDeviceTracking", POOL, shipped(env).pool).device_configuration).toEqual({
      challenge_required_on_new_device: true,
      device_only_remembered_on_user_prompt: true,
    });
  });
});
