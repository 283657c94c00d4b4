/**
 * The offline runner (tools/analyzer/policyRunner.ts) keeps the analyzer server's semantics, and the
 * policy config (tools/analyzer/policyConfig.ts) is resolved and validated as the CLI would.
 */
import * as assert from "node:assert/strict";
import * as aws from "@pulumi/aws";
import { ResourceValidationPolicy, StackValidationPolicy, validateResourceOfType } from "@pulumi/policy";
import { ALL_POLICIES } from "../../policy/policies/index";
import { PolicyConfigError, resolvePolicyConfig } from "../../tools/analyzer/policyConfig";
import { PolicyError, PolicyInputResource, PolicyPackSpec, runPolicyPack } from "../../tools/analyzer/policyRunner";
import { StackBuilder, UNKNOWN_STRING } from "../helpers/policy";

function pack(
    policies: PolicyPackSpec["policies"],
    enforcementLevel?: PolicyPackSpec["enforcementLevel"],
): PolicyPackSpec {
    return { name: "test-pack", version: "1.2.3", policies, enforcementLevel };
}

/** A provider, a bucket (custom, with an id), a component and a `get` VPC. */
function resources(): PolicyInputResource[] {
    const stack = new StackBuilder();
    const provider = stack.add("pulumi:providers:aws", "east", { region: "us-east-1" }, { id: "p1" });
    const component = stack.add("acme:lake:Lake", "lake", {});
    stack.add(
        aws.s3.Bucket,
        "bucket",
        { bucket: "b-1", arn: "arn:aws:s3:::b-1" },
        { parent: component, provider, id: "b-1" },
    );
    stack.add(aws.ec2.Vpc, "shared", { cidrBlock: "10.0.0.0/16" }, { provider, read: true, id: "vpc-1" });
    return stack.resources().map((r) =>
        r.name === "bucket"
            ? {
                  ...r,
                  inputs: { bucket: "b-1", forceDestroy: false },
                  dependencies: [...r.dependencies, "urn:pulumi:test::test::gone::x"],
              }
            : r,
    );
}

const everyResource = (
    name: string,
    seen: unknown[],
    level?: ResourceValidationPolicy["enforcementLevel"],
): ResourceValidationPolicy => ({
    name,
    description: "Sees every resource.",
    enforcementLevel: level,
    validateResource: (args, report) => {
        seen.push({
            type: args.type,
            name: args.name,
            props: { ...args.props },
            provider: args.provider && { name: args.provider.name, region: args.provider.props.region },
            parent: args.opts.parent,
        });
        report(`saw ${args.name}`);
    },
});

const stackSnapshot = (name: string, seen: unknown[]): StackValidationPolicy => ({
    name,
    description: "Sees the stack.",
    enforcementLevel: "advisory",
    validateStack: (args, report) => {
        for (const r of args.resources) {
            seen.push({
                name: r.name,
                props: { ...r.props },
                parent: r.parent?.name,
                deps: r.dependencies.map((d) => d.name),
                provider: r.provider?.name,
            });
        }
        report("stack seen");
    },
});

describe("policy runner", () => {
    it("gives resource policies the INPUTS and the provider, never a resource read with `get`", async () => {
        const seen: any[] = [];
        await runPolicyPack(resources(), pack([everyResource("every", seen)]));
        assert.deepEqual(
            seen.map((s) => s.name),
            ["east", "lake", "bucket"],
        );
        assert.deepEqual(seen[2], {
            type: "aws:s3/bucket:Bucket",
            name: "bucket",
            props: { bucket: "b-1", forceDestroy: false },
            provider: { name: "east", region: "us-east-1" },
            parent: seen[2].parent,
        });
        assert.match(seen[2].parent, /acme:lake:Lake::lake$/);
    });

    it("gives stack policies the OUTPUTS plus the id, with parent, dependencies (dangling ones dropped) and provider linked", async () => {
        const seen: any[] = [];
        await runPolicyPack(resources(), pack([stackSnapshot("stack", seen)]));
        const bucket = seen.find((s) => s.name === "bucket");
        assert.deepEqual(bucket, {
            name: "bucket",
            props: { bucket: "b-1", arn: "arn:aws:s3:::b-1", id: "b-1" },
            parent: "lake",
            deps: [],
            provider: "east",
        });
        assert.deepEqual(seen.find((s) => s.name === "shared").props, { cidrBlock: "10.0.0.0/16", id: "vpc-1" });
        assert.deepEqual(seen.find((s) => s.name === "lake").props, {});
    });

    it("resolves levels as the server does: config, else the policy's, else the pack's; disabled policies do not run", async () => {
        const seen: unknown[] = [];
        const policies = [
            everyResource("own-level", seen, "mandatory"),
            everyResource("pack-level", seen),
            stackSnapshot("off", seen),
        ];
        const config = resolvePolicyConfig(policies, {
            off: "disabled",
            "own-level": { enforcementLevel: "advisory" },
        });
        const run = await runPolicyPack(resources(), pack(policies, "mandatory"), { config });
        assert.deepEqual(run.policies, [
            { name: "own-level", enforcementLevel: "advisory" },
            { name: "pack-level", enforcementLevel: "mandatory" },
        ]);
        assert.deepEqual(
            [...new Set(run.violations.map((v) => `${v.policy}:${v.enforcementLevel}`))],
            ["own-level:advisory", "pack-level:mandatory"],
        );
    });

    it("reports remediate as mandatory; a resource policy's remediation runs before its validation", async () => {
        const remediated: ResourceValidationPolicy = {
            name: "force-destroy-off",
            description: "Buckets keep their objects.",
            enforcementLevel: "remediate",
            remediateResource: (args) =>
                args.type === "aws:s3/bucket:Bucket" ? { ...args.props, forceDestroy: "remediated" } : undefined,
            validateResource: validateResourceOfType(aws.s3.Bucket, (bucket, _args, report) => {
                if ((bucket.forceDestroy as unknown) !== "remediated") report("not remediated");
            }),
        };
        const stackLevel: StackValidationPolicy = {
            name: "stack",
            description: "Always.",
            enforcementLevel: "remediate",
            validateStack: (_a, report) => report("always"),
        };
        const run = await runPolicyPack(resources(), pack([remediated, stackLevel]));
        assert.deepEqual(run.violations, [
            { policy: "stack", enforcementLevel: "mandatory", urn: undefined, message: "always" },
        ]);
    });

    it("turns an unknown value read by a policy into one advisory note, worded like the server (or for a secret)", async () => {
        const reads: ResourceValidationPolicy = {
            name: "reads-bucket",
            description: "Reads the bucket name.",
            enforcementLevel: "mandatory",
            validateResource: validateResourceOfType(aws.s3.Bucket, (bucket, _args, report) =>
                report(`bucket ${bucket.bucket}`),
            ),
        };
        const unknown = resources().map((r) =>
            r.name === "bucket" ? { ...r, inputs: { bucket: UNKNOWN_STRING } } : r,
        );
        const run = await runPolicyPack(unknown, pack([reads]));
        assert.deepEqual(run.violations, [
            {
                policy: "reads-bucket",
                enforcementLevel: "advisory",
                urn: unknown[2].urn,
                message:
                    "can't run policy 'reads-bucket' from policy pack 'test-pack@v1.2.3' during preview: string value at .bucket can't be known during preview",
            },
        ]);
        const secret = await runPolicyPack(unknown, pack([reads]), { unknownsAre: "secrets" });
        assert.equal(
            secret.violations[0].message,
            "can't run policy 'reads-bucket' from policy pack 'test-pack@v1.2.3': the value at .bucket is an encrypted secret in this export (export with --show-secrets to check it)",
        );
    });

    it("does not call a type-tagged validation for other types, and treats notApplicable() as no verdict", async () => {
        let calls = 0;
        const tagged: ResourceValidationPolicy = {
            name: "tagged",
            description: "Only VPCs.",
            validateResource: validateResourceOfType(aws.ec2.Vpc, () => {
                calls++;
            }),
        };
        const notApplicable: StackValidationPolicy = {
            name: "na",
            description: "Never applies.",
            validateStack: (args) => args.notApplicable("no"),
        };
        const run = await runPolicyPack(resources(), pack([tagged, notApplicable]));
        assert.equal(calls, 0, "the only VPC is read with get, and resource policies skip reads");
        assert.deepEqual(run.violations, []);
    });

    it("fails with the policy and resource named when a policy throws", async () => {
        const broken: ResourceValidationPolicy = {
            name: "broken",
            description: "Throws.",
            validateResource: validateResourceOfType(aws.s3.Bucket, () => {
                throw new TypeError("boom");
            }),
        };
        await assert.rejects(
            runPolicyPack(resources(), pack([broken])),
            (err: Error) =>
                err instanceof PolicyError &&
                /^policy 'broken' failed on urn:pulumi:test::test::acme:lake:Lake\$aws:s3\/bucket:Bucket::bucket: TypeError: boom/.test(
                    err.message,
                ),
        );
    });
});

describe("policy config", () => {
    it("starts from every policy's schema defaults", () => {
        const config = resolvePolicyConfig(ALL_POLICIES);
        assert.equal(config["vpc-flow-logs-required"].enforcementLevel, undefined);
        assert.deepEqual(config["vpc-flow-logs-required"], { trafficTypes: ["REJECT", "ALL"], exemptVpcs: [] });
        assert.deepEqual(config["log-group-retention-set"], { minRetentionDays: 1, maxRetentionDays: 3653 });
    });

    it("applies `all`, then each policy's own entry (a level, or an object with a level and settings)", () => {
        const config = resolvePolicyConfig(ALL_POLICIES, {
            "log-group-retention-set": { enforcementLevel: "mandatory", minRetentionDays: 30 },
            all: "advisory",
            "athena-workgroup-enforced": "disabled",
        });
        assert.equal(config["vpc-reject-alarm-required"].enforcementLevel, "advisory");
        assert.equal(config["athena-workgroup-enforced"].enforcementLevel, "disabled");
        assert.deepEqual(config["log-group-retention-set"], {
            minRetentionDays: 30,
            maxRetentionDays: 3653,
            enforcementLevel: "mandatory",
        });
    });

    it("reports every problem at once, each with its path", () => {
        assert.throws(
            () =>
                resolvePolicyConfig(
                    ALL_POLICIES,
                    {
                        all: "strict",
                        "no-such-policy": "advisory",
                        "vpc-flow-logs-required": { trafficTypes: ["SOME"], exemptVpc: ["x"] },
                        "log-group-retention-set": { enforcementLevel: "loud", minRetentionDays: 0 },
                        "alarms-have-actions": 3,
                        environments: ["acme/policy"],
                    },
                    "policy-config.json",
                ),
            (err: Error) => {
                assert.ok(err instanceof PolicyConfigError);
                assert.equal(
                    err.message,
                    [
                        "Invalid policy config in policy-config.json: 8 problems",
                        '  - all: not an enforcement level; given "strict", allowed: advisory, mandatory, remediate, disabled',
                        "  - no-such-policy: no policy of that name in the pack; policies: vpc-flow-logs-required, vpc-reject-alarm-required, vpc-reject-alarm-verifiable, flow-log-bucket-secure, log-group-retention-set, alarms-have-actions, alarm-flow-log-aggregation, athena-workgroup-enforced, flow-log-role-no-wildcard-actions",
                        '  - vpc-flow-logs-required.trafficTypes[0]: Invalid option: expected one of "ALL"|"REJECT"|"ACCEPT"',
                        "  - vpc-flow-logs-required.exemptVpc: not a setting of this policy; settings: trafficTypes, exemptVpcs",
                        '  - log-group-retention-set.enforcementLevel: not an enforcement level; given "loud", allowed: advisory, mandatory, remediate, disabled',
                        "  - log-group-retention-set.minRetentionDays: Too small: expected number to be >=1",
                        "  - alarms-have-actions: expected an enforcement level (advisory, mandatory, remediate, disabled) or an object; given 3",
                        "  - environments: Pulumi ESC environments cannot be opened offline; put the values in this file",
                    ].join("\n"),
                );
                return true;
            },
        );
    });

    it("refuses a config that is not a JSON object", () => {
        assert.throws(() => resolvePolicyConfig(ALL_POLICIES, ["all"], "p.json"), {
            message:
                'Invalid policy config in p.json: 1 problem\n  - (top level): expected a JSON object keyed by policy name (or "all")',
        });
    });
});
