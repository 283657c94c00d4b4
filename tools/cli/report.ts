/**
 * npm run report -- --data DIR [--from TIME] [--to TIME] [--vpc NAME|ID] [--stack NAME | --config FILE]
 *                   [--file-format auto|parquet|plain-text] [--out FILE]
 * npm run report -- --dashboard (--stack NAME | --config FILE) [--out FILE]
 *
 * The investigation report: one self-contained HTML file of charts (Vega-Lite rendered to SVG)
 * and their tables over a local copy of the flow log tree, each computed by a named query of the
 * lake, run by DuckDB as `npm run query` runs it, over the window (and VPC) asked for. With a stack
 * (--stack/--config), also which of its alarms would have fired and when. Progress goes to stderr.
 *
 * --dashboard writes a preview of the CloudWatch dashboard the stack would create instead.
 *
 * Exit status: 0 written; 2 bad usage or input (an empty or unreadable tree, an empty window, an
 * unknown VPC, an invalid stack config): nothing written.
 */
import * as fs from "fs";
import * as path from "path";
import { parseArgs } from "util";
import { ConfigError, formatProblems, StackConfig, validateStackConfig } from "../../program/stackConfig";
import { InputError } from "../files/inputError";
import { loadStackFile } from "../files/stackFile";
import { FileFormat } from "../lake/delivery";
import { FileFormatChoice } from "../lake/localLake";
import { planStack, toEngineConfig } from "../plan/offlinePlan";
import { dashboardsOf, layoutWidgets, renderDashboardHtml } from "../report/dashboard";
import { Progress } from "../report/data";
import { HtmlContext } from "../report/html";
import { buildReport } from "../report/report";
import { describeFailure, Exit, runCli, stackFilePath } from "./kit";

export const USAGE = [
    "usage: npm run report -- --data DIR [--from TIME] [--to TIME] [--vpc NAME|ID] [--stack NAME | --config FILE] [--file-format auto|parquet|plain-text] [--out FILE]",
    "       npm run report -- --dashboard (--stack NAME | --config FILE) [--out FILE]",
].join("\n");

/** A usage problem: printed alone (its message says what to give), exit status 2. */
export class ReportUsageError extends InputError {}

const FILE_FORMATS: readonly string[] = ["auto", ...Object.values(FileFormat)];

/** An ISO 8601 time with its zone, e.g. 2026-11-23T02:00:00Z; `option` names the flag in the message. */
export function parseTime(option: string, text: string): Date {
    const time = new Date(text);
    if (
        !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(text) ||
        Number.isNaN(time.getTime())
    ) {
        throw new ReportUsageError(
            `${option} ${JSON.stringify(text)}: expected an ISO 8601 time with its zone, e.g. 2026-11-23T02:00:00Z`,
        );
    }
    return time;
}

/** Progress on stderr: one line rewritten in place on a terminal, plain lines into a pipe or file. */
export function progressLine(stream: NodeJS.WriteStream = process.stderr): { report: Progress; done: () => void } {
    let shown = false;
    return {
        report: (message) => {
            if (stream.isTTY) {
                stream.write(`\r\x1b[2Kreport: ${message}`);
                shown = true;
            } else stream.write(`report: ${message}\n`);
        },
        done: () => {
            if (shown) stream.write("\n");
            shown = false;
        },
    };
}

const commandLine = (argv: readonly string[]) =>
    ["npm run report --", ...argv.map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : JSON.stringify(a)))].join(" ");

function loadStack(values: { stack?: string; config?: string }): {
    name: string;
    config: StackConfig;
    raw: Record<string, unknown>;
    source: string;
} {
    const file = loadStackFile(stackFilePath(values));
    const source = path.relative(process.cwd(), file.path) || file.path;
    try {
        return { name: file.stack, config: validateStackConfig(file.config), raw: file.config, source };
    } catch (err) {
        if (err instanceof ConfigError) throw new ReportUsageError(formatProblems(err.problems, source));
        throw err;
    }
}

/** Writes `html` to `out` only once everything succeeded, so a failed run leaves nothing behind. */
function writeOut(out: string, html: string): void {
    try {
        fs.writeFileSync(out, html);
    } catch (err) {
        throw new ReportUsageError(`--out ${out}: cannot write: ${(err as NodeJS.ErrnoException).code ?? err}`);
    }
}

export async function main(argv: string[], clock: () => Date = () => new Date()): Promise<number> {
    const progress = progressLine();
    try {
        const { values, positionals } = parseArgs({
            args: argv,
            options: {
                data: { type: "string" },
                from: { type: "string" },
                to: { type: "string" },
                vpc: { type: "string" },
                stack: { type: "string" },
                config: { type: "string" },
                "file-format": { type: "string", default: "auto" },
                out: { type: "string" },
                dashboard: { type: "boolean", default: false },
            },
            allowPositionals: true,
            strict: true,
        });
        if (positionals.length) throw new ReportUsageError(`unexpected argument ${positionals[0]}\n${USAGE}`);
        const context: HtmlContext = { generatedAt: clock(), command: commandLine(argv) };

        if (values.dashboard) {
            const extra = (["data", "from", "to", "vpc"] as const).filter((k) => values[k] !== undefined);
            if (extra.length)
                throw new ReportUsageError(
                    `--dashboard previews the stack's dashboard and reads no flow logs; drop ${extra.map((k) => `--${k}`).join(", ")}\n${USAGE}`,
                );
            const stack = loadStack(values);
            const out = values.out ?? "dashboard.html";
            const plan = await planStack(stack.name, toEngineConfig(stack.raw));
            const dashboards = dashboardsOf(plan);
            if (dashboards.length !== 1)
                throw new Error(`expected one dashboard in the plan of ${stack.name}, found ${dashboards.length}`);
            const placed = layoutWidgets(dashboards[0].widgets);
            writeOut(out, renderDashboardHtml(stack.name, dashboards[0], placed, context));
            process.stdout.write(
                `Wrote ${out}: a preview of dashboard ${dashboards[0].name} (${placed.length} widgets) of stack ${stack.name}, from ${stack.source}\n`,
            );
            return Exit.OK;
        }

        if (values.data === undefined) {
            throw new ReportUsageError(
                `--data DIR is required: the folder holding a local copy of the flow log tree (e.g. from npm run generate)\n${USAGE}`,
            );
        }
        if (!FILE_FORMATS.includes(values["file-format"]!)) {
            throw new ReportUsageError(`--file-format ${values["file-format"]}: expected ${FILE_FORMATS.join(", ")}`);
        }
        const from = values.from === undefined ? undefined : parseTime("--from", values.from);
        const to = values.to === undefined ? undefined : parseTime("--to", values.to);
        const stack = values.stack === undefined && values.config === undefined ? undefined : loadStack(values);
        const out = values.out ?? "report.html";
        const report = await buildReport(
            {
                data: values.data,
                fileFormat: values["file-format"] as FileFormatChoice,
                from,
                to,
                vpc: values.vpc,
                stack: stack && { name: stack.name, config: stack.config },
            },
            context,
            progress.report,
        );
        progress.done();
        writeOut(out, report.html);
        const { selection } = report.data;
        const fired = report.data.alarms?.vpcs.reduce(
            (n, v) => n + v.rules.reduce((m, r) => m + r.firings.length, 0),
            0,
        );
        process.stdout.write(
            `Wrote ${out}: ${report.charts.length} charts of the flow logs under ${values.data}, ` +
                `${selection.from.toISOString()} to ${selection.to.toISOString()}` +
                `${report.data.vpc ? `, VPC ${report.data.vpc.id}` : ""}` +
                `${fired === undefined ? "" : `; ${fired} alarm transition${fired === 1 ? "" : "s"} to ALARM (stack ${stack!.name})`}\n`,
        );
        return Exit.OK;
    } catch (err) {
        progress.done();
        return reportFailure(err);
    }
}

/**
 * Prints an expected failure the way the kit reports it (tools/cli/kit.ts describeFailure), then
 * "Nothing was written.": the report is written only once everything succeeded. Anything else is
 * a bug, rethrown for runCli to report.
 */
export function reportFailure(err: unknown): number {
    const failure = describeFailure(err, { usage: USAGE });
    if (!failure) throw err;
    process.stderr.write(`${failure.message}\nNothing was written.\n`);
    return failure.exitCode;
}

if (require.main === module) void runCli(main);
