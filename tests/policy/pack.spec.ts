/**
 * The pack as a whole: its metadata and files, the type tokens it relies on, and the proof that
 * the offline runner (tools/analyzer/policyRunner.ts) says what the real @pulumi/policy analyzer
 * server says. Two packs are started as the Pulumi CLI's policy host starts them (a process that
 * prints its gRPC port; tests/helpers/packHost.ts): the sources in policy/, as
 * `pulumi preview --policy-pack ./policy` runs them, and the staged pack (`npm run policy:stage`)
 * as a machine that enforces the published pack installs it, outside the repository. This test
 * plays the engine, sending AnalyzeStack / Analyze requests built from offline plans, in both the
 * `up` and the `preview` views.
 */
import * as assert from "node:assert/strict";
import { ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
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
import { stagePack } from "../../tools/pack/stagePack";
import { PolicyInputResource, runPolicyPack, toPolicyResources, Violation } from "../../tools/analyzer/policyRunner";
import { installStagedPack, InstalledPack, startPackAsTheCli, StartedPack } from "../helpers/packHost";
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

    it("has the files `pulumi preview --policy-pack ./policy` needs, and depends on registry packages only, pinned", () => {
        const yaml = YAML.parse(fs.readFileSync(path.join(POLICY_DIR, "PulumiPolicy.yaml"), "utf8"));
        assert.equal(yaml.runtime, "nodejs");
        const pkg = JSON.parse(fs.readFileSync(path.join(POLICY_DIR, "package.json"), "utf8"));
        assert.match(pkg.version, /^\d+\.\d+\.\d+$/);
        assert.equal(pkg.main, "index.ts");
        assert.equal(PACK.version, pkg.version);
        assert.equal(PACK.name, PACK_NAME);
        // Only registry packages, at exact versions: no workspace, file:, link: or git dependency,
        // and none on the kernel (which the staged pack inlines and the published pack cannot install).
        assert.deepEqual(
            Object.keys(pkg).filter((k) => /dependencies$/i.test(k)),
            ["dependencies"],
        );
        assert.deepEqual(Object.keys(pkg.dependencies).sort(), ["@pulumi/aws", "@pulumi/policy", "@pulumi/pulumi"]);
        const root = JSON.parse(fs.readFileSync(path.join(POLICY_DIR, "..", "package.json"), "utf8"));
        const workspaceNames = root.workspaces.map(
            (w: string) => JSON.parse(fs.readFileSync(path.join(POLICY_DIR, "..", w, "package.json"), "utf8")).name,
        );
        for (const [name, version] of Object.entries<string>(pkg.dependencies)) {
            assert.match(version, /^\d+\.\d+\.\d+$/, `${name}: an exact registry version`);
            assert.ok(!workspaceNames.includes(name), `${name} is a workspace package`);
            // The root pins the same versions, so `npm ci` installs one copy that both use.
            const rootVersion = root.dependencies[name] ?? root.devDependencies[name];
            assert.equal(rootVersion, version, `${name}: the root pins ${rootVersion}`);
        }
    });

    it("is installed by the root `npm ci`: the pack and the kernel are workspaces, the kernel linked by package name", () => {
        const root = JSON.parse(fs.readFileSync(path.join(POLICY_DIR, "..", "package.json"), "utf8"));
        assert.deepEqual([...root.workspaces].sort(), ["flowlogs", "policy"]);
        const kernel = JSON.parse(fs.readFileSync(path.join(POLICY_DIR, "..", "flowlogs", "package.json"), "utf8"));
        assert.equal(kernel.name, "@vpc-flow-monitor/flowlogs");
        assert.equal(kernel.private, true, "never published to the npm registry");
        assert.deepEqual(kernel.dependencies, { "ipaddr.js": "2.5.0" }, "one registry dependency, pinned");
        // Resolved from policy/ the way Node and ts-node resolve it: to the kernel's own files.
        assert.equal(
            fs.realpathSync(require.resolve("@vpc-flow-monitor/flowlogs", { paths: [POLICY_DIR] })),
            path.join(POLICY_DIR, "..", "flowlogs", "index.ts"),
        );
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

    servedLikeTheOfflineRunner(
        "the pack's sources, started as `pulumi preview --policy-pack ./policy` starts them",
        () => startPackAsTheCli(POLICY_DIR),
    );

    let staged: string | undefined;
    let installed: InstalledPack | undefined;
    servedLikeTheOfflineRunner(
        "the staged pack, published and installed outside the repository",
        async () => {
            staged = fs.mkdtempSync(path.join(os.tmpdir(), "vfm-staged-pack-"));
            await stagePack({ outDir: staged });
            installed = installStagedPack(staged);
            assert.deepEqual(installed.published, [
                "PulumiPolicy.yaml",
                "README.md",
                "index.js",
                "index.js.map",
                "package.json",
            ]);
            assert.ok(!installed.dir.startsWith(path.resolve(POLICY_DIR, "..") + path.sep), "outside the repository");
            // Realistic: only the registry packages are there; the kernel cannot be found.
            assert.throws(
                () => require.resolve("@vpc-flow-monitor/flowlogs", { paths: [installed!.dir] }),
                /Cannot find module '@vpc-flow-monitor\/flowlogs'/,
            );
            return startPackAsTheCli(installed.dir);
        },
        () => {
            installed?.remove();
            if (staged) fs.rmSync(staged, { recursive: true, force: true });
        },
    );
});

/** The real analyzer server of a started pack answers as the offline runner does. */
function servedLikeTheOfflineRunner(label: string, start: () => Promise<StartedPack>, cleanup?: () => void) {
    describe(`${label}: the real analyzer server, compared with the offline runner`, function () {
        this.timeout(150_000);
        let server: ChildProcess | undefined;
        let client: any;
        let config: PolicyConfig;
        let dev: Plan;
        let fleet: Plan;

        before(async () => {
            config = loadPolicyConfig();
            [dev, fleet] = await plans();
            const started = await start();
            server = started.child;
            client = new analyzerrpc.AnalyzerClient(`127.0.0.1:${started.port}`, grpc.credentials.createInsecure());
            await call(client, "configure", configureRequest(config));
        });

        after(() => {
            client?.close();
            server?.kill();
            cleanup?.();
        });

        it("serves the pack under its name and version, with every policy and its config schema", async () => {
            const info = await call(client, "getAnalyzerInfo", new Empty());
            assert.equal(info.getName(), PACK.name);
            assert.equal(info.getVersion(), PACK.version);
            assert.deepEqual(
                info.getPoliciesList().map((p: any) => p.getName()),
                ALL_POLICIES.map((p) => p.name),
            );
            assert.ok(info.getSupportsconfig());
            for (const [i, policy] of info.getPoliciesList().entries()) {
                const schema = policy.getConfigschema().getProperties().toJavaScript();
                assert.deepEqual(schema, JSON.parse(JSON.stringify(ALL_POLICIES[i].configSchema!.properties)));
            }
        });

        it("runs on the @pulumi/policy version the pack pins", async () => {
            const info = await call(client, "getPluginInfo", new Empty());
            const pinned = JSON.parse(fs.readFileSync(path.join(POLICY_DIR, "package.json"), "utf8")).dependencies;
            assert.equal(info.getVersion(), pinned["@pulumi/policy"]);
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
}

let planned: Promise<[Plan, Plan]> | undefined;
/** The dev and fleet plans, made once for both packs. */
function plans(): Promise<[Plan, Plan]> {
    planned ??= (async () =>
        [await planOf(devConfig(), "dev"), await planOf(fleetConfig(), "fleet")] as [Plan, Plan])();
    return planned;
}

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
