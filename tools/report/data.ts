/**
 * The numbers behind the investigation report: the lake's named queries, run by DuckDB over a
 * local flow log tree exactly as `npm run query` runs them, but over the span of time (and VPC) the
 * user asks about (NamedQuery.over + selectionPredicate); and, when a stack's alert rules are
 * given, which alarms would have fired, by CloudWatch's evaluation replayed offline
 * (tools/replay/ruleEvaluation.ts) on the records the alarm log group would have received.
 *
 * Nothing here computes a number of its own: every table is a named query's result.
 */
import { InputError } from "../files/inputError";
import { NAMED_QUERIES, NamedQuery, Selection, selectionPredicate } from "../../components/lake/queries";
import { effectiveRules } from "../../components/alerting/rules";
import { CloudWatchTrafficType } from "../../components/defaults";
import { columnName, FlowLogField, formatVersion } from "../../flowlogs/fields";
import { StackConfig } from "../../program/stackConfig";
import { FileFormat } from "../lake/delivery";
import { FileFormatChoice, LakeInputError, LocalLake, QueryResult } from "../lake/localLake";
import { evaluateRule, FlowEvent, RuleEvaluation } from "../replay/ruleEvaluation";
import { alarmFieldsOf } from "../replay/stackReplay";

/** A problem with the input the user can fix: printed alone, exit status 2. */
export class ReportInputError extends InputError {}

/** The named queries the report runs, in the order it shows them. */
export const REPORT_QUERIES = [
    "flow-log-sources",
    "accepted-and-rejected-traffic",
    "rejected-flows-per-5-minutes",
    "top-rejected-sources",
    "top-rejected-destination-ports",
    "admin-port-flows-per-5-minutes",
    "top-talkers",
    "bytes-by-interface",
    "ipv6-traffic",
    "nodata-skipdata-intervals",
] as const;
export type ReportQueryName = (typeof REPORT_QUERIES)[number];

export interface ReportRequest {
    readonly data: string;
    readonly fileFormat: FileFormatChoice;
    /** Records starting at or after this; default: the first record's hour. */
    readonly from?: Date;
    /** Records starting before this; default: the end of the last record's hour. */
    readonly to?: Date;
    /** A VPC id (`vpc-...`), or the name of a VPC in the stack config. */
    readonly vpc?: string;
    /** The stack whose alert rules are replayed (and whose VPC names --vpc may use). */
    readonly stack?: { readonly name: string; readonly config: StackConfig };
}

export interface VpcChoice {
    readonly id: string;
    /** Its name in the stack config, when --vpc named it so or the config adopts it by this id. */
    readonly name?: string;
    /** Its first record start and last record end in the whole tree, as Athena prints them. */
    readonly seen?: { readonly first: string; readonly last: string };
}

/** One VPC's rules replayed on the records its alarm log group would have received. */
export interface VpcAlarms {
    readonly vpc: string;
    readonly region: string;
    /** The id the stack config adopts; undefined for a VPC the stack creates. */
    readonly vpcId?: string;
    /** The records fed to the rules (what the log group would have received from the lake's records). */
    readonly events: number;
    readonly rules: readonly RuleEvaluation[];
}

export interface AlarmReplay {
    readonly stack: string;
    readonly trafficType: CloudWatchTrafficType;
    readonly vpcs: readonly VpcAlarms[];
}

export interface ReportData {
    readonly data: string;
    readonly format: FileFormat;
    readonly files: number;
    /** First and last record start in the whole tree (epoch seconds). */
    readonly extent: { readonly first: number; readonly last: number };
    readonly selection: Selection;
    readonly vpc?: VpcChoice;
    /** The result of every report query over the selection. */
    readonly results: Readonly<Record<ReportQueryName, QueryResult>>;
    readonly alarms?: AlarmReplay;
}

/** Reports what it is doing, for a progress line. */
export type Progress = (message: string) => void;

export function namedQuery(name: string): NamedQuery {
    const query = NAMED_QUERIES.find((q) => q.name === name);
    if (!query) throw new Error(`no named query ${name}`);
    return query;
}

const HOUR_MS = 3_600_000;
const iso = (time: Date) => time.toISOString().replace(/\.000Z$/, "Z");
const isoSeconds = (seconds: number) => iso(new Date(seconds * 1000));

/** Opens the tree, decides the selection, runs every report query, replays the alarms. */
export async function collectReport(request: ReportRequest, progress: Progress = () => {}): Promise<ReportData> {
    progress(`finding flow log files under ${request.data}`);
    let lake: LocalLake;
    try {
        lake = await LocalLake.open(request.data, request.fileFormat);
    } catch (err) {
        if (err instanceof LakeInputError) throw new ReportInputError(err.message);
        throw new ReportInputError(`--data ${request.data}: cannot read the flow log files: ${(err as Error).message}`);
    }
    try {
        const kind = lake.format === FileFormat.PARQUET ? "Parquet" : "plain-text";
        progress(`reading ${lake.files.length} ${kind} files`);
        const extent = await extentOf(lake, request.data);
        const selection = chooseWindow(request, extent);
        const vpc = await chooseVpc(lake, request);
        const chosen: Selection = vpc ? { ...selection, vpcId: vpc.id } : selection;
        const predicate = selectionPredicate(chosen);
        const results = {} as Record<ReportQueryName, QueryResult>;
        for (const [i, name] of REPORT_QUERIES.entries()) {
            const started = Date.now();
            results[name] = await lake.query(namedQuery(name), {}, chosen.to, predicate);
            progress(
                `[${i + 1}/${REPORT_QUERIES.length}] ${name}: ${results[name].rows.length} rows (${((Date.now() - started) / 1000).toFixed(1)} s)`,
            );
            // flow-log-sources comes first: no source, no record in the window.
            if (name === "flow-log-sources" && results[name].rows.length === 0)
                throw emptyWindow(request, extent, chosen, vpc);
        }
        const alarms = request.stack ? await replayAlarms(lake, request.stack, chosen, vpc, progress) : undefined;
        return {
            data: request.data,
            format: lake.format,
            files: lake.files.length,
            extent,
            selection: chosen,
            vpc,
            results,
            alarms,
        };
    } finally {
        lake.close();
    }
}

async function extentOf(lake: LocalLake, dir: string): Promise<{ first: number; last: number }> {
    const result = await lake.sql("SELECT min(start) AS first, max(start) AS last FROM flow_logs");
    const { first, last } = result.rows[0];
    if (first === null || last === null) {
        throw new ReportInputError(`--data ${dir}: ${lake.files.length} flow log files, but no records in them`);
    }
    return { first: Number(first), last: Number(last) };
}

/** --from/--to, defaulting to the whole hours the tree's records start in. */
function chooseWindow(request: ReportRequest, extent: { first: number; last: number }): Selection {
    const from = request.from ?? new Date(Math.floor((extent.first * 1000) / HOUR_MS) * HOUR_MS);
    const to = request.to ?? new Date(Math.floor((extent.last * 1000) / HOUR_MS + 1) * HOUR_MS);
    if (from.getTime() >= to.getTime()) {
        const given = `${request.from ? `--from ${iso(from)}` : `from ${iso(from)} (the data's first hour)`} ${request.to ? `--to ${iso(to)}` : `to ${iso(to)} (the data's last hour)`}`;
        throw new ReportInputError(`${given}: the window is empty; --from must be before --to`);
    }
    return { from, to };
}

interface VpcSeen {
    readonly id: string;
    readonly region: string;
    readonly account: string;
    readonly first: string;
    readonly last: string;
}

/**
 * The VPCs of the whole tree, from their records' vpc_id over its full extent. The default lake
 * format has no vpc_id (lake.fields): its records cannot be told apart by VPC, and --vpc is refused.
 */
async function vpcsInTree(lake: LocalLake, dir: string, given: string): Promise<VpcSeen[]> {
    const columns = new Set(lake.fields.map(columnName));
    const missing = ["vpc_id", "account_id"].filter((column) => !columns.has(column));
    if (missing.length) {
        throw new ReportInputError(
            `--vpc ${JSON.stringify(given)}: the records in --data ${dir} carry no ${missing.join(" or ")} ` +
                `(their fields: ${lake.fields.map(columnName).join(", ")}), so one VPC's records cannot be told apart; ` +
                `a lake whose lake.fields include vpc-id and account-id can be reported by VPC`,
        );
    }
    // The last record's end where the format has it, else its start.
    const last = columns.has("end") ? '"end"' : "start";
    const result = await lake.sql(
        `SELECT vpc_id, aws_region, account_id, to_timestamp(min(start)) AS first, to_timestamp(max(${last})) AS last ` +
            "FROM flow_logs WHERE vpc_id IS NOT NULL GROUP BY vpc_id, aws_region, account_id ORDER BY account_id, aws_region, vpc_id",
    );
    return result.rows.map((row) => ({
        id: String(row.vpc_id),
        region: String(row.aws_region),
        account: String(row.account_id),
        first: String(row.first),
        last: String(row.last),
    }));
}

const listVpcs = (vpcs: readonly VpcSeen[]) =>
    vpcs.length ? vpcs.map((v) => `${v.id} (${v.account}, ${v.region})`).join(", ") : "none (no record names a VPC)";

async function chooseVpc(lake: LocalLake, request: ReportRequest): Promise<VpcChoice | undefined> {
    if (request.vpc === undefined) return undefined;
    const given = request.vpc;
    const seen = await vpcsInTree(lake, request.data, given);
    const inData = `VPCs in --data ${request.data}: ${listVpcs(seen)}`;
    let choice: VpcChoice;
    if (/^vpc-[0-9a-f]+$/.test(given)) {
        const named = request.stack?.config.regions
            .flatMap((r) => r.vpcs)
            .find((v) => v.kind === "adopt" && v.vpcId === given);
        choice = { id: given, name: named?.name };
    } else {
        if (!request.stack) {
            throw new ReportInputError(
                `--vpc ${JSON.stringify(given)}: not a VPC id (vpc-...), and without --stack or --config there are no VPC names to look up. ${inData}`,
            );
        }
        const { name, config } = request.stack;
        const vpcs = config.regions.flatMap((r) => r.vpcs);
        const vpc = vpcs.find((v) => v.name === given);
        if (!vpc) {
            throw new ReportInputError(
                `--vpc ${JSON.stringify(given)}: stack ${name} has no VPC of that name (its VPCs: ${vpcs.map((v) => v.name).join(", ")}). ${inData}`,
            );
        }
        if (vpc.kind === "create") {
            throw new ReportInputError(
                `--vpc ${JSON.stringify(given)}: stack ${name} creates this VPC (cidrBlock ${vpc.cidrBlock}), so its id is known only once it is deployed; give the id (vpc-...) instead. ${inData}`,
            );
        }
        choice = { id: vpc.vpcId, name: vpc.name };
    }
    const found = seen.find((v) => v.id === choice.id);
    if (!found) {
        const label = choice.name && choice.name !== given ? `${given} (${choice.id})` : given;
        throw new ReportInputError(`--vpc ${label}: no record of that VPC in --data ${request.data}. ${inData}`);
    }
    return { ...choice, seen: { first: found.first, last: found.last } };
}

function emptyWindow(
    request: ReportRequest,
    extent: { first: number; last: number },
    selection: Selection,
    vpc: VpcChoice | undefined,
): ReportInputError {
    const window = `${request.from ? "--from" : "from"} ${iso(selection.from)} ${request.to ? "--to" : "to"} ${iso(selection.to)}`;
    const where = vpc?.seen
        ? `; the records of ${vpc.id} in --data ${request.data} run from ${vpc.seen.first} to ${vpc.seen.last}`
        : `; the records in --data ${request.data} start from ${isoSeconds(extent.first)} to ${isoSeconds(extent.last)}`;
    return new ReportInputError(
        `${window}: no flow log record${vpc ? ` of ${vpc.id}` : ""} starts in that window${where}`,
    );
}

// ---------------------------------------------------------------------------------------------
// Alarms: the lake's records as the alarm log group would have received them.

const quote = (name: string) => `"${name}"`;

/**
 * The records of `predicate` that the alarm flow log would deliver: REJECT records (or all, with
 * cloudWatchTrafficType ALL), and NODATA/SKIPDATA records, which carry no action (the SKIPDATA alarm
 * counts on them), each rendered as a line of the alarm log group's format.
 *
 * The lake's flow log aggregates over 10 minutes and the alarm flow log over 1 minute, so the alarm
 * log group receives at least as many records for the same traffic: sums here are a lower bound of
 * what CloudWatch would count, and an alarm that fires here fires there.
 */
async function alarmEvents(
    lake: LocalLake,
    predicate: string,
    trafficType: CloudWatchTrafficType,
    fields: readonly FlowLogField[],
): Promise<FlowEvent[]> {
    const traffic = trafficType === CloudWatchTrafficType.ALL ? "" : " AND (action = 'REJECT' OR log_status <> 'OK')";
    const inLake = new Set(lake.fields.map(columnName));
    const columns = fields.map(columnName);
    const version = String(formatVersion(fields));
    const read = columns.filter((column) => inLake.has(column));
    const result = await lake.sql(
        `SELECT ${[...new Set([...read, "start"])].map(quote).join(", ")} FROM flow_logs WHERE ${predicate}${traffic} ORDER BY start`,
    );
    return result.rows.map((row) => ({
        text: columns
            .map((column) => {
                // The alarm format's lines carry its own version, not the lake record's.
                if (column === "version") return version;
                // A field of the alarm format the lake's format lacks reads as absent ("-").
                const value = row[column];
                return value === null || value === undefined ? "-" : String(value);
            })
            .join(" "),
        start: Number(row.start),
    }));
}

/**
 * Each VPC of the stack (or the one --vpc chose) gets its rules replayed: a VPC the config adopts
 * by id on that VPC's records; a VPC the stack creates (its id is not known offline) on all the
 * selected records, as if its log group had received them, as `npm run rules` does.
 */
async function replayAlarms(
    lake: LocalLake,
    stack: { readonly name: string; readonly config: StackConfig },
    selection: Selection,
    vpc: VpcChoice | undefined,
    progress: Progress,
): Promise<AlarmReplay> {
    const { config } = stack;
    const all = config.regions.flatMap((region) => region.vpcs.map((v) => ({ region: region.region, vpc: v })));
    const named = vpc?.name === undefined ? [] : all.filter(({ vpc: v }) => v.name === vpc.name);
    const chosen = named.length ? named : all;
    const trafficType = config.flowLogs.cloudWatchTrafficType;
    const vpcs: VpcAlarms[] = [];
    // Without vpc_id in the lake's format an adopted VPC's records cannot be picked out: every VPC
    // is replayed on all the selected records, as a created one is.
    const byVpc = lake.fields.some((field) => columnName(field) === "vpc_id");
    for (const { region, vpc: v } of chosen) {
        const vpcId = v.kind === "adopt" ? v.vpcId : undefined;
        const rules = effectiveRules({
            defaultRules: config.alerts.defaultRules,
            stackRules: config.alerts.rules,
            vpcRules: v.rules,
        });
        // The format the region's alarm log groups receive, derived from what reads it, as deployed.
        const fields = alarmFieldsOf(config, v.name);
        const filterId = byVpc ? vpcId : undefined;
        // An adopted VPC other than the one --vpc selected has no records in the selection.
        const events =
            filterId !== undefined && selection.vpcId !== undefined && filterId !== selection.vpcId
                ? []
                : await alarmEvents(
                      lake,
                      selectionPredicate({ ...selection, vpcId: filterId ?? selection.vpcId }),
                      trafficType,
                      fields,
                  );
        vpcs.push({
            vpc: v.name,
            region,
            vpcId,
            events: events.length,
            rules: rules.map((rule) => evaluateRule(rule, events, fields)),
        });
        progress(`alarms of ${v.name}: ${rules.length} rules replayed on ${events.length} records`);
    }
    return { stack: stack.name, trafficType, vpcs };
}
