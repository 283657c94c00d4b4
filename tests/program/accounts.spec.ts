/**
 * `accounts:` in a stack config: one provider per account and region, pinned to the account and
 * assuming its role; each VPC's resources on its own account's provider; the home account's URNs
 * the same as a stack without `accounts`; and every validation problem with its exact message.
 */
import * as assert from "node:assert/strict";
import { VpcFlowMonitorArgs, vpcFlowMonitorProblems } from "../../components";
import { ConfigError, ConfigProblem, validateStackConfig } from "../../program/stackConfig";
import { Plan, PlannedResource } from "../../tools/plan/offlinePlan";
import { ACCOUNT, byName, byType, jsonInput, planOf } from "../helpers/plan";

const HOME = "111111111111";
const PAYMENTS = "222222222222";
const PAYMENTS_ROLE = `arn:aws:iam::${PAYMENTS}:role/vpc-flow-monitor-member`;

const HOME_REGIONS = [{ region: "eu-west-1", vpcs: [{ name: "core", cidrBlock: "10.10.0.0/16" }] }];
const PAYMENTS_REGIONS = [
    { region: "eu-west-1", vpcs: [{ name: "pay-eu", vpcId: "vpc-0aaaaaaaaaaaaaaa1" }] },
    { region: "us-east-1", vpcs: [{ name: "pay-us", cidrBlock: "10.20.0.0/16" }] },
];

const SINGLE = {
    "aws:region": "eu-west-1",
    "vpc-flow-monitor:regions": HOME_REGIONS,
};

const TWO_ACCOUNTS = {
    "aws:region": "eu-west-1",
    "vpc-flow-monitor:accounts": [
        { name: "log-archive", id: HOME, regions: HOME_REGIONS },
        { name: "payments", id: PAYMENTS, roleArn: PAYMENTS_ROLE, regions: PAYMENTS_REGIONS },
    ],
};

/** The custom resources registered under `component` (its descendants), by walking parents. */
function descendants(plan: Plan, component: string): PlannedResource[] {
    const root = byName(plan, component).urn;
    const byUrn = new Map(plan.resources.map((r) => [r.urn, r]));
    const under = (r: PlannedResource): boolean => {
        for (let p = r.parent; p; p = byUrn.get(p)?.parent) if (p === root) return true;
        return false;
    };
    return plan.resources.filter((r) => r.custom && under(r));
}

describe("accounts: one provider per account and region", () => {
    let single: Plan;
    let multi: Plan;
    before(async () => {
        single = await planOf(SINGLE);
        multi = await planOf(TWO_ACCOUNTS);
    });

    it("creates aws-<region> for the home account and aws-<account>-<region> for the others", () => {
        const providers = byType(multi, "pulumi:providers:aws");
        assert.deepEqual(
            providers.map((p) => [p.name, p.inputs.region]),
            [
                ["aws-eu-west-1", "eu-west-1"],
                ["aws-payments-eu-west-1", "eu-west-1"],
                ["aws-payments-us-east-1", "us-east-1"],
            ],
        );
    });

    it("pins every provider to its account and has the others assume the account's role", () => {
        const home = byName(multi, "aws-eu-west-1");
        assert.deepEqual(jsonInput(home, "allowedAccountIds"), [HOME]);
        assert.equal(home.inputs.assumeRoles, undefined);
        for (const name of ["aws-payments-eu-west-1", "aws-payments-us-east-1"]) {
            const p = byName(multi, name);
            assert.deepEqual(jsonInput(p, "allowedAccountIds"), [PAYMENTS], name);
            assert.deepEqual(jsonInput(p, "assumeRoles"), [
                { roleArn: PAYMENTS_ROLE, sessionName: "vpc-flow-monitor" },
            ]);
        }
    });

    it("chains the account's role after the stack's aws:assumeRoles", async () => {
        const deployRole = { roleArn: `arn:aws:iam::${HOME}:role/deployer` };
        const plan = await planOf({ ...TWO_ACCOUNTS, "aws:assumeRoles": [deployRole] });
        assert.deepEqual(jsonInput(byName(plan, "aws-eu-west-1"), "assumeRoles"), [deployRole]);
        assert.deepEqual(jsonInput(byName(plan, "aws-payments-us-east-1"), "assumeRoles"), [
            deployRole,
            { roleArn: PAYMENTS_ROLE, sessionName: "vpc-flow-monitor" },
        ]);
    });

    it("puts each VPC's flow logs, log group, filters and alarms on its own account's provider", () => {
        const urnOf = (name: string) => byName(multi, name).urn;
        const expected: Record<string, string> = {
            core: urnOf("aws-eu-west-1"),
            "pay-eu": urnOf("aws-payments-eu-west-1"),
            "pay-us": urnOf("aws-payments-us-east-1"),
        };
        for (const [vpc, provider] of Object.entries(expected)) {
            const resources = descendants(multi, vpc);
            const types = new Set(resources.map((r) => r.type));
            for (const t of [
                "aws:ec2/flowLog:FlowLog",
                "aws:cloudwatch/logGroup:LogGroup",
                "aws:cloudwatch/logMetricFilter:LogMetricFilter",
                "aws:cloudwatch/metricAlarm:MetricAlarm",
            ]) {
                assert.ok(types.has(t), `${vpc} has a ${t}`);
            }
            for (const r of resources) assert.equal(r.provider, provider, `${r.name} on ${provider}`);
        }
        // The topic each alarm notifies is in the VPC's own account and region.
        const alarm = descendants(multi, "pay-us").find((r) => r.type === "aws:cloudwatch/metricAlarm:MetricAlarm");
        assert.match(
            String((alarm?.inputs.alarmActions as string[])[0]),
            new RegExp(`^arn:aws:sns:us-east-1:${PAYMENTS}:`),
        );
        assert.equal(byName(multi, "alerts-payments-us-east-1-topic").provider, expected["pay-us"]);
    });

    it("keeps the lake and the dashboard in the home account", () => {
        const home = byName(multi, "aws-eu-west-1").urn;
        for (const name of ["lake-bucket", "lake-database", "dashboard-dashboard"]) {
            assert.equal(byName(multi, name).provider, home, name);
        }
    });

    it("admits log delivery for exactly the configured accounts and their regions", () => {
        const policy = JSON.parse(String(byName(multi, "lake-bucketPolicy").inputs.policy));
        const bucketArn = String(byName(multi, "lake-bucket").outputs.arn);
        const write = policy.Statement.find((s: { Sid: string }) => s.Sid === "AWSLogDeliveryWrite");
        const acl = policy.Statement.find((s: { Sid: string }) => s.Sid === "AWSLogDeliveryAclCheck");
        const prefix = (account: string, region: string) =>
            `${bucketArn}/vpc-flow-logs/AWSLogs/aws-account-id=${account}/aws-service=vpcflowlogs/aws-region=${region}/*`;
        assert.deepEqual(write.Resource, [
            prefix(HOME, "eu-west-1"),
            prefix(PAYMENTS, "eu-west-1"),
            prefix(PAYMENTS, "us-east-1"),
        ]);
        const sourceArns = [
            `arn:aws:logs:eu-west-1:${HOME}:*`,
            `arn:aws:logs:eu-west-1:${PAYMENTS}:*`,
            `arn:aws:logs:us-east-1:${PAYMENTS}:*`,
        ];
        for (const statement of [write, acl]) {
            assert.deepEqual(statement.Condition.StringEquals["aws:SourceAccount"], [HOME, PAYMENTS]);
            assert.deepEqual(statement.Condition.ArnLike["aws:SourceArn"], sourceArns);
        }
        assert.equal(write.Condition.StringEquals["s3:x-amz-acl"], "bucket-owner-full-control");
    });

    it("keeps today's single-account bucket policy for a stack without accounts", () => {
        const policy = JSON.parse(String(byName(single, "lake-bucketPolicy").inputs.policy));
        const write = policy.Statement.find((s: { Sid: string }) => s.Sid === "AWSLogDeliveryWrite");
        assert.equal(write.Condition.StringEquals["aws:SourceAccount"], ACCOUNT);
        assert.deepEqual(write.Condition.ArnLike["aws:SourceArn"], [`arn:aws:logs:eu-west-1:${ACCOUNT}:*`]);
    });

    it("admits the whole organisation by aws:SourceOrgID when lake.organizationId is given", async () => {
        const plan = await planOf({ ...TWO_ACCOUNTS, "vpc-flow-monitor:lake": { organizationId: "o-a1b2c3d4e5" } });
        const policy = JSON.parse(String(byName(plan, "lake-bucketPolicy").inputs.policy));
        const bucketArn = String(byName(plan, "lake-bucket").outputs.arn);
        const write = policy.Statement.find((s: { Sid: string }) => s.Sid === "AWSLogDeliveryWrite");
        const acl = policy.Statement.find((s: { Sid: string }) => s.Sid === "AWSLogDeliveryAclCheck");
        assert.deepEqual(write.Resource, [`${bucketArn}/vpc-flow-logs/AWSLogs/*`]);
        assert.deepEqual(write.Condition, {
            StringEquals: { "aws:SourceOrgID": "o-a1b2c3d4e5", "s3:x-amz-acl": "bucket-owner-full-control" },
        });
        assert.deepEqual(acl.Condition, { StringEquals: { "aws:SourceOrgID": "o-a1b2c3d4e5" } });
    });

    it("gives the home account's resources the URNs of the same stack without accounts", () => {
        const singleUrns = single.resources.map((r) => r.urn).sort();
        const multiUrns = new Set(multi.resources.map((r) => r.urn));
        for (const urn of singleUrns) assert.ok(multiUrns.has(urn), `kept ${urn}`);
    });
});

function problemsOf(raw: Record<string, unknown>): readonly ConfigProblem[] {
    try {
        validateStackConfig(raw);
    } catch (err) {
        assert.ok(err instanceof ConfigError, String(err));
        return err.problems;
    }
    assert.fail("expected the configuration to be rejected");
}

const ALLOWED_ROLE = "an IAM role ARN such as arn:aws:iam::111122223333:role/vpc-flow-monitor-member";
const ALLOWED_ID = "the account's 12-digit id, such as 111122223333 (quote it in YAML so leading zeros stay)";

describe("accounts: validation", () => {
    const withAccounts = (accounts: unknown, extra: Record<string, unknown> = {}) => ({
        "aws:region": "eu-west-1",
        "vpc-flow-monitor:accounts": accounts,
        ...extra,
    });

    it("maps the home entry onto regions and the others onto accounts", () => {
        const config = validateStackConfig(TWO_ACCOUNTS);
        assert.deepEqual(config.homeAccount, { name: "log-archive", id: HOME });
        assert.deepEqual(
            config.regions.map((r) => r.region),
            ["eu-west-1"],
        );
        assert.deepEqual(
            config.accounts?.map((a) => [a.name, a.id, a.roleArn, a.regions.map((r) => r.region)]),
            [["payments", PAYMENTS, PAYMENTS_ROLE, ["eu-west-1", "us-east-1"]]],
        );
    });

    it("accepts top-level regions for the home account beside accounts that all have roles", () => {
        const config = validateStackConfig({
            ...SINGLE,
            "vpc-flow-monitor:accounts": [TWO_ACCOUNTS["vpc-flow-monitor:accounts"][1]],
        });
        assert.equal(config.homeAccount, undefined);
        assert.equal(config.accounts?.length, 1);
    });

    const cases: { name: string; raw: Record<string, unknown>; problems: ConfigProblem[] }[] = [
        {
            name: "an account id that is not 12 digits, and one given as a number",
            raw: withAccounts([
                { name: "a", id: "12345", roleArn: PAYMENTS_ROLE, regions: PAYMENTS_REGIONS },
                {
                    name: "bb",
                    id: 222222222222,
                    roleArn: PAYMENTS_ROLE,
                    regions: [{ region: "eu-west-2", vpcs: [{ name: "pay-us", cidrBlock: "10.50.0.0/16" }] }],
                },
            ]),
            problems: [
                {
                    path: "accounts[0].name",
                    message:
                        'not a valid account name; given "a". Allowed: 2 to 32 characters of a-z, 0-9 and -, starting with a letter and not ending with -',
                },
                { path: "accounts[0].id", message: `not an account id; given "12345". Allowed: ${ALLOWED_ID}` },
                { path: "accounts[1].id", message: `not a string; given 222222222222. Allowed: ${ALLOWED_ID}` },
                {
                    path: "accounts[1].regions[0].vpcs[0].name",
                    message:
                        'duplicate VPC name; given "pay-us", already used at accounts[0].regions[1].vpcs[0].name. Allowed: a name unique in the stack, across all regions',
                },
            ],
        },
        {
            name: "a roleArn that is not a role ARN, and one of another account",
            raw: withAccounts([
                { name: "pay", id: PAYMENTS, roleArn: "arn:aws:iam::222222222222:user/bob", regions: PAYMENTS_REGIONS },
                {
                    name: "dev",
                    id: "333333333333",
                    roleArn: PAYMENTS_ROLE,
                    regions: [{ region: "eu-west-1", vpcs: [{ name: "dev", cidrBlock: "10.30.0.0/16" }] }],
                },
            ]),
            problems: [
                {
                    path: "accounts[0].roleArn",
                    message: `not an IAM role ARN; given "arn:aws:iam::222222222222:user/bob". Allowed: ${ALLOWED_ROLE}`,
                },
                {
                    path: "accounts[1].roleArn",
                    message: `a role of account ${PAYMENTS}, not of 333333333333; given "${PAYMENTS_ROLE}". Allowed: a role in the account itself (its providers only accept that account)`,
                },
            ],
        },
        {
            name: "duplicate account names and ids, a region twice in one account",
            raw: withAccounts([
                { name: "pay", id: PAYMENTS, roleArn: PAYMENTS_ROLE, regions: PAYMENTS_REGIONS },
                {
                    name: "pay",
                    id: PAYMENTS,
                    roleArn: PAYMENTS_ROLE,
                    regions: [
                        { region: "eu-west-2", vpcs: [{ name: "x1", cidrBlock: "10.40.0.0/16" }] },
                        { region: "eu-west-2", vpcs: [{ name: "x2", cidrBlock: "10.41.0.0/16" }] },
                    ],
                },
            ]),
            problems: [
                {
                    path: "accounts[1].regions[1].region",
                    message:
                        'duplicate region; given "eu-west-2", already listed at accounts[1].regions[0].region. Allowed: each region once, with all its VPCs',
                },
                {
                    path: "accounts[1].name",
                    message:
                        'duplicate account name; given "pay", already used at accounts[0].name. Allowed: a name unique in the stack',
                },
                {
                    path: "accounts[1].id",
                    message: `account listed twice; given "${PAYMENTS}", already listed at accounts[0].id. Allowed: each account once, with all its regions`,
                },
            ],
        },
        {
            name: "two home accounts, and a home account beside top-level regions",
            raw: withAccounts(
                [
                    {
                        name: "one",
                        id: HOME,
                        regions: [{ region: "eu-west-2", vpcs: [{ name: "a1", cidrBlock: "10.1.0.0/16" }] }],
                    },
                    {
                        name: "two",
                        id: "333333333333",
                        regions: [{ region: "eu-west-2", vpcs: [{ name: "a2", cidrBlock: "10.2.0.0/16" }] }],
                    },
                ],
                { "vpc-flow-monitor:regions": HOME_REGIONS },
            ),
            problems: [
                {
                    path: "accounts[0].roleArn",
                    message: `missing, so this is the home account, whose regions are already given by the top-level regions. Allowed: ${ALLOWED_ROLE}, or move the top-level regions into this account`,
                },
                {
                    path: "accounts[1].roleArn",
                    message: `missing, and accounts[0] is already the home account (the one without a roleArn). Allowed: ${ALLOWED_ROLE}`,
                },
            ],
        },
        {
            name: "accounts empty, not a list, and an unknown key",
            raw: withAccounts([
                { name: "pay", id: PAYMENTS, roleArn: PAYMENTS_ROLE, region: "eu-west-1", regions: PAYMENTS_REGIONS },
            ]),
            problems: [
                { path: "accounts[0].region", message: "unknown key. Allowed keys here: name, id, roleArn, regions" },
            ],
        },
        {
            name: "a lake.organizationId that is not an organisation id",
            raw: { ...TWO_ACCOUNTS, "vpc-flow-monitor:lake": { organizationId: "r-abcd" } },
            problems: [
                {
                    path: "lake.organizationId",
                    message:
                        'not an AWS Organizations id; given "r-abcd". Allowed: an AWS Organizations id: o- and 10 to 32 characters of a-z and 0-9, such as o-a1b2c3d4e5',
                },
            ],
        },
        {
            name: "accounts an empty list",
            raw: withAccounts([]),
            problems: [
                {
                    path: "accounts",
                    message:
                        "no account; given []. Allowed: a list of { name, id, roleArn (not for the home account), regions }, or leave accounts out",
                },
            ],
        },
    ];
    for (const c of cases) {
        it(`rejects ${c.name}`, () => {
            assert.deepStrictEqual(problemsOf(c.raw), c.problems);
        });
    }
});

describe("accounts: the library's own checks (deployVpcFlowMonitor args)", () => {
    const base: VpcFlowMonitorArgs = {
        stack: "org",
        project: "p",
        homeRegion: "eu-west-1",
        regions: [],
        protectData: false,
    };
    it("accepts a stack whose VPCs are all in other accounts", () => {
        const accounts = [{ name: "pay", accountId: PAYMENTS, roleArn: PAYMENTS_ROLE, regions: PAYMENTS_REGIONS }];
        assert.deepEqual(vpcFlowMonitorProblems({ ...base, homeAccountId: HOME, accounts }), []);
    });
    it("reports bad names, ids and roles at the paths written", () => {
        const accounts = [
            { name: "Pay", accountId: "1", roleArn: "role/x", regions: [] },
            { name: "dev", accountId: HOME, roleArn: PAYMENTS_ROLE, regions: PAYMENTS_REGIONS },
        ];
        assert.deepEqual(
            vpcFlowMonitorProblems({ ...base, homeAccountId: HOME, accounts }).map(
                (p) => `${p.propertyPath}: ${p.reason}`,
            ),
            [
                'accounts[0].name: not a valid account name; given "Pay". Allowed: 2 to 32 characters of a-z, 0-9 and -, starting with a letter and not ending with -',
                `accounts[0].accountId: not an account id; given "1". Allowed: ${ALLOWED_ID}`,
                `accounts[0].roleArn: not an IAM role ARN; given "role/x". Allowed: ${ALLOWED_ROLE}`,
                "accounts[0].regions: no region to monitor; given []. Allowed: a list of at least one { region, vpcs }",
                `accounts[1].accountId: account listed twice, already at homeAccountId; given "${HOME}". Allowed: each account once in the stack`,
                `accounts[1].roleArn: a role of account ${PAYMENTS}, not of accountId ${HOME}; given "${PAYMENTS_ROLE}". Allowed: a role in the account itself (its providers are pinned to accountId)`,
            ],
        );
    });
});
