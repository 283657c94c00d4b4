import { FLOW_LOG_FIELDS } from "../../flowlogs/fields";
/**
 * The stack configuration contract (program/stackConfig.ts): what a `Pulumi.<stack>.yaml` may say.
 *
 * Every rejected configuration asserts the exact list of problems, so a changed message or a problem
 * reported twice, under the wrong path or not at all fails here. The properties at the end check what
 * no table can: that any corruption of a valid configuration, and any JSON value at all, ends in one
 * ConfigError whose problems each name a real key path, the value given and what is allowed.
 */
import { strict as assert } from "node:assert";
import fc from "fast-check";
import {
    ConfigError,
    ConfigProblem,
    LOG_RETENTION_DAYS,
    StackConfig,
    formatProblems,
    show,
    validateStackConfig,
} from "../../program/stackConfig";
import { AWS_REGIONS, isAwsRegion } from "../../program/regions";

// ---------------------------------------------------------------------------------------------
// Fixtures and helpers

type RawConfig = Record<string, unknown>;
/** A mutable deep copy of a fixture; cases reach into it freely. */
type Draft = Record<string, any>;

const AWS_REGION = "aws:region";
const REGIONS = "vpc-flow-monitor:regions";
const FLOW_LOGS = "vpc-flow-monitor:flowLogs";
const LAKE = "vpc-flow-monitor:lake";

/** A complete example config. */
const EXAMPLE = {
    [AWS_REGION]: "us-east-1",
    [REGIONS]: [
        {
            region: "us-east-1",
            vpcs: [
                { name: "sandbox", cidrBlock: "10.10.0.0/16" },
                { name: "shared", vpcId: "vpc-0123456789abcdef0" },
            ],
        },
    ],
    [FLOW_LOGS]: { cloudWatchTrafficType: "REJECT", logRetentionDays: 90 },
    [LAKE]: { expireAfterDays: 400, transitionToInfrequentAccessDays: 30, bytesScannedCutoffGb: 10 },
} satisfies RawConfig;

/** No `alerts` key: defaults on, no extra rules, nobody notified. */
const NO_ALERTS = { emails: [], slack: undefined, defaultRules: true, rules: [] };

const EXAMPLE_NORMALISED = {
    homeRegion: "us-east-1",
    regions: [
        {
            region: "us-east-1",
            vpcs: [
                { name: "sandbox", kind: "create", cidrBlock: "10.10.0.0/16", rules: [] },
                { name: "shared", kind: "adopt", vpcId: "vpc-0123456789abcdef0", rules: [] },
            ],
        },
    ],
    flowLogs: { cloudWatchTrafficType: "REJECT", logRetentionDays: 90 },
    lake: { expireAfterDays: 400, transitionToInfrequentAccessDays: 30, bytesScannedCutoffGb: 10, fields: "default" },
    alerts: NO_ALERTS,
    insights: { contributorInsights: true },
} satisfies StackConfig;

/** The example with one change applied to a deep copy. */
function exampleWith(change: (draft: Draft) => void): RawConfig {
    const draft: Draft = structuredClone(EXAMPLE);
    change(draft);
    return draft;
}

/** Runs the validator on a configuration that must be rejected and returns its problems. */
function problemsOf(raw: RawConfig): readonly ConfigProblem[] {
    let thrown: unknown;
    try {
        validateStackConfig(raw);
    } catch (error) {
        thrown = error;
    }
    assert.ok(thrown !== undefined, "expected the configuration to be rejected");
    assert.ok(thrown instanceof ConfigError, `expected a ConfigError, got ${String(thrown)}`);
    return thrown.problems;
}

// What is allowed, spelled out here rather than imported so that a changed message fails a test.
const ALLOWED_REGION = "an AWS commercial region such as us-east-1 (GovCloud and China are not supported)";
const ALLOWED_NAME = "1 to 32 characters of a-z, 0-9 and -";
const ALLOWED_CIDR = "an IPv4 network address with a prefix length from /16 to /24, such as 10.10.0.0/16";
const ALLOWED_VPC_ID = "vpc- followed by 8 or 17 hexadecimal digits, such as vpc-0123456789abcdef0";
const ALLOWED_RETENTION =
    "one of 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653";
const ALLOWED_EXPIRE = "a whole number of days from 1 to 36500";
const ALLOWED_TRANSITION = "a whole number of days from 30 to 36500";
const ALLOWED_CUTOFF = "a whole number of GB from 1 to 1024";
const ALLOWED_SOURCE = "exactly one of cidrBlock (create a VPC) or vpcId (adopt an existing VPC)";

// ---------------------------------------------------------------------------------------------
// Valid configurations

describe("validateStackConfig: lake.fields", () => {
    it("keeps a named choice and puts a list in the field table's order", () => {
        for (const choice of ["default", "all"]) {
            const raw = exampleWith((c) => (c[LAKE] = { fields: choice }));
            assert.equal(validateStackConfig(raw).lake.fields, choice);
        }
        const raw = exampleWith((c) => (c[LAKE] = { fields: ["reject-reason", "action", "srcaddr", "ecs-task-id"] }));
        assert.deepEqual(validateStackConfig(raw).lake.fields, ["srcaddr", "action", "ecs-task-id", "reject-reason"]);
    });
});

describe("validateStackConfig: valid configurations", () => {
    it("normalises a complete example config", () => {
        assert.deepStrictEqual(validateStackConfig(EXAMPLE), EXAMPLE_NORMALISED);
    });

    it("applies the defaults (REJECT, 90 days, 400 days, 30 days, 10 GB) when flowLogs and lake are left out", () => {
        const raw = exampleWith((c) => {
            delete c[FLOW_LOGS];
            delete c[LAKE];
        });
        assert.deepStrictEqual(validateStackConfig(raw), EXAMPLE_NORMALISED);
    });

    it("applies the defaults when flowLogs and lake are empty mappings", () => {
        const raw = exampleWith((c) => {
            c[FLOW_LOGS] = {};
            c[LAKE] = {};
        });
        assert.deepStrictEqual(validateStackConfig(raw), EXAMPLE_NORMALISED);
    });

    it("normalises a multi-region config with ALL traffic, in the order given", () => {
        const raw = {
            [AWS_REGION]: "eu-west-1",
            [REGIONS]: [
                { region: "eu-west-1", vpcs: [{ name: "lake-home", cidrBlock: "172.16.0.0/24" }] },
                {
                    region: "ap-southeast-2",
                    vpcs: [
                        { name: "syd-legacy", vpcId: "vpc-0a1b2c3d" },
                        { name: "syd-new", cidrBlock: "10.200.0.0/20" },
                    ],
                },
                { region: "us-west-2", vpcs: [{ name: "0", vpcId: "vpc-fedcba98765432100" }] },
            ],
            [FLOW_LOGS]: { cloudWatchTrafficType: "ALL" },
            [LAKE]: { expireAfterDays: 36500, bytesScannedCutoffGb: 1024, fields: "default" },
        } satisfies RawConfig;
        assert.deepStrictEqual(validateStackConfig(raw), {
            homeRegion: "eu-west-1",
            regions: [
                {
                    region: "eu-west-1",
                    vpcs: [{ name: "lake-home", kind: "create", cidrBlock: "172.16.0.0/24", rules: [] }],
                },
                {
                    region: "ap-southeast-2",
                    vpcs: [
                        { name: "syd-legacy", kind: "adopt", vpcId: "vpc-0a1b2c3d", rules: [] },
                        { name: "syd-new", kind: "create", cidrBlock: "10.200.0.0/20", rules: [] },
                    ],
                },
                {
                    region: "us-west-2",
                    vpcs: [{ name: "0", kind: "adopt", vpcId: "vpc-fedcba98765432100", rules: [] }],
                },
            ],
            flowLogs: { cloudWatchTrafficType: "ALL", logRetentionDays: 90 },
            lake: {
                expireAfterDays: 36500,
                transitionToInfrequentAccessDays: 30,
                bytesScannedCutoffGb: 1024,
                fields: "default",
            },
            alerts: NO_ALERTS,
            insights: { contributorInsights: true },
        } satisfies StackConfig);
    });

    it("accepts the boundaries: a 32-character name, /16 and /24, transition 30 with expiry 31, cutoff 1 GB", () => {
        const raw = exampleWith((c) => {
            c[REGIONS][0].vpcs = [
                { name: "a".repeat(32), cidrBlock: "10.0.0.0/16" },
                { name: "b", cidrBlock: "10.1.2.0/24" },
            ];
            c[LAKE] = { expireAfterDays: 31, transitionToInfrequentAccessDays: 30, bytesScannedCutoffGb: 1 };
        });
        const config = validateStackConfig(raw);
        assert.deepStrictEqual(config.regions[0].vpcs, [
            { name: "a".repeat(32), kind: "create", cidrBlock: "10.0.0.0/16", rules: [] },
            { name: "b", kind: "create", cidrBlock: "10.1.2.0/24", rules: [] },
        ]);
        assert.deepStrictEqual(config.lake, {
            expireAfterDays: 31,
            transitionToInfrequentAccessDays: 30,
            bytesScannedCutoffGb: 1,
            fields: "default",
        });
    });

    it("accepts every retention CloudWatch Logs offers", () => {
        for (const days of LOG_RETENTION_DAYS) {
            const raw = exampleWith((c) => {
                c[FLOW_LOGS].logRetentionDays = days;
            });
            assert.equal(validateStackConfig(raw).flowLogs.logRetentionDays, days);
        }
    });

    it("ignores keys of other namespaces (aws:profile, pulumi:template)", () => {
        const raw = exampleWith((c) => {
            c["aws:profile"] = "sandbox-admin";
            c["aws:skipCredentialsValidation"] = true;
            c["pulumi:template"] = "aws-typescript";
            c["vpc-flow-monitor-old:regions"] = "not ours";
        });
        assert.deepStrictEqual(validateStackConfig(raw), EXAMPLE_NORMALISED);
    });
});

// ---------------------------------------------------------------------------------------------
// Rejected configurations

interface BadCase {
    readonly name: string;
    readonly change: (draft: Draft) => void;
    readonly problems: readonly ConfigProblem[];
}

const BAD_CASES: readonly BadCase[] = [
    // aws:region
    {
        name: "aws:region missing",
        change: (c) => delete c[AWS_REGION],
        problems: [{ path: "aws:region", message: `missing: the home region of the lake. Allowed: ${ALLOWED_REGION}` }],
    },
    {
        name: "aws:region unknown (GovCloud)",
        change: (c) => (c[AWS_REGION] = "us-gov-west-1"),
        problems: [
            { path: "aws:region", message: `unknown region; given "us-gov-west-1". Allowed: ${ALLOWED_REGION}` },
        ],
    },
    {
        name: "aws:region not a string",
        change: (c) => (c[AWS_REGION] = 5),
        problems: [{ path: "aws:region", message: `unknown region; given 5. Allowed: ${ALLOWED_REGION}` }],
    },

    // regions
    {
        name: "regions missing",
        change: (c) => delete c[REGIONS],
        problems: [
            { path: "regions", message: "missing. Allowed: a list of { region, vpcs } with at least one region" },
        ],
    },
    {
        name: "regions a string",
        change: (c) => (c[REGIONS] = "us-east-1"),
        problems: [{ path: "regions", message: 'not a list; given "us-east-1". Allowed: a list of { region, vpcs }' }],
    },
    {
        name: "regions a mapping",
        change: (c) => (c[REGIONS] = { region: "us-east-1" }),
        problems: [
            {
                path: "regions",
                message: 'not a list; given {"region":"us-east-1"}. Allowed: a list of { region, vpcs }',
            },
        ],
    },
    {
        name: "regions empty",
        change: (c) => (c[REGIONS] = []),
        problems: [
            {
                path: "regions",
                message: "at least one region is required; given []. Allowed: a list of { region, vpcs }",
            },
        ],
    },
    {
        name: "a region entry not a mapping",
        change: (c) => c[REGIONS].push("eu-west-1"),
        problems: [
            {
                path: "regions[1]",
                message: 'not a mapping; given "eu-west-1". Allowed: a mapping with the keys region, vpcs, discover',
            },
        ],
    },
    {
        name: "region unknown",
        change: (c) => (c[REGIONS][0].region = "us-east-9"),
        problems: [
            { path: "regions[0].region", message: `unknown region; given "us-east-9". Allowed: ${ALLOWED_REGION}` },
        ],
    },
    {
        name: "region not a string",
        change: (c) => (c[REGIONS][0].region = 1),
        problems: [{ path: "regions[0].region", message: `not a string; given 1. Allowed: ${ALLOWED_REGION}` }],
    },
    {
        name: "region missing",
        change: (c) => delete c[REGIONS][0].region,
        problems: [{ path: "regions[0].region", message: `missing. Allowed: ${ALLOWED_REGION}` }],
    },
    {
        name: "region listed twice",
        change: (c) => c[REGIONS].push({ region: "us-east-1", vpcs: [{ name: "other", cidrBlock: "10.20.0.0/16" }] }),
        problems: [
            {
                path: "regions[1].region",
                message:
                    'duplicate region; given "us-east-1", already listed at regions[0].region. Allowed: each region once, with all its VPCs',
            },
        ],
    },
    {
        name: "region with no VPCs",
        change: (c) => (c[REGIONS][0].vpcs = []),
        problems: [
            {
                path: "regions[0].vpcs",
                message:
                    "a region needs at least one VPC; given []. Allowed: a list of { name, cidrBlock | vpcId }, or discover",
            },
        ],
    },
    {
        name: "region without vpcs",
        change: (c) => delete c[REGIONS][0].vpcs,
        problems: [
            {
                path: "regions[0].vpcs",
                message: "missing. Allowed: a list of { name, cidrBlock | vpcId }, or discover",
            },
        ],
    },
    {
        name: "vpcs a mapping",
        change: (c) => (c[REGIONS][0].vpcs = { name: "sandbox", cidrBlock: "10.10.0.0/16" }),
        problems: [
            {
                path: "regions[0].vpcs",
                message:
                    'not a list; given {"name":"sandbox","cidrBlock":"10.10.0.0/16"}. Allowed: a list of { name, cidrBlock | vpcId }',
            },
        ],
    },
    {
        name: "a VPC entry not a mapping",
        change: (c) => (c[REGIONS][0].vpcs[1] = "shared"),
        problems: [
            {
                path: "regions[0].vpcs[1]",
                message:
                    'not a mapping; given "shared". Allowed: a mapping with the keys name, cidrBlock, vpcId, rules',
            },
        ],
    },

    // VPC names
    {
        name: "VPC name with uppercase",
        change: (c) => (c[REGIONS][0].vpcs[0].name = "Sandbox"),
        problems: [
            {
                path: "regions[0].vpcs[0].name",
                message: `not a valid VPC name; given "Sandbox". Allowed: ${ALLOWED_NAME}`,
            },
        ],
    },
    {
        name: "VPC name with an underscore",
        change: (c) => (c[REGIONS][0].vpcs[0].name = "sand_box"),
        problems: [
            {
                path: "regions[0].vpcs[0].name",
                message: `not a valid VPC name; given "sand_box". Allowed: ${ALLOWED_NAME}`,
            },
        ],
    },
    {
        name: "VPC name of 33 characters",
        change: (c) => (c[REGIONS][0].vpcs[0].name = "a".repeat(33)),
        problems: [
            {
                path: "regions[0].vpcs[0].name",
                message: `not a valid VPC name; given "${"a".repeat(33)}". Allowed: ${ALLOWED_NAME}`,
            },
        ],
    },
    {
        name: "VPC name empty",
        change: (c) => (c[REGIONS][0].vpcs[0].name = ""),
        problems: [
            { path: "regions[0].vpcs[0].name", message: `not a valid VPC name; given "". Allowed: ${ALLOWED_NAME}` },
        ],
    },
    {
        name: "VPC name not a string",
        change: (c) => (c[REGIONS][0].vpcs[0].name = 7),
        problems: [{ path: "regions[0].vpcs[0].name", message: `not a string; given 7. Allowed: ${ALLOWED_NAME}` }],
    },
    {
        name: "VPC name missing",
        change: (c) => delete c[REGIONS][0].vpcs[0].name,
        problems: [{ path: "regions[0].vpcs[0].name", message: `missing. Allowed: ${ALLOWED_NAME}` }],
    },
    {
        name: "VPC name used twice in one region",
        change: (c) => (c[REGIONS][0].vpcs[1].name = "sandbox"),
        problems: [
            {
                path: "regions[0].vpcs[1].name",
                message:
                    'duplicate VPC name; given "sandbox", already used at regions[0].vpcs[0].name. Allowed: a name unique in the stack, across all regions',
            },
        ],
    },
    {
        name: "VPC name used in two regions",
        change: (c) => c[REGIONS].push({ region: "eu-west-1", vpcs: [{ name: "shared", cidrBlock: "10.20.0.0/16" }] }),
        problems: [
            {
                path: "regions[1].vpcs[0].name",
                message:
                    'duplicate VPC name; given "shared", already used at regions[0].vpcs[1].name. Allowed: a name unique in the stack, across all regions',
            },
        ],
    },

    // cidrBlock / vpcId
    {
        name: "both cidrBlock and vpcId",
        change: (c) => (c[REGIONS][0].vpcs[0].vpcId = "vpc-0123456789abcdef1"),
        problems: [
            {
                path: "regions[0].vpcs[0]",
                message: `both cidrBlock and vpcId are set; given {"name":"sandbox","cidrBlock":"10.10.0.0/16","vpcId":"vpc-0123456789abcdef1"}. Allowed: ${ALLOWED_SOURCE}`,
            },
        ],
    },
    {
        name: "neither cidrBlock nor vpcId",
        change: (c) => delete c[REGIONS][0].vpcs[0].cidrBlock,
        problems: [
            {
                path: "regions[0].vpcs[0]",
                message: `neither cidrBlock nor vpcId is set; given {"name":"sandbox"}. Allowed: ${ALLOWED_SOURCE}`,
            },
        ],
    },
    {
        name: "neither cidrBlock nor vpcId, reported alongside a name of the wrong type",
        change: (c) => (c[REGIONS][0].vpcs[0] = { name: 7 }),
        problems: [
            { path: "regions[0].vpcs[0].name", message: `not a string; given 7. Allowed: ${ALLOWED_NAME}` },
            {
                path: "regions[0].vpcs[0]",
                message: `neither cidrBlock nor vpcId is set; given {"name":7}. Allowed: ${ALLOWED_SOURCE}`,
            },
        ],
    },
    {
        name: "cidrBlock not a CIDR",
        change: (c) => (c[REGIONS][0].vpcs[0].cidrBlock = "banana"),
        problems: [
            {
                path: "regions[0].vpcs[0].cidrBlock",
                message: `not a CIDR block; given "banana". Allowed: ${ALLOWED_CIDR}`,
            },
        ],
    },
    {
        name: "cidrBlock without a prefix length",
        change: (c) => (c[REGIONS][0].vpcs[0].cidrBlock = "10.10.0.0"),
        problems: [
            {
                path: "regions[0].vpcs[0].cidrBlock",
                message: `not a CIDR block; given "10.10.0.0". Allowed: ${ALLOWED_CIDR}`,
            },
        ],
    },
    {
        name: "cidrBlock /33",
        change: (c) => (c[REGIONS][0].vpcs[0].cidrBlock = "10.0.0.0/33"),
        problems: [
            {
                path: "regions[0].vpcs[0].cidrBlock",
                message: `not a CIDR block; given "10.0.0.0/33". Allowed: ${ALLOWED_CIDR}`,
            },
        ],
    },
    {
        name: "cidrBlock /8, larger than /16",
        change: (c) => (c[REGIONS][0].vpcs[0].cidrBlock = "10.0.0.0/8"),
        problems: [
            {
                path: "regions[0].vpcs[0].cidrBlock",
                message: `prefix length /8 out of range; given "10.0.0.0/8". Allowed: ${ALLOWED_CIDR}`,
            },
        ],
    },
    {
        name: "cidrBlock /28, smaller than /24",
        change: (c) => (c[REGIONS][0].vpcs[0].cidrBlock = "10.0.0.0/28"),
        problems: [
            {
                path: "regions[0].vpcs[0].cidrBlock",
                message: `prefix length /28 out of range; given "10.0.0.0/28". Allowed: ${ALLOWED_CIDR}`,
            },
        ],
    },
    {
        name: "cidrBlock with host bits set",
        change: (c) => (c[REGIONS][0].vpcs[0].cidrBlock = "10.0.0.1/16"),
        problems: [
            {
                path: "regions[0].vpcs[0].cidrBlock",
                message: `host bits set (the network address is 10.0.0.0/16); given "10.0.0.1/16". Allowed: ${ALLOWED_CIDR}`,
            },
        ],
    },
    {
        name: "cidrBlock IPv6",
        change: (c) => (c[REGIONS][0].vpcs[0].cidrBlock = "2001:db8::/56"),
        problems: [
            {
                path: "regions[0].vpcs[0].cidrBlock",
                message: `an IPv6 CIDR block; given "2001:db8::/56". Allowed: ${ALLOWED_CIDR}`,
            },
        ],
    },
    {
        name: "cidrBlock with an octal-looking octet (ipaddr.js reads 010 as 8)",
        change: (c) => (c[REGIONS][0].vpcs[0].cidrBlock = "010.10.0.0/16"),
        problems: [
            {
                path: "regions[0].vpcs[0].cidrBlock",
                message: `not in dotted-decimal form; given "010.10.0.0/16". Allowed: ${ALLOWED_CIDR}`,
            },
        ],
    },
    {
        name: "cidrBlock with three octets",
        change: (c) => (c[REGIONS][0].vpcs[0].cidrBlock = "10.10.0/16"),
        problems: [
            {
                path: "regions[0].vpcs[0].cidrBlock",
                message: `not in dotted-decimal form; given "10.10.0/16". Allowed: ${ALLOWED_CIDR}`,
            },
        ],
    },
    {
        name: "cidrBlock not a string",
        change: (c) => (c[REGIONS][0].vpcs[0].cidrBlock = 10),
        problems: [
            { path: "regions[0].vpcs[0].cidrBlock", message: `not a string; given 10. Allowed: ${ALLOWED_CIDR}` },
        ],
    },
    {
        name: "vpcId too short (vpc-123)",
        change: (c) => (c[REGIONS][0].vpcs[1].vpcId = "vpc-123"),
        problems: [
            { path: "regions[0].vpcs[1].vpcId", message: `not a VPC id; given "vpc-123". Allowed: ${ALLOWED_VPC_ID}` },
        ],
    },
    {
        name: "vpcId with non-hex characters",
        change: (c) => (c[REGIONS][0].vpcs[1].vpcId = "vpc-XYZ3456789abcdef0"),
        problems: [
            {
                path: "regions[0].vpcs[1].vpcId",
                message: `not a VPC id; given "vpc-XYZ3456789abcdef0". Allowed: ${ALLOWED_VPC_ID}`,
            },
        ],
    },
    {
        name: "vpcId with uppercase hex",
        change: (c) => (c[REGIONS][0].vpcs[1].vpcId = "vpc-0123456789ABCDEF0"),
        problems: [
            {
                path: "regions[0].vpcs[1].vpcId",
                message: `not a VPC id; given "vpc-0123456789ABCDEF0". Allowed: ${ALLOWED_VPC_ID}`,
            },
        ],
    },
    {
        name: "vpcId of a subnet",
        change: (c) => (c[REGIONS][0].vpcs[1].vpcId = "subnet-0123456789abcdef0"),
        problems: [
            {
                path: "regions[0].vpcs[1].vpcId",
                message: `not a VPC id; given "subnet-0123456789abcdef0". Allowed: ${ALLOWED_VPC_ID}`,
            },
        ],
    },
    {
        name: "vpcId not a string",
        change: (c) => (c[REGIONS][0].vpcs[1].vpcId = 123),
        problems: [
            { path: "regions[0].vpcs[1].vpcId", message: `not a string; given 123. Allowed: ${ALLOWED_VPC_ID}` },
        ],
    },

    // flowLogs
    {
        name: "flowLogs not a mapping",
        change: (c) => (c[FLOW_LOGS] = "REJECT"),
        problems: [
            {
                path: "flowLogs",
                message:
                    'not a mapping; given "REJECT". Allowed: a mapping with the keys cloudWatchTrafficType, logRetentionDays',
            },
        ],
    },
    {
        name: "flowLogs null (a key with no value in YAML)",
        change: (c) => (c[FLOW_LOGS] = null),
        problems: [
            {
                path: "flowLogs",
                message:
                    "not a mapping; given null. Allowed: a mapping with the keys cloudWatchTrafficType, logRetentionDays",
            },
        ],
    },
    {
        name: "cloudWatchTrafficType ACCEPT",
        change: (c) => (c[FLOW_LOGS].cloudWatchTrafficType = "ACCEPT"),
        problems: [
            {
                path: "flowLogs.cloudWatchTrafficType",
                message: 'not a traffic type for the alarm log group; given "ACCEPT". Allowed: REJECT or ALL',
            },
        ],
    },
    {
        name: "cloudWatchTrafficType lowercase",
        change: (c) => (c[FLOW_LOGS].cloudWatchTrafficType = "reject"),
        problems: [
            {
                path: "flowLogs.cloudWatchTrafficType",
                message: 'not a traffic type for the alarm log group; given "reject". Allowed: REJECT or ALL',
            },
        ],
    },
    {
        name: "cloudWatchTrafficType not a string",
        change: (c) => (c[FLOW_LOGS].cloudWatchTrafficType = true),
        problems: [
            {
                path: "flowLogs.cloudWatchTrafficType",
                message: "not a traffic type for the alarm log group; given true. Allowed: REJECT or ALL",
            },
        ],
    },
    {
        name: "logRetentionDays 91",
        change: (c) => (c[FLOW_LOGS].logRetentionDays = 91),
        problems: [
            {
                path: "flowLogs.logRetentionDays",
                message: `not a retention CloudWatch Logs accepts; given 91. Allowed: ${ALLOWED_RETENTION}`,
            },
        ],
    },
    {
        name: "logRetentionDays 0 (never expire is not offered)",
        change: (c) => (c[FLOW_LOGS].logRetentionDays = 0),
        problems: [
            {
                path: "flowLogs.logRetentionDays",
                message: `not a retention CloudWatch Logs accepts; given 0. Allowed: ${ALLOWED_RETENTION}`,
            },
        ],
    },
    {
        name: 'logRetentionDays "90" (a quoted YAML number)',
        change: (c) => (c[FLOW_LOGS].logRetentionDays = "90"),
        problems: [
            { path: "flowLogs.logRetentionDays", message: `not a number; given "90". Allowed: ${ALLOWED_RETENTION}` },
        ],
    },
    {
        name: "logRetentionDays .inf (shown as YAML spells it, not as JSON's null)",
        change: (c) => (c[FLOW_LOGS].logRetentionDays = Infinity),
        problems: [
            {
                path: "flowLogs.logRetentionDays",
                message: `not a finite number; given .inf (infinity). Allowed: ${ALLOWED_RETENTION}`,
            },
        ],
    },

    // lake
    {
        name: "lake not a mapping",
        change: (c) => (c[LAKE] = [400]),
        problems: [
            {
                path: "lake",
                message:
                    "not a mapping; given [400]. Allowed: a mapping with the keys expireAfterDays, transitionToInfrequentAccessDays, bytesScannedCutoffGb, organizationId, fields",
            },
        ],
    },
    {
        name: "expireAfterDays negative (reported once, not again as earlier than the transition)",
        change: (c) => (c[LAKE].expireAfterDays = -1),
        problems: [{ path: "lake.expireAfterDays", message: `out of range; given -1. Allowed: ${ALLOWED_EXPIRE}` }],
    },
    {
        name: "expireAfterDays fractional",
        change: (c) => (c[LAKE].expireAfterDays = 400.5),
        problems: [
            { path: "lake.expireAfterDays", message: `not a whole number; given 400.5. Allowed: ${ALLOWED_EXPIRE}` },
        ],
    },
    {
        name: "expireAfterDays above 36500",
        change: (c) => (c[LAKE].expireAfterDays = 36501),
        problems: [{ path: "lake.expireAfterDays", message: `out of range; given 36501. Allowed: ${ALLOWED_EXPIRE}` }],
    },
    {
        name: "expireAfterDays a string",
        change: (c) => (c[LAKE].expireAfterDays = "400"),
        problems: [{ path: "lake.expireAfterDays", message: `not a number; given "400". Allowed: ${ALLOWED_EXPIRE}` }],
    },
    {
        name: "transitionToInfrequentAccessDays below 30",
        change: (c) => (c[LAKE].transitionToInfrequentAccessDays = 29),
        problems: [
            {
                path: "lake.transitionToInfrequentAccessDays",
                message: `out of range; given 29. Allowed: ${ALLOWED_TRANSITION}`,
            },
        ],
    },
    {
        name: "transitionToInfrequentAccessDays fractional",
        change: (c) => (c[LAKE].transitionToInfrequentAccessDays = 30.5),
        problems: [
            {
                path: "lake.transitionToInfrequentAccessDays",
                message: `not a whole number; given 30.5. Allowed: ${ALLOWED_TRANSITION}`,
            },
        ],
    },
    {
        name: "bytesScannedCutoffGb 0",
        change: (c) => (c[LAKE].bytesScannedCutoffGb = 0),
        problems: [{ path: "lake.bytesScannedCutoffGb", message: `out of range; given 0. Allowed: ${ALLOWED_CUTOFF}` }],
    },
    {
        name: "bytesScannedCutoffGb above 1024",
        change: (c) => (c[LAKE].bytesScannedCutoffGb = 1025),
        problems: [
            { path: "lake.bytesScannedCutoffGb", message: `out of range; given 1025. Allowed: ${ALLOWED_CUTOFF}` },
        ],
    },
    {
        name: "bytesScannedCutoffGb fractional",
        change: (c) => (c[LAKE].bytesScannedCutoffGb = 2.5),
        problems: [
            { path: "lake.bytesScannedCutoffGb", message: `not a whole number; given 2.5. Allowed: ${ALLOWED_CUTOFF}` },
        ],
    },
    {
        name: "expireAfterDays equal to transitionToInfrequentAccessDays",
        change: (c) => (c[LAKE].transitionToInfrequentAccessDays = 400),
        problems: [
            {
                path: "lake.expireAfterDays",
                message:
                    "expires the records before or when they move to Infrequent Access; given 400 with transitionToInfrequentAccessDays 400. Allowed: a value greater than transitionToInfrequentAccessDays",
            },
        ],
    },
    {
        name: "expireAfterDays below the default transition",
        change: (c) => (c[LAKE] = { expireAfterDays: 20 }),
        problems: [
            {
                path: "lake.expireAfterDays",
                message:
                    "expires the records before or when they move to Infrequent Access; given 20 with transitionToInfrequentAccessDays 30 (the default). Allowed: a value greater than transitionToInfrequentAccessDays",
            },
        ],
    },
    {
        name: "transitionToInfrequentAccessDays above the default expiry",
        change: (c) => (c[LAKE] = { transitionToInfrequentAccessDays: 500 }),
        problems: [
            {
                path: "lake.expireAfterDays",
                message:
                    "expires the records before or when they move to Infrequent Access; given 400 with transitionToInfrequentAccessDays 500. Allowed: a value greater than transitionToInfrequentAccessDays",
            },
        ],
    },
    {
        name: "expiry not compared with a transition that is itself invalid",
        change: (c) => (c[LAKE] = { expireAfterDays: 20, transitionToInfrequentAccessDays: "thirty" }),
        problems: [
            {
                path: "lake.transitionToInfrequentAccessDays",
                message: `not a number; given "thirty". Allowed: ${ALLOWED_TRANSITION}`,
            },
        ],
    },

    // Unknown keys: a typo must not pass silently
    {
        name: "unknown top-level key (vpc-flow-monitor:regoins)",
        change: (c) => {
            c["vpc-flow-monitor:regoins"] = c[REGIONS];
            delete c[REGIONS];
        },
        problems: [
            { path: "regions", message: "missing. Allowed: a list of { region, vpcs } with at least one region" },
            {
                path: "regoins",
                message:
                    "unknown key. Allowed keys here: regions, flowLogs, lake, alerts, insights, protectData, accounts",
            },
        ],
    },
    {
        name: "unknown top-level key that is not a plain word",
        change: (c) => {
            c["vpc-flow-monitor:"] = 1;
            c["vpc-flow-monitor:lake.expireAfterDays"] = 10;
        },
        problems: [
            {
                path: '[""]',
                message:
                    "unknown key. Allowed keys here: regions, flowLogs, lake, alerts, insights, protectData, accounts",
            },
            {
                path: '["lake.expireAfterDays"]',
                message:
                    "unknown key. Allowed keys here: regions, flowLogs, lake, alerts, insights, protectData, accounts",
            },
        ],
    },
    {
        name: "unknown top-level key __proto__ (reported, not taken as a prototype)",
        change: (c) => {
            delete c[REGIONS];
            Object.defineProperty(c, "vpc-flow-monitor:__proto__", {
                value: { regions: EXAMPLE[REGIONS] },
                enumerable: true,
            });
        },
        problems: [
            { path: "regions", message: "missing. Allowed: a list of { region, vpcs } with at least one region" },
            {
                path: "__proto__",
                message:
                    "unknown key. Allowed keys here: regions, flowLogs, lake, alerts, insights, protectData, accounts",
            },
        ],
    },
    {
        name: "unknown key in a region",
        change: (c) => (c[REGIONS][0].vpc = []),
        problems: [{ path: "regions[0].vpc", message: "unknown key. Allowed keys here: region, vpcs, discover" }],
    },
    {
        name: "unknown key in a VPC (a typo of cidrBlock, so there is no source either)",
        change: (c) => {
            c[REGIONS][0].vpcs[0].cidrblock = c[REGIONS][0].vpcs[0].cidrBlock;
            delete c[REGIONS][0].vpcs[0].cidrBlock;
        },
        problems: [
            {
                path: "regions[0].vpcs[0].cidrblock",
                message: "unknown key. Allowed keys here: name, cidrBlock, vpcId, rules",
            },
            {
                path: "regions[0].vpcs[0]",
                message: `neither cidrBlock nor vpcId is set; given {"name":"sandbox","cidrblock":"10.10.0.0/16"}. Allowed: ${ALLOWED_SOURCE}`,
            },
        ],
    },
    {
        name: "unknown key in flowLogs",
        change: (c) => (c[FLOW_LOGS].trafficType = "ALL"),
        problems: [
            {
                path: "flowLogs.trafficType",
                message: "unknown key. Allowed keys here: cloudWatchTrafficType, logRetentionDays",
            },
        ],
    },
    {
        name: "unknown key in lake",
        change: (c) => (c[LAKE]["expire after days"] = 10),
        problems: [
            {
                path: 'lake["expire after days"]',
                message:
                    "unknown key. Allowed keys here: expireAfterDays, transitionToInfrequentAccessDays, bytesScannedCutoffGb, organizationId, fields",
            },
        ],
    },
    {
        name: "insights.contributorInsights not a boolean",
        change: (c) => (c["vpc-flow-monitor:insights"] = { contributorInsights: "no" }),
        problems: [
            {
                path: "insights.contributorInsights",
                message:
                    'not a boolean; given "no". Allowed: true (Contributor Insights rules per region) or false (none: the dashboard\'s Logs Insights widgets answer on demand)',
            },
        ],
    },
    {
        name: "lake.fields not a choice",
        change: (c) => (c[LAKE].fields = "everything"),
        problems: [
            {
                path: "lake.fields",
                message:
                    'not a field choice; given "everything". Allowed: "default", "all" (every field but the ECS ones), or a list of flow log field names such as [srcaddr, dstaddr, action]',
            },
        ],
    },
    {
        name: "lake.fields an empty list",
        change: (c) => (c[LAKE].fields = []),
        problems: [
            {
                path: "lake.fields",
                message:
                    'an empty list; given []. Allowed: "default", "all" (every field but the ECS ones), or a list of flow log field names such as [srcaddr, dstaddr, action]',
            },
        ],
    },
    {
        name: "lake.fields with an unknown and a repeated field",
        change: (c) => (c[LAKE].fields = ["srcaddr", "src-addr", "srcaddr"]),
        problems: [
            {
                path: "lake.fields[1]",
                message: `not a VPC flow log field; given "src-addr". Allowed: ${FLOW_LOG_FIELDS.map((f) => f.name).join(", ")}`,
            },
            {
                path: "lake.fields[2]",
                message: 'a field already listed at item 0; given "srcaddr". Allowed: each field once',
            },
        ],
    },
];

/** YAML's `.inf`, `-.inf` and `.nan` wherever the stack config expects a number. */
const NON_FINITE = [
    [Infinity, ".inf (infinity)"],
    [-Infinity, "-.inf (negative infinity)"],
    [NaN, ".nan (not a number)"],
] as const;
const NUMBER_KEYS = [
    [FLOW_LOGS, "logRetentionDays", "flowLogs.logRetentionDays", ALLOWED_RETENTION],
    [LAKE, "expireAfterDays", "lake.expireAfterDays", ALLOWED_EXPIRE],
    [LAKE, "transitionToInfrequentAccessDays", "lake.transitionToInfrequentAccessDays", ALLOWED_TRANSITION],
    [LAKE, "bytesScannedCutoffGb", "lake.bytesScannedCutoffGb", ALLOWED_CUTOFF],
] as const;

describe("validateStackConfig: .inf and .nan", () => {
    for (const [section, key, path, allowed] of NUMBER_KEYS) {
        for (const [value, shown] of NON_FINITE) {
            it(`reports ${path} ${shown} as what it is`, () => {
                assert.deepStrictEqual(problemsOf(exampleWith((c) => (c[section][key] = value))), [
                    { path, message: `not a finite number; given ${shown}. Allowed: ${allowed}` },
                ]);
            });
        }
    }

    it("shows them as YAML spells them inside a value too", () => {
        assert.deepStrictEqual(
            problemsOf(
                exampleWith((c) => (c[REGIONS][0].vpcs[0] = { name: "sandbox", cidrBlock: NaN, size: Infinity })),
            ),
            [
                {
                    path: "regions[0].vpcs[0].cidrBlock",
                    message: `not a string; given .nan (not a number). Allowed: ${ALLOWED_CIDR}`,
                },
                {
                    path: "regions[0].vpcs[0].size",
                    message: "unknown key. Allowed keys here: name, cidrBlock, vpcId, rules",
                },
            ],
        );
        assert.equal(show({ a: Infinity, b: [-Infinity, NaN] }), '{"a":".inf","b":["-.inf",".nan"]}');
    });
});

describe("validateStackConfig: a VPC adopted twice", () => {
    const ADOPTED_TWICE =
        "Allowed: each existing VPC once in the stack (two monitors of one VPC would give it four flow logs, put every record in the lake twice and raise every alarm twice)";
    it("refuses the same vpcId twice in one region", () => {
        const raw = exampleWith((c) =>
            c[REGIONS][0].vpcs.push({ name: "shared-again", vpcId: "vpc-0123456789abcdef0" }),
        );
        assert.deepStrictEqual(problemsOf(raw), [
            {
                path: "regions[0].vpcs[2].vpcId",
                message: `VPC adopted twice; given "vpc-0123456789abcdef0", already adopted at regions[0].vpcs[1].vpcId. ${ADOPTED_TWICE}`,
            },
        ]);
    });

    it("refuses it across regions too, naming the region of the first", () => {
        const raw = exampleWith((c) =>
            c[REGIONS].push({ region: "eu-west-1", vpcs: [{ name: "elsewhere", vpcId: "vpc-0123456789abcdef0" }] }),
        );
        assert.deepStrictEqual(problemsOf(raw), [
            {
                path: "regions[1].vpcs[0].vpcId",
                message: `VPC adopted twice; given "vpc-0123456789abcdef0", already adopted at regions[0].vpcs[1].vpcId in "us-east-1". ${ADOPTED_TWICE}`,
            },
        ]);
    });

    it("compares only valid ids, and reports each further adoption against the first", () => {
        const raw = exampleWith((c) =>
            c[REGIONS][0].vpcs.push(
                { name: "bad-1", vpcId: "vpc-1" },
                { name: "bad-2", vpcId: "vpc-1" },
                { name: "third", vpcId: "vpc-0123456789abcdef0" },
            ),
        );
        assert.deepStrictEqual(problemsOf(raw), [
            { path: "regions[0].vpcs[2].vpcId", message: `not a VPC id; given "vpc-1". Allowed: ${ALLOWED_VPC_ID}` },
            { path: "regions[0].vpcs[3].vpcId", message: `not a VPC id; given "vpc-1". Allowed: ${ALLOWED_VPC_ID}` },
            {
                path: "regions[0].vpcs[4].vpcId",
                message: `VPC adopted twice; given "vpc-0123456789abcdef0", already adopted at regions[0].vpcs[1].vpcId. ${ADOPTED_TWICE}`,
            },
        ]);
    });
});

describe("validateStackConfig: rejected configurations", () => {
    it("has at least 35 distinct rejected-configuration cases", () => {
        assert.ok(BAD_CASES.length >= 35, `only ${BAD_CASES.length} cases`);
        assert.equal(new Set(BAD_CASES.map((c) => c.name)).size, BAD_CASES.length, "case names must be unique");
    });

    for (const badCase of BAD_CASES) {
        it(`rejects ${badCase.name}`, () => {
            assert.deepStrictEqual(problemsOf(exampleWith(badCase.change)), badCase.problems);
        });
    }

    it("reports every problem at once, not only the first", () => {
        const raw = {
            [AWS_REGION]: "us-east-9",
            "aws:profile": "ignored",
            "vpc-flow-monitor:regoins": 1,
            [REGIONS]: [
                {
                    region: "us-east-1",
                    vpcs: [
                        { name: "Sandbox", cidrBlock: "10.10.0.1/16", vpcId: "vpc-1" },
                        { name: "shared", cidr: "10.20.0.0/16" },
                    ],
                },
                { region: "us-east-1", vpcs: [] },
                { region: "eu-west-1", vpcs: [{ name: "shared", vpcId: "vpc-0123456789abcdef0" }] },
            ],
            [FLOW_LOGS]: { logRetentionDays: 91, cloudWatchTrafficType: "ACCEPT" },
            [LAKE]: { expireAfterDays: 10, transitionToInfrequentAccessDays: 30, bytesScannedCutoffGb: 0 },
        } satisfies RawConfig;
        assert.deepStrictEqual(problemsOf(raw), [
            { path: "aws:region", message: `unknown region; given "us-east-9". Allowed: ${ALLOWED_REGION}` },
            {
                path: "regions[0].vpcs[0].name",
                message: `not a valid VPC name; given "Sandbox". Allowed: ${ALLOWED_NAME}`,
            },
            {
                path: "regions[0].vpcs[0].cidrBlock",
                message: `host bits set (the network address is 10.10.0.0/16); given "10.10.0.1/16". Allowed: ${ALLOWED_CIDR}`,
            },
            { path: "regions[0].vpcs[0].vpcId", message: `not a VPC id; given "vpc-1". Allowed: ${ALLOWED_VPC_ID}` },
            {
                path: "regions[0].vpcs[1].cidr",
                message: "unknown key. Allowed keys here: name, cidrBlock, vpcId, rules",
            },
            {
                path: "flowLogs.cloudWatchTrafficType",
                message: 'not a traffic type for the alarm log group; given "ACCEPT". Allowed: REJECT or ALL',
            },
            {
                path: "flowLogs.logRetentionDays",
                message: `not a retention CloudWatch Logs accepts; given 91. Allowed: ${ALLOWED_RETENTION}`,
            },
            { path: "lake.bytesScannedCutoffGb", message: `out of range; given 0. Allowed: ${ALLOWED_CUTOFF}` },
            {
                path: "regoins",
                message:
                    "unknown key. Allowed keys here: regions, flowLogs, lake, alerts, insights, protectData, accounts",
            },
            {
                path: "regions[0].vpcs[0]",
                message: `both cidrBlock and vpcId are set; given {"name":"Sandbox","cidrBlock":"10.10.0.1/16","vpcId":"vpc-1"}. Allowed: ${ALLOWED_SOURCE}`,
            },
            {
                path: "regions[0].vpcs[1]",
                message: `neither cidrBlock nor vpcId is set; given {"name":"shared","cidr":"10.20.0.0/16"}. Allowed: ${ALLOWED_SOURCE}`,
            },
            {
                path: "regions[1].region",
                message:
                    'duplicate region; given "us-east-1", already listed at regions[0].region. Allowed: each region once, with all its VPCs',
            },
            {
                path: "regions[1].vpcs",
                message:
                    "a region needs at least one VPC; given []. Allowed: a list of { name, cidrBlock | vpcId }, or discover",
            },
            {
                path: "regions[2].vpcs[0].name",
                message:
                    'duplicate VPC name; given "shared", already used at regions[0].vpcs[1].name. Allowed: a name unique in the stack, across all regions',
            },
            {
                path: "lake.expireAfterDays",
                message:
                    "expires the records before or when they move to Infrequent Access; given 10 with transitionToInfrequentAccessDays 30. Allowed: a value greater than transitionToInfrequentAccessDays",
            },
        ]);
    });

    it("formats the report as a header line and one `  - path: message` line per problem", () => {
        let thrown: unknown;
        try {
            validateStackConfig(
                exampleWith((c) => {
                    c[REGIONS][0].vpcs[0].cidrBlock = "10.0.0.0/8";
                    c[FLOW_LOGS].trafficType = "ALL";
                }),
            );
        } catch (error) {
            thrown = error;
        }
        assert.ok(thrown instanceof ConfigError);
        assert.ok(thrown instanceof Error);
        assert.equal(thrown.name, "ConfigError");
        assert.equal(
            thrown.message,
            [
                "Invalid vpc-flow-monitor configuration: 2 problems",
                `  - regions[0].vpcs[0].cidrBlock: prefix length /8 out of range; given "10.0.0.0/8". Allowed: ${ALLOWED_CIDR}`,
                "  - flowLogs.trafficType: unknown key. Allowed keys here: cloudWatchTrafficType, logRetentionDays",
            ].join("\n"),
        );
    });

    it("says `1 problem` and names the source file when given one", () => {
        assert.equal(
            formatProblems([{ path: "aws:region", message: "missing" }], "Pulumi.dev.yaml"),
            "Invalid vpc-flow-monitor configuration in Pulumi.dev.yaml: 1 problem\n  - aws:region: missing",
        );
    });
});

// ---------------------------------------------------------------------------------------------
// Properties

/** `aws:region`, or a plain key followed by `.key` and `[index]` segments. Unknown keys the corruptions add are plain words too. */
const PLAIN_PATH = /^(aws:region|[A-Za-z_][A-Za-z0-9_-]*(\[\d+\])*(\.[A-Za-z_][A-Za-z0-9_-]*(\[\d+\])*)*)$/;
/** Any path the validator renders: keys that are not plain words are quoted as JSON strings in brackets. */
const SEGMENT = /^(?:(\.?)([A-Za-z_][A-Za-z0-9_-]*)|\[(\d+)\]|\[("(?:[^"\\]|\\.)*")\])/;

/** Splits a rendered path into its keys and indexes, or undefined when it is not a well-formed path. */
function parsePath(path: string): (string | number)[] | undefined {
    const segments: (string | number)[] = [];
    let rest = path;
    while (rest.length > 0) {
        const match = SEGMENT.exec(rest);
        if (!match) return undefined;
        if (match[2] !== undefined) {
            // A plain key is preceded by a dot, except the first.
            if ((match[1] === ".") !== segments.length > 0) return undefined;
            segments.push(match[2]);
        } else if (match[3] !== undefined) segments.push(Number(match[3]));
        else segments.push(JSON.parse(match[4]) as string);
        rest = rest.slice(match[0].length);
    }
    return segments.length > 0 ? segments : undefined;
}

/**
 * A problem's path names a key of the configuration: every segment but the last exists in it (the
 * last may be the missing one), relative to the project namespace, or is `aws:region`.
 */
function pathNamesAKey(raw: RawConfig, path: string): boolean {
    if (path === "aws:region") return true;
    const segments = parsePath(path);
    if (!segments) return false;
    const project: Record<string, unknown> = Object.fromEntries(
        Object.entries(raw)
            .filter(([key]) => key.startsWith("vpc-flow-monitor:"))
            .map(([key, value]) => [key.slice("vpc-flow-monitor:".length), value]),
    );
    let current: unknown = project;
    for (const segment of segments.slice(0, -1)) {
        if (current === null || typeof current !== "object" || !Object.prototype.hasOwnProperty.call(current, segment))
            return false;
        current = (current as Record<string | number, unknown>)[segment];
    }
    return current !== null && typeof current === "object";
}

/** Validates and returns the ConfigError; fails on success or on any other kind of error. */
function configErrorOf(raw: RawConfig): ConfigError {
    try {
        validateStackConfig(raw);
    } catch (error) {
        if (error instanceof ConfigError) return error;
        throw new Error(
            `validateStackConfig threw something other than a ConfigError: ${(error as Error)?.stack ?? String(error)}`,
        );
    }
    throw new Error(`accepted an invalid configuration: ${JSON.stringify(raw)}`);
}

/** The invariants of every report, whatever was wrong. */
function assertWellFormedReport(raw: RawConfig, error: ConfigError, pathPattern?: RegExp): void {
    assert.ok(error.problems.length > 0, "a ConfigError with no problems");
    assert.equal(error.message, formatProblems(error.problems));
    for (const { path, message } of error.problems) {
        assert.ok(path.length > 0, `empty path for ${message}`);
        if (pathPattern) assert.match(path, pathPattern);
        assert.ok(pathNamesAKey(raw, path), `path ${path} does not name a key of ${JSON.stringify(raw)}`);
        assert.match(message, /\b(given|missing|unknown key)\b/, `${path}: ${message}`);
        assert.match(message, /\bAllowed\b/, `${path}: ${message}`);
    }
}

// Valid configurations

const hex = (length: number) => fc.stringMatching(new RegExp(`^[0-9a-f]{${length}}$`));
const vpcNameArb = fc.stringMatching(/^[a-z0-9-]{1,32}$/);
const dottedDecimal = (address: number) => [24, 16, 8, 0].map((shift) => (address >>> shift) & 0xff).join(".");
const networkOf = (address: number, prefix: number) => (address & (0xffffffff << (32 - prefix))) >>> 0;
const cidrArb = fc
    .tuple(fc.integer({ min: 0, max: 0xffffffff }), fc.integer({ min: 16, max: 24 }))
    .map(([address, prefix]) => `${dottedDecimal(networkOf(address, prefix))}/${prefix}`);
const vpcIdArb = fc.oneof(hex(8), hex(17)).map((digits) => `vpc-${digits}`);
const vpcSourceArb = fc.oneof(
    cidrArb.map((cidrBlock) => ({ cidrBlock })),
    vpcIdArb.map((vpcId) => ({ vpcId })),
);

const validConfigArb: fc.Arbitrary<RawConfig> = fc
    .record({
        home: fc.constantFrom(...AWS_REGIONS),
        regions: fc.shuffledSubarray([...AWS_REGIONS], { minLength: 1, maxLength: 3 }),
        names: fc.uniqueArray(vpcNameArb, { minLength: 9, maxLength: 9 }),
        // Unique ids: the same VPC adopted twice is refused.
        sources: fc.uniqueArray(vpcSourceArb, {
            minLength: 9,
            maxLength: 9,
            selector: (source) => ("vpcId" in source ? source.vpcId : source),
        }),
        vpcCounts: fc.array(fc.integer({ min: 1, max: 3 }), { minLength: 3, maxLength: 3 }),
        flowLogs: fc.option(
            fc.record(
                {
                    cloudWatchTrafficType: fc.constantFrom("REJECT", "ALL"),
                    logRetentionDays: fc.constantFrom(...LOG_RETENTION_DAYS),
                },
                { requiredKeys: [] },
            ),
            { nil: undefined },
        ),
        // transition < 400 and expiry > transition keep any subset valid against the defaults (30, 400).
        lake: fc.option(
            fc.integer({ min: 30, max: 399 }).chain((transition) =>
                fc.record(
                    {
                        transitionToInfrequentAccessDays: fc.constant(transition),
                        expireAfterDays: fc.integer({ min: transition + 1, max: 36500 }),
                        bytesScannedCutoffGb: fc.integer({ min: 1, max: 1024 }),
                    },
                    { requiredKeys: [] },
                ),
            ),
            { nil: undefined },
        ),
    })
    .map(({ home, regions, names, sources, vpcCounts, flowLogs, lake }) => {
        let next = 0;
        const raw: RawConfig = {
            [AWS_REGION]: home,
            [REGIONS]: regions.map((region, ri) => ({
                region,
                vpcs: Array.from({ length: vpcCounts[ri] }, () => {
                    const i = next++;
                    return { name: names[i], ...sources[i] };
                }),
            })),
        };
        if (flowLogs !== undefined) raw[FLOW_LOGS] = flowLogs;
        if (lake !== undefined) raw[LAKE] = lake;
        return raw;
    });

// Corruptions: each one, applied to a valid configuration, leaves it invalid at the paths it returns
// (any of them), and never repairs what an earlier corruption broke. One that cannot apply because an
// earlier corruption removed its target returns undefined and changes nothing.

interface Corruption {
    readonly label: string;
    readonly apply: (draft: Draft) => string[] | undefined;
}

/** A corruption that shows as its label in a counterexample. */
function corruption(label: string, apply: Corruption["apply"]): Corruption {
    return Object.assign({ label, apply }, { [fc.toStringMethod]: () => label });
}

const isPlainRecord = (value: unknown): value is Draft =>
    typeof value === "object" && value !== null && !Array.isArray(value);

function regionAt(draft: Draft, i: number): { index: number; region: Draft } | undefined {
    const regions = draft[REGIONS];
    if (!Array.isArray(regions) || regions.length === 0) return undefined;
    const index = i % regions.length;
    return isPlainRecord(regions[index]) ? { index, region: regions[index] } : undefined;
}

function vpcAt(draft: Draft, i: number, j: number): { path: string; vpc: Draft } | undefined {
    const found = regionAt(draft, i);
    if (!found || !Array.isArray(found.region.vpcs) || found.region.vpcs.length === 0) return undefined;
    const index = j % found.region.vpcs.length;
    const vpc: unknown = found.region.vpcs[index];
    return isPlainRecord(vpc) ? { path: `regions[${found.index}].vpcs[${index}]`, vpc } : undefined;
}

/** flowLogs or lake, created empty when absent so a field can be set; undefined when replaced by a non-mapping. */
function section(draft: Draft, key: typeof FLOW_LOGS | typeof LAKE): Draft | undefined {
    if (draft[key] === undefined) draft[key] = {};
    return isPlainRecord(draft[key]) ? draft[key] : undefined;
}

const pick = fc.record({ i: fc.nat(8), j: fc.nat(8) });

const dropRequired: fc.Arbitrary<Corruption> = fc
    .tuple(fc.constantFrom("aws:region", "regions", "region", "vpcs", "name", "source"), pick)
    .map(([target, { i, j }]) =>
        corruption(`drop ${target} (${i}, ${j})`, (d) => {
            if (target === "aws:region") {
                delete d[AWS_REGION];
                return ["aws:region"];
            }
            if (target === "regions") {
                delete d[REGIONS];
                return ["regions"];
            }
            if (target === "region" || target === "vpcs") {
                const found = regionAt(d, i);
                if (!found) return undefined;
                delete found.region[target];
                return [`regions[${found.index}].${target}`];
            }
            const found = vpcAt(d, i, j);
            if (!found) return undefined;
            if (target === "name") {
                delete found.vpc.name;
                return [`${found.path}.name`];
            }
            // Both, so that an earlier "both given" cannot be repaired into "one given".
            delete found.vpc.cidrBlock;
            delete found.vpc.vpcId;
            return [found.path];
        }),
    );

type Kind = "string" | "number" | "list" | "mapping";
const isKind: Record<Kind, (value: unknown) => boolean> = {
    string: (v) => typeof v === "string",
    number: (v) => typeof v === "number",
    list: (v) => Array.isArray(v),
    mapping: isPlainRecord,
};
const TYPED_TARGETS = [
    ["aws:region", "string"],
    ["regions", "list"],
    ["flowLogs", "mapping"],
    ["lake", "mapping"],
    ["region", "mapping"],
    ["region.region", "string"],
    ["region.vpcs", "list"],
    ["vpc", "mapping"],
    ["vpc.name", "string"],
    ["vpc.cidrBlock", "string"],
    ["vpc.vpcId", "string"],
    ["flowLogs.cloudWatchTrafficType", "string"],
    ["flowLogs.logRetentionDays", "number"],
    ["lake.expireAfterDays", "number"],
    ["lake.transitionToInfrequentAccessDays", "number"],
    ["lake.bytesScannedCutoffGb", "number"],
] as const satisfies readonly (readonly [string, Kind])[];

const wrongType: fc.Arbitrary<Corruption> = fc
    .constantFrom(...TYPED_TARGETS)
    .chain(([target, kind]) =>
        fc.tuple(
            fc.constant(target),
            fc.jsonValue().filter((v) => !isKind[kind](v)),
            pick,
        ),
    )
    .map(([target, value, { i, j }]) =>
        corruption(`set ${target} (${i}, ${j}) to ${JSON.stringify(value)}`, (d) => {
            const topLevel = { "aws:region": AWS_REGION, regions: REGIONS, flowLogs: FLOW_LOGS, lake: LAKE } as const;
            switch (target) {
                case "aws:region":
                case "regions":
                case "flowLogs":
                case "lake":
                    d[topLevel[target]] = value;
                    return [target];
                case "region": {
                    const regions = d[REGIONS];
                    if (!Array.isArray(regions) || regions.length === 0) return undefined;
                    regions[i % regions.length] = value;
                    return [`regions[${i % regions.length}]`];
                }
                case "region.region":
                case "region.vpcs": {
                    const found = regionAt(d, i);
                    if (!found) return undefined;
                    const key = target.slice("region.".length);
                    found.region[key] = value;
                    return [`regions[${found.index}].${key}`];
                }
                case "vpc": {
                    const found = regionAt(d, i);
                    if (!found || !Array.isArray(found.region.vpcs) || found.region.vpcs.length === 0) return undefined;
                    const index = j % found.region.vpcs.length;
                    found.region.vpcs[index] = value;
                    return [`regions[${found.index}].vpcs[${index}]`];
                }
                case "vpc.name":
                case "vpc.cidrBlock":
                case "vpc.vpcId": {
                    const found = vpcAt(d, i, j);
                    if (!found) return undefined;
                    const key = target.slice("vpc.".length);
                    found.vpc[key] = value;
                    return [`${found.path}.${key}`];
                }
                default: {
                    const [sectionName, key] = target.split(".");
                    const s = section(d, sectionName === "flowLogs" ? FLOW_LOGS : LAKE);
                    if (!s) return undefined;
                    s[key] = value;
                    return [target];
                }
            }
        }),
    );

const ALLOWED_KEYS = {
    top: ["regions", "flowLogs", "lake"],
    region: ["region", "vpcs"],
    vpc: ["name", "cidrBlock", "vpcId"],
    flowLogs: ["cloudWatchTrafficType", "logRetentionDays"],
    lake: ["expireAfterDays", "transitionToInfrequentAccessDays", "bytesScannedCutoffGb"],
} as const;
type Level = keyof typeof ALLOWED_KEYS;

const unknownKey: fc.Arbitrary<Corruption> = fc
    .constantFrom(...(Object.keys(ALLOWED_KEYS) as Level[]))
    .chain((level) =>
        fc.tuple(
            fc.constant(level),
            fc
                .stringMatching(/^[a-zA-Z][a-zA-Z0-9]{0,11}$/)
                .filter((key) => !(ALLOWED_KEYS[level] as readonly string[]).includes(key)),
            fc.jsonValue(),
            pick,
        ),
    )
    .map(([level, key, value, { i, j }]) =>
        corruption(`add ${level} key ${key} (${i}, ${j})`, (d) => {
            switch (level) {
                case "top":
                    d[`vpc-flow-monitor:${key}`] = value;
                    return [key];
                case "region": {
                    const found = regionAt(d, i);
                    if (!found) return undefined;
                    found.region[key] = value;
                    return [`regions[${found.index}].${key}`];
                }
                case "vpc": {
                    const found = vpcAt(d, i, j);
                    if (!found) return undefined;
                    found.vpc[key] = value;
                    return [`${found.path}.${key}`];
                }
                default: {
                    const s = section(d, level === "flowLogs" ? FLOW_LOGS : LAKE);
                    if (!s) return undefined;
                    s[key] = value;
                    return [`${level}.${key}`];
                }
            }
        }),
    );

const badCidrArb = fc.oneof(
    // Host bits set: a network from /16 to /24 plus a non-zero host part.
    fc
        .tuple(
            fc.integer({ min: 0, max: 0xffffffff }),
            fc.integer({ min: 16, max: 24 }),
            fc.integer({ min: 1, max: 0xffff }),
        )
        .map(([address, prefix, host]) => {
            const hostPart = host % 2 ** (32 - prefix) || 1;
            return `${dottedDecimal((networkOf(address, prefix) | hostPart) >>> 0)}/${prefix}`;
        }),
    // Prefix length outside /16 to /24.
    fc
        .tuple(
            fc.integer({ min: 0, max: 255 }),
            fc.oneof(fc.integer({ min: 0, max: 15 }), fc.integer({ min: 25, max: 40 })),
        )
        .map(([first, prefix]) => `${first}.0.0.0/${prefix}`),
    // Not written as four decimal octets.
    fc.constantFrom(
        "010.10.0.0/16",
        "10.10.0/16",
        "0x0a.0.0.0/16",
        "10.10.0.0",
        "10.10.0.0/16 ",
        "2001:db8::/56",
        "::/0",
        "",
    ),
    fc.string().filter((s) => !/^\d+\.\d+\.\d+\.\d+\/\d+$/.test(s)),
);
const badVpcIdArb = fc.oneof(
    fc.oneof(hex(1), hex(7), hex(9), hex(16), hex(18)).map((digits) => `vpc-${digits}`),
    hex(17).map((digits) => `vpc-${digits.slice(0, 16)}F`),
    hex(17).map((digits) => `subnet-${digits}`),
    fc.string().filter((s) => !/^vpc-[0-9a-f]+$/.test(s)),
);
const badNameArb = fc.oneof(
    fc.stringMatching(/^[a-z0-9-]{33,40}$/),
    fc.constant(""),
    fc
        .tuple(vpcNameArb, fc.constantFrom("_", "A", " ", ".", "/", "é", "Z"))
        .map(([name, bad]) => `${name.slice(0, 31)}${bad}`),
);
const badRegionArb = fc
    .oneof(fc.constantFrom("us-gov-west-1", "cn-north-1", "US-EAST-1", "us-east-1 ", ""), fc.string())
    .filter((s) => !isAwsRegion(s));

const corruptString: fc.Arbitrary<Corruption> = fc
    .oneof(
        fc.tuple(fc.constant("cidrBlock"), badCidrArb, pick),
        fc.tuple(fc.constant("vpcId"), badVpcIdArb, pick),
        fc.tuple(fc.constant("name"), badNameArb, pick),
        fc.tuple(fc.constant("region"), badRegionArb, pick),
        fc.tuple(fc.constant("aws:region"), badRegionArb, pick),
    )
    .map(([target, value, { i, j }]) =>
        corruption(`set ${target} (${i}, ${j}) to ${JSON.stringify(value)}`, (d) => {
            if (target === "aws:region") {
                d[AWS_REGION] = value;
                return ["aws:region"];
            }
            if (target === "region") {
                const found = regionAt(d, i);
                if (!found) return undefined;
                found.region.region = value;
                return [`regions[${found.index}].region`];
            }
            const found = vpcAt(d, i, j);
            if (!found) return undefined;
            found.vpc[target] = value;
            return [`${found.path}.${target}`];
        }),
    );

const insertDuplicate: fc.Arbitrary<Corruption> = fc
    .tuple(fc.constantFrom("vpc", "region"), pick, fc.nat(8))
    .map(([what, { i, j }, k]) =>
        corruption(`duplicate ${what} (${i}, ${j}) into ${k}`, (d) => {
            if (what === "region") {
                const found = regionAt(d, i);
                if (!found) return undefined;
                const regions: unknown[] = d[REGIONS];
                regions.push(structuredClone(found.region));
                return [`regions[${regions.length - 1}]`];
            }
            const found = vpcAt(d, i, j);
            const target = regionAt(d, k);
            if (!found || !target || !Array.isArray(target.region.vpcs)) return undefined;
            target.region.vpcs.push(structuredClone(found.vpc));
            // Whichever comes later in the file is the one reported as the duplicate.
            return [found.path, `regions[${target.index}].vpcs[${target.region.vpcs.length - 1}]`];
        }),
    );

const corruptionArb = fc.oneof(dropRequired, wrongType, unknownKey, corruptString, insertDuplicate);

/** A problem at `expected` itself or below it. */
const isAtOrBelow = (path: string, expected: string) =>
    path === expected || path.startsWith(`${expected}.`) || path.startsWith(`${expected}[`);

describe("validateStackConfig: properties", () => {
    it("accepts every generated valid configuration (the base the corruptions start from)", () => {
        fc.assert(
            fc.property(validConfigArb, (raw) => {
                const config = validateStackConfig(raw);
                const regions = raw[REGIONS] as { region: string; vpcs: { name: string }[] }[];
                assert.deepStrictEqual(
                    config.regions.map((r) => [r.region, r.vpcs.map((v) => v.name)]),
                    regions.map((r) => [r.region, r.vpcs.map((v) => v.name)]),
                );
            }),
            { numRuns: 200 },
        );
    });

    it("rejects every corrupted configuration with one ConfigError naming the key, the value and what is allowed", () => {
        fc.assert(
            fc.property(
                validConfigArb,
                fc.array(corruptionArb, { minLength: 1, maxLength: 4 }),
                (valid, corruptions) => {
                    const raw: Draft = structuredClone(valid);
                    let lastExpected: string[] | undefined;
                    for (const corruption of corruptions) lastExpected = corruption.apply(raw) ?? lastExpected;
                    // The first corruption always applies to a valid configuration.
                    assert.ok(lastExpected);

                    const error = configErrorOf(raw);
                    assertWellFormedReport(raw, error, PLAIN_PATH);
                    assert.ok(
                        error.problems.some((p) => lastExpected!.some((expected) => isAtOrBelow(p.path, expected))),
                        `no problem at ${lastExpected.join(" or ")}: ${error.message}`,
                    );
                },
            ),
            { numRuns: 500 },
        );
    });

    for (const key of [REGIONS, FLOW_LOGS, LAKE, AWS_REGION]) {
        it(`never fails with anything but a ConfigError for any JSON value at ${key}`, () => {
            fc.assert(
                fc.property(fc.jsonValue(), (value) => {
                    const raw = exampleWith((c) => (c[key] = value));
                    try {
                        validateStackConfig(raw);
                    } catch (error) {
                        assert.ok(error instanceof ConfigError, `threw ${(error as Error)?.stack ?? String(error)}`);
                        assertWellFormedReport(raw, error);
                    }
                }),
                { numRuns: 300 },
            );
        });
    }

    it("never fails with anything but a ConfigError for any JSON values under any keys", () => {
        const keyArb = fc.oneof(
            fc.constantFrom(AWS_REGION, REGIONS, FLOW_LOGS, LAKE, "aws:profile"),
            fc.string().map((s) => `vpc-flow-monitor:${s}`),
            fc.string(),
        );
        fc.assert(
            fc.property(fc.dictionary(keyArb, fc.jsonValue()), (raw) => {
                try {
                    validateStackConfig(raw);
                } catch (error) {
                    assert.ok(error instanceof ConfigError, `threw ${(error as Error)?.stack ?? String(error)}`);
                    assertWellFormedReport(raw, error);
                }
            }),
            { numRuns: 300 },
        );
    });
});
