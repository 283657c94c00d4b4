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
    readonly sql: string;
    /** Names of the `?` parameters, in order. */
    readonly parameters: readonly string[];
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

const DAY = 24;
const from = `FROM ${FLOW_LOG_TABLE}`;

const query = (name: string, description: string, sql: string, parameters: string[] = []): NamedQuery => {
    const text = sql.trim().replace(/\n\s+/g, "\n  ");
    return { name, description, sql: text, parameters, columns: columnsRead(text) };
};

export const NAMED_QUERIES: readonly NamedQuery[] = [
    query(
        "rejected-packets-by-protocol",
        "Rejected packets and flows per IP protocol number over the last 24 hours.",
        `
        SELECT protocol, sum(packets) AS packets, count(*) AS flows
        ${from}
        WHERE ${lastHoursPredicate(DAY)} AND action = 'REJECT'
        GROUP BY protocol
        ORDER BY packets DESC, protocol`,
    ),
    query(
        "top-rejected-sources",
        "The 10 source addresses with the most rejected flows over the last 14 days.",
        `
        SELECT srcaddr, count(*) AS flows, sum(packets) AS packets
        ${from}
        WHERE ${lastHoursPredicate(14 * DAY)} AND action = 'REJECT'
        GROUP BY srcaddr
        ORDER BY flows DESC, srcaddr
        LIMIT 10`,
    ),
    query(
        "top-https-destinations",
        "The 10 destinations receiving the most accepted HTTPS (TCP 443) bytes over the last 7 days.",
        `
        SELECT dstaddr, sum(bytes) AS bytes, count(*) AS flows
        ${from}
        WHERE ${lastHoursPredicate(7 * DAY)} AND action = 'ACCEPT' AND protocol = 6 AND dstport = 443
        GROUP BY dstaddr
        ORDER BY bytes DESC, dstaddr
        LIMIT 10`,
    ),
    query(
        "top-private-source-ports",
        "The 10 source ports sending the most bytes from private (RFC 1918) addresses over the last 24 hours.",
        `
        SELECT srcport, sum(bytes) AS bytes, count(*) AS flows
        ${from}
        WHERE ${lastHoursPredicate(DAY)} AND ${PRIVATE_SOURCE}
        GROUP BY srcport
        ORDER BY bytes DESC, srcport
        LIMIT 10`,
    ),
    query(
        "top-talkers",
        "The 50 source/destination pairs exchanging the most bytes over the last 24 hours.",
        `
        SELECT srcaddr, dstaddr, sum(bytes) AS bytes, sum(packets) AS packets
        ${from}
        WHERE ${lastHoursPredicate(DAY)} AND log_status = 'OK'
        GROUP BY srcaddr, dstaddr
        ORDER BY bytes DESC, srcaddr, dstaddr
        LIMIT 50`,
    ),
    query(
        "accepted-and-rejected-traffic",
        "Flows, packets and bytes accepted and rejected over the last 24 hours.",
        `
        SELECT action, count(*) AS flows, sum(packets) AS packets, sum(bytes) AS bytes
        ${from}
        WHERE ${lastHoursPredicate(DAY)} AND action IS NOT NULL
        GROUP BY action
        ORDER BY action`,
    ),
    query(
        "ssh-rdp-traffic",
        "SSH (TCP 22) and RDP (TCP 3389) flows by source, destination and verdict over the last 24 hours.",
        `
        SELECT srcaddr, dstaddr, dstport, action, count(*) AS flows, sum(packets) AS packets
        ${from}
        WHERE ${lastHoursPredicate(DAY)} AND protocol = 6 AND dstport IN (22, 3389)
        GROUP BY srcaddr, dstaddr, dstport, action
        ORDER BY flows DESC, srcaddr, dstaddr, dstport, action
        LIMIT 100`,
    ),
    query(
        "admin-port-traffic",
        `The 10 source addresses sending the most flows to administrative ports (${ADMIN_PORTS.join(", ")}) over the last 24 hours.`,
        `
        SELECT srcaddr, count(*) AS flows, sum(bytes) AS bytes, count(DISTINCT dstaddr) AS destinations
        ${from}
        WHERE ${lastHoursPredicate(DAY)} AND protocol = 6 AND dstport IN (${ADMIN_PORTS.join(", ")})
        GROUP BY srcaddr
        ORDER BY flows DESC, srcaddr
        LIMIT 10`,
    ),
    query(
        "bytes-by-interface",
        "Bytes and packets per network interface over the last 24 hours.",
        `
        SELECT interface_id, sum(bytes) AS bytes, sum(packets) AS packets
        ${from}
        WHERE ${lastHoursPredicate(DAY)} AND log_status = 'OK'
        GROUP BY interface_id
        ORDER BY bytes DESC, interface_id
        LIMIT 50`,
    ),
    query(
        "ipv6-traffic",
        "Bytes of IPv4 and IPv6 traffic over the last 24 hours.",
        `
        SELECT ${IP_VERSION} AS ip_version, sum(bytes) AS bytes, count(*) AS flows
        ${from}
        WHERE ${lastHoursPredicate(DAY)} AND srcaddr IS NOT NULL
        GROUP BY 1
        ORDER BY 1`,
    ),
    // The two address queries order by every output column: flows of one second often share the
    // leading keys (a scanner's probes from one source port; the two ends of a flow inside the VPC,
    // logged at both interfaces, possibly with different verdicts), and LIMIT must pick the same rows
    // on every run.
    query(
        "traffic-from-address",
        "All flows from one source address over the last 24 hours (parameter: the address).",
        `
        SELECT from_unixtime(start) AS started, srcaddr, srcport, dstaddr, dstport, protocol, action, packets, bytes
        ${from}
        WHERE ${lastHoursPredicate(DAY)} AND srcaddr = ?
        ORDER BY start, dstaddr, dstport, srcport, protocol, action, packets, bytes
        LIMIT 1000`,
        ["address"],
    ),
    query(
        "traffic-to-address",
        "All flows to one destination address over the last 24 hours (parameter: the address).",
        `
        SELECT from_unixtime(start) AS started, srcaddr, srcport, dstaddr, dstport, protocol, action, packets, bytes
        ${from}
        WHERE ${lastHoursPredicate(DAY)} AND dstaddr = ?
        ORDER BY start, srcaddr, srcport, dstport, protocol, action, packets, bytes
        LIMIT 1000`,
        ["address"],
    ),
];
