/**
 * The cost of this design against the two seed designs, by fleet size and traffic:
 * `ts-node bench/cost.ts` plans generated stacks of 1, 10, 100 and 1,000 VPCs (bench/scaleConfig.ts:
 * four regions, half the VPCs created, half adopted, default rules), prices each at 10 GB, 100 GB
 * and 1 TB of version-2-format traffic per VPC-month (10 % REJECT, named queries 30 times a month)
 * with tools/cost, and prints a table. No timing: the figures are dollars.
 */
import { costReport, DEFAULT_TRAFFIC, loadPriceTable } from "../tools/cost";
import { planStack, toEngineConfig } from "../tools/plan/offlinePlan";
import { BENCH_REGIONS, scaleConfig } from "./scaleConfig";

const FLEETS = [1, 10, 100, 1000];
const GB_PER_VPC_MONTH = [10, 100, 1024];

const usd = (n: number) => `$${n.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;

async function main(): Promise<void> {
    const table = loadPriceTable();
    console.log(
        `Monthly cost by fleet and traffic (${table.region} list prices from tools/cost/prices.yaml; ${Math.round(DEFAULT_TRAFFIC.rejectShare * 100)} % REJECT; each named query ${DEFAULT_TRAFFIC.queryRunsPerMonth} times a month)`,
    );
    console.log(
        "per TB = variable cost per 1,024 GB of version-2-format traffic; fixed = fixed cost per VPC-month (average)",
    );
    console.log(
        "| VPCs | GB/VPC-month | this design per TB | fixed | A per TB | A fixed | B per TB | B fixed | per TB vs cheapest seed |",
    );
    console.log("|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    for (const vpcs of FLEETS) {
        const plan = await planStack("bench", toEngineConfig(scaleConfig(vpcs)));
        for (const gbPerVpcMonth of GB_PER_VPC_MONTH) {
            const report = costReport(plan, { ...DEFAULT_TRAFFIC, gbPerVpcMonth }, table, BENCH_REGIONS[0]);
            const [a, b] = report.seeds;
            const cheapest = Math.min(a.perTb, b.perTb);
            console.log(
                `| ${vpcs} | ${gbPerVpcMonth} | ${usd(report.estimate.perTb)} | ${usd(report.estimate.fixedPerVpc)} | ${usd(a.perTb)} | ${usd(a.fixedPerVpc)} | ${usd(b.perTb)} | ${usd(b.fixedPerVpc)} | ${(report.estimate.perTb / cheapest).toFixed(2)} |`,
            );
        }
    }
}

main().then(
    () => process.exit(0),
    (err) => {
        console.error(err);
        process.exit(1);
    },
);
