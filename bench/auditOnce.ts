/**
 * One measurement of the policy pack alone over a synthetic stack export of N VPCs with their flow
 * logs, filters and alarms: `ts-node bench/auditOnce.ts N`. Building the export is not timed;
 * reading it and running every policy (what `npm run audit` does) is.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { fromStackExport, toStackExport } from "../tools/analyzer/policyInputs";
import { PACK, loadPolicyConfig } from "../tools/analyzer/policyPack";
import { countByLevel, runPolicyPack } from "../tools/analyzer/policyRunner";
import { fleet } from "../tests/fixtures/stacks";

async function main(): Promise<void> {
    const vpcs = Number(process.argv[2]);
    const resources = fleet(vpcs, { awsx: true }).stack.resources();
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "audit-bench-")), "export.json");
    const exportDoc = toStackExport(resources);
    fs.writeFileSync(file, JSON.stringify(exportDoc));
    const started = process.hrtime.bigint();
    const exported = fromStackExport(JSON.parse(fs.readFileSync(file, "utf8")), file);
    const run = await runPolicyPack(exported.resources, PACK, { config: loadPolicyConfig(), unknownsAre: "secrets" });
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    fs.rmSync(path.dirname(file), { recursive: true, force: true });
    process.stdout.write(
        JSON.stringify({
            vpcs,
            resources: exported.resources.length,
            seconds,
            mandatory: countByLevel(run.violations).mandatory,
            peakRssMiB: process.resourceUsage().maxRSS / 1024,
        }) + "\n",
    );
}

main().then(() => process.exit(0));
