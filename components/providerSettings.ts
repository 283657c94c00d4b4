/**
 * The `aws:*` settings every explicit provider must be given. An explicit `aws.Provider` reads none
 * of the stack's `aws:` config (by design in pulumi-aws; only the default provider reads it), so a
 * stack-config `aws:allowedAccountIds` guard, `aws:assumeRoles` or `aws:defaultTags` would silently
 * not apply to the providers this library creates unless they are passed on here.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

/** Provider inputs shared by every provider the library creates; region and account pinning are per provider. */
export type ProviderSettings = Omit<aws.ProviderArgs, "region">;

/**
 * The settings of the program's `aws:` config namespace, as the default provider would read them:
 * every key an explicit provider accepts except `region` (each provider has its own). Credentials
 * given as config (accessKey, secretKey, token) stay secret.
 */
export function programProviderSettings(): ProviderSettings {
    const c = aws.config;
    const secret = (value: string | undefined) => (value === undefined ? undefined : pulumi.secret(value));
    const settings: ProviderSettings = {
        accessKey: secret(c.accessKey),
        secretKey: secret(c.secretKey),
        token: secret(c.token),
        allowedAccountIds: c.allowedAccountIds,
        forbiddenAccountIds: c.forbiddenAccountIds,
        assumeRoles: c.assumeRoles,
        assumeRoleWithWebIdentity: c.assumeRoleWithWebIdentity,
        customCaBundle: c.customCaBundle,
        defaultTags: c.defaultTags,
        ec2MetadataServiceEndpoint: c.ec2MetadataServiceEndpoint,
        ec2MetadataServiceEndpointMode: c.ec2MetadataServiceEndpointMode,
        endpoints: c.endpoints,
        httpProxy: c.httpProxy,
        httpsProxy: c.httpsProxy,
        ignoreTags: c.ignoreTags,
        insecure: c.insecure,
        maxRetries: c.maxRetries,
        noProxy: c.noProxy,
        profile: c.profile,
        retryMode: c.retryMode,
        s3UsEast1RegionalEndpoint: c.s3UsEast1RegionalEndpoint,
        s3UsePathStyle: c.s3UsePathStyle,
        sharedConfigFiles: c.sharedConfigFiles,
        sharedCredentialsFiles: c.sharedCredentialsFiles,
        skipCredentialsValidation: c.skipCredentialsValidation,
        skipMetadataApiCheck: c.skipMetadataApiCheck,
        skipRegionValidation: c.skipRegionValidation,
        skipRequestingAccountId: c.skipRequestingAccountId,
        stsRegion: c.stsRegion,
        tagPolicyCompliance: c.tagPolicyCompliance,
        tokenBucketRateLimiterCapacity: c.tokenBucketRateLimiterCapacity,
        useDualstackEndpoint: c.useDualstackEndpoint,
        useFipsEndpoint: c.useFipsEndpoint,
        userAgents: c.userAgents,
    };
    // Unset keys are left out, so a stack with no `aws:` settings plans the same provider inputs as before.
    return Object.fromEntries(Object.entries(settings).filter(([, v]) => v !== undefined)) as ProviderSettings;
}

/**
 * The inputs of one created provider: the shared settings, its region, the library's tags on top
 * of any `aws:defaultTags`, and, for a provider of a known account, that account alone allowed
 * (so a role that leads elsewhere fails instead of deploying into the wrong account) and the
 * account's role assumed after any roles the settings already chain.
 */
export function providerArgs(
    settings: ProviderSettings,
    region: string,
    tags: Record<string, string>,
    account?: { readonly accountId?: string; readonly roleArn?: string; readonly sessionName?: string },
): aws.ProviderArgs {
    const userTags = pulumi.output(settings.defaultTags).apply((d) => ({ ...(d?.tags ?? {}), ...tags }));
    const args: aws.ProviderArgs = {
        ...settings,
        region: region as aws.Region,
        defaultTags: settings.defaultTags === undefined ? { tags } : { tags: userTags },
    };
    if (account?.accountId !== undefined) args.allowedAccountIds = [account.accountId];
    if (account?.roleArn !== undefined) {
        const role = { roleArn: account.roleArn, sessionName: account.sessionName ?? "vpc-flow-monitor" };
        args.assumeRoles = pulumi.output(settings.assumeRoles).apply((roles) => [...(roles ?? []), role]);
    }
    return args;
}
