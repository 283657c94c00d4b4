/**
 * The pipeline policies: flow-log-bucket-secure and flow-log-role-no-wildcard-actions (stack),
 * log-group-retention-set, alarms-have-actions and athena-workgroup-enforced (resource).
 */
import * as assert from "node:assert/strict";
import * as aws from "@pulumi/aws";
import {
    alarmsHaveActions,
    athenaWorkgroupEnforced,
    flowLogBucketSecure,
    flowLogRoleNoWildcardActions,
    logGroupRetentionSet,
} from "../../policy/policies/index";
import { asPreview } from "../../tools/analyzer/policyInputs";
import { addLake, addMonitoredVpc, addProvider, addTopic, fleet, LakeOptions } from "../fixtures/stacks";
import {
    assertHasResourceViolation,
    assertHasStackViolation,
    assertNoResourceViolations,
    assertNoStackViolations,
    createResourceValidationArgs,
    createStackValidationArgs,
    runResourcePolicy,
    runStackPolicy,
    StackBuilder,
    UNKNOWN_ARRAY,
    UNKNOWN_OBJECT,
    UNKNOWN_STRING,
} from "../helpers/policy";

function lakeStack(lake: Omit<LakeOptions, "provider"> = {}) {
    const stack = new StackBuilder();
    const provider = addProvider(stack);
    const topic = addTopic(stack, provider);
    const built = addLake(stack, { provider, ...lake });
    addMonitoredVpc(stack, "app", { provider, topic, s3Bucket: built.bucket });
    return { stack, provider, lake: built };
}

describe("policy flow-log-bucket-secure", () => {
    for (const preview of [false, true]) {
        it(`reports none for a bucket with a public access block, encryption and a TLS-only policy (${preview ? "preview" : "known"} values)`, async () => {
            const resources = lakeStack().stack.resources();
            await assertNoStackViolations(
                flowLogBucketSecure,
                createStackValidationArgs(preview ? asPreview(resources) : resources),
            );
        });
    }

    it("reports a violation when the bucket has no public access block", async () => {
        const { stack, lake } = lakeStack({ publicAccessBlock: null });
        await assertHasStackViolation(flowLogBucketSecure, createStackValidationArgs(stack), {
            message:
                'Flow log bucket "lake-bucket" (lake-bucket-0a1b2c3) is not secured: no public access block (aws.s3.BucketPublicAccessBlock with all four settings true).',
            urn: lake.bucket,
        });
    });

    it("reports a violation naming the public access settings left off", async () => {
        const { stack } = lakeStack({ publicAccessBlock: { ignorePublicAcls: false, restrictPublicBuckets: false } });
        await assertHasStackViolation(flowLogBucketSecure, createStackValidationArgs(stack), {
            message: 'public access block "lake-publicAccessBlock" leaves ignorePublicAcls, restrictPublicBuckets off',
        });
    });

    it("reports none when an account-wide public access block covers the bucket", async () => {
        const { stack, provider } = lakeStack({ publicAccessBlock: null });
        stack.add(
            aws.s3.AccountPublicAccessBlock,
            "account",
            { blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true },
            { provider },
        );
        await assertNoStackViolations(flowLogBucketSecure, createStackValidationArgs(stack));
    });

    it("reports a violation when the bucket has no default encryption, or one not allowed by config", async () => {
        await assertHasStackViolation(
            flowLogBucketSecure,
            createStackValidationArgs(lakeStack({ sseAlgorithm: null }).stack),
            {
                message: "no default encryption (aws.s3.BucketServerSideEncryptionConfiguration)",
            },
        );
        const stack = lakeStack().stack;
        await assertHasStackViolation(
            flowLogBucketSecure,
            createStackValidationArgs(stack, { sseAlgorithms: ["aws:kms"] }),
            {
                message: "default encryption AES256 is not one of aws:kms",
            },
        );
    });

    it("reports none when the bucket's own encryption block says AES256 (what AWS reports by default)", async () => {
        const stack = new StackBuilder();
        const provider = addProvider(stack);
        const lake = addLake(stack, { provider, sseAlgorithm: null });
        stack.set(lake.bucket, {
            serverSideEncryptionConfiguration: {
                rule: { applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" }, bucketKeyEnabled: false },
            },
        });
        addMonitoredVpc(stack, "app", { provider, s3Bucket: lake.bucket });
        await assertNoStackViolations(flowLogBucketSecure, createStackValidationArgs(stack));
    });

    it("reports a violation when no bucket policy denies requests without TLS", async () => {
        for (const bucketPolicy of [null, "no-tls"] as const) {
            await assertHasStackViolation(
                flowLogBucketSecure,
                createStackValidationArgs(lakeStack({ bucketPolicy }).stack),
                {
                    message: "no bucket policy denies requests without TLS",
                },
            );
        }
        await assertNoStackViolations(
            flowLogBucketSecure,
            createStackValidationArgs(lakeStack({ bucketPolicy: null }).stack, { requireTlsOnly: false }),
        );
    });

    it("reports every problem of a bucket in one violation, and only for buckets that receive flow logs", async () => {
        const { stack, provider } = lakeStack({ publicAccessBlock: null, sseAlgorithm: null, bucketPolicy: null });
        stack.add(
            aws.s3.Bucket,
            "unrelated",
            { id: "unrelated", bucket: "unrelated", arn: "arn:aws:s3:::unrelated" },
            { provider },
        );
        const reported = await runStackPolicy(flowLogBucketSecure, createStackValidationArgs(stack));
        assert.equal(reported.length, 1);
        assert.equal(reported[0].message.split("; ").length, 3);
    });
});

describe("policy flow-log-role-no-wildcard-actions", () => {
    for (const preview of [false, true]) {
        it(`reports none for the least-privilege delivery role (${preview ? "preview" : "known"} values)`, async () => {
            const resources = fleet(2).stack.resources();
            await assertNoStackViolations(
                flowLogRoleNoWildcardActions,
                createStackValidationArgs(preview ? asPreview(resources) : resources),
            );
        });
    }

    it("reports a violation when the role policy grants logs:* or *", async () => {
        const stack = new StackBuilder();
        const provider = addProvider(stack);
        const vpc = addMonitoredVpc(stack, "app", { provider, roleActions: ["logs:*", "s3:GetObject", "*"] });
        await assertHasStackViolation(flowLogRoleNoWildcardActions, createStackValidationArgs(stack), {
            message:
                'Flow log delivery role "app-deliveryRole" (used by "app-alarmFlowLog") grants wildcard actions: logs:*, * in role policy "app-deliveryPolicy".',
            urn: vpc.role,
        });
        await assertNoStackViolations(
            flowLogRoleNoWildcardActions,
            createStackValidationArgs(stack, { allowedActions: ["logs:*", "*"] }),
        );
    });

    it("reports a violation for an inline policy with NotAction, and for a wildcard managed policy attached", async () => {
        const stack = new StackBuilder();
        const provider = addProvider(stack);
        const vpc = addMonitoredVpc(stack, "app", { provider });
        stack.set(vpc.role!, {
            inlinePolicies: [
                {
                    name: "broad",
                    policy: JSON.stringify({ Statement: { Effect: "Allow", NotAction: "iam:*", Resource: "*" } }),
                },
            ],
        });
        stack.add(
            aws.iam.RolePolicyAttachment,
            "admin",
            { role: stack.ref(vpc.role!, "name"), policyArn: "arn:aws:iam::aws:policy/AdministratorAccess" },
            { provider },
        );
        const [violation] = await runStackPolicy(flowLogRoleNoWildcardActions, createStackValidationArgs(stack));
        assert.match(
            violation.message,
            /NotAction iam:\* in inline policy "broad"; AWS managed policy AdministratorAccess \(attached by "admin"\)/,
        );
    });

    it("reads a customer-managed policy attached to the role, in both views", async () => {
        const stack = new StackBuilder();
        const provider = addProvider(stack);
        const vpc = addMonitoredVpc(stack, "app", { provider });
        const policy = stack.add(
            aws.iam.Policy,
            "extra",
            {
                id: "arn:aws:iam::111122223333:policy/extra",
                arn: "arn:aws:iam::111122223333:policy/extra",
                policy: JSON.stringify({ Statement: [{ Effect: "Allow", Action: "logs:Put*", Resource: "*" }] }),
            },
            { provider },
        );
        stack.add(
            aws.iam.RolePolicyAttachment,
            "extra-attach",
            { role: stack.ref(vpc.role!, "id"), policyArn: stack.ref(policy, "arn") },
            { provider },
        );
        // In preview the attachment's role and policyArn are unknown: linked through its dependencies.
        for (const resources of [stack.resources(), asPreview(stack.resources())]) {
            await assertHasStackViolation(flowLogRoleNoWildcardActions, createStackValidationArgs(resources), {
                message: 'logs:Put* in policy "extra"',
                urn: vpc.role,
            });
        }
    });
});

describe("policy log-group-retention-set", () => {
    it("reports none when retention is set within the allowed range", async () => {
        await assertNoResourceViolations(
            logGroupRetentionSet,
            createResourceValidationArgs(aws.cloudwatch.LogGroup, { name: "/x", retentionInDays: 30 }),
        );
    });

    it("reports a violation when retention is not set or 0 (never expire)", async () => {
        for (const props of [{ name: "/x" }, { name: "/x", retentionInDays: 0 }]) {
            await assertHasResourceViolation(
                logGroupRetentionSet,
                createResourceValidationArgs(aws.cloudwatch.LogGroup, props, {}, { name: "lg" }),
                {
                    message: 'Log group "lg" keeps its records forever; set retentionInDays (1 to 3653 days).',
                },
            );
        }
    });

    it("reports a violation when retention is outside the configured range", async () => {
        await assertHasResourceViolation(
            logGroupRetentionSet,
            createResourceValidationArgs(
                aws.cloudwatch.LogGroup,
                { retentionInDays: 7 },
                { minRetentionDays: 30 },
                { name: "lg" },
            ),
            {
                message: 'Log group "lg" keeps its records 7 days; allowed: 30 to 3653.',
            },
        );
    });

    it("reports none for other resource types, and when retention is unknown", async () => {
        assert.deepEqual(
            await runResourcePolicy(logGroupRetentionSet, createResourceValidationArgs(aws.s3.Bucket, {})),
            [],
        );
        await assertNoResourceViolations(
            logGroupRetentionSet,
            createResourceValidationArgs(aws.cloudwatch.LogGroup, { retentionInDays: UNKNOWN_STRING }),
        );
    });
});

describe("policy alarms-have-actions", () => {
    it("reports none when the alarm notifies a topic (even one whose ARN is unknown yet)", async () => {
        await assertNoResourceViolations(
            alarmsHaveActions,
            createResourceValidationArgs(aws.cloudwatch.MetricAlarm, {
                alarmActions: ["arn:aws:sns:us-east-1:111122223333:t"],
            }),
        );
        await assertNoResourceViolations(
            alarmsHaveActions,
            createResourceValidationArgs(aws.cloudwatch.MetricAlarm, { alarmActions: [UNKNOWN_STRING] }),
        );
        await assertNoResourceViolations(
            alarmsHaveActions,
            createResourceValidationArgs(aws.cloudwatch.MetricAlarm, { alarmActions: UNKNOWN_ARRAY }),
        );
    });

    it("reports a violation when the alarm has no actions", async () => {
        for (const props of [{}, { alarmActions: [] }]) {
            await assertHasResourceViolation(
                alarmsHaveActions,
                createResourceValidationArgs(
                    aws.cloudwatch.MetricAlarm,
                    { metricName: "m", ...props },
                    {},
                    { name: "quiet" },
                ),
                {
                    message:
                        'Metric alarm "quiet" tells no one: it has no alarm actions; add the alarm topic to alarmActions.',
                },
            );
        }
    });

    it("reports a violation when actions are disabled, or OK actions are required and missing", async () => {
        await assertHasResourceViolation(
            alarmsHaveActions,
            createResourceValidationArgs(aws.cloudwatch.MetricAlarm, {
                alarmActions: ["arn:aws:sns:us-east-1:111122223333:t"],
                actionsEnabled: false,
            }),
            {
                message: "its actions are disabled (actionsEnabled: false)",
            },
        );
        await assertHasResourceViolation(
            alarmsHaveActions,
            createResourceValidationArgs(
                aws.cloudwatch.MetricAlarm,
                { alarmActions: ["arn:aws:sns:us-east-1:111122223333:t"] },
                { requireOkActions: true },
            ),
            {
                message: "has no OK actions",
            },
        );
    });
});

describe("policy athena-workgroup-enforced", () => {
    const good = {
        configuration: {
            enforceWorkgroupConfiguration: true,
            bytesScannedCutoffPerQuery: 10 * 1024 ** 3,
            resultConfiguration: {
                outputLocation: "s3://b/athena-results/",
                encryptionConfiguration: { encryptionOption: "SSE_S3" },
            },
        },
    };

    it("reports none for an enforced, encrypted, capped workgroup (and when its configuration is unknown)", async () => {
        await assertNoResourceViolations(
            athenaWorkgroupEnforced,
            createResourceValidationArgs(aws.athena.Workgroup, good),
        );
        await assertNoResourceViolations(
            athenaWorkgroupEnforced,
            createResourceValidationArgs(aws.athena.Workgroup, { configuration: UNKNOWN_OBJECT }),
        );
    });

    it("reports a violation when clients may override the configuration", async () => {
        const props = { configuration: { ...good.configuration, enforceWorkgroupConfiguration: false } };
        await assertHasResourceViolation(
            athenaWorkgroupEnforced,
            createResourceValidationArgs(aws.athena.Workgroup, props, {}, { name: "wg" }),
            {
                message: 'Athena workgroup "wg": enforceWorkgroupConfiguration is false.',
            },
        );
        await assertHasResourceViolation(
            athenaWorkgroupEnforced,
            createResourceValidationArgs(aws.athena.Workgroup, {}, {}, { name: "wg" }),
            {
                message: 'Athena workgroup "wg" has no configuration',
            },
        );
    });

    it("reports a violation when results are not encrypted or queries are not capped, unless config allows it", async () => {
        const props = {
            configuration: { enforceWorkgroupConfiguration: true, resultConfiguration: { outputLocation: "s3://b/" } },
        };
        await assertHasResourceViolation(
            athenaWorkgroupEnforced,
            createResourceValidationArgs(aws.athena.Workgroup, props),
            {
                message:
                    "query results are not encrypted (resultConfiguration.encryptionConfiguration.encryptionOption is not set); no bytesScannedCutoffPerQuery",
            },
        );
        await assertNoResourceViolations(
            athenaWorkgroupEnforced,
            createResourceValidationArgs(aws.athena.Workgroup, props, {
                requireResultEncryption: false,
                requireBytesScannedCutoff: false,
            }),
        );
    });
});
