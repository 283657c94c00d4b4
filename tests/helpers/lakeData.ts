/**
 * The sample lake the lake specs share, generated once per test run, and the independent
 * TypeScript computation of every named query over its records.
 *
 * The expected results are computed from the generated record objects and the objects they were
 * delivered in, with no SQL: filters, groups, sums and orderings written out per query, private
 * addresses recognised by ipaddr.js rather than the queries' LIKE patterns.
 */
import { LAKE_ALL_FIELDS } from "../../components/defaults";
import * as ipaddr from "ipaddr.js";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { Parser } from "node-sql-parser";
import { FlowLogRecord } from "../../flowlogs/fields";
import { FLOW_LOG_TABLE, lakeColumns, PARTITION_KEYS } from "../../components/lake/layout";
import { ADMIN_PORTS } from "../../components/lake/queries";
import { generate, GenerateRequest, GenerateSummary } from "../../tools/lake/sampleLake";
import { deliver, DeliveredObject, FileFormat, Partition } from "../../tools/lake/delivery";
import { SHARED_FUNCTIONS, TRANSLATED_FUNCTIONS } from "../../tools/lake/dialect";
import { generateLake, GeneratedLake } from "../../tools/lake/generator";

/** Three days ending at a new year: the windows cross a month and a year boundary. */
export const FIXTURE_END = new Date("2027-01-01T06:00:00Z");
export const FIXTURE_SEED = 42;
export const FIXTURE_DAYS = 3;

export interface LakeFixture {
    /** Holds both trees: Parquet (hive) and plain text (default layout). */
    readonly dir: string;
    readonly request: GenerateRequest;
    readonly summary: GenerateSummary;
    /** Every record of the lake, generated at once (independently of what `generate` wrote). */
    readonly lake: GeneratedLake;
    readonly parquet: readonly DeliveredObject[];
    readonly plainText: readonly DeliveredObject[];
}

let fixture: Promise<LakeFixture> | undefined;

/** Generates the sample lake on first use (both formats, in a temporary folder removed at exit). */
export function lakeFixture(): Promise<LakeFixture> {
    fixture ??= (async () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "vpc-flow-monitor-lake-"));
        process.on("exit", () => fs.rmSync(dir, { recursive: true, force: true }));
        const request: GenerateRequest = {
            out: dir,
            days: FIXTURE_DAYS,
            seed: FIXTURE_SEED,
            end: FIXTURE_END,
            fileFormat: "both",
            accountId: "123456789012",
            endGiven: true,
            fields: LAKE_ALL_FIELDS,
        };
        const summary = await generate(request);
        // The same lake, generated at once: what `generate` wrote a day at a time must be exactly this.
        const lake = generateLake({ seed: FIXTURE_SEED, end: FIXTURE_END, days: FIXTURE_DAYS });
        return {
            dir,
            request,
            summary,
            lake,
            parquet: deliver(lake, FileFormat.PARQUET),
            plainText: deliver(lake, FileFormat.PLAIN_TEXT),
        };
    })();
    return fixture;
}

// ---------------------------------------------------------------------------------------------
// Independent computation.

export type Row = Record<string, string | number | null>;

interface Located {
    readonly record: FlowLogRecord;
    readonly partition: Partition;
}

export function located(objects: readonly DeliveredObject[]): Located[] {
    return objects.flatMap((object) => object.records.map((record) => ({ record, partition: object.partition })));
}

/** Start of a partition's hour, in ms. */
export function hourOf(p: Partition): number {
    return Date.UTC(Number(p.year), Number(p.month) - 1, Number(p.day), Number(p.hour));
}

/**
 * "Over the last N hours", at partition granularity: every hour folder from the one holding
 * now - N hours onwards (the boundary hour is read whole).
 */
export function inLastHours(p: Partition, now: Date, hours: number): boolean {
    const since = now.getTime() - hours * 3_600_000;
    return hourOf(p) >= since - (since % 3_600_000);
}

const num = (v: unknown) => v as number;

/** SQL sum: nulls ignored, null when nothing was summed. */
function sum(records: readonly FlowLogRecord[], column: string): number | null {
    const values = records.map((r) => r[column]).filter((v) => v !== null) as number[];
    return values.length ? values.reduce((a, b) => a + b, 0) : null;
}

function groupBy(records: readonly FlowLogRecord[], keys: readonly string[]): { key: Row; records: FlowLogRecord[] }[] {
    const groups = new Map<string, { key: Row; records: FlowLogRecord[] }>();
    for (const record of records) {
        const key: Row = {};
        for (const k of keys) key[k] = record[k];
        const id = JSON.stringify(keys.map((k) => record[k]));
        let group = groups.get(id);
        if (!group) groups.set(id, (group = { key, records: [] }));
        group.records.push(record);
    }
    return [...groups.values()];
}

type Order = readonly [string, "asc" | "desc"];

/** Sorts rows by the keys; strings by code unit (as a binary collation), numbers numerically, NULLs last. */
function orderBy(rows: Row[], keys: readonly Order[]): Row[] {
    return [...rows].sort((a, b) => {
        for (const [key, direction] of keys) {
            const x = a[key];
            const y = b[key];
            if (x === y) continue;
            if (x === null) return 1;
            if (y === null) return -1;
            const c = x < y ? -1 : 1;
            return direction === "asc" ? c : -c;
        }
        return 0;
    });
}

function isPrivateIpv4(address: string | null): boolean {
    if (address === null || !ipaddr.IPv4.isValid(address)) return false;
    return ipaddr.IPv4.parse(address).range() === "private";
}

/** `2026-12-31 19:13:34.000 UTC`, as Athena prints from_unixtime. */
function athenaTimestamp(seconds: number): string {
    const t = new Date(seconds * 1000);
    const p = (n: number, w = 2) => String(n).padStart(w, "0");
    return `${t.getUTCFullYear()}-${p(t.getUTCMonth() + 1)}-${p(t.getUTCDate())} ${p(t.getUTCHours())}:${p(t.getUTCMinutes())}:${p(t.getUTCSeconds())}.000 UTC`;
}

/** A query's answer over the records of its window (or of a selection). */
type Expectation = (records: readonly FlowLogRecord[], params: Readonly<Record<string, string>>) => Row[];

/** The window each named query promises, in hours before now (from its description). */
const WINDOW_HOURS: Readonly<Record<string, number>> = {
    "top-rejected-sources": 14 * 24,
    "top-https-destinations": 7 * 24,
};

/** A record with the region partition key it is stored under (the `region` field may be absent). */
const withRegion = (r: Located): FlowLogRecord => ({ ...r.record, aws_region: r.partition.aws_region });

/** The records a named query reads when deployed: those of the partitions of its window. */
export function inWindow(name: string, rows: readonly Located[], now: Date): FlowLogRecord[] {
    const hours = WINDOW_HOURS[name] ?? 24;
    return rows.filter((r) => inLastHours(r.partition, now, hours)).map(withRegion);
}

/** The records of a selection: start in [from, to), of the VPC if one is given. */
export function inSelection(
    rows: readonly Located[],
    selection: { readonly from: Date; readonly to: Date; readonly vpcId?: string },
): FlowLogRecord[] {
    const from = selection.from.getTime() / 1000;
    const to = selection.to.getTime() / 1000;
    return rows
        .map(withRegion)
        .filter(
            (r) =>
                num(r.start) >= from &&
                num(r.start) < to &&
                (selection.vpcId === undefined || r.vpc_id === selection.vpcId),
        );
}

const flowRows = (records: readonly FlowLogRecord[]): Row[] =>
    records.map((r) => ({
        started: athenaTimestamp(num(r.start)),
        srcaddr: r.srcaddr,
        srcport: r.srcport,
        dstaddr: r.dstaddr,
        dstport: r.dstport,
        protocol: r.protocol,
        action: r.action,
        packets: r.packets,
        bytes: r.bytes,
        start: r.start,
    }));
/** The start of the 5-minute period a record starts in (epoch seconds). */
const fiveMinutes = (r: FlowLogRecord) => num(r.start) - (num(r.start) % 300);
const dropStart = (rows: Row[]) => rows.map(({ start, ...rest }) => rest);

/** What each named query must return, computed without SQL. */
export const EXPECTED: Readonly<Record<string, Expectation>> = {
    "rejected-packets-by-protocol": (records) =>
        orderBy(
            groupBy(
                records.filter((r) => r.action === "REJECT"),
                ["protocol"],
            ).map((g) => ({
                protocol: g.key.protocol,
                packets: sum(g.records, "packets"),
                flows: g.records.length,
            })),
            [
                ["packets", "desc"],
                ["protocol", "asc"],
            ],
        ),
    "top-rejected-sources": (records) =>
        orderBy(
            groupBy(
                records.filter((r) => r.action === "REJECT"),
                ["srcaddr"],
            ).map((g) => ({
                srcaddr: g.key.srcaddr,
                flows: g.records.length,
                packets: sum(g.records, "packets"),
            })),
            [
                ["flows", "desc"],
                ["srcaddr", "asc"],
            ],
        ).slice(0, 10),
    "top-https-destinations": (records) =>
        orderBy(
            groupBy(
                records.filter((r) => r.action === "ACCEPT" && r.protocol === 6 && r.dstport === 443),
                ["dstaddr"],
            ).map((g) => ({ dstaddr: g.key.dstaddr, bytes: sum(g.records, "bytes"), flows: g.records.length })),
            [
                ["bytes", "desc"],
                ["dstaddr", "asc"],
            ],
        ).slice(0, 10),
    "top-private-source-ports": (records) =>
        orderBy(
            groupBy(
                records.filter((r) => isPrivateIpv4(r.srcaddr as string | null)),
                ["srcport"],
            ).map((g) => ({
                srcport: g.key.srcport,
                bytes: sum(g.records, "bytes"),
                flows: g.records.length,
            })),
            [
                ["bytes", "desc"],
                ["srcport", "asc"],
            ],
        ).slice(0, 10),
    "top-talkers": (records) =>
        orderBy(
            groupBy(
                records.filter((r) => r.log_status === "OK"),
                ["srcaddr", "dstaddr"],
            ).map((g) => ({
                srcaddr: g.key.srcaddr,
                dstaddr: g.key.dstaddr,
                bytes: sum(g.records, "bytes"),
                packets: sum(g.records, "packets"),
            })),
            [
                ["bytes", "desc"],
                ["srcaddr", "asc"],
                ["dstaddr", "asc"],
            ],
        ).slice(0, 50),
    "accepted-and-rejected-traffic": (records) =>
        orderBy(
            groupBy(
                records.filter((r) => r.action !== null),
                ["action"],
            ).map((g) => ({
                action: g.key.action,
                flows: g.records.length,
                packets: sum(g.records, "packets"),
                bytes: sum(g.records, "bytes"),
            })),
            [["action", "asc"]],
        ),
    "ssh-rdp-traffic": (records) =>
        orderBy(
            groupBy(
                records.filter((r) => r.protocol === 6 && (r.dstport === 22 || r.dstport === 3389)),
                ["srcaddr", "dstaddr", "dstport", "action"],
            ).map((g) => ({ ...g.key, flows: g.records.length, packets: sum(g.records, "packets") })),
            [
                ["flows", "desc"],
                ["srcaddr", "asc"],
                ["dstaddr", "asc"],
                ["dstport", "asc"],
                ["action", "asc"],
            ],
        ).slice(0, 100),
    "admin-port-traffic": (records) =>
        orderBy(
            groupBy(
                records.filter((r) => r.protocol === 6 && (ADMIN_PORTS as readonly number[]).includes(num(r.dstport))),
                ["srcaddr"],
            ).map((g) => ({
                srcaddr: g.key.srcaddr,
                flows: g.records.length,
                bytes: sum(g.records, "bytes"),
                destinations: new Set(g.records.map((r) => r.dstaddr).filter((d) => d !== null)).size,
            })),
            [
                ["flows", "desc"],
                ["srcaddr", "asc"],
            ],
        ).slice(0, 10),
    "bytes-by-interface": (records) =>
        orderBy(
            groupBy(
                records.filter((r) => r.log_status === "OK"),
                ["interface_id"],
            ).map((g) => ({
                ...g.key,
                bytes: sum(g.records, "bytes"),
                packets: sum(g.records, "packets"),
            })),
            [
                ["bytes", "desc"],
                ["interface_id", "asc"],
            ],
        ).slice(0, 50),
    "ipv6-traffic": (records) =>
        // The query tells IPv6 from the address; the generator's own `type` field is the reference.
        orderBy(
            groupBy(
                records.filter((r) => r.type !== null),
                ["type"],
            ).map((g) => ({
                ip_version: g.key.type,
                bytes: sum(g.records, "bytes"),
                flows: g.records.length,
            })),
            [["ip_version", "asc"]],
        ),
    "top-rejected-destination-ports": (records) =>
        orderBy(
            groupBy(
                records.filter((r) => r.action === "REJECT"),
                ["dstport", "protocol"],
            ).map((g) => ({
                dstport: g.key.dstport,
                protocol: g.key.protocol,
                flows: g.records.length,
                sources: new Set(g.records.map((r) => r.srcaddr).filter((a) => a !== null)).size,
            })),
            [
                ["flows", "desc"],
                ["dstport", "asc"],
                ["protocol", "asc"],
            ],
        ).slice(0, 10),
    "rejected-flows-per-5-minutes": (records) =>
        orderBy(
            groupBy(
                records.filter((r) => r.action === "REJECT").map((r) => ({ ...r, period: fiveMinutes(r) })),
                ["period", "protocol"],
            ).map((g) => ({
                period: athenaTimestamp(num(g.key.period)),
                protocol: g.key.protocol,
                flows: g.records.length,
                packets: sum(g.records, "packets"),
            })),
            [
                ["period", "asc"],
                ["protocol", "asc"],
            ],
        ),
    "admin-port-flows-per-5-minutes": (records) =>
        orderBy(
            groupBy(
                records
                    .filter((r) => r.protocol === 6 && (ADMIN_PORTS as readonly number[]).includes(num(r.dstport)))
                    .map((r) => ({ ...r, period: fiveMinutes(r) })),
                ["period", "dstport", "action"],
            ).map((g) => ({
                period: athenaTimestamp(num(g.key.period)),
                dstport: g.key.dstport,
                action: g.key.action,
                flows: g.records.length,
            })),
            [
                ["period", "asc"],
                ["dstport", "asc"],
                ["action", "asc"],
            ],
        ),
    "nodata-skipdata-intervals": (records) =>
        orderBy(
            records
                .filter((r) => r.log_status === "NODATA" || r.log_status === "SKIPDATA")
                .map((r) => ({
                    log_status: r.log_status,
                    interface_id: r.interface_id,
                    started: athenaTimestamp(num(r.start)),
                    start: r.start,
                })),
            [
                ["log_status", "desc"],
                ["start", "asc"],
                ["interface_id", "asc"],
            ],
        )
            .slice(0, 5000)
            .map(({ start, ...rest }) => rest),
    "flow-log-sources": (records) =>
        orderBy(
            groupBy(records, ["aws_region", "interface_id"]).map((g) => ({
                ...g.key,
                records: g.records.length,
                first_start: athenaTimestamp(g.records.reduce((m, r) => Math.min(m, num(r.start)), Infinity)),
                last_start: athenaTimestamp(g.records.reduce((m, r) => Math.max(m, num(r.start)), -Infinity)),
            })),
            [
                ["aws_region", "asc"],
                ["interface_id", "asc"],
            ],
        ),
    "traffic-from-address": (records, params) =>
        dropStart(
            orderBy(
                flowRows(records.filter((r) => r.srcaddr === params.address)),
                ["start", "dstaddr", "dstport", "srcport", "protocol", "action", "packets", "bytes"].map(
                    (k) => [k, "asc"] as const,
                ),
            ).slice(0, 1000),
        ),
    "traffic-to-address": (records, params) =>
        dropStart(
            orderBy(
                flowRows(records.filter((r) => r.dstaddr === params.address)),
                ["start", "srcaddr", "srcport", "dstport", "protocol", "action", "packets", "bytes"].map(
                    (k) => [k, "asc"] as const,
                ),
            ).slice(0, 1000),
        ),
};

// ---------------------------------------------------------------------------------------------
// Names in a query, from node-sql-parser's Trino grammar.

export const TABLE_COLUMNS: ReadonlySet<string> = new Set([
    ...lakeColumns().map((c) => c.name),
    ...PARTITION_KEYS.map((k) => k.name),
]);

type Node = Record<string, unknown>;

function walk(node: unknown, visit: (n: Node) => void): void {
    if (Array.isArray(node)) node.forEach((n) => walk(n, visit));
    else if (node && typeof node === "object") {
        visit(node as Node);
        for (const value of Object.values(node)) walk(value, visit);
    }
}

function columnOf(ref: Node): string {
    const column = ref.column as string | { expr: { value: string } };
    return typeof column === "string" ? column : column.expr.value;
}

/**
 * Problems with the names a query uses: a table other than flow_logs, a column that is neither a
 * table column, a partition key nor (in ORDER BY only) an output alias, a function that is neither
 * shared by Trino and DuckDB nor translated by dialect.ts. Throws if the SQL does not parse as Trino.
 */
export function nameProblems(sql: string, columns: ReadonlySet<string> = TABLE_COLUMNS): string[] {
    const parsed = new Parser().parse(sql, { database: "trino" });
    const ast = parsed.ast as unknown as Node;
    if (Array.isArray(ast)) return ["more than one statement"];
    const problems: string[] = [];
    for (const table of parsed.tableList) {
        if (table !== `select::null::${FLOW_LOG_TABLE}`) problems.push(`table ${table}`);
    }
    const aliases = new Set(
        ((ast.columns as Node[]) ?? []).map((c) => c.as as string | null).filter((a): a is string => !!a),
    );
    for (const entry of parsed.columnList) {
        const name = entry.split("::")[2];
        if (!columns.has(name) && !aliases.has(name)) problems.push(`column ${name}`);
    }
    // Outside ORDER BY a name must be a table column (an alias there is not visible in SQL).
    const outsideOrderBy = [ast.columns, ast.where, ast.groupby, ast.having];
    walk(outsideOrderBy, (n) => {
        if (n.type === "column_ref" && !columns.has(columnOf(n)) && aliases.has(columnOf(n)))
            problems.push(`alias ${columnOf(n)} outside ORDER BY`);
    });
    const known = new Set([...SHARED_FUNCTIONS, ...TRANSLATED_FUNCTIONS]);
    walk(ast, (n) => {
        let name: string | undefined;
        if (n.type === "aggr_func") name = String(n.name);
        else if (n.type === "function")
            name = ((n.name as { name: { value: string }[] }).name ?? []).map((p) => p.value).join(".");
        if (name !== undefined && !known.has(name.toLowerCase())) problems.push(`function ${name.toLowerCase()}`);
    });
    return [...new Set(problems)];
}
