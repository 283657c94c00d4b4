/**
 * One rule for stack names in every tool (components/naming.ts stackNameProblem, Pulumi's own
 * rule): a stack name with a `.` is planned, checked, rolled out and checked by `npm test` under
 * that name, with valid physical names; a name Pulumi refuses is refused by each tool alike.
 */
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { main as checkAll } from "../../tools/cli/checkAll";
import { main as check, USAGE as CHECK_USAGE } from "../../tools/cli/check";
import { main as plan } from "../../tools/cli/plan";
import { PROJECT_DIR } from "../../tools/cli/kit";
import { main as rollout } from "../../tools/cli/rollout";
import { main as rules, USAGE as RULES_USAGE } from "../../tools/cli/rules";
import { loadStackFile, stackFilesIn, StackFileError } from "../../tools/files/stackFile";
import { captureOutput } from "../helpers/io";

const PLAN_USAGE = "usage: npm run plan -- (--stack NAME | --config FILE) [--json]";
const ALLOWED = "1 to 100 characters of letters, digits, -, _ and . (Pulumi's rule for stack names)";

const DOTTED = `config:
  aws:region: eu-west-1
  vpc-flow-monitor:regions:
    - region: eu-west-1
      vpcs:
        - name: core
          cidrBlock: 10.10.0.0/16
  vpc-flow-monitor:alerts:
    slack: { workspaceId: T0123ABCD, channelId: C0123ABCD }
`;

describe("stack names in every tool", function () {
    this.timeout(60_000);
    let dir: string;
    let dotted: string;
    before(() => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "vpc-flow-monitor-stack-names-"));
        dotted = path.join(dir, "Pulumi.dev.eu.yaml");
        fs.writeFileSync(dotted, DOTTED);
    });
    after(() => fs.rmSync(dir, { recursive: true, force: true }));

    it("stack files: Pulumi.dev.eu.yaml is stack dev.eu, found beside the others", () => {
        assert.equal(loadStackFile(dotted).stack, "dev.eu");
        assert.deepEqual(stackFilesIn(dir), [dotted]);
    });

    it("stack files: a file name that gives no stack name is refused, naming the file", () => {
        const odd = path.join(dir, "my stack.yaml");
        fs.writeFileSync(odd, DOTTED);
        try {
            assert.throws(() => loadStackFile(odd), {
                constructor: StackFileError,
                message: `${odd}: the stack name from the file name: not a stack name; given "my stack". Allowed: ${ALLOWED}`,
            });
        } finally {
            fs.rmSync(odd);
        }
    });

    it("plan: plans dev.eu under that name, with SNS, dashboard and Chatbot names that allow no dot", async () => {
        const { result, stdout, stderr } = await captureOutput(() => plan(["--config", dotted, "--json"]));
        assert.equal(result, 0, stderr);
        const printed = JSON.parse(stdout);
        assert.equal(printed.stack, "dev.eu");
        const input = (type: string, key: string) =>
            printed.resources.find((r: { type: string }) => r.type === type).inputs[key];
        assert.deepEqual(
            {
                topic: input("aws:sns/topic:Topic", "name"),
                dashboard: input("aws:cloudwatch/dashboard:Dashboard", "dashboardName"),
                chatbot: input("aws:chatbot/slackChannelConfiguration:SlackChannelConfiguration", "configurationName"),
                glue: input("aws:glue/catalogDatabase:CatalogDatabase", "name"),
                workgroup: input("aws:athena/workgroup:Workgroup", "name"),
                logGroup: input("aws:cloudwatch/logGroup:LogGroup", "name"),
            },
            {
                topic: "vpc-flow-monitor-dev-eu-46d7d943-alarms",
                dashboard: "vpc-flow-monitor-dev-eu-46d7d943",
                chatbot: "vpc-flow-monitor-dev-eu-46d7d943",
                glue: "vpc_flow_monitor_dev_eu_46d7d943",
                workgroup: "vpc-flow-monitor-dev.eu",
                logGroup: "/vpc-flow-monitor/dev.eu/core",
            },
        );
    });

    it("check: checks dev.eu under that name and the pack passes it", async () => {
        const { result, stdout, stderr } = await captureOutput(() => check(["--config", dotted]));
        assert.equal(result, 0, stderr);
        assert.match(stdout, /^Policy pack \S+ on stack "dev\.eu" /);
        assert.match(stdout, /Policy verdict: PASSED/);
    });

    it("plan, check and rules: --stack dev.eu is a stack name (the file is looked for), --stack 'dev eu' is not", async () => {
        const missing = `cannot read stack config ${path.join(PROJECT_DIR, "Pulumi.dev.eu.yaml")}: ENOENT\n`;
        const refused = (usage: string) => `--stack: not a stack name; given "dev eu". Allowed: ${ALLOWED}\n${usage}\n`;
        const records = ["--records", path.join(__dirname, "..", "fixtures", "records", "ssh-bruteforce.log")];
        for (const [tool, usage, extra] of [
            [plan, PLAN_USAGE, []],
            [check, CHECK_USAGE, []],
            [rules, RULES_USAGE, records],
        ] as const) {
            const accepted = await captureOutput(() => tool(["--stack", "dev.eu", ...extra]));
            assert.deepEqual([accepted.result, accepted.stderr], [2, missing]);
            const bad = await captureOutput(() => tool(["--stack", "dev eu", ...extra]));
            assert.deepEqual([bad.result, bad.stderr], [2, refused(usage)]);
        }
    });

    it("rollout: accepts dev.eu in --stacks and in a waves file, and refuses 'dev eu'", async () => {
        const lines: string[] = [];
        const errors: string[] = [];
        const deps = { projectDir: dir, out: (l: string) => lines.push(l), err: (l: string) => errors.push(l) };
        assert.equal(await rollout(["--stacks", "dev.eu", "--dry-run"], deps), 0, errors.join("\n"));
        assert.equal(lines[1], "wave 1/1 dev.eu: dev.eu");
        const waves = path.join(dir, "waves.yaml");
        fs.writeFileSync(waves, "waves:\n  - name: eu\n    stacks: [dev.eu]\n");
        assert.equal(await rollout(["--waves", waves, "--dry-run"], deps), 0, errors.join("\n"));
        fs.writeFileSync(waves, 'waves:\n  - name: eu\n    stacks: ["dev eu"]\n');
        assert.equal(await rollout(["--waves", waves, "--dry-run"], deps), 2);
        assert.equal(await rollout(["--stacks", "dev eu", "--dry-run"], deps), 2);
        fs.rmSync(waves);
        assert.deepEqual(errors, [
            `${waves}: waves[0].stacks[0]: not a stack name; allowed: ${ALLOWED}. Expected: waves: [{ name: canary, stacks: [dev] }, { name: production, stacks: [prod-us, prod-eu] }]`,
            `--stacks: not a stack name; given "dev eu". Allowed: ${ALLOWED}, separated by commas, such as dev,staging,prod`,
        ]);
    });

    it("npm test's check of every stack: checks Pulumi.dev.eu.yaml as dev.eu, fails a file Pulumi would not take", async () => {
        const odd = path.join(dir, "Pulumi.dev eu.yaml");
        fs.writeFileSync(odd, DOTTED);
        try {
            const { result, stdout } = await captureOutput(() => checkAll(dir));
            assert.equal(result, 1);
            const lines = stdout.trimEnd().split("\n");
            assert.deepEqual(lines.slice(0, 2), [
                `FAIL  ${odd}`,
                `      ${odd}: the stack name from the file name: not a stack name; given "dev eu". Allowed: ${ALLOWED}`,
            ]);
            assert.match(
                lines[2],
                /^ok {4}dev\.eu: \d+ resources; up: 0 mandatory, 0 advisory; preview: 0 mandatory, 0 advisory$/,
            );
            assert.equal(lines.at(-1), "1 passed, 1 failed");
        } finally {
            fs.rmSync(odd);
        }
    });
});
