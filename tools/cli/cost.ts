/**
 * npm run cost -- (--stack NAME | --config FILE) [--gb-per-vpc-month N] [--reject-share S]
 *                 [--query-runs N] [--prices FILE] [--json]
 *
 * Prices what `pulumi up` would create for a stack config, before it is deployed: the offline plan
 * (the program under Pulumi's mock runtime) read for every billable resource, at a given traffic,
 * from the dated, sourced price table tools/cost/prices.yaml, beside the seed designs.
 *
 * Exit status: 0 priced, 2 bad usage, bad configuration or an unusable price table.
 */
import { parseArgs } from "util";
import { planStack, toEngineConfig } from "../plan/offlinePlan";
import { costReport, DEFAULT_TRAFFIC, loadPriceTable, renderText, toJson, Traffic } from "../cost";
import { Exit, print, printJson, runCli, runCommand, stackFilePath, UsageError } from "./kit";

export const USAGE =
    "usage: npm run cost -- (--stack NAME | --config FILE) [--gb-per-vpc-month N] [--reject-share S] [--query-runs N] [--prices FILE] [--json]";

/** The most a VPC-month may be given as: 1 PB, far beyond any VPC, but a typo of extra zeros is caught. */
export const MAX_GB_PER_VPC_MONTH = 1_048_576;
export const MAX_QUERY_RUNS = 100_000;

const NUMBER = /^(\d+(\.\d+)?|\.\d+)$/;

export interface CostRequest {
    readonly stack?: string;
    readonly config?: string;
    readonly traffic: Traffic;
    readonly prices?: string;
    readonly json: boolean;
}

/** Parses and checks the arguments; every problem with the numbers at once. */
export function parseRequest(argv: readonly string[]): CostRequest {
    const { values, positionals } = parseArgs({
        args: [...argv],
        options: {
            stack: { type: "string" },
            config: { type: "string" },
            "gb-per-vpc-month": { type: "string", default: String(DEFAULT_TRAFFIC.gbPerVpcMonth) },
            "reject-share": { type: "string", default: String(DEFAULT_TRAFFIC.rejectShare) },
            "query-runs": { type: "string", default: String(DEFAULT_TRAFFIC.queryRunsPerMonth) },
            prices: { type: "string" },
            json: { type: "boolean", default: false },
        },
        allowPositionals: true,
        strict: true,
    });
    if (positionals.length) throw new UsageError(`unexpected argument ${positionals[0]}`);
    const problems: string[] = [];
    const gbText = values["gb-per-vpc-month"]!;
    const gb = Number(gbText);
    if (!NUMBER.test(gbText) || gb <= 0 || gb > MAX_GB_PER_VPC_MONTH) {
        problems.push(
            `--gb-per-vpc-month ${gbText}: expected GB of version-2-format ALL traffic per VPC and month, a number above 0 and at most ${MAX_GB_PER_VPC_MONTH}, e.g. 100`,
        );
    }
    const shareText = values["reject-share"]!;
    const share = Number(shareText);
    if (!NUMBER.test(shareText) || share > 1) {
        problems.push(
            `--reject-share ${shareText}: expected the share of records that are REJECT, from 0 to 1, e.g. 0.1`,
        );
    }
    const runsText = values["query-runs"]!;
    const runs = Number(runsText);
    if (!/^\d+$/.test(runsText) || runs > MAX_QUERY_RUNS) {
        problems.push(
            `--query-runs ${runsText}: expected how many times each named query runs a month, a whole number from 0 to ${MAX_QUERY_RUNS}, e.g. 30`,
        );
    }
    if (problems.length) throw new UsageError(problems.join("\n"));
    return {
        stack: values.stack,
        config: values.config,
        traffic: { gbPerVpcMonth: gb, rejectShare: share, queryRunsPerMonth: runs },
        prices: values.prices,
        json: values.json!,
    };
}

export function main(argv: string[]): Promise<number> {
    return runCommand({ usage: USAGE }, async (run) => {
        const request = parseRequest(argv);
        const stackFile = run.loadStack(stackFilePath(request));
        // The price table is checked before planning: a broken table fails fast, with nothing planned.
        const table = loadPriceTable(request.prices);
        const config = toEngineConfig(stackFile.config);
        const plan = await planStack(stackFile.stack, config);
        const report = costReport(plan, request.traffic, table, config["aws:region"]);
        if (request.json) printJson(toJson(report));
        else print(renderText(report, run.source ?? stackFile.path));
        return Exit.OK;
    });
}

if (require.main === module) void runCli(main);
