/**
 * What the offline plan's fake AWS answers: realistic, deterministic ids and ARNs (account,
 * region, name) for every resource type the program creates, so that the values linking
 * resources (bucket ARN in a flow log, log group ARN in a role policy) are known in the plan.
 * An unmocked invoke throws: a new data source must be taught here, not silently return nothing.
 */
import { createHash } from "crypto";
import * as pulumi from "@pulumi/pulumi";

export const OFFLINE_ACCOUNT_ID = "123456789012";
export const OFFLINE_PARTITION = "aws";

/** Deterministic hex of a given length from a seed, so the same config always plans the same ids. */
export function hexId(seed: string, length: number): string {
    return createHash("sha256").update(seed).digest("hex").slice(0, length);
}

/**
 * What the fake AWS holds, for discovery: `{ accounts: { "<id>": { "<region>": { vpcs: [...] } } } }`.
 * Without one, discovery finds nothing.
 */
export interface Inventory {
    readonly accounts: Readonly<Record<string, Readonly<Record<string, { readonly vpcs: readonly InventoryVpc[] }>>>>;
}

export interface InventoryVpc {
    readonly id: string;
    readonly cidrBlock?: string;
    readonly tags?: Readonly<Record<string, string>>;
}

export class MockCloud implements pulumi.runtime.Mocks {
    /** Region of each provider, by provider name, learnt when the provider registers. */
    private readonly providerRegions = new Map<string, string>();
    /** Account of each provider pinned to one (allowedAccountIds), by provider name. */
    private readonly providerAccounts = new Map<string, string>();

    constructor(
        private readonly homeRegion: string,
        private readonly inventory: Inventory = { accounts: {} },
    ) {}

    /** The inventory's VPCs of the provider's account and region. */
    private vpcsOf(args: { provider?: string }): readonly InventoryVpc[] {
        return this.inventory.accounts[this.accountOf(args)]?.[this.regionOf(args)]?.vpcs ?? [];
    }

    newResource(args: pulumi.runtime.MockResourceArgs): pulumi.runtime.MockResourceResult {
        const region = this.regionOf(args);
        if (args.type.startsWith("pulumi:providers:")) {
            if (typeof args.inputs.region === "string") this.providerRegions.set(args.name, args.inputs.region);
            const pinned = pinnedAccount(args.inputs.allowedAccountIds);
            if (pinned !== undefined) this.providerAccounts.set(args.name, pinned);
            return { id: `${args.name}-provider-id`, state: args.inputs };
        }
        const { id, state } = fakeState(args, region, this.accountOf(args));
        return { id, state: { ...args.inputs, ...state } };
    }

    call(args: pulumi.runtime.MockCallArgs): pulumi.runtime.MockCallResult {
        switch (args.token) {
            case "aws:index/getCallerIdentity:getCallerIdentity": {
                // The account the provider is pinned to: a provider that assumes a role is that account.
                const account = this.accountOf(args);
                return {
                    id: account,
                    accountId: account,
                    arn: `arn:aws:iam::${account}:user/offline-plan`,
                    userId: "AIDAOFFLINEPLAN000000",
                };
            }
            case "aws:index/getPartition:getPartition":
                return {
                    id: OFFLINE_PARTITION,
                    partition: OFFLINE_PARTITION,
                    dnsSuffix: "amazonaws.com",
                    reverseDnsPrefix: "com.amazonaws",
                };
            case "aws:ec2/getVpcs:getVpcs": {
                // Tags match exactly, all of them, as DescribeVpcs' tag filters do.
                const wanted = Object.entries((args.inputs.tags ?? {}) as Record<string, string>);
                const ids = this.vpcsOf(args)
                    .filter((vpc) => wanted.every(([k, v]) => vpc.tags?.[k] === v))
                    .map((vpc) => vpc.id);
                return { id: this.regionOf(args), ids, region: this.regionOf(args), tags: args.inputs.tags };
            }
            case "aws:ec2/getVpc:getVpc": {
                const vpc = this.vpcsOf(args).find((v) => v.id === args.inputs.id);
                if (!vpc) throw new Error(`no VPC ${String(args.inputs.id)} in the offline inventory`);
                const account = this.accountOf(args);
                return {
                    id: vpc.id,
                    arn: `arn:aws:ec2:${this.regionOf(args)}:${account}:vpc/${vpc.id}`,
                    cidrBlock: vpc.cidrBlock ?? "10.0.0.0/16",
                    ownerId: account,
                    tags: vpc.tags ?? {},
                };
            }
            default:
                throw new Error(
                    `the offline plan has no mock for the data source ${args.token}; add one to tools/plan/mockCloud.ts`,
                );
        }
    }

    private regionOf(args: { provider?: string }): string {
        const name = providerName(args.provider);
        return (name && this.providerRegions.get(name)) ?? this.homeRegion;
    }

    private accountOf(args: { provider?: string }): string {
        const name = providerName(args.provider);
        return (name && this.providerAccounts.get(name)) ?? OFFLINE_ACCOUNT_ID;
    }
}

/** A provider reference reads "<provider urn>::<provider id>"; the URN ends with the provider's name. */
function providerName(reference: string | undefined): string | undefined {
    const urn = reference?.split("::").slice(0, -1).join("::");
    return urn?.split("::").pop();
}

/** The one account a provider allows, if it allows exactly one (provider inputs arrive as JSON text). */
function pinnedAccount(allowed: unknown): string | undefined {
    let ids: unknown = allowed;
    if (typeof allowed === "string") {
        try {
            ids = JSON.parse(allowed);
        } catch {
            return undefined;
        }
    }
    return Array.isArray(ids) && ids.length === 1 && typeof ids[0] === "string" ? ids[0] : undefined;
}

interface FakeState {
    id: string | undefined;
    state: Record<string, unknown>;
}

function fakeState(args: pulumi.runtime.MockResourceArgs, region: string, account: string): FakeState {
    const seed = `${args.type}/${args.name}`;
    const inputs = args.inputs;
    switch (args.type) {
        case "awsx:ec2:Vpc": {
            // Remote component: its children are built by the awsx plugin, which mocks never start.
            const vpcId = `vpc-${hexId(seed, 17)}`;
            return { id: undefined, state: { vpcId, subnets: [], publicSubnetIds: [], privateSubnetIds: [] } };
        }
        case "aws:ec2/vpc:Vpc": {
            const id = args.id || `vpc-${hexId(seed, 17)}`;
            return { id, state: { arn: `arn:aws:ec2:${region}:${account}:vpc/${id}`, ownerId: account } };
        }
        case "aws:s3/bucket:Bucket": {
            const bucket = (inputs.bucket as string) ?? `${args.name}-${hexId(seed, 7)}`;
            return { id: bucket, state: { bucket, arn: `arn:aws:s3:::${bucket}`, region } };
        }
        case "aws:cloudwatch/logGroup:LogGroup": {
            const name = (inputs.name as string) ?? `${args.name}-${hexId(seed, 7)}`;
            return { id: name, state: { name, arn: `arn:aws:logs:${region}:${account}:log-group:${name}` } };
        }
        case "aws:iam/role:Role": {
            const name = (inputs.name as string) ?? `${args.name}-${hexId(seed, 7)}`;
            return {
                id: name,
                state: {
                    name,
                    arn: `arn:aws:iam::${account}:role/${name}`,
                    uniqueId: `AROA${hexId(seed, 17).toUpperCase()}`,
                },
            };
        }
        case "aws:ec2/flowLog:FlowLog": {
            const id = `fl-${hexId(seed, 17)}`;
            return { id, state: { arn: `arn:aws:ec2:${region}:${account}:vpc-flow-log/${id}` } };
        }
        case "aws:glue/catalogDatabase:CatalogDatabase":
            return {
                id: `${account}:${inputs.name}`,
                state: { catalogId: account, arn: `arn:aws:glue:${region}:${account}:database/${inputs.name}` },
            };
        case "aws:glue/catalogTable:CatalogTable":
            return {
                id: `${account}:${inputs.databaseName}:${inputs.name}`,
                state: {
                    catalogId: account,
                    arn: `arn:aws:glue:${region}:${account}:table/${inputs.databaseName}/${inputs.name}`,
                },
            };
        case "aws:athena/workgroup:Workgroup":
            return {
                id: inputs.name as string,
                state: { arn: `arn:aws:athena:${region}:${account}:workgroup/${inputs.name}` },
            };
        case "aws:cloudwatch/metricAlarm:MetricAlarm":
            return {
                id: inputs.name as string,
                state: { arn: `arn:aws:cloudwatch:${region}:${account}:alarm:${inputs.name}` },
            };
        case "aws:sns/topic:Topic":
            return {
                id: `arn:aws:sns:${region}:${account}:${inputs.name}`,
                state: { arn: `arn:aws:sns:${region}:${account}:${inputs.name}` },
            };
        case "aws:athena/namedQuery:NamedQuery":
            return { id: uuidFrom(seed), state: {} };
        default: {
            if (!args.custom) return { id: undefined, state: {} };
            // Any other resource: an id and an ARN in the resource's own service and region.
            const service = args.type.split(":")[1]?.split("/")[0] ?? "unknown";
            const name = (inputs.name as string) ?? `${args.name}-${hexId(seed, 7)}`;
            return { id: name, state: { name, arn: `arn:aws:${service}:${region}:${account}:${name}` } };
        }
    }
}

function uuidFrom(seed: string): string {
    const h = hexId(seed, 32);
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}
