/**
 * The pack as a whole: its metadata and files, the type tokens it relies on, and the proof that
 * the offline runner (tools/analyzer/policyRunner.ts) says what the real @pulumi/policy analyzer server says:
 * policy/index.ts is started as `pulumi preview --policy-pack` starts it (a process that prints its
 * gRPC port), and this test plays the engine, sending AnalyzeStack / Analyze requests built from
 * offline plans, in both the `up` and the `preview` views.
 */
import * as assert from "node:assert/strict";
import { ChildProcess, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import * as aws from "@pulumi/aws";
import * as awsx from "@pulumi/awsx";
import { EnforcementLevel } from "@pulumi/policy";
import * as YAML from "yaml";
import { z } from "zod";
import { ALL_POLICIES, PACK_NAME } from "../../policy/policies/index";
import { TYPES } from "../../policy/types";
import { Plan } from "../../tools/plan/offlinePlan";
import { PolicyConfig } from "../../tools/analyzer/policyConfig";
import { asPreview, fromPlan } from "../../tools/analyzer/policyInputs";
import { loadPolicyConfig, PACK } from "../../tools/analyzer/policyPack";
import { PolicyInputResource, runPolicyPack, toPolicyResources, Violation } from "../../tools/analyzer/policyRunner";
import { planOf } from "../helpers/plan";
import { withoutAlarmsOf } from "../helpers/policy";

/* eslint-disable @typescript-eslint/no-require-imports */
const grpc = require("@grpc/grpc-js");
const analyzerpb = require("@pulumi/pulumi/proto/analyzer_pb");
const analyzerrpc = require("@pulumi/pulumi/proto/analyzer_grpc_pb");
const { Struct } = require("google-protobuf/google/protobuf/struct_pb");
const { Empty } = require("google-protobuf/google/protobuf/empty_pb");
/* eslint-enable @typescript-eslint/no-require-imports */

const POLICY_DIR = path.resolve(__dirname, "../../policy");

describe("policy pack", () => {
    it("declares every policy with a kebab-case name, a one-sentence description and a config schema", () => {
        const names = ALL_POLICIES.map((p) => p.name);
        assert.equal(new Set(names).size, names.length, "names are unique");
        for (const policy of ALL_POLICIES) {
            assert.match(policy.name, /^[a-z0-9]+(-[a-z0-9]+)*$/);
            assert.notEqual(policy.name, "all", '"all" is reserved');
            assert.match(policy.description, /^[A-Z].*\.$/, `${policy.name}: description`);
            assert.ok(policy.configSchema, `${policy.name}: configSchema`);
            assert.ok(
                !("enforcementLevel" in policy.configSchema.properties),
                `${policy.name}: enforcementLevel is not a config property`,
            );
            // Every default must pass its own schema.
            const defaults = Object.fromEntries(
                Object.entries(policy.configSchema.properties).map(([k, v]) => [
                    k,
                    (v as { default?: unknown }).default,
                ]),
            );
            const schema = z.fromJSONSchema({ type: "object", properties: policy.configSchema.properties } as never);
            assert.ok(schema.safeParse(defaults).success, `${policy.name}: defaults ${JSON.stringify(defaults)}`);
        }
    });

    it("makes the VPC rules and the security rules mandatory, the cost and operations rules advisory", () => {
        const levels = Object.fromEntries(ALL_POLICIES.map((p) => [p.name, p.enforcementLevel]));
        assert.deepEqual(levels, {
            "vpc-flow-logs-required": "mandatory",
            "vpc-reject-alarm-required": "mandatory",
            "vpc-reject-alarm-verifiable": "advisory",
            "flow-log-bucket-secure": "mandatory",
            "log-group-retention-set": "advisory",
            "alarms-have-actions": "advisory",
            "alarm-flow-log-aggregation": "advisory",
            "athena-workgroup-enforced": "mandatory",
            "flow-log-role-no-wildcard-actions": "mandatory",
        });
    });

    it("looks for the type tokens the resource classes carry", () => {
        const classes: Record<keyof typeof TYPES, unknown> = {
            Vpc: aws.ec2.Vpc,
            DefaultVpc: aws.ec2.DefaultVpc,
            FlowLog: aws.ec2.FlowLog,
            LogGroup: aws.cloudwatch.LogGroup,
            LogMetricFilter: aws.cloudwatch.LogMetricFilter,
            MetricAlarm: aws.cloudwatch.MetricAlarm,
            Bucket: aws.s3.Bucket,
            BucketV2: aws.s3.BucketV2,
            BucketPublicAccessBlock: aws.s3.BucketPublicAccessBlock,
            AccountPublicAccessBlock: aws.s3.AccountPublicAccessBlock,
            BucketServerSideEncryption: aws.s3.BucketServerSideEncryptionConfiguration,
            BucketServerSideEncryptionV2: aws.s3.BucketServerSideEncryptionConfigurationV2,
            BucketPolicy: aws.s3.BucketPolicy,
            Role: aws.iam.Role,
            RolePolicy: aws.iam.RolePolicy,
            RolePolicyAttachment: aws.iam.RolePolicyAttachment,
            PolicyAttachment: aws.iam.PolicyAttachment,
            IamPolicy: aws.iam.Policy,
            AthenaWorkgroup: aws.athena.Workgroup,
            AwsxVpc: awsx.ec2.Vpc,
        };
        for (const [key, cls] of Object.entries(classes)) {
            assert.equal(TYPES[key as keyof typeof TYPES], (cls as { __pulumiType: string }).__pulumiType, key);
        }
    });

    it("has the files `pulumi preview --policy-pack ./policy` needs, and is a workspace of the root package", () => {
        const yaml = YAML.parse(fs.readFileSync(path.join(POLICY_DIR, "PulumiPolicy.yaml"), "utf8"));
        assert.equal(yaml.runtime, "nodejs");
        const pkg = JSON.parse(fs.readFileSync(path.join(POLICY_DIR, "package.json"), "utf8"));
        assert.match(pkg.version, /^\d+\.\d+\.\d+$/);
        assert.equal(pkg.main, "index.ts");
        for (const dep of ["@pulumi/policy", "@pulumi/pulumi", "@pulumi/aws"]) assert.ok(pkg.dependencies[dep], dep);
        const root = JSON.parse(fs.readFileSync(path.join(POLICY_DIR, "..", "package.json"), "utf8"));
        assert.ok(root.workspaces.includes("policy"), "root npm ci installs the pack's dependencies");
        assert.equal(PACK.version, pkg.version);
        assert.equal(PACK.name, PACK_NAME);
    });

    it("runs in CI twice: offline with no secrets, and as `pulumi preview --policy-pack` through the Pulumi action", () => {
        const workflow = YAML.parse(
            fs.readFileSync(path.join(POLICY_DIR, "..", ".github", "workflows", "policy.yml"), "utf8"),
        );
        const offline = workflow.jobs["offline-check"];
        const text = (job: unknown) => JSON.stringify(job);
        assert.ok(!text(offline).includes("secrets."), "the offline job needs no secrets");
        assert.ok(offline.steps.some((s: any) => s.run === "npm run check -- --stack ${{ matrix.stack }}"));
        assert.equal(offline.strategy.matrix.stack, "${{ fromJSON(needs.stacks.outputs.stacks) }}");
        const preview = workflow.jobs.preview;
        assert.equal(preview.if, "needs.stacks.outputs.preview == 'true'");
        const action = preview.steps.find((s: any) => s.uses === "pulumi/actions@v7");
        assert.equal(action.with.command, "preview");
        assert.equal(action.with.policyPacks, "policy");
        assert.equal(action.env.PULUMI_ACCESS_TOKEN, "${{ secrets.PULUMI_ACCESS_TOKEN }}");
        assert.ok(preview.steps.some((s: any) => s.uses === "aws-actions/configure-aws-credentials@v4"));
        assert.equal(preview.permissions["id-token"], "write");
    });

    describe("evaluated by the real analyzer server, compared with the offline runner", function () {
        this.timeout(60_000);
        let server: ChildProcess | undefined;
        let client: any;
        let config: PolicyConfig;
        let dev: Plan;
        let fleet: Plan;

        before(async () => {
            config = loadPolicyConfig();
            [dev, fleet] = [await planOf(devConfig(), "dev"), await planOf(fleetConfig(), "fleet")];
            const started = await startPack();
            server = started.child;
            client = new analyzerrpc.AnalyzerClient(`127.0.0.1:${started.port}`, grpc.credentials.createInsecure());
            await call(client, "configure", configureRequest(config));
        });

        after(() => {
            client?.close();
            server?.kill();
        });

        it("serves the pack under its name and version, with every policy and its config schema", async () => {
            const info = await call(client, "getAnalyzerInfo", new Empty());
            assert.equal(info.getName(), PACK.name);
            assert.equal(info.getVersion(), PACK.version);
            assert.deepEqual(
                info.getPoliciesList().map((p: any) => p.getName()),
                ALL_POLICIES.map((p) => p.name),
            );
        });

        // Each case: the resources, and the policies expected to report (the comparison must not be vacuous).
        const cases: [string, () => PolicyInputResource[], string[]][] = [
            ["the dev plan", () => fromPlan(dev), []],
            ["the dev plan as a preview sees it", () => asPreview(fromPlan(dev)), []],
            [
                "the fleet with one VPC's alarms removed",
                () => fromPlan(withoutAlarmsOf(fleet, "web")),
                ["vpc-reject-alarm-required"],
            ],
            [
                "the fleet with one VPC's alarms removed, as a preview sees it",
                () => asPreview(fromPlan(withoutAlarmsOf(fleet, "web"))),
                ["vpc-reject-alarm-required"],
            ],
            [
                "the fleet with a log group that never expires and a role with logs:*",
                () => fromPlan(weakened(fleet)),
                ["log-group-retention-set", "flow-log-role-no-wildcard-actions"],
            ],
        ];
        for (const [name, resourcesOf, expected] of cases) {
            it(`reports what the offline runner reports for ${name}`, async () => {
                const resources = resourcesOf();
                const offline = await runPolicyPack(resources, PACK, { config });
                const served = [...(await analyzeStack(client, resources)), ...(await analyzeEach(client, resources))];
                assert.deepEqual(normalise(served), normalise(offline.violations));
                assert.deepEqual([...new Set(offline.violations.map((v) => v.policy))], expected);
                if (name.includes("removed"))
                    assert.ok(offline.violations.every((v) => v.message.includes('"web-vpc"')));
            });
        }
    });
});

// ---------------------------------------------------------------------------------------------
// playing the engine
// ---------------------------------------------------------------------------------------------

function devConfig() {
    return YAML.parse(fs.readFileSync(path.join(POLICY_DIR, "..", "Pulumi.dev.yaml"), "utf8")).config;
}

function fleetConfig() {
    return YAML.parse(fs.readFileSync(path.join(__dirname, "..", "fixtures", "Pulumi.fleet.yaml"), "utf8")).config;
}

/** The fleet with a log group whose retention is unset and a delivery role allowed logs:*. */
function weakened(plan: Plan): Plan {
    return {
        ...plan,
        resources: plan.resources.map((r) => {
            if (r.name === "data-alarmLogGroup")
                return {
                    ...r,
                    inputs: { ...r.inputs, retentionInDays: 0 },
                    outputs: { ...r.outputs, retentionInDays: 0 },
                };
            if (r.name === "edge-deliveryPolicy") {
                const policy = JSON.stringify({
                    Version: "2012-10-17",
                    Statement: [{ Effect: "Allow", Action: "logs:*", Resource: "*" }],
                });
                return { ...r, inputs: { ...r.inputs, policy }, outputs: { ...r.outputs, policy } };
            }
            return r;
        }),
    };
}

/** Starts policy/index.ts the way the Pulumi CLI's policy host does: the working directory is the pack. */
function startPack(): Promise<{ child: ChildProcess; port: number }> {
    return new Promise((resolve, reject) => {
        const child = spawn(process.execPath, ["-r", "ts-node/register/transpile-only", "index.ts"], {
            cwd: POLICY_DIR,
            stdio: ["ignore", "pipe", "pipe"],
        });
        let out = "";
        let err = "";
        const timer = setTimeout(() => reject(new Error(`the pack printed no port in 30 s; stderr: ${err}`)), 30_000);
        child.stdout!.on("data", (chunk) => {
            out += chunk;
            const match = /^(\d+)\s*$/m.exec(out);
            if (match) {
                clearTimeout(timer);
                resolve({ child, port: Number(match[1]) });
            }
        });
        child.stderr!.on("data", (chunk) => (err += chunk));
        child.on("exit", (code) => {
            clearTimeout(timer);
            reject(new Error(`the pack exited with ${code}: ${err}`));
        });
    });
}

function call(client: any, method: string, request: unknown): Promise<any> {
    return new Promise((resolve, reject) =>
        client[method](request, (err: unknown, response: unknown) => (err ? reject(err) : resolve(response))),
    );
}

const LEVELS: Record<string, number> = { advisory: 0, mandatory: 1, disabled: 2, remediate: 3 };

function configureRequest(config: PolicyConfig) {
    const request = new analyzerpb.ConfigureAnalyzerRequest();
    const map = request.getPolicyconfigMap();
    for (const [name, { enforcementLevel, ...properties }] of Object.entries(config)) {
        const entry = new analyzerpb.PolicyConfig();
        const policy = ALL_POLICIES.find((p) => p.name === name)!;
        entry.setEnforcementlevel(
            LEVELS[(enforcementLevel ?? policy.enforcementLevel ?? "advisory") as EnforcementLevel],
        );
        entry.setProperties(Struct.fromJavaScript(properties));
        map.set(name, entry);
    }
    return request;
}

function struct(value: Record<string, unknown>) {
    return Struct.fromJavaScript(JSON.parse(JSON.stringify(value)));
}

function options(r: PolicyInputResource) {
    const opts = new analyzerpb.AnalyzerResourceOptions();
    opts.setProtect(r.protect ?? false);
    if (r.parent) opts.setParent(r.parent);
    return opts;
}

function provider(r: PolicyInputResource, byUrn: Map<string, PolicyInputResource>) {
    const p = r.provider ? byUrn.get(r.provider) : undefined;
    if (!p) return undefined;
    const message = new analyzerpb.AnalyzerProviderResource();
    message.setType(p.type);
    message.setUrn(p.urn);
    message.setName(p.name);
    message.setProperties(struct(p.inputs));
    return message;
}

/** AnalyzeStack: every resource with its outputs (the engine's `news`), parent and dependencies. */
async function analyzeStack(client: any, resources: PolicyInputResource[]): Promise<Violation[]> {
    const byUrn = new Map(resources.map((r) => [r.urn, r]));
    const views = toPolicyResources(resources);
    const request = new analyzerpb.AnalyzeStackRequest();
    request.setResourcesList(
        resources.map((r, i) => {
            const message = new analyzerpb.AnalyzerResource();
            message.setType(r.type);
            message.setUrn(r.urn);
            message.setName(r.name);
            // The same props the offline runner gives stack policies (outputs plus the id).
            const props =
                r.custom && r.id !== undefined && !("id" in r.outputs) ? { ...r.outputs, id: r.id } : r.outputs;
            assert.ok(views[i].urn === r.urn);
            message.setProperties(struct(props));
            message.setOptions(options(r));
            const p = provider(r, byUrn);
            if (p) message.setProvider(p);
            if (r.parent) message.setParent(r.parent);
            message.setDependenciesList([...r.dependencies]);
            const map = message.getPropertydependenciesMap();
            for (const [key, urns] of Object.entries(r.propertyDependencies)) {
                const deps = new analyzerpb.AnalyzerPropertyDependencies();
                deps.setUrnsList([...urns]);
                map.set(key, deps);
            }
            return message;
        }),
    );
    return diagnostics(await call(client, "analyzeStack", request));
}

/** Analyze: one request per registered resource, with its inputs. */
async function analyzeEach(client: any, resources: PolicyInputResource[]): Promise<Violation[]> {
    const byUrn = new Map(resources.map((r) => [r.urn, r]));
    const out: Violation[] = [];
    for (const r of resources) {
        if (r.read) continue;
        const request = new analyzerpb.AnalyzeRequest();
        request.setType(r.type);
        request.setUrn(r.urn);
        request.setName(r.name);
        request.setProperties(struct(r.inputs));
        request.setOptions(options(r));
        const p = provider(r, byUrn);
        if (p) request.setProvider(p);
        out.push(...diagnostics(await call(client, "analyze", request)).map((v) => ({ ...v, urn: v.urn ?? r.urn })));
    }
    return out;
}

function diagnostics(response: any): Violation[] {
    return response.getDiagnosticsList().map((d: any) => ({
        policy: d.getPolicyname(),
        enforcementLevel: d.getEnforcementlevel() === 1 ? "mandatory" : "advisory",
        urn: d.getUrn() || undefined,
        // The server prints the policy's description above the policy's message.
        message: d.getMessage().startsWith(`${d.getDescription()}\n`)
            ? d.getMessage().slice(d.getDescription().length + 1)
            : d.getMessage(),
    }));
}

function normalise(violations: readonly Violation[]): string[] {
    return violations.map((v) => `${v.policy} | ${v.enforcementLevel} | ${v.urn ?? ""} | ${v.message}`).sort();
}
