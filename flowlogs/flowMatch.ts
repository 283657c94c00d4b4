/**
 * The typed match: a `FlowMatch` (action, protocol, ports, addresses, ...) validated, rendered into
 * the space-delimited pattern for the log format actually delivered (the column list comes from the
 * field table, never from a hand-written list), and evaluated directly on a parsed record. The
 * rendered pattern and `evaluateMatch` must agree: a property test holds them to it.
 */
import * as ipaddr from "ipaddr.js";
import { DEFAULT_FORMAT_FIELDS, FLOW_LOG_FIELDS, FlowLogField, FlowLogRecord, columnName, fieldNamed } from "./fields";
import { MAX_FILTER_PATTERN_LENGTH } from "./patternSyntax";

export const FlowAction = { ACCEPT: "ACCEPT", REJECT: "REJECT" } as const;
export type FlowAction = (typeof FlowAction)[keyof typeof FlowAction];

export const LogStatus = { OK: "OK", NODATA: "NODATA", SKIPDATA: "SKIPDATA" } as const;
export type LogStatus = (typeof LogStatus)[keyof typeof LogStatus];

/** IANA protocol numbers of the protocols people name; flow logs record the number. */
export const PROTOCOL_NUMBERS = { icmp: 1, tcp: 6, udp: 17, icmpv6: 58 } as const;
export type ProtocolName = keyof typeof PROTOCOL_NUMBERS;

/** `22`, `[22, 3389]` (any of), or `{ from: 1000, to: 2000 }` (inclusive). */
export type PortMatch = number | readonly number[] | { readonly from: number; readonly to: number };

/** What an alerting rule counts. Every property given must hold (AND); omitted means any value. */
export interface FlowMatch {
    readonly action?: FlowAction;
    /** IANA number; convert names with `protocolNumber`. */
    readonly protocol?: number;
    /** Exact (`10.0.0.155`) or a prefix of whole octets (`10.0.*`). */
    readonly srcAddr?: string;
    readonly dstAddr?: string;
    readonly srcPort?: PortMatch;
    readonly dstPort?: PortMatch;
    /** `eni-...` */
    readonly interfaceId?: string;
    readonly logStatus?: LogStatus;
}

/** The flow log field (AWS name) each FlowMatch property reads. */
const MATCH_FIELDS = {
    action: "action",
    protocol: "protocol",
    srcAddr: "srcaddr",
    dstAddr: "dstaddr",
    srcPort: "srcport",
    dstPort: "dstport",
    interfaceId: "interface-id",
    logStatus: "log-status",
} as const satisfies Record<keyof FlowMatch, string>;
type MatchKey = keyof typeof MATCH_FIELDS;
const MATCH_KEYS = Object.keys(MATCH_FIELDS) as MatchKey[];

/** Which flow log field (AWS name) each FlowMatch property reads. */
export const FLOW_MATCH_FIELDS: Readonly<Record<keyof FlowMatch, string>> = MATCH_FIELDS;

/**
 * The fields a match reads, in FLOW_LOG_FIELDS order: a CloudWatch log format must include them
 * for `renderPattern` to work (and needs nothing more for this rule).
 */
export function matchFields(match: FlowMatch): FlowLogField[] {
    const names = new Set<string>(givenKeys(match).map((key) => MATCH_FIELDS[key]));
    return FLOW_LOG_FIELDS.filter((field) => names.has(field.name));
}

/** A FlowMatch that cannot be rendered or evaluated; the message lists every problem. */
export class FlowMatchError extends Error {
    constructor(readonly problems: readonly string[]) {
        super(`invalid flow match:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
        this.name = "FlowMatchError";
    }
}

/** `"tcp"`/`"TCP"`/`"6"`/`6` -> 6; throws on an unknown name or a number outside 0–255. */
export function protocolNumber(nameOrNumber: string | number): number {
    if (typeof nameOrNumber === "number" || /^\d+$/.test(nameOrNumber.trim())) {
        const n = Number(nameOrNumber);
        if (!Number.isInteger(n) || n < 0 || n > 255) {
            throw new Error(
                `protocol ${JSON.stringify(nameOrNumber)} is not an IANA protocol number (a whole number 0–255)`,
            );
        }
        return n;
    }
    const key = nameOrNumber.trim().toLowerCase();
    if (!Object.hasOwn(PROTOCOL_NUMBERS, key)) {
        const known = Object.entries(PROTOCOL_NUMBERS)
            .map(([name, n]) => `${name} (${n})`)
            .join(", ");
        throw new Error(`unknown protocol "${nameOrNumber}": use a number 0–255 or one of ${known}`);
    }
    return PROTOCOL_NUMBERS[key as ProtocolName];
}

const IPV4_OCTET = "(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)";
const IPV4_EXACT = new RegExp(`^${IPV4_OCTET}(\\.${IPV4_OCTET}){3}$`);
/** Whole octets then `.*`: the wildcard cannot stop mid-octet, so `10.0.*` never catches `10.01.x.x`. */
const IPV4_PREFIX = new RegExp(`^${IPV4_OCTET}(\\.${IPV4_OCTET}){0,2}\\.\\*$`);
/** Flow logs write IPv6 in lower case, hexadecimal groups only; a prefix ends at a `:` then `*`. */
const IPV6_CHARACTERS = /^[0-9a-f:]+$/;

/** A whole IPv6 address (`2001:db8::1`); ipaddr.js refuses `:::::`, `::1::` and nine groups. */
function isIpv6Address(value: string): boolean {
    return value.includes(":") && IPV6_CHARACTERS.test(value) && ipaddr.IPv6.isValid(value);
}

/**
 * `2001:db8:*` or `2001:db8::*`: the beginning of some IPv6 address, cut after a `:`. It is one when
 * a last group, or `:` and a last group, completes it into an address (`2001:db8:` + `:0`,
 * `2001:db8::` + `0`, `1:2:3:4:5:6:7:` + `0`); `:::*`, `12345:*` and nine groups are none.
 */
function isIpv6Prefix(value: string): boolean {
    if (!value.endsWith(":*")) return false;
    const head = value.slice(0, -1);
    return IPV6_CHARACTERS.test(head) && (isIpv6Address(`${head}0`) || isIpv6Address(`${head}:0`));
}
const ENI_ID = /^eni-[0-9a-f]+$/;

/** Every problem with a match, each naming the property, what was given and what is allowed. */
export function validateFlowMatch(match: FlowMatch): string[] {
    const problems: string[] = [];
    for (const key of Object.keys(match)) {
        if (!(MATCH_KEYS as string[]).includes(key)) {
            problems.push(`unknown property "${key}": a flow match has ${MATCH_KEYS.join(", ")}`);
        }
    }
    checkOneOf(problems, "action", match.action, Object.values(FlowAction));
    checkOneOf(problems, "logStatus", match.logStatus, Object.values(LogStatus));
    if (match.protocol !== undefined && !isWholeIn(match.protocol, 0, 255)) {
        problems.push(
            `protocol is ${JSON.stringify(match.protocol)}: use an IANA protocol number 0–255 (protocolNumber("tcp") gives 6)`,
        );
    }
    checkAddress(problems, "srcAddr", match.srcAddr);
    checkAddress(problems, "dstAddr", match.dstAddr);
    checkPorts(problems, "srcPort", match.srcPort);
    checkPorts(problems, "dstPort", match.dstPort);
    if (match.interfaceId !== undefined && !(typeof match.interfaceId === "string" && ENI_ID.test(match.interfaceId))) {
        problems.push(
            `interfaceId is ${JSON.stringify(match.interfaceId)}: use a network interface id like "eni-1235b8ca123456789"`,
        );
    }
    return problems;
}

function checkOneOf(problems: string[], key: string, value: unknown, allowed: readonly string[]): void {
    if (value !== undefined && !allowed.includes(value as string)) {
        problems.push(`${key} is ${JSON.stringify(value)}: use one of ${allowed.join(", ")}`);
    }
}

function isWholeIn(value: unknown, min: number, max: number): value is number {
    return typeof value === "number" && Number.isInteger(value) && value >= min && value <= max;
}

function checkAddress(problems: string[], key: string, value: unknown): void {
    if (value === undefined) {
        return;
    }
    const ok =
        typeof value === "string" &&
        (IPV4_EXACT.test(value) || IPV4_PREFIX.test(value) || isIpv6Address(value) || isIpv6Prefix(value));
    if (!ok) {
        problems.push(
            `${key} is ${JSON.stringify(value)}: use an exact address ("10.0.0.155", lower-case IPv6) or a prefix of whole octets ending in ".*" ("10.0.*") or ":*" for IPv6`,
        );
    }
}

function checkPorts(problems: string[], key: string, value: PortMatch | undefined): void {
    if (value === undefined) {
        return;
    }
    const bad = (what: unknown) => `${key} has ${JSON.stringify(what)}: ports are whole numbers 0–65535`;
    if (Array.isArray(value)) {
        if (value.length === 0) {
            problems.push(`${key} is an empty list: give at least one port, or leave ${key} out to match any port`);
        }
        value.filter((port) => !isWholeIn(port, 0, 65535)).forEach((port) => problems.push(bad(port)));
    } else if (typeof value === "object" && value !== null) {
        const { from, to } = value as { from: unknown; to: unknown };
        [from, to].filter((port) => !isWholeIn(port, 0, 65535)).forEach((port) => problems.push(bad(port)));
        if (isWholeIn(from, 0, 65535) && isWholeIn(to, 0, 65535) && from > to) {
            problems.push(`${key} range runs from ${from} down to ${to}: "from" must not exceed "to"`);
        }
    } else if (!isWholeIn(value, 0, 65535)) {
        problems.push(bad(value));
    }
}

function assertValid(match: FlowMatch): void {
    const problems = validateFlowMatch(match);
    if (problems.length > 0) {
        throw new FlowMatchError(problems);
    }
}

/** The properties that are set, in MATCH_FIELDS order (so rendering is deterministic). */
function givenKeys(match: FlowMatch): MatchKey[] {
    return MATCH_KEYS.filter((key) => match[key] !== undefined);
}

/**
 * Renders the space-delimited pattern for `match` over the log format `fields`.
 *
 * Every column is named, with `columnName` (`log_status`, `interface_id`: the Glue/Athena column
 * and `FlowLogRecord` key, and an identifier, which hyphenated names are not everywhere), so
 * `$log_status` in a metric value or dimension means the same column everywhere. No `...`: the
 * pattern then matches only records with exactly this format's field count, which is unambiguous.
 * Values are bare where they are plain (`10.0.*`, `22`, `REJECT`, as in AWS's own examples) and
 * quoted otherwise (IPv6 addresses).
 */
export function renderPattern(match: FlowMatch, fields: readonly FlowLogField[] = DEFAULT_FORMAT_FIELDS): string {
    assertValid(match);
    const missing = givenKeys(match).filter((key) => !fields.some((field) => field.name === MATCH_FIELDS[key]));
    if (missing.length > 0) {
        throw new FlowMatchError(
            missing.map(
                (key) =>
                    `${key} needs the field "${MATCH_FIELDS[key]}", which the log format (${fields.map((f) => f.name).join(" ")}) does not include`,
            ),
        );
    }
    const slots = fields.map((field) => renderSlot(match, field));
    const pattern = `[${slots.join(", ")}]`;
    if (pattern.length > MAX_FILTER_PATTERN_LENGTH) {
        throw new FlowMatchError([
            `the rendered filter pattern is ${pattern.length} characters and CloudWatch allows at most ${MAX_FILTER_PATTERN_LENGTH}: ` +
                `use a port range instead of a long port list, or a log format with fewer fields`,
        ]);
    }
    return pattern;
}

function renderSlot(match: FlowMatch, field: FlowLogField): string {
    const column = columnName(field);
    const key = MATCH_KEYS.find((k) => MATCH_FIELDS[k] === field.name && match[k] !== undefined);
    if (key === undefined) {
        return column;
    }
    const value = match[key]!;
    if (key === "srcPort" || key === "dstPort") {
        return renderPorts(column, value as PortMatch);
    }
    return `${column} = ${renderValue(String(value))}`;
}

/** A list is `||` of equalities; a range is `>= && <=`, which never matches a `-` (NODATA) value. */
function renderPorts(column: string, ports: PortMatch): string {
    if (typeof ports === "number") {
        return `${column} = ${ports}`;
    }
    if (Array.isArray(ports)) {
        return [...new Set(ports)].map((port) => `${column} = ${port}`).join(" || ");
    }
    const range = ports as { from: number; to: number };
    return `${column} >= ${range.from} && ${column} <= ${range.to}`;
}

function renderValue(value: string): string {
    return /^[A-Za-z0-9_.*-]+$/.test(value) ? value : `"${value.replace(/[\\"]/g, "\\$&")}"`;
}

/**
 * Evaluates `match` directly on a parsed record (`parseRecord`): what the rendered pattern does in
 * CloudWatch, without the text round trip. A null (`-`) value matches no condition.
 */
export function evaluateMatch(match: FlowMatch, record: FlowLogRecord): boolean {
    assertValid(match);
    return givenKeys(match).every((key) => {
        const column = columnName(fieldNamed(MATCH_FIELDS[key]));
        if (!(column in record)) {
            throw new FlowMatchError([`${key} needs the column "${column}", which the record does not have`]);
        }
        return valueMatches(key, match, record[column]);
    });
}

function valueMatches(key: MatchKey, match: FlowMatch, actual: string | number | null): boolean {
    switch (key) {
        case "srcPort":
        case "dstPort":
            return typeof actual === "number" && portMatches(match[key]!, actual);
        case "srcAddr":
        case "dstAddr":
            return typeof actual === "string" && addressMatches(match[key]!, actual);
        default:
            return actual !== null && actual === match[key];
    }
}

function portMatches(ports: PortMatch, port: number): boolean {
    if (typeof ports === "number") {
        return port === ports;
    }
    if (Array.isArray(ports)) {
        return ports.includes(port);
    }
    const range = ports as { from: number; to: number };
    return port >= range.from && port <= range.to;
}

function addressMatches(expected: string, actual: string): boolean {
    return expected.endsWith("*") ? actual.startsWith(expected.slice(0, -1)) : actual === expected;
}
