/**
 * The program: read and validate the stack configuration, decide protection, and hand typed args
 * to the library (components/vpcFlowMonitor.ts), which declares everything.
 *
 * index.ts runs it under the Pulumi engine; tools/cli/plan.ts runs the very same function under Pulumi's
 * mock runtime, so the offline plan is the program, not a model of it.
 */
import * as pulumi from "@pulumi/pulumi";
import { isInputPropertiesError } from "../components/invalidArgs";
import {
    AccountSpec,
    deployVpcFlowMonitor,
    RegionSpec,
    VpcFlowMonitorArgs,
    VpcFlowMonitorOptions,
    VpcFlowMonitorOutputs,
    VpcSpec,
} from "../components/vpcFlowMonitor";
import { protectsData } from "./protection";
import { ConfigError, RegionConfig, StackConfig, validateStackConfig } from "./stackConfig";

/** What every stack of this program exports. */
export type StackOutputs = VpcFlowMonitorOutputs;
export type DeployHooks = VpcFlowMonitorOptions;

/**
 * The stack configuration as the engine hands it over: every key of every namespace, object values
 * as JSON text. Decoded here, validated by validateStackConfig.
 */
export function readStackConfig(): StackConfig {
    const decoded: Record<string, unknown> = {};
    for (const [key, text] of Object.entries(pulumi.runtime.allConfig())) {
        decoded[key] = decodeConfigValue(text);
    }
    return validateStackConfig(decoded);
}

function decodeConfigValue(text: string): unknown {
    // Objects and lists arrive as JSON; plain strings (aws:region) do not parse and stay strings.
    try {
        return JSON.parse(text);
    } catch {
        return text;
    }
}

/** A validated stack config in the library's terms; `protectData` is already decided. */
export function toLibraryArgs(
    config: StackConfig,
    stack: { readonly stack: string; readonly project: string; readonly protectData: boolean },
): VpcFlowMonitorArgs {
    return {
        stack: stack.stack,
        project: stack.project,
        homeRegion: config.homeRegion,
        regions: toRegionSpecs(config.regions),
        ...(config.homeAccount ? { homeAccountId: config.homeAccount.id } : {}),
        ...(config.accounts
            ? {
                  accounts: config.accounts.map((a): AccountSpec => ({
                      name: a.name,
                      accountId: a.id,
                      roleArn: a.roleArn,
                      regions: toRegionSpecs(a.regions),
                  })),
              }
            : {}),
        defaultRules: config.alerts.defaultRules,
        rules: config.alerts.rules,
        emails: config.alerts.emails,
        ...(config.alerts.slack ? { slack: config.alerts.slack } : {}),
        flowLogs: {
            cloudWatchTrafficType: config.flowLogs.cloudWatchTrafficType,
            logRetentionInDays: config.flowLogs.logRetentionDays,
        },
        lake: config.lake,
        insights: config.insights,
        ...(config.lake.organizationId !== undefined ? { organizationId: config.lake.organizationId } : {}),
        protectData: stack.protectData,
    };
}

function toRegionSpecs(regions: readonly RegionConfig[]): RegionSpec[] {
    return regions.map((r) => ({
        region: r.region,
        ...(r.discover ? { discover: r.discover } : {}),
        vpcs: r.vpcs.map((v): VpcSpec =>
            v.kind === "create"
                ? { name: v.name, cidrBlock: v.cidrBlock, rules: v.rules }
                : { name: v.name, vpcId: v.vpcId, rules: v.rules },
        ),
    }));
}

/** This stack's deployment of the library: its name and project, and whether it protects its data. */
export async function deployStack(config: StackConfig, hooks: DeployHooks = {}): Promise<StackOutputs> {
    const stack = pulumi.getStack();
    const args = toLibraryArgs(config, {
        stack,
        project: pulumi.getProject(),
        protectData: protectsData(config.protectData, stack),
    });
    return deployVpcFlowMonitor(args, hooks);
}

/**
 * What the engine should print for an error: a refused configuration or refused library args as
 * a RunError, which the engine prints as the message alone, without a stack trace; anything else as is.
 */
export function asReport(err: unknown): unknown {
    if (err instanceof ConfigError || isInputPropertiesError(err)) return new pulumi.RunError(err.message);
    return err;
}

/** The whole program; a bad configuration ends it with the report and no resource registered. */
export async function runProgram(): Promise<StackOutputs> {
    let config: StackConfig;
    try {
        config = readStackConfig();
    } catch (err) {
        throw asReport(err);
    }
    try {
        return await deployStack(config);
    } catch (err) {
        // A config the schema accepts is one the library accepts (tests/program/main.spec.ts); should
        // that ever break, the library's report is still worth more than a stack trace.
        throw asReport(err);
    }
}
