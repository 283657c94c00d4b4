/**
 * The pure parts under the policies: the stack graph (indexes, component descendants, links by
 * dependency), reading unknown values, policy documents; and that linking stays indexed at scale.
 */
import * as assert from "node:assert/strict";
import { unknownCheckingProxy } from "@pulumi/policy";
import { deniesInsecureTransport, statementsOf, wildcardGrants } from "../../policy/documents";
import { bucketNameFromArn, parseLogGroupArn, StackGraph } from "../../policy/graph";
import { flowLogsByVpc } from "../../policy/links";
import { ALL_POLICIES } from "../../policy/policies/index";
import { TYPES } from "../../policy/types";
import { read, readArray, readNumber, readString, toPlain, UNKNOWN } from "../../policy/values";
import { resolvePolicyConfig } from "../../tools/analyzer/policyConfig";
import { asPreview } from "../../tools/analyzer/policyInputs";
import { PolicyInputResource, runPolicyPack, toPolicyResources } from "../../tools/analyzer/policyRunner";
import { fleet } from "../fixtures/stacks";
import { createStackValidationArgs, StackBuilder, UNKNOWN_ARRAY, UNKNOWN_STRING } from "../helpers/policy";

describe("stack graph", () => {
    function nested() {
        const stack = new StackBuilder();
        const monitored = stack.add("vpc-flow-monitor:network:MonitoredVpc", "app", {});
        const awsx = stack.add(TYPES.AwsxVpc, "app-vpc", { vpcId: "vpc-1" }, { parent: monitored });
        const vpc = stack.add(TYPES.Vpc, "app-vpc", { id: "vpc-1" }, { parent: awsx });
        const other = stack.add(TYPES.Vpc, "other", { id: "vpc-2" });
        const flowLog = stack.add(
            TYPES.FlowLog,
            "fl",
            { vpcId: stack.ref(awsx, "vpcId"), trafficType: "ALL" },
            { dependsOn: [other] },
        );
        return { stack, monitored, awsx, vpc, other, flowLog };
    }

    it("finds resources of a type under a component, however deep (depending on a component means depending on its descendants)", () => {
        const { stack, monitored, vpc } = nested();
        const graph = StackGraph.of(createStackValidationArgs(stack).resources);
        assert.deepEqual(
            graph.inSubtree(graph.get(monitored)!, TYPES.Vpc).map((r) => r.urn),
            [vpc],
        );
    });

    it("finds what is under a component without recursion, and stops at a parent cycle instead of looping", () => {
        const resource = (name: string, type: string, parent?: string): PolicyInputResource => ({
            type,
            name,
            urn: `urn:pulumi:test::test::${type}::${name}`,
            custom: type === TYPES.Vpc,
            parent: parent && `urn:pulumi:test::test::acme:index:Nest::${parent}`,
            inputs: {},
            outputs: {},
            dependencies: [],
            propertyDependencies: {},
        });
        const depth = 20_000;
        const chain = Array.from({ length: depth }, (_, i) =>
            resource(`n${i}`, "acme:index:Nest", i === 0 ? undefined : `n${i - 1}`),
        );
        const deep = StackGraph.of(toPolicyResources([...chain, resource("vpc", TYPES.Vpc, `n${depth - 1}`)]));
        assert.deepEqual(
            deep.inSubtree(deep.get(chain[0].urn)!, TYPES.Vpc).map((r) => r.name),
            ["vpc"],
        );
        // a -> parent b -> parent a, the VPC under a: each finds the VPC once.
        const cyclic = StackGraph.of(
            toPolicyResources([
                resource("a", "acme:index:Nest", "b"),
                resource("b", "acme:index:Nest", "a"),
                resource("vpc", TYPES.Vpc, "a"),
            ]),
        );
        for (const name of ["a", "b"]) {
            assert.deepEqual(
                cyclic
                    .inSubtree(cyclic.get(`urn:pulumi:test::test::acme:index:Nest::${name}`)!, TYPES.Vpc)
                    .map((r) => r.name),
                ["vpc"],
                name,
            );
        }
    });

    it("follows the property's own dependencies first, all dependencies when it has none recorded", () => {
        const { stack, vpc, other, flowLog } = nested();
        const graph = StackGraph.of(createStackValidationArgs(stack).resources);
        const fl = graph.get(flowLog)!;
        assert.deepEqual(
            graph.dependedOn(fl, ["vpcId"], [TYPES.Vpc]).map((r) => r.urn),
            [vpc],
        );
        assert.deepEqual(
            graph
                .dependedOn(fl, ["notRecorded"], [TYPES.Vpc])
                .map((r) => r.urn)
                .sort(),
            [vpc, other].sort(),
        );
        assert.equal(graph.soleDependency(fl, ["notRecorded"], [TYPES.Vpc]), undefined, "two candidates: no link");
    });

    it("links a flow log to its VPC by value when known, through dependencies when unknown", () => {
        const { stack, vpc } = nested();
        for (const resources of [stack.resources(), asPreview(stack.resources())]) {
            const graph = StackGraph.of(createStackValidationArgs(resources).resources);
            assert.deepEqual([...flowLogsByVpc(graph).keys()], [vpc]);
        }
    });

    it("is built once per resource list", () => {
        const { resources } = createStackValidationArgs(nested().stack);
        assert.equal(StackGraph.of(resources), StackGraph.of(resources));
    });

    it("reads ARNs", () => {
        assert.deepEqual(parseLogGroupArn("arn:aws:logs:eu-west-1:123456789012:log-group:/a/b:*"), {
            region: "eu-west-1",
            name: "/a/b",
        });
        assert.deepEqual(parseLogGroupArn("arn:aws:logs:eu-west-1:123456789012:log-group:/a/b"), {
            region: "eu-west-1",
            name: "/a/b",
        });
        assert.equal(parseLogGroupArn("arn:aws:s3:::bucket"), undefined);
        assert.equal(bucketNameFromArn("arn:aws:s3:::lake-1/vpc-flow-logs/"), "lake-1");
        assert.equal(bucketNameFromArn("arn:aws-us-gov:s3:::lake-1"), "lake-1");
        assert.equal(bucketNameFromArn("arn:aws:logs:us-east-1:1:log-group:x"), undefined);
    });
});

describe("reading values that may be unknown", () => {
    const props = unknownCheckingProxy({
        a: UNKNOWN_STRING,
        b: { c: 5, d: [1, UNKNOWN_STRING] },
        e: UNKNOWN_ARRAY,
        n: "60",
    });

    it("answers UNKNOWN where the proxy would throw", () => {
        assert.throws(() => props.a);
        assert.equal(read(props, "a"), UNKNOWN);
        assert.equal(readString(props, "a"), UNKNOWN);
        assert.equal(readNumber(props, "b", "c"), 5);
        assert.equal(readNumber(props, "n"), 60);
        assert.deepEqual(readArray(props, "b", "d"), [1, UNKNOWN]);
        assert.equal(readArray(props, "e"), UNKNOWN);
        assert.equal(read(props, "missing", "deeper"), undefined);
        assert.deepEqual(toPlain(props), { a: UNKNOWN, b: { c: 5, d: [1, UNKNOWN] }, e: UNKNOWN, n: "60" });
    });
});

describe("policy documents", () => {
    const tlsOnly = {
        Statement: [
            { Effect: "Deny", Principal: "*", Action: "s3:*", Condition: { Bool: { "aws:SecureTransport": "false" } } },
        ],
    };

    it("reads a document from JSON text or an object, and says when it cannot", () => {
        assert.equal((statementsOf(JSON.stringify(tlsOnly)) as unknown[]).length, 1);
        assert.equal((statementsOf(tlsOnly) as unknown[]).length, 1);
        assert.equal(statementsOf(UNKNOWN_STRING), UNKNOWN);
        assert.equal(statementsOf({ Statement: [{ Effect: "Allow", Action: UNKNOWN_STRING }] }), UNKNOWN);
        assert.match(String(statementsOf("{nope")), /not valid JSON/);
    });

    it("recognises the TLS-only statement in its spellings, and nothing weaker", () => {
        assert.ok(deniesInsecureTransport(statementsOf(tlsOnly) as never));
        const spelled = {
            Statement: {
                Effect: "Deny",
                Principal: { AWS: ["*"] },
                Action: ["*"],
                Condition: { BoolIfExists: { "aws:securetransport": false } },
            },
        };
        assert.ok(deniesInsecureTransport(statementsOf(spelled) as never));
        const narrow = { Statement: [{ ...tlsOnly.Statement[0], Action: "s3:GetObject" }] };
        const someone = { Statement: [{ ...tlsOnly.Statement[0], Principal: { AWS: "arn:aws:iam::1:root" } }] };
        const allow = { Statement: [{ ...tlsOnly.Statement[0], Effect: "Allow" }] };
        for (const doc of [narrow, someone, allow])
            assert.equal(deniesInsecureTransport(statementsOf(doc) as never), false, JSON.stringify(doc));
    });

    it("lists wildcard grants of Allow statements only", () => {
        const doc = {
            Statement: [
                { Effect: "Allow", Action: ["logs:PutLogEvents", "logs:*"] },
                { Effect: "Deny", Action: "*" },
                { Effect: "Allow", NotAction: "iam:*" },
            ],
        };
        assert.deepEqual(wildcardGrants(statementsOf(doc) as never), ["logs:*", "NotAction iam:*"]);
        assert.deepEqual(wildcardGrants(statementsOf(doc) as never, ["logs:*"]), ["NotAction iam:*"]);
    });
});

describe("policies at scale", function () {
    this.timeout(30_000);

    it("checks 2,000 VPCs, one missing its alarm, in linear time (indexes, no scan per VPC)", async () => {
        const { stack, vpcs } = fleet(2000, { awsx: true });
        stack.remove(vpcs[1234].alarm!);
        const resources = stack.resources();
        const pack = { name: "vpc-flow-monitor", version: "0.0.0", policies: ALL_POLICIES };
        const config = resolvePolicyConfig(ALL_POLICIES);
        for (const view of [resources, asPreview(resources)]) {
            const started = process.hrtime.bigint();
            const run = await runPolicyPack(view, pack, { config });
            const seconds = Number(process.hrtime.bigint() - started) / 1e9;
            assert.deepEqual(
                run.violations.map((v) => `${v.policy} ${v.urn}`),
                [`vpc-reject-alarm-required ${vpcs[1234].vpc}`],
            );
            // ~36,000 resources; a scan per VPC would be ~70 million steps per link.
            assert.ok(seconds < 4, `took ${seconds.toFixed(2)} s`);
        }
    });
});
