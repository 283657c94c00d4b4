/**
 * One measurement of the offline plan + policy check, in its own process so peak memory is this
 * run's alone: `ts-node bench/planOnce.ts N` prints one JSON line.
 */
import { countByLevel } from "../tools/analyzer/policyRunner";
import { checkPlan } from "../tools/analyzer/planCheck";
import { planStack, toEngineConfig } from "../tools/plan/offlinePlan";
import { criticalPathLength } from "./graphDepth";
import { scaleConfig } from "./scaleConfig";

async function main(): Promise<void> {
    const vpcs = Number(process.argv[2]);
    const started = process.hrtime.bigint();
    const plan = await planStack("bench", toEngineConfig(scaleConfig(vpcs)));
    const planned = process.hrtime.bigint();
    const { run } = await checkPlan(plan);
    const checked = process.hrtime.bigint();
    process.stdout.write(
        JSON.stringify({
            vpcs,
            resources: plan.resources.length,
            planSeconds: Number(planned - started) / 1e9,
            checkSeconds: Number(checked - planned) / 1e9,
            totalSeconds: Number(checked - started) / 1e9,
            mandatory: countByLevel(run.violations).mandatory,
            depth: criticalPathLength(plan.resources),
            peakRssMiB: process.resourceUsage().maxRSS / 1024,
        }) + "\n",
    );
}

main().then(() => process.exit(0));
