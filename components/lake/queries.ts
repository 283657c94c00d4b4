/**
 * The named Athena queries: the lake's product.
 *
 * They answer the questions hand-built flow log dashboards answer and those of AWS's own
 * flow-log Athena integration. Each one
 * names only columns of the Glue table (see lakeLayout.ts) and, where it looks at a time range,
 * filters on the partition columns so Athena reads only those hours. The SQL is Athena engine v3
 * (Trino); it sticks to functions Trino and DuckDB share (split_part, concat, strpos; date_format is the
 * one exception, handled by the local runner) so the same text can be proven locally.
 * Parameters are Athena execution parameters (`?`), which the console prompts for.
 */
import { columnName, FLOW_LOG_FIELDS, FlowLogField } from "../../flowlogs/fields";
import { FLOW_LOG_TABLE } from "./layout";

export interface NamedQuery {
    /** Stable, kebab-case; also the NamedQuery resource name suffix. */
    readonly name: string;
    readonly description: string;
    /** The SQL deployed as the Athena named query: over the last `windowHours` hours. */
    readonly sql: string;
    /** Names of the `?` parameters, in order. */
    readonly parameters: readonly string[];
    /** The hours before `current_timestamp` that `sql` reads (its description says the same in words). */
    readonly windowHours: number;
    /**
     * The same query with its window replaced by `selection`, a predicate on flow_logs such as
     * selectionPredicate's: an investigation asks the same question of another span of time.
     */
    readonly over: (selection: string) => string;
    /** The record columns the SQL reads (partition columns aside), found in its text. */
    readonly columns: readonly string[];
}

/** The record columns a query's SQL names: every field column that appears in it as a whole word. */
export function columnsRead(sql: string): string[] {
    return FLOW_LOG_FIELDS.map(columnName).filter((column) => new RegExp(`(?<![\\w"])${column}(?![\\w"])`).test(sql));
}

/**
 * The named queries a lake of this format can answer: a query that reads a column the format
 * lacks is left out (as AWS's own flow-log Athena integration does), not created to fail.
 */
export function queriesForFields(fields: readonly FlowLogField[]): NamedQuery[] {
    const columns = new Set(fields.map(columnName));
    return NAMED_QUERIES.filter((q) => q.columns.every((column) => columns.has(column)));
}

/** Ports where administrative services listen: SSH, Telnet, RDP, VNC, WinRM, common admin web UIs. */
export const ADMIN_PORTS = [22, 23, 3389, 5900, 5985, 5986, 8080, 8443] as const;

/** The longest window lastHoursPredicate serves: it spans at most two calendar months. */
export const MAX_WINDOW_HOURS = 28 * 24;

/**
 * Restricts a query to the partitions of the last `hours` hours.
 *
 * Partition projection enumerates candidate partitions column by column before it applies the
 * rest of the predicate, so each column gets its own bound: the window touches at most two years
 * and two months, which leaves a few thousand candidates per region instead of every hour from
 * 2021 to 2099. The concatenated hour key then cuts them to exactly the window.
 */
export function lastHoursPredicate(hours: number): string {
    if (!Number.isInteger(hours) || hours < 1 || hours > MAX_WINDOW_HOURS) {
        throw new Error(`a query window is a whole number of hours from 1 to ${MAX_WINDOW_HOURS}; given ${hours}`);
    }
    const since = `current_timestamp - interval '${hours}' hour`;
    const both = (format: string) =>
        `(date_format(${since}, '${format}'), date_format(current_timestamp, '${format}'))`;
    return `year IN ${both("%Y")} AND month IN ${both("%m")} AND concat(year, month, day, hour) >= date_format(${since}, '%Y%m%d%H')`;
}

/** RFC 1918 private source addresses, written with LIKE and split_part so any SQL engine runs it. */
// No CAST: an engine that evaluates both sides of AND would fail casting an IPv6 address's part.
const PRIVATE_SOURCE = `(srcaddr LIKE '10.%' OR srcaddr LIKE '192.168.%' OR (srcaddr LIKE '172.%' AND split_part(srcaddr, '.', 2) IN (${Array.from(
    { length: 16 },
    (_, i) => `'${16 + i}'`,
).join(", ")})))`;

/**
 * IPv4 or IPv6, from the address itself (an IPv6 address has colons): the same answer as the
 * `type` field without paying for it on every record.
 */
const IP_VERSION = `CASE WHEN strpos(srcaddr, ':') > 0 THEN 'IPv6' ELSE 'IPv4' END`;

/** A fixed span of time, and optionally one VPC: what an investigation looks at. */
export interface Selection {
    /** Records whose `start` is at or after this... */
    readonly from: Date;
    /** ...and before this. */
    readonly to: Date;
    /** Only this VPC's records (`vpc-` and hex digits). */
    readonly vpcId?: string;
}

const pad = (n: number) => String(n).padStart(2, "0");
/** `2026112310`: the concatenated partition key of the hour `time` is in (UTC). */
const hourKey = (time: Date) =>
    `${time.getUTCFullYear()}${pad(time.getUTCMonth() + 1)}${pad(time.getUTCDate())}${pad(time.getUTCHours())}`;
const HOUR_MS = 3_600_000;

/**
 * The records of a selection: `start` in [from, to), and the VPC if one is given. The partition
 * bounds come first so Athena's projection (and DuckDB's hive pruning) read only the hours that can
 * hold such records: a record lands in the folder of the hour its `end` falls in, at most one
 * aggregation interval (10 minutes) after its `start`, so the hour after `to` is read too.
 */
export function selectionPredicate(selection: Selection): string {
    const { from, to, vpcId } = selection;
    const fromMs = from.getTime();
    const toMs = to.getTime();
    if (Number.isNaN(fromMs) || Number.isNaN(toMs) || fromMs >= toMs) {
        const show = (time: Date) => (Number.isNaN(time.getTime()) ? "an invalid time" : time.toISOString());
        throw new Error(`a selection runs from an earlier time to a later one; given ${show(from)} to ${show(to)}`);
    }
    if (vpcId !== undefined && !/^vpc-[0-9a-f]+$/.test(vpcId)) {
        throw new Error(`a selection's VPC is a VPC id (vpc- and hex digits); given ${JSON.stringify(vpcId)}`);
    }
    const last = new Date(toMs + HOUR_MS);
    const years = new Set<string>();
    const months = new Set<string>();
    for (let t = Date.UTC(from.getUTCFullYear(), from.getUTCMonth()); t <= last.getTime();) {
        const month = new Date(t);
        years.add(String(month.getUTCFullYear()));
        months.add(pad(month.getUTCMonth() + 1));
        t = Date.UTC(month.getUTCFullYear(), month.getUTCMonth() + 1);
    }
    const list = (values: Set<string>) => `(${[...values].map((v) => `'${v}'`).join(", ")})`;
    const seconds = (ms: number) => Math.floor(ms / 1000);
    return [
        `year IN ${list(years)}`,
        `month IN ${list(months)}`,
        `concat(year, month, day, hour) BETWEEN '${hourKey(from)}' AND '${hourKey(last)}'`,
        `start >= ${seconds(fromMs)}`,
        `start < ${Math.ceil(toMs / 1000)}`,
        ...(vpcId === undefined ? [] : [`vpc_id = '${vpcId}'`]),
    ].join(" AND ");
}

const DAY = 24;
const from = `FROM ${FLOW_LOG_TABLE}`;

/**
 * A named query whose SQL is written once, around its window: `build` gets the predicate that
 * restricts the rows (the last `hours` hours when deployed; any selection in an investigation).
 */
const query = (
    name: string,
    description: string,
    hours: number,
    build: (window: string) => string,
    parameters: string[] = [],
): NamedQuery => {
    const tidy = (sql: string) => sql.trim().replace(/\n\s+/g, "\n  ");
    const sql = tidy(build(lastHoursPredicate(hours)));
    return {
        name,
        description,
        sql,
        parameters,
        windowHours: hours,
        over: (selection) => tidy(build(selection)),
        columns: columnsRead(sql),
    };
};

export const NAMED_QUERIES: readonly NamedQuery[] = [
    query(
        "rejected-packets-by-protocol",
        "Rejected packets and flows per IP protocol number over the last 24 hours.",
        DAY,
        (w) => `
        SELECT protocol, sum(packets) AS packets, count(*) AS flows
        ${from}
        WHERE ${w} AND action = 'REJECT'
        GROUP BY protocol
        ORDER BY packets DESC, protocol`,
    ),
    query(
        "top-rejected-sources",
        "The 10 source addresses with the most rejected flows over the last 14 days.",
        14 * DAY,
        (w) => `
        SELECT srcaddr, count(*) AS flows, sum(packets) AS packets
        ${from}
        WHERE ${w} AND action = 'REJECT'
        GROUP BY srcaddr
        ORDER BY flows DESC, srcaddr
        LIMIT 10`,
    ),
    query(
        "top-https-destinations",
        "The 10 destinations receiving the most accepted HTTPS (TCP 443) bytes over the last 7 days.",
        7 * DAY,
        (w) => `
        SELECT dstaddr, sum(bytes) AS bytes, count(*) AS flows
        ${from}
        WHERE ${w} AND action = 'ACCEPT' AND protocol = 6 AND dstport = 443
        GROUP BY dstaddr
        ORDER BY bytes DESC, dstaddr
        LIMIT 10`,
    ),
    query(
        "top-private-source-ports",
        "The 10 source ports sending the most bytes from private (RFC 1918) addresses over the last 24 hours.",
        DAY,
        (w) => `
        SELECT srcport, sum(bytes) AS bytes, count(*) AS flows
        ${from}
        WHERE ${w} AND ${PRIVATE_SOURCE}
        GROUP BY srcport
        ORDER BY bytes DESC, srcport
        LIMIT 10`,
    ),
    query(
        "top-talkers",
        "The 50 source/destination pairs exchanging the most bytes over the last 24 hours.",
        DAY,
        (w) => `
        SELECT srcaddr, dstaddr, sum(bytes) AS bytes, sum(packets) AS packets
        ${from}
        WHERE ${w} AND log_status = 'OK'
        GROUP BY srcaddr, dstaddr
        ORDER BY bytes DESC, srcaddr, dstaddr
        LIMIT 50`,
    ),
    query(
        "accepted-and-rejected-traffic",
        "Flows, packets and bytes accepted and rejected over the last 24 hours.",
        DAY,
        (w) => `
        SELECT action, count(*) AS flows, sum(packets) AS packets, sum(bytes) AS bytes
        ${from}
        WHERE ${w} AND action IS NOT NULL
        GROUP BY action
        ORDER BY action`,
    ),
    query(
        "ssh-rdp-traffic",
        "SSH (TCP 22) and RDP (TCP 3389) flows by source, destination and verdict over the last 24 hours.",
        DAY,
        (w) => `
        SELECT srcaddr, dstaddr, dstport, action, count(*) AS flows, sum(packets) AS packets
        ${from}
        WHERE ${w} AND protocol = 6 AND dstport IN (22, 3389)
        GROUP BY srcaddr, dstaddr, dstport, action
        ORDER BY flows DESC, srcaddr, dstaddr, dstport, action
        LIMIT 100`,
    ),
    query(
        "admin-port-traffic",
        `The 10 source addresses sending the most flows to administrative ports (${ADMIN_PORTS.join(", ")}) over the last 24 hours.`,
        DAY,
        (w) => `
        SELECT srcaddr, count(*) AS flows, sum(bytes) AS bytes, count(DISTINCT dstaddr) AS destinations
        ${from}
        WHERE ${w} AND protocol = 6 AND dstport IN (${ADMIN_PORTS.join(", ")})
        GROUP BY srcaddr
        ORDER BY flows DESC, srcaddr
        LIMIT 10`,
    ),
    query(
        "bytes-by-interface",
        "Bytes and packets per network interface over the last 24 hours.",
        DAY,
        (w) => `
        SELECT interface_id, sum(bytes) AS bytes, sum(packets) AS packets
        ${from}
        WHERE ${w} AND log_status = 'OK'
        GROUP BY interface_id
        ORDER BY bytes DESC, interface_id
        LIMIT 50`,
    ),
    query(
        "ipv6-traffic",
        "Bytes of IPv4 and IPv6 traffic over the last 24 hours.",
        DAY,
        (w) => `
        SELECT ${IP_VERSION} AS ip_version, sum(bytes) AS bytes, count(*) AS flows
        ${from}
        WHERE ${w} AND srcaddr IS NOT NULL
        GROUP BY 1
        ORDER BY 1`,
    ),
    query(
        "top-rejected-destination-ports",
        "The 10 destination ports (per IP protocol) receiving the most rejected flows over the last 24 hours, with how many sources tried each.",
        DAY,
        (w) => `
        SELECT dstport, protocol, count(*) AS flows, count(DISTINCT srcaddr) AS sources
        ${from}
        WHERE ${w} AND action = 'REJECT'
        GROUP BY dstport, protocol
        ORDER BY flows DESC, dstport, protocol
        LIMIT 10`,
    ),
    // Five minutes: the period of the default alarms, so a bar here is what one alarm period counts
    // (in the lake's 10-minute aggregation; the alarm stream aggregates per minute).
    query(
        "rejected-flows-per-5-minutes",
        "Rejected flows and packets per 5 minutes (by record start) and IP protocol over the last 24 hours.",
        DAY,
        (w) => `
        SELECT from_unixtime(start - start % 300) AS period, protocol, count(*) AS flows, sum(packets) AS packets
        ${from}
        WHERE ${w} AND action = 'REJECT'
        GROUP BY from_unixtime(start - start % 300), protocol
        ORDER BY period, protocol`,
    ),
    query(
        "admin-port-flows-per-5-minutes",
        `Flows to administrative ports (${ADMIN_PORTS.join(", ")}) per 5 minutes (by record start), port and verdict over the last 24 hours.`,
        DAY,
        (w) => `
        SELECT from_unixtime(start - start % 300) AS period, dstport, action, count(*) AS flows
        ${from}
        WHERE ${w} AND protocol = 6 AND dstport IN (${ADMIN_PORTS.join(", ")})
        GROUP BY from_unixtime(start - start % 300), dstport, action
        ORDER BY period, dstport, action`,
    ),
    // SKIPDATA first: those are the blind spots (records dropped), NODATA only idle interfaces; LIMIT
    // keeps every SKIPDATA window unless there are thousands. It reads only default-format columns
    // (no vpc_id, no end): a window is the start of its capture interval on one interface.
    query(
        "nodata-skipdata-intervals",
        "Capture windows in which an interface logged no traffic (NODATA) or skipped records (SKIPDATA) over the last 24 hours, SKIPDATA first.",
        DAY,
        (w) => `
        SELECT log_status, interface_id, from_unixtime(start) AS started
        ${from}
        WHERE ${w} AND log_status IN ('NODATA', 'SKIPDATA')
        ORDER BY log_status DESC, start, interface_id
        LIMIT 5000`,
    ),
    query(
        "flow-log-sources",
        "The regions and network interfaces that delivered flow log records over the last 24 hours, with their records and first and last record start times.",
        DAY,
        (w) => `
        SELECT aws_region, interface_id, count(*) AS records,
          from_unixtime(min(start)) AS first_start, from_unixtime(max(start)) AS last_start
        ${from}
        WHERE ${w}
        GROUP BY aws_region, interface_id
        ORDER BY aws_region, interface_id`,
    ),
    // The two address queries order by every output column: flows of one second often share the
    // leading keys (a scanner's probes from one source port; the two ends of a flow inside the VPC,
    // logged at both interfaces, possibly with different verdicts), and LIMIT must pick the same rows
    // on every run.
    query(
        "traffic-from-address",
        "All flows from one source address over the last 24 hours (parameter: the address).",
        DAY,
        (w) => `
        SELECT from_unixtime(start) AS started, srcaddr, srcport, dstaddr, dstport, protocol, action, packets, bytes
        ${from}
        WHERE ${w} AND srcaddr = ?
        ORDER BY start, dstaddr, dstport, srcport, protocol, action, packets, bytes
        LIMIT 1000`,
        ["address"],
    ),
    query(
        "traffic-to-address",
        "All flows to one destination address over the last 24 hours (parameter: the address).",
        DAY,
        (w) => `
        SELECT from_unixtime(start) AS started, srcaddr, srcport, dstaddr, dstport, protocol, action, packets, bytes
        ${from}
        WHERE ${w} AND dstaddr = ?
        ORDER BY start, srcaddr, srcport, dstport, protocol, action, packets, bytes
        LIMIT 1000`,
        ["address"],
    ),
];
