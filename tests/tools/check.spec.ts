/**
 * npm run check (tools/cli/check.ts) and the every-stack check (tools/cli/checkAll.ts): the offline plan
 * plus the policy pack's verdict, its output, its exit statuses and every error path.
 */
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { main as checkAll } from "../../tools/cli/checkAll";
import { main, USAGE } from "../../tools/cli/check";
import { PROJECT_DIR } from "../../tools/cli/kit";
import { captureOutput } from "../helpers/io";
import { withoutAlarmsOf } from "../helpers/policy";

const FLEET = path.join("tests", "fixtures", "Pulumi.fleet.yaml");
const dropWebAlarms = { transformPlan: (plan: Parameters<typeof withoutAlarmsOf>[0]) => withoutAlarmsOf(plan, "web") };

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "vfm-check-"));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

function write(name: string, text: string): string {
    const file = path.join(tmp, name);
    fs.writeFileSync(file, text);
    return file;
}

async function check(argv: string[], hooks = {}) {
    const previous = process.cwd();
    process.chdir(PROJECT_DIR);
    try {
        return await captureOutput(() => main(argv, hooks));
    } finally {
        process.chdir(previous);
    }
}

describe("npm run check", function () {
    this.timeout(30_000);

    it("passes the dev stack: no violations, the modelled awsx VPC said, exit 0", async () => {
        const { result, stdout, stderr } = await check(["--stack", "dev"]);
        assert.equal(stderr, "");
        assert.equal(result, 0);
        const lines = stdout.trimEnd().split("\n");
        assert.match(
            lines[0],
            /^Policy pack vpc-flow-monitor@0\.1\.0 on stack "dev" \(Pulumi\.dev\.yaml\): \d+ resources from the offline plan$/,
        );
        assert.equal(
            lines[1],
            "  + 1 aws:ec2/vpc:Vpc modelled inside awsx:ec2:Vpc (awsx builds it at deploy time; the offline plan cannot see it): sandbox-vpc",
        );
        assert.ok(lines.includes("No policy violations."));
        assert.equal(lines.at(-1), "Policy verdict: PASSED (0 mandatory, 0 advisory violations; 9 policies)");
    });

    it("passes the dev stack as a preview sees it", async () => {
        const { result, stdout } = await check(["--stack", "dev", "--preview"]);
        assert.equal(result, 0);
        assert.match(stdout, /judged as `pulumi preview` of a new stack sees it/);
        assert.match(stdout, /Policy verdict: PASSED \(0 mandatory/);
    });

    it("fails the same program with one VPC's alarms removed: exit 1, naming that VPC, in both views", async () => {
        for (const view of [[], ["--preview"]]) {
            const { result, stdout } = await check(["--config", FLEET, ...view], dropWebAlarms);
            assert.equal(result, 1, stdout);
            const rows = stdout.split("\n").filter((line) => line.startsWith("vpc-reject-alarm-required"));
            assert.equal(rows.length, 1, stdout);
            assert.match(
                rows[0],
                /^vpc-reject-alarm-required +mandatory +web-vpc \(aws:ec2\/vpc:Vpc\) +VPC "web-vpc" .*has no REJECT alarm: metric filter "web-reject-any-metricFilter" .* but no metric alarm watches its metric "reject-any"/,
            );
            assert.match(stdout, /\nPolicy verdict: FAILED \(1 mandatory, 0 advisory violations; 9 policies\)\n$/);
        }
    });

    it("prints the plan's resources and the violations as JSON", async () => {
        const { result, stdout } = await check(["--config", FLEET, "--json"], dropWebAlarms);
        assert.equal(result, 1);
        const json = JSON.parse(stdout);
        assert.equal(json.stack, "fleet");
        assert.deepEqual(json.policyPack, { name: "vpc-flow-monitor", version: "0.1.0" });
        assert.equal(json.passed, false);
        const modelled = json.resources.filter((r: any) => r.synthetic);
        assert.deepEqual(
            modelled.map((r: any) => [r.type, r.name, r.parent.split("::").pop()]),
            [
                ["aws:ec2/vpc:Vpc", "web-vpc", "web-vpc"],
                ["aws:ec2/vpc:Vpc", "data-vpc", "data-vpc"],
                ["aws:ec2/vpc:Vpc", "edge-vpc", "edge-vpc"],
            ],
        );
        assert.ok(json.resources.some((r: any) => r.type === "awsx:ec2:Vpc" && r.providers?.aws));
        assert.equal(json.violations.length, 1);
        const [violation] = json.violations;
        assert.deepEqual(Object.keys(violation), ["policy", "enforcementLevel", "urn", "message"]);
        assert.equal(violation.policy, "vpc-reject-alarm-required");
        assert.equal(violation.enforcementLevel, "mandatory");
        assert.equal(
            violation.urn,
            "urn:pulumi:fleet::vpc-flow-monitor::vpc-flow-monitor:network:MonitoredVpc$awsx:ec2:Vpc$aws:ec2/vpc:Vpc::web-vpc",
        );
    });

    it("prints the plan before the verdict with --plan", async () => {
        const { result, stdout } = await check(["--stack", "dev", "--plan"]);
        assert.equal(result, 0);
        assert.ok(stdout.startsWith('Offline plan for stack "dev"'));
        assert.ok(stdout.indexOf("Policy pack vpc-flow-monitor") > stdout.indexOf("Total:"));
    });

    it("takes a policy config in the format of --policy-pack-config (a mandatory rule made advisory: exit 0)", async () => {
        const config = write("advisory.json", JSON.stringify({ "vpc-reject-alarm-required": "advisory" }));
        const { result, stdout } = await check(["--config", FLEET, "--policy-config", config], dropWebAlarms);
        assert.equal(result, 0);
        assert.match(stdout, /vpc-reject-alarm-required +advisory +web-vpc/);
        assert.match(stdout, /Policy verdict: PASSED \(0 mandatory, 1 advisory violation; 9 policies\)/);
    });

    describe("refuses bad input with exit 2 and nothing checked", () => {
        const cases: [string, () => string[], string | RegExp][] = [
            ["no stack", () => [], `give exactly one of --stack NAME or --config FILE\n${USAGE}\n`],
            [
                "both a stack and a config",
                () => ["--stack", "dev", "--config", FLEET],
                `give exactly one of --stack NAME or --config FILE\n${USAGE}\n`,
            ],
            [
                "a stack name that is a path",
                () => ["--stack", "../dev"],
                `--stack: not a stack name; given "../dev". Allowed: 1 to 100 characters of letters, digits, -, _ and . (Pulumi's rule for stack names)\n${USAGE}\n`,
            ],
            [
                "--json with --plan",
                () => ["--stack", "dev", "--json", "--plan"],
                `--plan prints the plan for people and cannot be combined with --json (which includes the resources)\n${USAGE}\n`,
            ],
            [
                "an unknown option",
                () => ["--stack", "dev", "--nope"],
                new RegExp(`^Unknown option '--nope'.*\\n${escape(USAGE)}\\n$`),
            ],
            [
                "a stack with no file",
                () => ["--stack", "nosuch"],
                `cannot read stack config ${path.join(PROJECT_DIR, "Pulumi.nosuch.yaml")}: ENOENT\n`,
            ],
            [
                "a missing policy config",
                () => ["--stack", "dev", "--policy-config", path.join(tmp, "none.json")],
                `cannot read policy config ${path.join(tmp, "none.json")}: ENOENT\n`,
            ],
            [
                "a policy config that is not JSON",
                () => ["--stack", "dev", "--policy-config", write("bad.json", '{\n  "all": "mandatory",\n}\n')],
                `${path.join(tmp, "bad.json")}:3:1: not valid JSON: unexpected "}"\n`,
            ],
            [
                "a policy config naming no policy of the pack",
                () => [
                    "--stack",
                    "dev",
                    "--policy-config",
                    write("typo.json", '{ "vpc-flowlogs-required": "advisory" }'),
                ],
                `Invalid policy config in ${path.join(tmp, "typo.json")}: 1 problem\n  - vpc-flowlogs-required: no policy of that name in the pack; policies: vpc-flow-logs-required, vpc-reject-alarm-required, vpc-reject-alarm-verifiable, flow-log-bucket-secure, log-group-retention-set, alarms-have-actions, alarm-flow-log-aggregation, athena-workgroup-enforced, flow-log-role-no-wildcard-actions\n`,
            ],
            [
                "an invalid stack config",
                () => [
                    "--config",
                    write(
                        "Pulumi.broken.yaml",
                        "config:\n  aws:region: us-east-1\n  vpc-flow-monitor:regions:\n    - region: us-east-1\n      vpcs:\n        - name: app\n          cidrBlock: 10.10.0.1/16\n",
                    ),
                ],
                /^Invalid vpc-flow-monitor configuration in .*Pulumi\.broken\.yaml: 1 problem\n {2}- regions\[0\]\.vpcs\[0\]\.cidrBlock: host bits set .*\nNothing was planned or deployed\.\n$/,
            ],
        ];
        for (const [name, argv, expected] of cases) {
            it(`refuses ${name}`, async () => {
                const { result, stdout, stderr } = await check(argv());
                assert.equal(stdout, "");
                if (typeof expected === "string") assert.equal(stderr, expected);
                else assert.match(stderr, expected);
                assert.equal(result, 2);
            });
        }
    });
});

describe("check of every stack (tools/cli/checkAll.ts)", function () {
    this.timeout(30_000);

    it("checks each Pulumi.<stack>.yaml as `up` and as `preview` sees it, fails on a broken one, and counts", async () => {
        const dir = fs.mkdtempSync(path.join(tmp, "stacks-"));
        fs.copyFileSync(path.join(PROJECT_DIR, "Pulumi.dev.yaml"), path.join(dir, "Pulumi.dev.yaml"));
        fs.writeFileSync(path.join(dir, "Pulumi.broken.yaml"), "config:\n  aws:region: us-east-1\n");
        const { result, stdout } = await captureOutput(() => checkAll(dir));
        assert.equal(result, 1);
        const lines = stdout.trimEnd().split("\n");
        assert.match(lines[0], /^FAIL {2}broken$/);
        assert.ok(
            lines.some((l) =>
                /^ok {4}dev: \d+ resources; up: 0 mandatory, 0 advisory; preview: 0 mandatory, 0 advisory$/.test(l),
            ),
            stdout,
        );
        assert.equal(lines.at(-1), "1 passed, 1 failed");
    });
});

function escape(text: string): string {
    return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
