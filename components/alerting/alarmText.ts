/**
 * What an alarm tells the person it notifies: in plain words what it detects, where (VPC, account,
 * region), and a link that opens CloudWatch Logs Insights on the records that made it fire.
 *
 * CloudWatch puts AlarmDescription into the email and the SNS message (which Slack integrations
 * show); the notification itself carries only the metric's value, never which records or sources
 * were behind it, so the link is what makes it actionable.
 */
import { FlowLogField, FlowMatch, logsInsightsParse, PortMatch } from "../../flowlogs";
import { columnName, fieldNamed } from "../../flowlogs/fields";
import { FLOW_MATCH_FIELDS } from "../../flowlogs/flowMatch";

/**
 * PutMetricAlarm: AlarmDescription is at most 1024 long. The API page does not say characters or
 * bytes and the Terraform provider (which Pulumi's AWS provider wraps) counts bytes, so the budget
 * is bytes: 1024 multi-byte characters are refused at `pulumi up`.
 */
export const MAX_ALARM_DESCRIPTION_BYTES = 1024;

/** The least prose worth keeping beside a link: about the first sentence and the place. */
const MIN_PROSE_BYTES = 200;

/** The ASCII marker of cut prose: one byte per character, so the byte budget is exact. */
export const TRUNCATION_MARK = "...";

/**
 * The Logs Insights condition that selects what `match` selects, over the columns of
 * `logsInsightsParse` (values parsed from a record are strings; Logs Insights compares numbers
 * numerically, so ports and protocols are bare).
 */
export function logsInsightsFilter(match: FlowMatch): string {
    const conditions: string[] = [];
    for (const key of Object.keys(FLOW_MATCH_FIELDS) as (keyof FlowMatch)[]) {
        const value = match[key];
        if (value === undefined) continue;
        const column = columnName(fieldNamed(FLOW_MATCH_FIELDS[key]));
        if (key === "srcPort" || key === "dstPort") {
            conditions.push(portCondition(column, value as PortMatch));
        } else if (key === "protocol") {
            conditions.push(`${column} = ${String(value)}`);
        } else if ((key === "srcAddr" || key === "dstAddr") && String(value).endsWith("*")) {
            // `10.0.*` is a prefix of whole octets: the same prefix test, as an anchored regular expression.
            const prefix = String(value).slice(0, -1).replace(/[.]/g, "\\.");
            conditions.push(`${column} like /^${prefix}/`);
        } else {
            conditions.push(`${column} = ${JSON.stringify(String(value))}`);
        }
    }
    return conditions.join(" and ");
}

function portCondition(column: string, ports: PortMatch): string {
    if (typeof ports === "number") return `${column} = ${ports}`;
    if (Array.isArray(ports)) return `${column} in [${[...new Set(ports)].join(", ")}]`;
    const range = ports as { from: number; to: number };
    return `${column} >= ${range.from} and ${column} <= ${range.to}`;
}

/** The query behind an alarm's link: the matching records, newest first. */
export function offendingRecordsQuery(match: FlowMatch, fields: readonly FlowLogField[]): string {
    const filter = logsInsightsFilter(match);
    // No `limit`: the console's default row limit is plenty, and the link stays shorter.
    return [logsInsightsParse(fields), ...(filter ? [`| filter ${filter}`] : []), "| sort @timestamp desc"].join("\n");
}

/** The query behind a per-key rule's link: matching records counted per key, busiest first. */
export function topContributorsQuery(match: FlowMatch, keyColumn: string, fields: readonly FlowLogField[]): string {
    const filter = logsInsightsFilter(match);
    return [
        logsInsightsParse(fields),
        ...(filter ? [`| filter ${filter}`] : []),
        `| stats count(*) as records by ${keyColumn}`,
        "| sort records desc",
        "| limit 10",
    ].join("\n");
}

/**
 * One value of the console's URL fragment: URI-encoded, then `%` written as `*` (the console's own
 * encoding), with `!'()*~` escaped too because they are the fragment's syntax.
 */
function consoleEncode(value: string): string {
    return encodeURIComponent(value)
        .replace(/[!'()*~]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
        .replace(/%/g, "*");
}

/**
 * A CloudWatch console deep link that opens Logs Insights with `query` over `logGroups` for the
 * last `seconds` (relative to when it is opened). AWS does not document this URL; it is the form
 * the console itself produces (`#logsV2:logs-insights?queryDetail=~(...)` with `?` and `=` written
 * `$3F` and `$3D`).
 */
export function logsInsightsUrl(region: string, logGroups: readonly string[], query: string, seconds: number): string {
    const detail =
        `~(end~0~start~-${seconds}~timeType~'RELATIVE~unit~'seconds~editorString~'${consoleEncode(query)}` +
        `~source~(${logGroups.map((group) => `~'${consoleEncode(group)}`).join("")}))`;
    return `https://${region}.console.aws.amazon.com/cloudwatch/home?region=${region}#logsV2:logs-insights$3FqueryDetail$3D${detail}`;
}

/** How far back the link looks: three alarm windows, and never less than an hour, so it still shows the records a while after the email. */
export function linkWindowSeconds(periodSeconds: number, evaluationPeriods: number): number {
    return Math.max(3 * periodSeconds * evaluationPeriods, 3600);
}

/** `300` -> `5 minutes`, `60` -> `1 minute`, `3600` -> `1 hour`, `90` -> `90 seconds`. */
export function plainDuration(seconds: number): string {
    const unit = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;
    if (seconds % 3600 === 0) return unit(seconds / 3600, "hour");
    if (seconds % 60 === 0) return unit(seconds / 60, "minute");
    return unit(seconds, "second");
}

/** Cuts `text` to at most `maxBytes` UTF-8 bytes, ending in ASCII "...", never inside a character. */
export function truncateToBytes(text: string, maxBytes: number): string {
    if (Buffer.byteLength(text, "utf8") <= maxBytes) return text;
    const budget = maxBytes - TRUNCATION_MARK.length;
    let out = "";
    let used = 0;
    for (const char of text) {
        // Iterating a string yields whole code points, so a surrogate pair is never split.
        const bytes = Buffer.byteLength(char, "utf8");
        if (used + bytes > budget) break;
        out += char;
        used += bytes;
    }
    return `${out}${TRUNCATION_MARK}`;
}

export interface AlarmTextArgs {
    /** What the alarm detects, in plain words (the rule's description, or a sentence built from it). */
    readonly detects: string;
    /** When it fires, in plain words: "at least 3 matching records in 5 minutes". */
    readonly condition: string;
    readonly vpcName: string;
    /** The VPC id, when known (an adopted VPC's, or the created one's at deploy time). */
    readonly vpcId?: string;
    readonly stack: string;
    readonly accountId: string;
    readonly region: string;
    /** Extra lines of detail (what the rule counts...); each is left out whole when it does not fit. */
    readonly details?: readonly string[];
    /** The link to the records, and what it shows; kept whole. */
    readonly link?: { readonly label: string; readonly url: string };
}

/**
 * The description, at most 1024 bytes: the prose is cut (with ASCII "...") so the link at the end
 * stays whole and clickable. The URL is on its own line because neither email nor most chat tools
 * render markup in it. A link that does not fit even alone is left out, and the prose says where to
 * look instead.
 */
export function alarmText(args: AlarmTextArgs): string {
    const where = `VPC ${args.vpcName}${args.vpcId ? ` (${args.vpcId})` : ""}, account ${args.accountId}, region ${args.region}, stack ${args.stack}.`;
    const head = [`${args.detects}: ${args.condition}.`, where].join("\n");
    const details = args.details ?? [];
    if (args.link) {
        const linkBlock = `\n${args.link.label}:\n${args.link.url}`;
        const room = MAX_ALARM_DESCRIPTION_BYTES - Buffer.byteLength(linkBlock, "utf8");
        // Keep at least a sentence of prose beside the link; a link too long for that is left out.
        if (room >= MIN_PROSE_BYTES) return `${fitProse(head, details, room)}${linkBlock}`;
    }
    const hint = args.link ? "\nThe records: Logs Insights on this VPC's alarm log group." : "";
    return fitProse(`${head}${hint}`, details, MAX_ALARM_DESCRIPTION_BYTES);
}

/** The head, cut if it must be; then each detail line that still fits whole (a half line helps nobody). */
function fitProse(head: string, details: readonly string[], maxBytes: number): string {
    let text = truncateToBytes(head, maxBytes);
    for (const line of details) {
        if (Buffer.byteLength(`${text}\n${line}`, "utf8") <= maxBytes) text = `${text}\n${line}`;
    }
    return text;
}
