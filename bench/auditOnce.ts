/**
 * One measurement of the policy pack alone over a synthetic stack export of N VPCs with their flow
 * logs, filters and alarms: `ts-node bench/auditOnce.ts N`. Building the export is not timed;
 * reading it and running every policy (what `npm run audit` does) is.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { fromStackExport } from "../tools/policyInputs";
import { PACK, loadPolicyConfig } from "../tools/policyPack";
import { countByLevel, runPolicyPack } from "../tools/policyRunner";
import { fleet } from "../tests/fixtures/stacks";

async function main(): Promise<void> {
    const vpcs = Number(process.argv[2]);
    const resources = fleet(vpcs, { awsx: true }).stack.resources();
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "audit-bench-")), "export.json");
    const exportDoc = {
        version: 3,
        deployment: {
            manifest: { time: "2026-11-23T00:00:00Z", magic: "bench", version: "v3.229.0" },
            resources: resources.map((r) => ({
                urn: r.urn,
                custom: r.custom,
                ...(r.id ? { id: r.id } : {}),
                type: r.type,
                inputs: r.inputs,
                outputs: r.outputs,
                ...(r.parent ? { parent: r.parent } : {}),
                dependencies: r.dependencies,
                propertyDependencies: r.propertyDependencies,
            })),
        },
    };
    fs.writeFileSync(file, JSON.stringify(exportDoc));
    const started = process.hrtime.bigint();
    const exported = fromStackExport(JSON.parse(fs.readFileSync(file, "utf8")), file);
    const run = await runPolicyPack(exported.resources, PACK, { config: loadPolicyConfig(), unknownsAre: "secrets" });
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    fs.rmSync(path.dirname(file), { recursive: true, force: true });
    process.stdout.write(
        JSON.stringify({ vpcs, resources: exported.resources.length, seconds, mandatory: countByLevel(run.violations).mandatory, peakRssMiB: process.resourceUsage().maxRSS / 1024 }) + "\n",
    );
}

main().then(() => process.exit(0));
