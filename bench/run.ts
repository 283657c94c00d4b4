/**
 * npm run bench: how the offline plan + policy check and the policy pack alone scale, and what
 * the design costs by fleet size and traffic beside the seed designs (bench/cost.ts).
 * Each measurement runs in its own process (peak memory is per run). Prints tables; the figures
 * in bench/README.md come from this command.
 */
import { execFileSync } from "child_process";
import * as os from "os";
import * as path from "path";

const PLAN_SIZES = [1, 10, 100, 1000];
const AUDIT_SIZES = [1000, 10000];
const GENERATE_DAYS = [1, 7, 31];

function measure(script: string, n: number): Record<string, number> {
    const out = execFileSync(
        process.execPath,
        ["-r", "ts-node/register/transpile-only", path.join(__dirname, script), String(n)],
        {
            cwd: path.resolve(__dirname, ".."),
            encoding: "utf8",
            maxBuffer: 1 << 24,
        },
    );
    return JSON.parse(out.trim().split("\n").pop()!);
}

const fmt = (n: number, digits = 2) => n.toFixed(digits);

function main(): void {
    const cores = os.cpus().length;
    console.log(
        `vpc-flow-monitor benchmarks, ${new Date().toISOString().slice(0, 10)}, ${cores} cores, ${fmt(os.totalmem() / 2 ** 30, 0)} GiB, node ${process.version}\n`,
    );

    console.log("Offline plan + policy check of generated configs (VPCs over 4 regions, half created, half adopted)");
    console.log(
        "| VPCs | resources | plan s | check s | total s | peak RSS MiB | critical path | mandatory violations |",
    );
    console.log("|---:|---:|---:|---:|---:|---:|---:|---:|");
    const plans = PLAN_SIZES.map((n) => measure("planOnce.ts", n));
    for (const r of plans) {
        console.log(
            `| ${r.vpcs} | ${r.resources} | ${fmt(r.planSeconds)} | ${fmt(r.checkSeconds)} | ${fmt(r.totalSeconds)} | ${fmt(r.peakRssMiB, 0)} | ${r.depth} | ${r.mandatory} |`,
        );
    }
    const at = (n: number) => plans.find((p) => p.vpcs === n)!;
    console.log(
        `\ntime(1000)/time(100) = ${fmt(at(1000).totalSeconds / at(100).totalSeconds)} (target <= 12; linear would be 10)`,
    );
    console.log(`critical path: ${at(1).depth} resources for 1 VPC, ${at(1000).depth} for 1000 VPCs`);

    console.log("\nPolicy pack alone over a synthetic stack export (read + parse + every policy)");
    console.log("| VPCs | resources | seconds | peak RSS MiB | mandatory violations |");
    console.log("|---:|---:|---:|---:|---:|");
    const audits = AUDIT_SIZES.map((n) => measure("auditOnce.ts", n));
    for (const r of audits)
        console.log(`| ${r.vpcs} | ${r.resources} | ${fmt(r.seconds)} | ${fmt(r.peakRssMiB, 0)} | ${r.mandatory} |`);
    console.log(`\ntime(10000)/time(1000) = ${fmt(audits[1].seconds / audits[0].seconds)} (target <= 12)`);

    console.log("\nnpm run generate (Parquet) for N days: written a day at a time, peak memory flat in N");
    console.log("| days | records | objects | seconds | peak RSS MiB |");
    console.log("|---:|---:|---:|---:|---:|");
    for (const r of GENERATE_DAYS.map((n) => measure("generateOnce.ts", n))) {
        console.log(`| ${r.days} | ${r.records} | ${r.objects} | ${fmt(r.seconds)} | ${fmt(r.peakRssMiB, 0)} |`);
    }
    console.log("");
    process.stdout.write(
        execFileSync(process.execPath, ["-r", "ts-node/register/transpile-only", path.join(__dirname, "cost.ts")], {
            cwd: path.resolve(__dirname, ".."),
            encoding: "utf8",
            maxBuffer: 1 << 24,
        }),
    );
}

main();
