/**
 * One measurement, in its own process so peak memory is this run's alone:
 * `ts-node bench/planOnce.ts N` plans a generated N-VPC stack offline and prints one JSON line.
 */
import { planStack, toEngineConfig } from "../tools/offlinePlan";
import { criticalPathLength } from "./graphDepth";
import { scaleConfig } from "./scaleConfig";

async function main(): Promise<void> {
    const vpcs = Number(process.argv[2]);
    const started = process.hrtime.bigint();
    const plan = await planStack("bench", toEngineConfig(scaleConfig(vpcs)));
    const planSeconds = Number(process.hrtime.bigint() - started) / 1e9;
    process.stdout.write(
        JSON.stringify({
            vpcs,
            resources: plan.resources.length,
            planSeconds,
            depth: criticalPathLength(plan.resources),
            peakRssMiB: process.resourceUsage().maxRSS / 1024,
        }) + "\n",
    );
}

main().then(() => process.exit(0));
