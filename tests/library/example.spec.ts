/**
 * The library as another program uses it: tests/library/example.ts imports only `vpc-flow-monitor`
 * (and Pulumi's packages), is shown verbatim in the README's "Use it as a library", and is planned
 * here under the offline mocks. Also pins what makes the library importable, and what keeps
 * `pulumi up` running the program rather than the library.
 */
import * as assert from "node:assert/strict";
import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import * as YAML from "yaml";
import { formatArgProblems, VpcFlowMonitorArgs, vpcFlowMonitorProblems } from "vpc-flow-monitor";
import { Plan } from "../../tools/plan/offlinePlan";
import { byName, byType, planComponents, unwrap } from "../helpers/plan";

const ROOT = path.join(__dirname, "..", "..");
const EXAMPLE = path.join(__dirname, "example.ts");

/** The README section's text, from its heading to the next section. */
function readmeSection(heading: string): string {
    const readme = fs.readFileSync(path.join(ROOT, "README.md"), "utf8");
    const start = readme.indexOf(`\n## ${heading}\n`);
    assert.ok(start >= 0, `README has no section "${heading}"`);
    const end = readme.indexOf("\n## ", start + 1);
    return readme.slice(start, end < 0 ? undefined : end);
}

/** The fenced blocks of a section with their info string. */
function codeBlocks(section: string): { info: string; body: string }[] {
    return [...section.matchAll(/^```(\w*)\n([\s\S]*?)^```$/gm)].map((m) => ({ info: m[1], body: m[2] }));
}

describe("the README's library example", () => {
    const section = readmeSection("Use it as a library");

    it("is tests/library/example.ts, verbatim", () => {
        const ts = codeBlocks(section).filter((b) => b.info === "ts");
        assert.equal(ts.length, 1, "one TypeScript block");
        assert.equal(ts[0].body, fs.readFileSync(EXAMPLE, "utf8"));
    });

    it("imports nothing of this project but the library's public entry", () => {
        const imports = [...fs.readFileSync(EXAMPLE, "utf8").matchAll(/from "([^"]+)"/g)].map((m) => m[1]);
        assert.deepEqual(imports, ["@pulumi/aws", "@pulumi/pulumi", "vpc-flow-monitor"]);
    });

    it("shows the report the library really gives for refused args", () => {
        const report = codeBlocks(section).find((b) => b.body.startsWith("Invalid arguments"));
        assert.ok(report, "a report block");
        const args = {
            stack: "prod",
            project: "payments-infra",
            homeRegion: "eu-west-1",
            regions: [
                { region: "eu-west-1", vpcs: [{ name: "payments", vpcId: "vpc-0a1b2c3d4e5f60718" }] },
                { region: "us-east-1", vpcs: [{ name: "payments", cidrBlock: "10.60.0.0/16" }] },
            ],
            protectData: true,
            providers: { "eu-west-1": {} as never },
        } satisfies VpcFlowMonitorArgs;
        assert.equal(report.body, `${formatArgProblems("deployVpcFlowMonitor", vpcFlowMonitorProblems(args))}\n`);
    });
});

describe("the library example, planned offline", () => {
    let plan: Plan;
    let outputs: Record<string, unknown>;
    before(async () => {
        const program = (await import("./example")).default;
        const run = await planComponents(program, { stack: "prod", region: "eu-west-1" });
        plan = run.plan;
        outputs = await unwrap(pulumi.output(run.result));
    });

    it("uses the program's own provider for everything, and creates none", () => {
        const providers = byType(plan, "pulumi:providers:aws");
        assert.deepEqual(
            providers.map((p) => p.name),
            ["payments-eu"],
        );
        const provider = providers[0].urn;
        for (const r of plan.resources) {
            if (r.custom && r.type !== "pulumi:providers:aws") assert.equal(r.provider, provider, r.name);
            if (!r.parent && !r.custom) assert.deepEqual(r.providers, { aws: provider }, r.name);
        }
    });

    it("adopts the VPC by id and delivers its records into the program's own lake", () => {
        const vpc = byName(plan, "payments-vpc");
        assert.equal(vpc.read, true);
        assert.equal(vpc.id, "vpc-0a1b2c3d4e5f60718");
        const lakeFlowLog = byName(plan, "payments-lakeFlowLog");
        assert.equal(lakeFlowLog.inputs.vpcId, "vpc-0a1b2c3d4e5f60718");
        assert.equal(
            lakeFlowLog.inputs.logDestination,
            `arn:aws:s3:::${byName(plan, "lake-bucket").id}/vpc-flow-logs/`,
        );
        assert.ok(lakeFlowLog.dependencies.includes(byName(plan, "lake-bucketPolicy").urn));
        assert.equal(byName(plan, "payments-alarmFlowLog").inputs.trafficType, "REJECT");
    });

    it("alarms on its one rule (and SKIPDATA), notifying the on-call address", () => {
        assert.deepEqual(
            byType(plan, "vpc-flow-monitor:alerting:AlertingRule").map((r) => r.name),
            ["payments-postgres-rejected", "payments-flow-log-skipdata"],
        );
        assert.equal(
            byName(plan, "payments-postgres-rejected-metricFilter").inputs.pattern,
            "[srcaddr, dstport = 5432, protocol = 6, packets, start, action = REJECT, log_status]",
        );
        const alarm = byName(plan, "payments-postgres-rejected-alarm").inputs;
        assert.equal(alarm.name, "vpc-flow-monitor-prod-payments-postgres-rejected");
        assert.equal(alarm.threshold, 5);
        assert.deepEqual(alarm.alarmActions, [byName(plan, "alerts-eu-west-1-topic").id]);
        assert.deepEqual(byName(plan, "alerts-eu-west-1-email-0").inputs.endpoint, "payments-oncall@example.com");
    });

    it("protects the data of its prod stack", () => {
        assert.equal(byName(plan, "lake-bucket").protect, true);
        assert.equal(byName(plan, "payments-alarmLogGroup").protect, true);
    });

    it("exports what the program returns", () => {
        assert.deepEqual(outputs, {
            lakeBucket: byName(plan, "lake-bucket").id,
            athenaWorkgroup: "vpc-flow-monitor-prod",
            alarms: ["postgres-rejected", "flow-log-skipdata"],
        });
    });
});

describe("the package's entry points", () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8"));
    const project = YAML.parse(fs.readFileSync(path.join(ROOT, "Pulumi.yaml"), "utf8"));

    it("exports the library as vpc-flow-monitor, resolved by Node to components/index.ts", () => {
        assert.equal(pkg.name, "vpc-flow-monitor");
        assert.deepEqual(pkg.exports["."], "./components/index.ts");
        assert.equal(pkg.main, "components/index.ts");
        assert.equal(pkg.types, "components/index.ts");
        assert.equal(require.resolve("vpc-flow-monitor"), path.join(ROOT, "components", "index.ts"));
    });

    it("keeps `pulumi up` on the program: Pulumi.yaml's main wins over package.json's exports and main", () => {
        // Pulumi's Node.js runtime runs `main` from Pulumi.yaml when set, else package.json's
        // "exports", else its "main": without this line it would run the library, register
        // nothing, and plan to delete the stack.
        assert.equal(project.main, "index.ts");
        assert.equal(project.runtime.name, "nodejs");
        const entry = fs.readFileSync(path.join(ROOT, project.main), "utf8");
        assert.match(entry, /import \{ runProgram \} from "\.\/program\/main";/);
        assert.match(entry, /export = async \(\) => runProgram\(\);/);
    });
});
