/**
 * npm run audit (tools/cli/audit.ts): the policy pack over `pulumi stack export` files, ours or not.
 * The exports in tests/fixtures/exports are written by hand the way the CLI writes them.
 */
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { main, USAGE } from "../../tools/cli/audit";
import { checkPlan } from "../../tools/analyzer/planCheck";
import { Plan } from "../../tools/plan/offlinePlan";
import { fromPlan, toStackExport } from "../../tools/analyzer/policyInputs";
import { captureOutput } from "../helpers/io";
import { planOf } from "../helpers/plan";
import { withoutAlarmsOf } from "../helpers/policy";

const EXPORTS = path.join(__dirname, "..", "fixtures", "exports");
const MONITORED = path.join(EXPORTS, "monitored-vpc.json");
const BARE = path.join(EXPORTS, "bare-vpc.json");

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "vfm-audit-"));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

const audit = (argv: string[]) => captureOutput(() => main(argv));

function write(name: string, content: unknown): string {
    const file = path.join(tmp, name);
    fs.writeFileSync(file, typeof content === "string" ? content : JSON.stringify(content, null, 2));
    return file;
}

/** The monitored export, changed by `edit` (which gets the resources by name). */
function monitoredWith(name: string, edit: (byName: Record<string, any>, doc: any) => void): string {
    const doc = JSON.parse(fs.readFileSync(MONITORED, "utf8"));
    const byName = Object.fromEntries(doc.deployment.resources.map((r: any) => [r.urn.split("::").pop(), r]));
    edit(byName, doc);
    return write(name, doc);
}

function both(resource: any, values: Record<string, unknown>): void {
    Object.assign(resource.inputs, values);
    Object.assign(resource.outputs, values);
}

describe("npm run audit", function () {
    this.timeout(30_000);

    it("passes a stack export of a monitored VPC written by another program (a seed-style pattern, its own names)", async () => {
        const { result, stdout, stderr } = await audit([MONITORED]);
        assert.equal(stderr, "");
        assert.equal(result, 0);
        const lines = stdout.trimEnd().split("\n");
        assert.match(
            lines[0],
            /^Policy pack vpc-flow-monitor@0\.1\.0 on stack "prod" of project "edge-network" \(.*monitored-vpc\.json\): 10 resources from the stack export$/,
        );
        assert.deepEqual(lines.slice(1), [
            "",
            "No policy violations.",
            "",
            "Policy verdict: PASSED (0 mandatory, 0 advisory violations; 9 policies)",
        ]);
    });

    it("fails a stack that is not ours, a bare VPC and nothing else, naming the VPC for both VPC policies", async () => {
        const { result, stdout } = await audit([BARE]);
        assert.equal(result, 1);
        assert.equal(
            stdout.split("\n").slice(2).join("\n"),
            [
                "POLICY                     LEVEL      RESOURCE                MESSAGE",
                'vpc-flow-logs-required     mandatory  main (aws:ec2/vpc:Vpc)  VPC "main" (vpc-0f3c9a1b2d4e5f607, account 444455556666, eu-central-1) has no flow log capturing REJECT or ALL traffic: no flow log refers to it; add a flow log (aws.ec2.FlowLog) with vpcId vpc-0f3c9a1b2d4e5f607 and trafficType REJECT or ALL.',
                'vpc-reject-alarm-required  mandatory  main (aws:ec2/vpc:Vpc)  VPC "main" (vpc-0f3c9a1b2d4e5f607, account 444455556666, eu-central-1) has no REJECT alarm: no flow log refers to it; add a flow log (aws.ec2.FlowLog) with vpcId vpc-0f3c9a1b2d4e5f607 and trafficType REJECT into a CloudWatch log group, a metric filter on that group selecting action = REJECT, and a metric alarm on its metric with an SNS topic in alarmActions.',
                "",
                "Policy verdict: FAILED (2 mandatory, 0 advisory violations; 9 policies)",
                "",
            ].join("\n"),
        );
    });

    it("prints the resources and violations as JSON", async () => {
        const { result, stdout } = await audit([BARE, "--json"]);
        assert.equal(result, 1);
        const json = JSON.parse(stdout);
        assert.equal(json.stack, "prod");
        assert.equal(json.project, "network-base");
        assert.equal(json.passed, false);
        assert.deepEqual(
            json.resources.map((r: any) => r.type),
            ["pulumi:pulumi:Stack", "pulumi:providers:aws", "aws:ec2/vpc:Vpc"],
        );
        assert.deepEqual(
            json.violations.map((v: any) => [v.policy, v.enforcementLevel, v.urn]),
            [
                ["vpc-flow-logs-required", "mandatory", "urn:pulumi:prod::network-base::aws:ec2/vpc:Vpc::main"],
                ["vpc-reject-alarm-required", "mandatory", "urn:pulumi:prod::network-base::aws:ec2/vpc:Vpc::main"],
            ],
        );
    });

    const failing: [string, (byName: Record<string, any>) => void, RegExp[]][] = [
        [
            "an alarm with no actions",
            (r) => both(r["rejected-burst"], { alarmActions: [] }),
            [
                /vpc-reject-alarm-required +mandatory +app .*metric alarm "rejected-burst" watches the REJECT metric "RejectedPackets" \(namespace "Custom\/VPC"\) of filter "rejected", but it has no alarm actions; add an SNS topic's ARN to its alarmActions\./,
                /alarms-have-actions +advisory +rejected-burst/,
            ],
        ],
        [
            "a filter that matches ACCEPT records only",
            (r) => both(r.rejected, { pattern: r.rejected.outputs.pattern.replace("action=REJECT", "action=ACCEPT") }),
            [
                /no metric filter on log group "\/flowlogs\/app" selects REJECT records \("rejected": its pattern ".*action=ACCEPT.*" does not select only REJECT records: it can never match a REJECT record/,
            ],
        ],
        [
            "a flow log to S3 only",
            (r) =>
                both(r["app-rejects"], {
                    logDestinationType: "s3",
                    logDestination: "arn:aws:s3:::central-flow-logs/app/",
                    iamRoleArn: "",
                }),
            [/its flow logs do not deliver to CloudWatch Logs \("app-rejects" -> s3\)/],
        ],
        [
            "a delivery role allowed logs:* (in a secret exported with --show-secrets)",
            (r) => {
                const policy = JSON.stringify({
                    Version: "2012-10-17",
                    Statement: [{ Effect: "Allow", Action: "logs:*", Resource: "*" }],
                });
                r["flow-logs-write"].outputs.policy = {
                    "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270",
                    plaintext: JSON.stringify(policy),
                };
            },
            [
                /flow-log-role-no-wildcard-actions +mandatory +flow-logs-role .*grants wildcard actions: logs:\* in role policy "flow-logs-write"/,
            ],
        ],
    ];
    for (const [name, edit, expected] of failing) {
        it(`fails an export with ${name}`, async () => {
            const { result, stdout } = await audit([monitoredWith(`${name.replace(/\W+/g, "-")}.json`, edit)]);
            assert.equal(result, 1, stdout);
            for (const pattern of expected) assert.match(stdout, pattern);
        });
    }

    it("says how many secrets it could not read, and decides what it can without them", async () => {
        const file = monitoredWith("encrypted.json", (r) => {
            r["flow-logs-write"].outputs.policy = {
                "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270",
                ciphertext: "AAABAJ1ly5Zx0z...",
            };
        });
        const { result, stdout } = await audit([file]);
        assert.equal(result, 0);
        assert.match(
            stdout,
            /\n {2}1 secret value is encrypted in the export; policies cannot read them \(export with --show-secrets\)\n/,
        );
    });

    it("reads the flow log's old `logGroupName`, skips resources pending deletion, and reads an empty stack", async () => {
        const legacy = monitoredWith("legacy.json", (r, doc) => {
            const flowLog = r["app-rejects"];
            for (const props of [flowLog.inputs, flowLog.outputs]) {
                delete props.logDestination;
                props.logGroupName = "/flowlogs/app";
            }
            doc.deployment.resources.push({ ...r.app, urn: r.app.urn.replace("::app", "::old"), delete: true });
        });
        assert.equal((await audit([legacy])).result, 0);
        const empty = write("empty.json", {
            version: 3,
            deployment: { manifest: { time: "2026-01-01T00:00:00Z", magic: "x", version: "v3.229.0" } },
        });
        const { result, stdout } = await audit([empty]);
        assert.equal(result, 0);
        assert.match(stdout, /on an empty stack \(.*empty\.json\): 0 resources from the stack export/);
    });

    it("gives the verdict the check gives for the same stack: our program's plan, exported", async () => {
        const plan = await planOf(fleetConfig(), "fleet");
        for (const [variant, input] of [
            ["complete", plan],
            ["one VPC's alarms removed", withoutAlarmsOf(plan, "web")],
        ] as const) {
            const checked = await checkPlan(input);
            const { result, stdout } = await audit([write(`export-${variant.length}.json`, exportOf(input)), "--json"]);
            const audited = JSON.parse(stdout).violations;
            assert.deepEqual(
                audited.map((v: any) => [v.policy, v.urn, v.message]),
                checked.run.violations.map((v) => [v.policy, v.urn, v.message]),
                variant,
            );
            assert.equal(result, variant === "complete" ? 0 : 1);
        }
    });

    describe("the shape of the parent tree", () => {
        const SECRET = { "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", ciphertext: "AAAB" };
        const nest = (i: number) => `urn:pulumi:prod::edge-network::acme:index:Nest::n${i}`;
        /** The monitored export with `depth` components nested under the stack, the VPC under the innermost. */
        function nestedExport(name: string, depth: number, edit: (doc: any) => void = () => {}): string {
            return monitoredWith(name, (r, doc) => {
                const chain = Array.from({ length: depth }, (_, i) => ({
                    urn: nest(i),
                    custom: false,
                    type: "acme:index:Nest",
                    parent: i === 0 ? r.app.parent : nest(i - 1),
                }));
                doc.deployment.resources.splice(2, 0, ...chain);
                r.app.parent = nest(depth - 1);
                edit(doc);
            });
        }

        it("judges a VPC under 10,000 nested components, linked through the outermost one (no recursion limit)", async () => {
            // The flow log's vpcId is an encrypted secret: the pack links it through its dependency
            // on the outermost component, so it looks for the VPC 10,000 levels down.
            const file = nestedExport("deep.json", 10_000, (doc) => {
                const flowLog = doc.deployment.resources.find((x: any) => x.urn.endsWith("::app-rejects"));
                flowLog.outputs.vpcId = SECRET;
                flowLog.propertyDependencies = { vpcId: [nest(0)] };
            });
            const { result, stdout, stderr } = await audit([file]);
            assert.equal(stderr, "");
            assert.match(stdout, /: 10010 resources from the stack export\n/);
            assert.match(stdout, /\nNo policy violations\.\n/);
            assert.equal(result, 0);
        });

        it("judges an export whose dependencies form a cycle (nothing follows dependencies further than one step)", async () => {
            const file = monitoredWith("dependency-cycle.json", (r) => {
                r["app-rejects"].dependencies = [r["app-flow-logs"].urn];
                r["app-flow-logs"].dependencies = [r["app-rejects"].urn];
                r.app.dependencies = [r.app.urn];
            });
            const { result, stdout } = await audit([file]);
            assert.match(stdout, /\nNo policy violations\.\n/);
            assert.equal(result, 0);
        });
    });

    describe("refuses bad input with exit 2", () => {
        const cases: [string, () => string[], string | RegExp][] = [
            ["no file", () => [], `give the stack export file to audit\n${USAGE}\n`],
            ["two files", () => [BARE, MONITORED], `give one stack export file, not 2\n${USAGE}\n`],
            ["an unknown option", () => [BARE, "--stack", "dev"], /^Unknown option '--stack'/],
            [
                "a missing file",
                () => [path.join(tmp, "none.json")],
                `cannot read stack export ${path.join(tmp, "none.json")}: ENOENT\n`,
            ],
            [
                "a file too large to hold as text (600 MiB, sparse)",
                () => {
                    const file = write("huge.json", "");
                    fs.truncateSync(file, 600 * 2 ** 20);
                    return [file];
                },
                `cannot read stack export ${path.join(tmp, "huge.json")}: it is 600 MiB; a JSON file read here is at most 512 MiB\n`,
            ],
            [
                "a file that is not JSON",
                () => [write("bad.json", '{\n  "version": 3,\n  "deployment": { "resources": [ }\n}\n')],
                `${path.join(tmp, "bad.json")}:3:34: not valid JSON: unexpected "}"\n`,
            ],
            [
                "a truncated file",
                () => [write("cut.json", '{"version": 3, "deploy')],
                `${path.join(tmp, "cut.json")}:1:23: not valid JSON: unexpected end of file\n`,
            ],
            [
                "JSON that is not an object",
                () => [write("list.json", "[]")],
                `${path.join(tmp, "list.json")}: not a Pulumi stack export; expected the JSON \`pulumi stack export\` writes: { "version": 3, "deployment": { "resources": [...] } }\n`,
            ],
            [
                "JSON without a deployment (a stack config as JSON)",
                () => [write("config.json", { config: { "aws:region": "us-east-1" } })],
                `${path.join(tmp, "config.json")}: not a Pulumi stack export: no "deployment" object; expected the JSON \`pulumi stack export\` writes: { "version": 3, "deployment": { "resources": [...] } }\n`,
            ],
            [
                "a deployment without resources or manifest",
                () => [write("nores.json", { version: 3, deployment: {} })],
                `${path.join(tmp, "nores.json")}: not a Pulumi stack export: no "deployment.resources" list; expected the JSON \`pulumi stack export\` writes: { "version": 3, "deployment": { "resources": [...] } }\n`,
            ],
            [
                "the JSON of `npm run plan`",
                () => [write("plan.json", { stack: "dev", resources: [] })],
                `${path.join(tmp, "plan.json")}: not a Pulumi stack export but a resource list (the output of \`npm run plan -- --json\`?); run \`npm run check\` on the stack config instead, or export the stack with \`pulumi stack export --file FILE\`\n`,
            ],
            [
                "a future export version",
                () => [write("v4.json", { version: 4, deployment: { resources: [] } })],
                `${path.join(tmp, "v4.json")}: stack export version 4 is not supported (1 to 3)\n`,
            ],
            [
                "a resource without a URN",
                () => [
                    write("nourn.json", { version: 3, deployment: { resources: [{ type: "pulumi:pulumi:Stack" }] } }),
                ],
                `${path.join(tmp, "nourn.json")}: deployment.resources[0] has no "urn" (or it is not a Pulumi URN)\n`,
            ],
            [
                "two resources that are each other's parent",
                () => [
                    monitoredWith("cycle.json", (r) => {
                        r.app.parent = r["app-flow-logs"].urn;
                        r["app-flow-logs"].parent = r.app.urn;
                    }),
                ],
                `${path.join(tmp, "cycle.json")}: the parents of 2 resources form a cycle: ` +
                    "deployment.resources[2] (urn:pulumi:prod::edge-network::aws:ec2/vpc:Vpc::app) -> parent " +
                    "deployment.resources[3] (urn:pulumi:prod::edge-network::aws:cloudwatch/logGroup:LogGroup::app-flow-logs) -> parent deployment.resources[2]; " +
                    "the Pulumi engine never writes such a file (a parent is registered before its children), so it was edited or is damaged: " +
                    'fix the "parent" of one of them, or export the stack again\n',
            ],
            [
                "a resource that is its own parent",
                () => [
                    monitoredWith("self.json", (r) => {
                        r["rejected-burst"].parent = r["rejected-burst"].urn;
                    }),
                ],
                `${path.join(tmp, "self.json")}: deployment.resources[9] (urn:pulumi:prod::edge-network::aws:cloudwatch/metricAlarm:MetricAlarm::rejected-burst) is its own parent; ` +
                    "the Pulumi engine never writes such a file (a parent is registered before its children), so it was edited or is damaged: " +
                    'fix its "parent", or export the stack again\n',
            ],
            [
                "a cycle of 10,000 parents, naming the first 8",
                () => [
                    monitoredWith("long-cycle.json", (_r, doc) => {
                        const urn = (i: number) => `urn:pulumi:prod::edge-network::acme:index:Nest::n${i}`;
                        for (let i = 0; i < 10_000; i++) {
                            doc.deployment.resources.push({
                                urn: urn(i),
                                custom: false,
                                type: "acme:index:Nest",
                                parent: urn((i + 1) % 10_000),
                            });
                        }
                    }),
                ],
                `${path.join(tmp, "long-cycle.json")}: the parents of 10000 resources form a cycle: ` +
                    Array.from(
                        { length: 8 },
                        (_, i) =>
                            `deployment.resources[${10 + i}] (urn:pulumi:prod::edge-network::acme:index:Nest::n${i})`,
                    ).join(" -> parent ") +
                    " -> parent ... (9992 more) -> parent deployment.resources[10]; " +
                    "the Pulumi engine never writes such a file (a parent is registered before its children), so it was edited or is damaged: " +
                    'fix the "parent" of one of them, or export the stack again\n',
            ],
            [
                "a property value nested 50,000 levels deep",
                () => [
                    write(
                        "deep.json",
                        `{"version": 3, "deployment": {"resources": [{"urn": "urn:pulumi:prod::p::aws:ec2/vpc:Vpc::v", "type": "aws:ec2/vpc:Vpc", "custom": true, "inputs": {"x": ${"[".repeat(50_000)}${"]".repeat(50_000)}}}]}}`,
                    ),
                ],
                `${path.join(tmp, "deep.json")}: deployment.resources[0] (urn:pulumi:prod::p::aws:ec2/vpc:Vpc::v) inputs nest deeper than 256 levels; no resource property does, so the file was damaged or made up: export the stack again\n`,
            ],
            [
                "two live resources with one URN",
                () => [
                    monitoredWith("twice.json", (r, doc) => {
                        doc.deployment.resources.push({ ...r.app });
                    }),
                ],
                `${path.join(tmp, "twice.json")}: deployment.resources[10] has the URN of deployment.resources[2] (urn:pulumi:prod::edge-network::aws:ec2/vpc:Vpc::app); ` +
                    'a stack has one resource per URN (others only when marked "delete": true): remove one of them, or export the stack again\n',
            ],
            [
                "a bad policy config",
                () => [BARE, "--policy-config", write("pc.json", { "vpc-flow-logs-required": "sometimes" })],
                `Invalid policy config in ${path.join(tmp, "pc.json")}: 1 problem\n  - vpc-flow-logs-required: not an enforcement level; given "sometimes", allowed: advisory, mandatory, remediate, disabled\n`,
            ],
        ];
        for (const [name, argv, expected] of cases) {
            it(`refuses ${name}`, async () => {
                const { result, stdout, stderr } = await audit(argv());
                assert.equal(stdout, "");
                if (typeof expected === "string") assert.equal(stderr, expected);
                else assert.match(stderr, expected);
                assert.equal(result, 2);
            });
        }
    });
});

function fleetConfig() {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const YAML = require("yaml");
    return YAML.parse(fs.readFileSync(path.join(__dirname, "..", "fixtures", "Pulumi.fleet.yaml"), "utf8")).config;
}

/** A stack export of what the plan would deploy: the awsx VPC's child included (a real deployment has it). */
function exportOf(plan: Plan) {
    return toStackExport(fromPlan(plan));
}
