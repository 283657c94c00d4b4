/**
 * program/main.ts as a caller of the library: a validated stack config maps onto
 * VpcFlowMonitorArgs, and whatever the config schema accepts the library accepts too (otherwise a
 * valid Pulumi.<stack>.yaml would fail at `pulumi up` with the library's report instead of the
 * config's).
 */
import * as assert from "node:assert/strict";
import * as fc from "fast-check";
import * as pulumi from "@pulumi/pulumi";
import * as path from "path";
import { MonitoredVpc, vpcFlowMonitorProblems } from "../../components";
import { regionProblems } from "../../components/validation";
import { asReport, toLibraryArgs } from "../../program/main";
import { AWS_REGIONS } from "../../program/regions";
import { ConfigError, StackConfig, validateStackConfig } from "../../program/stackConfig";
import { loadStackFile, stackFilesIn } from "../../tools/files/stackFile";

const ROOT = path.join(__dirname, "..", "..");
const FIXTURES = path.join(ROOT, "tests", "fixtures");

describe("program/main.ts toLibraryArgs", () => {
    it("maps every part of a stack config onto the library's args", () => {
        const config = validateStackConfig({
            "aws:region": "eu-west-1",
            "vpc-flow-monitor:regions": [
                {
                    region: "eu-west-1",
                    vpcs: [
                        { name: "core", cidrBlock: "10.10.0.0/16" },
                        {
                            name: "legacy",
                            vpcId: "vpc-0123456789abcdef0",
                            rules: [{ name: "ssh", match: { action: "REJECT", protocol: "tcp", dstPort: 22 } }],
                        },
                    ],
                },
            ],
            "vpc-flow-monitor:flowLogs": { cloudWatchTrafficType: "ALL", logRetentionDays: 30 },
            "vpc-flow-monitor:lake": { expireAfterDays: 100 },
            "vpc-flow-monitor:alerts": {
                emails: ["secops@example.com"],
                slack: { workspaceId: "T0123ABCD", channelId: "C0123ABCD" },
                defaultRules: false,
                rules: [{ name: "any-accept", match: { action: "ACCEPT" }, threshold: 100 }],
            },
        });
        assert.deepStrictEqual(toLibraryArgs(config, { stack: "prod", project: "p", protectData: true }), {
            stack: "prod",
            project: "p",
            homeRegion: "eu-west-1",
            regions: [
                {
                    region: "eu-west-1",
                    vpcs: [
                        { name: "core", cidrBlock: "10.10.0.0/16", rules: [] },
                        {
                            name: "legacy",
                            vpcId: "vpc-0123456789abcdef0",
                            rules: [
                                {
                                    name: "ssh",
                                    description: undefined,
                                    match: { action: "REJECT", protocol: 6, dstPort: 22 },
                                    threshold: 1,
                                    periodSeconds: 300,
                                    evaluationPeriods: 1,
                                },
                            ],
                        },
                    ],
                },
            ],
            defaultRules: false,
            rules: [
                {
                    name: "any-accept",
                    description: undefined,
                    match: { action: "ACCEPT" },
                    threshold: 100,
                    periodSeconds: 300,
                    evaluationPeriods: 1,
                },
            ],
            emails: ["secops@example.com"],
            slack: { workspaceId: "T0123ABCD", channelId: "C0123ABCD" },
            flowLogs: { cloudWatchTrafficType: "ALL", logRetentionInDays: 30 },
            lake: {
                expireAfterDays: 100,
                transitionToInfrequentAccessDays: 30,
                bytesScannedCutoffGb: 10,
                fields: "default",
            },
            insights: { contributorInsights: true },
            protectData: true,
        });
    });

    const files = [
        ...stackFilesIn(ROOT),
        ...stackFilesIn(path.join(FIXTURES, "urns")),
        path.join(FIXTURES, "Pulumi.fleet.yaml"),
        path.join(FIXTURES, "records", "Pulumi.lab.yaml"),
    ];
    for (const file of files) {
        it(`the library accepts what ${path.relative(ROOT, file)} configures`, () => {
            const stackFile = loadStackFile(file);
            const args = toLibraryArgs(validateStackConfig(stackFile.config), {
                stack: stackFile.stack,
                project: "vpc-flow-monitor",
                protectData: true,
            });
            assert.deepEqual(vpcFlowMonitorProblems(args), []);
        });
    }

    it("the library accepts every region the stack config does", () => {
        assert.deepEqual(
            AWS_REGIONS.flatMap((region) => regionProblems("region", region)),
            [],
        );
    });
});

/** Mostly valid values, sometimes not: each config then has a fair chance to pass the schema. */
function mostly(valid: fc.Arbitrary<unknown>, invalid: fc.Arbitrary<unknown>): fc.Arbitrary<unknown> {
    return fc.oneof({ arbitrary: valid, weight: 40 }, { arbitrary: invalid, weight: 1 });
}

const matchArb = fc
    .tuple(
        fc.record({
            action: mostly(fc.constant("REJECT"), fc.constantFrom("ACCEPT", "DROP")),
            protocol: mostly(fc.constantFrom("tcp", "udp", 6, 17, 255), fc.constantFrom("tpc", 300, -1)),
            srcAddr: mostly(
                fc.constantFrom("10.0.0.155", "10.0.*", "2001:db8::1", "2001:db8:*"),
                fc.constant("10.0.1*"),
            ),
            dstPort: mostly(
                fc.oneof(
                    fc.integer({ min: 0, max: 65535 }),
                    fc.array(fc.integer({ min: 0, max: 65535 }), { minLength: 1, maxLength: 80 }),
                    fc.integer({ min: 0, max: 65535 }).map((from) => ({ from, to: Math.min(65535, from + 100) })),
                ),
                fc.constantFrom(70000, -1),
            ),
            logStatus: mostly(fc.constantFrom("OK", "SKIPDATA"), fc.constant("SKIP")),
        }),
        fc.subarray(["action", "protocol", "srcAddr", "dstPort", "logStatus"], { minLength: 1 }),
    )
    .map(([all, keys]) => Object.fromEntries(keys.map((key) => [key, all[key as keyof typeof all]])));

const ruleArb = fc.record(
    {
        name: mostly(
            fc.constantFrom("ssh", "db", "a", "web-1"),
            fc.constantFrom("reject-any", "flow-log-skipdata", "flow-records", "Bad"),
        ),
        match: matchArb,
        threshold: mostly(fc.integer({ min: 1, max: 1_000_000 }), fc.constantFrom(0, 1.5)),
        periodSeconds: mostly(fc.constantFrom(60, 300, 3600, 86400), fc.constantFrom(30, 90, 90000)),
        evaluationPeriods: mostly(fc.integer({ min: 1, max: 10 }), fc.constantFrom(0, 300)),
    },
    { requiredKeys: ["name", "match"] },
);

const vpcArb = fc
    .tuple(
        fc.constantFrom("core", "edge", "db", "a-b", "x1"),
        mostly(
            fc.oneof(
                fc.constantFrom("10.0.0.0/16", "10.1.0.0/24", "172.16.0.0/20").map((cidrBlock) => ({ cidrBlock })),
                fc.constantFrom("vpc-0123456789abcdef0", "vpc-12345678").map((vpcId) => ({ vpcId })),
            ),
            fc.constantFrom({ cidrBlock: "10.0.0.1/16" }, { vpcId: "vpc-1" }, {}),
        ),
        fc.uniqueArray(ruleArb, { maxLength: 2, selector: (r) => r.name }),
    )
    .map(([name, source, rules]) => ({ name, ...(source as object), rules }));

describe("the stack config and the library agree", () => {
    it("every random config the schema accepts, the library accepts too", () => {
        let accepted = 0;
        let rejected = 0;
        fc.assert(
            fc.property(
                fc.array(
                    fc.record({
                        region: fc.constantFrom(...AWS_REGIONS),
                        vpcs: fc.array(vpcArb, { minLength: 1, maxLength: 3 }),
                    }),
                    {
                        minLength: 1,
                        maxLength: 3,
                    },
                ),
                fc.uniqueArray(ruleArb, { maxLength: 2, selector: (r) => r.name }),
                fc.record(
                    {
                        cloudWatchTrafficType: fc.constantFrom("REJECT", "ALL"),
                        logRetentionDays: mostly(fc.constantFrom(1, 7, 14, 90, 3653), fc.constant(42)),
                    },
                    { requiredKeys: [] },
                ),
                fc.record(
                    {
                        expireAfterDays: fc.integer({ min: 1, max: 40000 }),
                        transitionToInfrequentAccessDays: fc.integer({ min: 25, max: 500 }),
                        bytesScannedCutoffGb: fc.integer({ min: 0, max: 1100 }),
                    },
                    { requiredKeys: [] },
                ),
                (regions, rules, flowLogs, lake) => {
                    let config: StackConfig;
                    try {
                        config = validateStackConfig({
                            "aws:region": "us-east-1",
                            "vpc-flow-monitor:regions": regions,
                            "vpc-flow-monitor:flowLogs": flowLogs,
                            "vpc-flow-monitor:lake": lake,
                            "vpc-flow-monitor:alerts": { rules },
                        });
                    } catch (err) {
                        assert.ok(err instanceof ConfigError, String(err));
                        rejected++;
                        return;
                    }
                    accepted++;
                    const args = toLibraryArgs(config, { stack: "random", project: "p", protectData: false });
                    assert.deepEqual(vpcFlowMonitorProblems(args), []);
                },
            ),
            { numRuns: 1000 },
        );
        // Both outcomes must be exercised, or the property says little.
        assert.ok(accepted > 40 && rejected > 40, `accepted ${accepted}, rejected ${rejected}`);
    });
});

describe("program/main.ts asReport", () => {
    it("turns a refused config into a RunError with the config's report", () => {
        let configError: unknown;
        try {
            validateStackConfig({ "aws:region": "mars-1" });
        } catch (err) {
            configError = err;
        }
        assert.ok(configError instanceof ConfigError);
        const report = asReport(configError);
        assert.ok(pulumi.RunError.isInstance(report));
        assert.equal(report.message, configError.message);
    });

    it("turns refused library args into a RunError with every problem in its message", () => {
        let refused: unknown;
        try {
            new MonitoredVpc("core", {
                vpc: { vpcId: "vpc-1" },
                region: "us-east-1",
                accountId: "123456789012",
                partition: "aws",
                lakeBucketArn: "arn:aws:s3:::lake",
                logGroupName: "",
            });
        } catch (err) {
            refused = err;
        }
        assert.ok(pulumi.InputPropertiesError.isInstance(refused));
        const report = asReport(refused);
        assert.ok(pulumi.RunError.isInstance(report));
        assert.equal(
            report.message,
            [
                'Invalid arguments for MonitoredVpc "core": 2 problems',
                '  - vpc.vpcId: not a VPC id; given "vpc-1". Allowed: vpc- followed by 8 or 17 hexadecimal digits, such as vpc-0123456789abcdef0',
                '  - logGroupName: empty; given "". Allowed: 1 to 512 characters of a-z, A-Z, 0-9, _, -, /, . and #',
            ].join("\n"),
        );
    });

    it("leaves any other error alone", () => {
        const other = new TypeError("boom");
        assert.equal(asReport(other), other);
    });
});
