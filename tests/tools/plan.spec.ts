/**
 * tools/cli/plan.ts, the offline plan CLI, called through main(argv) with stdout/stderr captured.
 */
import * as assert from "node:assert/strict";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { planStack, toEngineConfig } from "../../tools/plan/offlinePlan";
import { main } from "../../tools/cli/plan";
import { PROJECT_DIR } from "../../tools/cli/kit";
import { loadStackFile } from "../../tools/files/stackFile";
import { captureOutput } from "../helpers/io";

const USAGE = "usage: npm run plan -- (--stack NAME | --config FILE) [--json]";

const run = (argv: string[]) => captureOutput(() => main(argv));

/** Two regions, a created and an adopted VPC. */
const QA_YAML = `# qa: two regions
config:
  aws:region: eu-west-1
  vpc-flow-monitor:regions:
    - region: eu-west-1
      vpcs:
        - name: core
          cidrBlock: 10.10.0.0/16
    - region: us-west-2
      vpcs:
        - name: legacy
          vpcId: vpc-0123456789abcdef0
  vpc-flow-monitor:flowLogs:
    cloudWatchTrafficType: ALL
`;

describe("tools/cli/plan.ts main()", () => {
    let dir: string;
    const file = (name: string, text: string): string => {
        const p = path.join(dir, name);
        fs.writeFileSync(p, text);
        return p;
    };
    before(() => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "vpc-flow-monitor-plan-"));
    });
    after(() => {
        fs.rmSync(dir, { recursive: true, force: true });
    });

    describe("--stack dev", () => {
        it("exits 0 and prints the plan by region and component", async () => {
            const { result, stdout, stderr } = await run(["--stack", "dev"]);
            assert.equal(result, 0);
            assert.equal(stderr, "");
            const lines = stdout.split("\n");
            assert.match(lines[0], /^Offline plan for stack "dev"/);
            assert.ok(lines.includes("us-east-1"), stdout);
            assert.ok(
                lines.some((l) => l.startsWith("  AnalyticsLake lake: ")),
                stdout,
            );
            assert.ok(lines.includes("  MonitoredVpc sandbox (creates VPC 10.10.0.0/16): 20 resources"), stdout);
            assert.ok(lines.includes("      2  aws:ec2/flowLog:FlowLog"), stdout);
            assert.ok(lines.includes("Providers: aws-us-east-1 (us-east-1)"), stdout);
        });

        it("counts exactly the resources the program registers", async () => {
            const stackFile = loadStackFile(path.join(PROJECT_DIR, "Pulumi.dev.yaml"));
            const plan = await planStack("dev", toEngineConfig(stackFile.config));
            const { stdout } = await run(["--stack", "dev"]);
            assert.ok(stdout.includes(`Total: ${plan.resources.length} registrations = `), stdout);
        });

        it("--json prints every registered resource, components and providers included", async () => {
            const { result, stdout, stderr } = await run(["--stack", "dev", "--json"]);
            assert.equal(result, 0);
            assert.equal(stderr, "");
            const printed = JSON.parse(stdout);
            assert.deepEqual(Object.keys(printed), ["stack", "resources"]);
            assert.equal(printed.stack, "dev");

            const stackFile = loadStackFile(path.join(PROJECT_DIR, "Pulumi.dev.yaml"));
            const plan = await planStack("dev", toEngineConfig(stackFile.config));
            assert.deepEqual(
                printed.resources.map((r: { urn: string }) => r.urn),
                plan.resources.map((r) => r.urn),
            );
            plan.resources.forEach((planned, i) => {
                const r = printed.resources[i];
                assert.equal(r.type, planned.type);
                assert.equal(r.name, planned.name);
                assert.equal(r.parent, planned.parent);
                assert.equal(r.provider, planned.provider);
                assert.deepEqual(r.inputs, JSON.parse(JSON.stringify(planned.inputs)));
            });
            const names = printed.resources.map((r: { type: string; name: string }) => `${r.type} ${r.name}`);
            for (const expected of [
                "pulumi:providers:aws aws-us-east-1",
                "vpc-flow-monitor:lake:AnalyticsLake lake",
                "vpc-flow-monitor:network:MonitoredVpc sandbox",
                "awsx:ec2:Vpc sandbox-vpc",
                "aws:ec2/flowLog:FlowLog sandbox-lakeFlowLog",
                "aws:ec2/flowLog:FlowLog sandbox-alarmFlowLog",
            ]) {
                assert.ok(names.includes(expected), expected);
            }
            const sandboxVpc = printed.resources.find((r: { name: string }) => r.name === "sandbox-vpc");
            assert.equal(sandboxVpc.inputs.cidrBlock, "10.10.0.0/16");
            assert.equal(sandboxVpc.parent, printed.resources.find((r: { name: string }) => r.name === "sandbox").urn);
        });
    });

    describe("--config FILE", () => {
        it("plans the stack named by the file, in every region it lists", async () => {
            const config = file("Pulumi.qa.yaml", QA_YAML);
            const { result, stdout, stderr } = await run(["--config", config]);
            assert.equal(result, 0, stderr);
            assert.equal(stderr, "");
            const lines = stdout.split("\n");
            assert.match(lines[0], /^Offline plan for stack "qa"/);
            const eu = lines.indexOf("eu-west-1");
            const us = lines.indexOf("us-west-2");
            assert.ok(eu > 0 && us > eu, stdout);
            assert.ok(
                lines.slice(eu, us).includes("  MonitoredVpc core (creates VPC 10.10.0.0/16): 20 resources"),
                stdout,
            );
            assert.ok(
                lines.slice(eu, us).some((l) => l.startsWith("  AnalyticsLake lake: ")),
                stdout,
            );
            assert.ok(
                lines.slice(us).includes("  MonitoredVpc legacy (adopts vpc-0123456789abcdef0): 20 resources"),
                stdout,
            );
            assert.ok(lines.includes("      1  aws:ec2/vpc:Vpc (read, not managed)"), stdout);
            assert.ok(lines.includes("Providers: aws-eu-west-1 (eu-west-1), aws-us-west-2 (us-west-2)"), stdout);
        });

        it("--json carries the config's values into the resources", async () => {
            const config = file("Pulumi.qa.yaml", QA_YAML);
            const { result, stdout } = await run(["--json", "--config", config]);
            assert.equal(result, 0);
            const printed = JSON.parse(stdout);
            assert.equal(printed.stack, "qa");
            const alarm = printed.resources.filter(
                (r: { type: string; inputs: { logDestinationType?: string } }) =>
                    r.type === "aws:ec2/flowLog:FlowLog" && r.inputs.logDestinationType === "cloud-watch-logs",
            );
            assert.deepEqual(
                alarm.map((r: { inputs: { trafficType: string } }) => r.inputs.trafficType),
                ["ALL", "ALL"],
            );
            const legacyVpc = printed.resources.find((r: { name: string }) => r.name === "legacy-vpc");
            assert.equal(legacyVpc.read, true);
            assert.equal(legacyVpc.id, "vpc-0123456789abcdef0");
        });
    });

    describe("usage errors exit 2 with the message alone on stderr", () => {
        const cases: readonly {
            readonly label: string;
            readonly argv: () => string[];
            readonly stderr: () => string;
        }[] = [
            {
                label: "neither --stack nor --config",
                argv: () => [],
                stderr: () => `give exactly one of --stack NAME or --config FILE\n${USAGE}\n`,
            },
            {
                label: "only --json",
                argv: () => ["--json"],
                stderr: () => `give exactly one of --stack NAME or --config FILE\n${USAGE}\n`,
            },
            {
                label: "both --stack and --config",
                argv: () => ["--stack", "dev", "--config", path.join(PROJECT_DIR, "Pulumi.dev.yaml")],
                stderr: () => `give exactly one of --stack NAME or --config FILE\n${USAGE}\n`,
            },
            {
                label: "an unknown flag",
                argv: () => ["--stack", "dev", "--verbose"],
                stderr: () => `Unknown option '--verbose'\n${USAGE}\n`,
            },
            {
                label: "--stack without a value",
                argv: () => ["--stack"],
                stderr: () => `Option '--stack <value>' argument missing\n${USAGE}\n`,
            },
            {
                label: "a positional argument",
                argv: () => ["--stack", "dev", "prod"],
                stderr: () => `Unexpected argument 'prod'. This command does not take positional arguments\n${USAGE}\n`,
            },
            {
                label: "a stack name that is a path",
                argv: () => ["--stack", "../dev"],
                stderr: () =>
                    `--stack: not a stack name; given "../dev". Allowed: 1 to 100 characters of letters, digits, -, _ and . (Pulumi's rule for stack names)\n${USAGE}\n`,
            },
            {
                label: "a stack without a stack file",
                argv: () => ["--stack", "nosuchstack"],
                stderr: () => `cannot read stack config ${path.join(PROJECT_DIR, "Pulumi.nosuchstack.yaml")}: ENOENT\n`,
            },
            {
                label: "a missing config file",
                argv: () => ["--config", path.join(dir, "missing.yaml")],
                stderr: () => `cannot read stack config ${path.join(dir, "missing.yaml")}: ENOENT\n`,
            },
            {
                label: "a YAML syntax error (duplicate key)",
                argv: () => [
                    "--config",
                    file("Pulumi.dup.yaml", "config:\n  aws:region: us-east-1\n  aws:region: us-west-2\n"),
                ],
                stderr: () => `${path.join(dir, "Pulumi.dup.yaml")}:3:3: not valid YAML: Map keys must be unique\n`,
            },
            {
                label: "a YAML syntax error (tab indentation)",
                argv: () => ["--config", file("Pulumi.tab.yaml", "# comment\nconfig:\n\taws:region: us-east-1\n")],
                stderr: () =>
                    `${path.join(dir, "Pulumi.tab.yaml")}:3:1: not valid YAML: Tabs are not allowed as indentation\n`,
            },
            {
                // "Billion laughs": nine aliases of nine aliases ... expand to 387 million nodes.
                label: "YAML aliases that expand past the parser's limit",
                argv: () => [
                    "--config",
                    file(
                        "Pulumi.laughs.yaml",
                        "config:\n" +
                            '  a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]\n' +
                            Array.from({ length: 8 }, (_, i) => {
                                const [name, previous] = [String.fromCharCode(98 + i), String.fromCharCode(97 + i)];
                                return `  ${name}: &${name} [${Array(9).fill(`*${previous}`).join(", ")}]\n`;
                            }).join(""),
                    ),
                ],
                stderr: () =>
                    `${path.join(dir, "Pulumi.laughs.yaml")}: not accepted: its aliases expand to more than 10000 copies of anchored values, as only a document built to exhaust memory ("billion laughs") needs; write the values out, or nest fewer aliases inside anchors\n`,
            },
            {
                label: "a file without config:",
                argv: () => ["--config", file("Pulumi.noconfig.yaml", "aws:region: us-east-1\n")],
                stderr: () =>
                    `${path.join(dir, "Pulumi.noconfig.yaml")}: not a Pulumi stack config; expected a top-level "config:" mapping of keys to values\n`,
            },
            {
                label: "a config: that is a list",
                argv: () => ["--config", file("Pulumi.list.yaml", "config:\n  - aws:region: us-east-1\n")],
                stderr: () =>
                    `${path.join(dir, "Pulumi.list.yaml")}: not a Pulumi stack config; expected a top-level "config:" mapping of keys to values\n`,
            },
            {
                label: "an empty file",
                argv: () => ["--config", file("Pulumi.empty.yaml", "")],
                stderr: () =>
                    `${path.join(dir, "Pulumi.empty.yaml")}: not a Pulumi stack config; expected a top-level "config:" mapping of keys to values\n`,
            },
            {
                label: "an encrypted project key",
                argv: () => [
                    "--config",
                    file(
                        "Pulumi.secret.yaml",
                        "config:\n  aws:region: us-east-1\n  vpc-flow-monitor:lake:\n    secure: AAABAxyz\n",
                    ),
                ],
                stderr: () =>
                    `${path.join(dir, "Pulumi.secret.yaml")}: vpc-flow-monitor:lake is a secret; the offline tools cannot decrypt it. Keep vpc-flow-monitor keys in plain text\n`,
            },
        ];
        for (const { label, argv, stderr } of cases) {
            it(label, async () => {
                const args = argv();
                const out = await run(args);
                assert.equal(out.result, 2);
                assert.equal(out.stderr, stderr());
                assert.equal(out.stdout, "");
            });
        }
    });

    describe("an invalid stack config", () => {
        const BAD = `config:
  aws:region: us-east-9
  vpc-flow-monitor:regions:
    - region: us-east-1
      vpcs:
        - name: Sandbox
          cidrBlock: 10.10.0.0/16
  vpc-flow-monitor:flowLogs:
    logRetentionDays: 31
`;
        const PROBLEMS = [
            '  - aws:region: unknown region; given "us-east-9". Allowed: an AWS commercial region such as us-east-1 (GovCloud and China are not supported)',
            '  - regions[0].vpcs[0].name: not a valid VPC name; given "Sandbox". Allowed: 1 to 32 characters of a-z, 0-9 and -',
            "  - flowLogs.logRetentionDays: not a retention CloudWatch Logs accepts; given 31. Allowed: one of 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653",
        ];

        for (const json of [false, true]) {
            it(`exits 2 with the config report on stderr and prints no plan${json ? " (--json)" : ""}`, async () => {
                const config = file("Pulumi.bad.yaml", BAD);
                const { result, stdout, stderr } = await run(
                    json ? ["--config", config, "--json"] : ["--config", config],
                );
                assert.equal(result, 2);
                assert.equal(stdout, "");
                const lines = stderr.split("\n");
                const header = /^Invalid vpc-flow-monitor configuration in (.+): 3 problems$/.exec(lines[0]);
                assert.ok(header, stderr);
                assert.equal(path.resolve(header[1]), config, "the report names the file");
                assert.deepEqual(lines.slice(1), [...PROBLEMS, "Nothing was planned or deployed.", ""]);
            });
        }

        it("leaves the planner usable for the next stack", async () => {
            await run(["--config", file("Pulumi.bad.yaml", BAD)]);
            const { result, stdout } = await run(["--stack", "dev", "--json"]);
            assert.equal(result, 0);
            assert.equal(JSON.parse(stdout).stack, "dev");
        });
    });
});
