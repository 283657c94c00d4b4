/**
 * CloudWatch Logs space-delimited filter patterns, as metric filters over VPC flow logs use them:
 * `[version, account_id, ..., dstport = 22 || dstport = 3389, ..., action = REJECT, log_status]`.
 *
 * Four jobs, one grammar:
 * - `parsePattern` turns a pattern into an AST, or throws a `PatternSyntaxError` that names the
 *   position, what was found and what is allowed;
 * - `matchesPattern` evaluates a parsed pattern against one log event the way CloudWatch does, so
 *   the offline tools can say which alarms a file of records would fire;
 * - `renderPattern` turns a typed `FlowMatch` into the pattern for the log format actually
 *   delivered (the column list comes from the field table, never from a hand-written list), and
 *   `evaluateMatch` evaluates the same match directly on a parsed record (the two must agree: a
 *   property test holds them to it);
 * - `selectsAction` decides from the AST whether every record a pattern matches has a given
 *   action, which is what the policy pack means by "a metric filter that selects REJECT records".
 *
 * Pure: no Pulumi imports, no I/O.
 *
 * Syntax sources: AWS CloudWatch Logs user guide, "Filter pattern syntax" (awsdocs
 * amazon-cloudwatch-logs-user-guide, doc_source/FilterAndPatternSyntax.md), the VPC guide's flow
 * log examples, and CDK `aws-logs/lib/pattern.ts` (SpaceDelimitedTextPattern). Where the docs are
 * silent the decision is written next to the code; see also ../shared/reference/aws-flow-logs.md §4.
 */
import { DEFAULT_FORMAT_FIELDS, FLOW_LOG_FIELDS, FlowLogField, FlowLogRecord, columnName, fieldNamed } from "./flowLogFields";

/** CloudWatch's limit on `filterPattern` (PutMetricFilter: length 0–1024). */
export const MAX_FILTER_PATTERN_LENGTH = 1024;

// ---------------------------------------------------------------------------------------------
// AST
// ---------------------------------------------------------------------------------------------

/** The comparison operators of space-delimited patterns (AWS: "=, !=, <, <=, >, >="). */
export const Operator = { EQ: "=", NE: "!=", LT: "<", LE: "<=", GT: ">", GE: ">=" } as const;
export type Operator = (typeof Operator)[keyof typeof Operator];
const OPERATORS: readonly string[] = Object.values(Operator);
const OPERATOR_LIST = OPERATORS.join(", ");

/** Order comparisons only make sense on numbers (AWS: "For numeric fields, you can use >, <, ..."). */
const ORDER_OPERATORS: ReadonlySet<string> = new Set([Operator.LT, Operator.LE, Operator.GT, Operator.GE]);

/** One `name op value` comparison. */
export interface Condition {
    /** The field the condition names; always the name of the slot it sits in. */
    readonly field: string;
    readonly operator: Operator;
    /** The value as written, without quotes and with `\"`/`\\` unescaped; `*` is a wildcard. */
    readonly value: string;
    /** Whether the value was written in double quotes (quoting changes tokenising, not meaning). */
    readonly quoted: boolean;
    /** Offset of the condition's field name in the pattern source. */
    readonly position: number;
}

/** Conditions joined by `&&`: all must hold. */
export type ConditionGroup = readonly Condition[];

export const SlotKind = { FIELD: "field", ELLIPSIS: "ellipsis", BLANK: "blank" } as const;
export type SlotKind = (typeof SlotKind)[keyof typeof SlotKind];

/** A named field, optionally with conditions. */
export interface FieldSlot {
    readonly kind: typeof SlotKind.FIELD;
    readonly name: string;
    readonly position: number;
    /**
     * The slot's condition in disjunctive normal form: groups joined by `||`, each group's
     * conditions joined by `&&` (`&&` binds tighter, as in AWS's JSON patterns). Undefined when the
     * slot only names the field, which then matches any value.
     */
    readonly anyOf?: readonly ConditionGroup[];
}

/** `...`: any number (zero or more) of unnamed fields. */
export interface EllipsisSlot {
    readonly kind: typeof SlotKind.ELLIPSIS;
    readonly position: number;
}

/** An empty slot (`[a, , b]`, or the trailing comma of `[..., status_code=4*,]`): one unnamed field. */
export interface BlankSlot {
    readonly kind: typeof SlotKind.BLANK;
    readonly position: number;
}

export type Slot = FieldSlot | EllipsisSlot | BlankSlot;

export interface ParsedPattern {
    readonly source: string;
    readonly slots: readonly Slot[];
    /** The names of the named fields, in pattern order (the ellipsis and blank slots have none). */
    readonly columns: readonly string[];
}

// ---------------------------------------------------------------------------------------------
// Parser
// ---------------------------------------------------------------------------------------------

/** A pattern that is not valid space-delimited syntax; `position` is a 0-based offset into `pattern`. */
export class PatternSyntaxError extends Error {
    constructor(
        readonly detail: string,
        readonly position: number,
        readonly pattern: string,
    ) {
        super(`invalid filter pattern: ${detail} (at position ${position})`);
        this.name = "PatternSyntaxError";
    }
}

/**
 * Field names: CDK's `validColumnName` allows `[a-zA-Z0-9_-]`; we also require a letter or `_`
 * first, so a name can never be mistaken for the positional keys (`"7"`) unnamed fields get.
 */
const NAME_CHAR = /[A-Za-z0-9_-]/;
const NAME_START = /[A-Za-z_]/;
const OPERATOR_CHARS = "=!<>";
/**
 * A bare value runs until one of these: they separate slots, conditions or operators. Parentheses
 * too: AWS documents grouping only for JSON patterns, so a bare "(" is refused rather than read as
 * text; a value that contains one can be quoted.
 */
const BARE_VALUE_STOP = /[\s,[\]"&|=!<>()]/;
/** AWS: an integer or decimal, optional sign, optional exponent. */
const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

class Cursor {
    pos = 0;
    constructor(readonly source: string) {}

    peek(length = 1): string {
        return this.source.slice(this.pos, this.pos + length);
    }

    atEnd(): boolean {
        return this.pos >= this.source.length;
    }

    skipSpace(): void {
        while (!this.atEnd() && /\s/.test(this.source[this.pos])) {
            this.pos++;
        }
    }

    /** Reads the longest run of characters that pass `test`. */
    readWhile(test: (ch: string) => boolean): string {
        const start = this.pos;
        while (!this.atEnd() && test(this.source[this.pos])) {
            this.pos++;
        }
        return this.source.slice(start, this.pos);
    }

    /** What the user wrote at `at`, for "found ..." in messages. */
    describe(at = this.pos): string {
        return at >= this.source.length ? "the end of the pattern" : JSON.stringify(this.source[at]);
    }

    fail(detail: string, at = this.pos): never {
        throw new PatternSyntaxError(detail, at, this.source);
    }

    /** "expected X, found Y", with a pointed message for the parentheses people bring from JSON patterns. */
    failExpected(expected: string): never {
        if (this.peek() === "(" || this.peek() === ")") {
            this.fail(`parentheses are not part of space-delimited patterns (AWS documents them for JSON patterns only); && binds tighter than ||, and a value containing "(" or ")" can be quoted`);
        }
        this.fail(`expected ${expected}, found ${this.describe()}`);
    }
}

/** Parses a space-delimited filter pattern; throws `PatternSyntaxError` on anything else. */
export function parsePattern(source: string): ParsedPattern {
    const c = new Cursor(source);
    c.skipSpace();
    if (c.peek() !== "[") {
        c.fail(`a space-delimited pattern starts with "[", found ${c.describe()}`);
    }
    c.pos++;
    c.skipSpace();
    if (c.peek() === "]") {
        c.fail(`the pattern names no fields: write at least one field name between "[" and "]"`);
    }
    const slots = parseSlots(c);
    c.skipSpace();
    if (!c.atEnd()) {
        c.fail(`unexpected ${c.describe()} after the closing "]"`);
    }
    checkSingleEllipsis(slots, c);
    checkUniqueNames(slots, c);
    return { source, slots, columns: slots.flatMap((slot) => (slot.kind === SlotKind.FIELD ? [slot.name] : [])) };
}

/** Reads slots up to and including the closing `]`. */
function parseSlots(c: Cursor): Slot[] {
    const slots: Slot[] = [];
    for (;;) {
        slots.push(parseSlot(c));
        if (c.atEnd()) {
            c.fail(`the pattern is missing its closing "]"`);
        }
        // parseSlot stops only at "," or "]" (anything else already failed there).
        const separator = c.peek();
        c.pos++;
        if (separator === "]") {
            return slots;
        }
    }
}

/** One slot; leaves the cursor on the "," or "]" that ends it (or at the end of input). */
function parseSlot(c: Cursor): Slot {
    c.skipSpace();
    const position = c.pos;
    if (atSlotEnd(c)) {
        return { kind: SlotKind.BLANK, position };
    }
    if (c.peek() === ".") {
        return parseEllipsis(c);
    }
    const name = readName(c, `a field name, "...", "," or "]"`);
    c.skipSpace();
    if (atSlotEnd(c)) {
        return { kind: SlotKind.FIELD, name, position };
    }
    if (c.peek() === "&" || c.peek() === "|") {
        c.fail(`"${name}" needs an operator and a value before "&&" or "||" (like ${name} = value)`);
    }
    if (!OPERATOR_CHARS.includes(c.peek())) {
        c.failExpected(`an operator (${OPERATOR_LIST}), "," or "]" after "${name}"`);
    }
    return { kind: SlotKind.FIELD, name, position, anyOf: parseConditions(c, name, position) };
}

function atSlotEnd(c: Cursor): boolean {
    return c.atEnd() || c.peek() === "," || c.peek() === "]";
}

function parseEllipsis(c: Cursor): EllipsisSlot {
    const position = c.pos;
    const dots = c.readWhile((ch) => ch === ".");
    if (dots !== "...") {
        c.fail(`expected "..." (three dots) for unnamed fields, found "${dots}"`, position);
    }
    c.skipSpace();
    if (!atSlotEnd(c)) {
        c.fail(`"..." stands for any number of unnamed fields and cannot take a condition; found ${c.describe()}`);
    }
    return { kind: SlotKind.ELLIPSIS, position };
}

function readName(c: Cursor, expected: string): string {
    const position = c.pos;
    const name = c.readWhile((ch) => NAME_CHAR.test(ch));
    if (name === "") {
        c.failExpected(expected);
    }
    if (!NAME_START.test(name[0])) {
        c.fail(`field name "${name}" must start with a letter or "_" (names use letters, digits, "_" and "-")`, position);
    }
    return name;
}

/**
 * The conditions of one slot, whose name (at `namePosition`) has been read: `cond (&& cond)*`
 * groups joined by `||`. Every condition must name the slot's own field: AWS's examples always do
 * (`status_code = 403 || status_code = 404`, `w1!=ERROR&&w1!=WARN`); the one doc example that
 * names another field (`status_code = 4* && bytes > 1000`) also has one slot fewer than its sample
 * lines, so we read it as a doc error and refuse the form rather than guess what it means.
 */
function parseConditions(c: Cursor, slotName: string, namePosition: number): ConditionGroup[] {
    const groups: Condition[][] = [[parseComparison(c, slotName, namePosition)]];
    for (;;) {
        c.skipSpace();
        const joiner = readJoiner(c);
        if (joiner === undefined) {
            break;
        }
        c.skipSpace();
        const condition = parseCondition(c, slotName, joiner);
        if (joiner === "||") {
            groups.push([condition]);
        } else {
            groups[groups.length - 1].push(condition);
        }
    }
    if (!atSlotEnd(c)) {
        c.failExpected(`"&&", "||", "," or "]" after the condition on "${slotName}"`);
    }
    return groups;
}

function readJoiner(c: Cursor): "&&" | "||" | undefined {
    const two = c.peek(2);
    if (two === "&&" || two === "||") {
        c.pos += 2;
        return two;
    }
    if (c.peek() === "&") {
        c.fail(`a single "&" is not an operator: use "&&" for AND`);
    }
    if (c.peek() === "|") {
        c.fail(`a single "|" is not an operator: use "||" for OR`);
    }
    return undefined;
}

/** A condition after `&&`/`||`: `name op value`, where `name` must be the slot's field. */
function parseCondition(c: Cursor, slotName: string, after: string): Condition {
    const position = c.pos;
    const name = readName(c, `a condition on "${slotName}" after "${after}"`);
    if (name !== slotName) {
        c.fail(`the condition names "${name}" but sits in the slot of "${slotName}": every condition in a slot must name that slot's field`, position);
    }
    c.skipSpace();
    return parseComparison(c, name, position);
}

/** `op value`, the field name already read. */
function parseComparison(c: Cursor, field: string, position: number): Condition {
    const operator = readOperator(c, field);
    c.skipSpace();
    const valuePosition = c.pos;
    const { value, quoted } = readValue(c, `${field} ${operator}`);
    if (ORDER_OPERATORS.has(operator) && !NUMBER.test(value)) {
        c.fail(`"${operator}" compares numbers, and ${JSON.stringify(value)} is not a number`, valuePosition);
    }
    return { field, operator, value, quoted, position };
}

function readOperator(c: Cursor, field: string): Operator {
    const position = c.pos;
    const text = c.readWhile((ch) => OPERATOR_CHARS.includes(ch));
    if (text === "") {
        c.failExpected(`an operator (${OPERATOR_LIST}) after "${field}"`);
    }
    if (!OPERATORS.includes(text)) {
        c.fail(`unknown operator "${text}": use one of ${OPERATOR_LIST}`, position);
    }
    return text as Operator;
}

function readValue(c: Cursor, context: string): { value: string; quoted: boolean } {
    if (c.peek() === '"') {
        return { value: readQuoted(c), quoted: true };
    }
    const value = c.readWhile((ch) => !BARE_VALUE_STOP.test(ch));
    if (value === "") {
        c.failExpected(`a value after "${context}"`);
    }
    return { value, quoted: false };
}

/** `"..."`; `\"` and `\\` are escapes (CDK's quoteTerm writes them), other backslashes are literal. */
function readQuoted(c: Cursor): string {
    const open = c.pos;
    c.pos++;
    let value = "";
    for (;;) {
        if (c.atEnd()) {
            c.fail(`the quoted value opened here has no closing '"'`, open);
        }
        const ch = c.source[c.pos];
        const next = c.source[c.pos + 1];
        if (ch === "\\" && (next === '"' || next === "\\")) {
            value += next;
            c.pos += 2;
        } else if (ch === '"') {
            c.pos++;
            return value;
        } else {
            value += ch;
            c.pos++;
        }
    }
}

/**
 * At most one `...`: CDK refuses a second ("Can use at most one '...' column"), AWS shows only
 * single use (leading, middle, trailing), and with two the fields between them could line up in
 * more than one way.
 */
function checkSingleEllipsis(slots: readonly Slot[], c: Cursor): void {
    const ellipses = slots.filter((slot) => slot.kind === SlotKind.ELLIPSIS);
    if (ellipses.length > 1) {
        c.fail(`"..." may appear only once in a pattern (it is already at position ${ellipses[0].position})`, ellipses[1].position);
    }
}

/** A repeated name would make the extracted `$name` ambiguous. */
function checkUniqueNames(slots: readonly Slot[], c: Cursor): void {
    const seen = new Map<string, number>();
    for (const slot of slots) {
        if (slot.kind !== SlotKind.FIELD) {
            continue;
        }
        const first = seen.get(slot.name);
        if (first !== undefined) {
            c.fail(`the field name "${slot.name}" is used twice (first at position ${first}); give each field its own name`, slot.position);
        }
        seen.set(slot.name, slot.position);
    }
}

// ---------------------------------------------------------------------------------------------
// Evaluator
// ---------------------------------------------------------------------------------------------

export interface MatchResult {
    readonly matched: boolean;
    /**
     * What CloudWatch's TestMetricFilter returns as `extractedValues`, without the leading `$`:
     * named fields by name, unnamed ones (under `...` or a blank slot) by 1-based position ("7").
     * Empty unless matched, as TestMetricFilter returns only matching events.
     */
    readonly values: Readonly<Record<string, string>>;
}

/**
 * Splits a log event into fields the way CloudWatch does for space-delimited patterns: on
 * whitespace, except that "characters between brackets ("[]") and double quotation marks ("") are
 * considered single fields" (the delimiters are dropped, as in AWS's `$4` and `$request` example).
 * An opening `"` or `[` with no closing partner is an ordinary character.
 */
export function splitEventFields(line: string): string[] {
    const fields: string[] = [];
    let i = 0;
    while (i < line.length) {
        if (/\s/.test(line[i])) {
            i++;
            continue;
        }
        const close = line[i] === '"' ? '"' : line[i] === "[" ? "]" : undefined;
        const end = close === undefined ? -1 : line.indexOf(close, i + 1);
        if (end >= 0) {
            fields.push(line.slice(i + 1, end));
            i = end + 1;
            continue;
        }
        let j = i;
        while (j < line.length && !/\s/.test(line[j])) {
            j++;
        }
        fields.push(line.slice(i, j));
        i = j;
    }
    return fields;
}

/** Evaluates a parsed pattern against one log event. */
export function matchesPattern(pattern: ParsedPattern, line: string): MatchResult {
    const fields = splitEventFields(line);
    const aligned = alignSlots(pattern.slots, fields.length);
    if (aligned === undefined) {
        return { matched: false, values: {} };
    }
    for (let i = 0; i < fields.length; i++) {
        const slot = aligned[i];
        if (slot.kind === SlotKind.FIELD && slot.anyOf !== undefined && !holds(slot.anyOf, fields[i])) {
            return { matched: false, values: {} };
        }
    }
    return { matched: true, values: extractValues(aligned, fields) };
}

/**
 * Which slot each of `fieldCount` fields falls in, or undefined when they cannot line up: without
 * `...` the counts must be equal; with it, `...` takes whatever the named slots leave (zero or more).
 */
function alignSlots(slots: readonly Slot[], fieldCount: number): Slot[] | undefined {
    const e = slots.findIndex((slot) => slot.kind === SlotKind.ELLIPSIS);
    if (e < 0) {
        return slots.length === fieldCount ? [...slots] : undefined;
    }
    const before = slots.slice(0, e);
    const after = slots.slice(e + 1);
    const absorbed = fieldCount - before.length - after.length;
    if (absorbed < 0) {
        return undefined;
    }
    return [...before, ...new Array<Slot>(absorbed).fill(slots[e]), ...after];
}

/** Built with fromEntries so a field named `__proto__` is an own key, not a prototype change. */
function extractValues(aligned: readonly Slot[], fields: readonly string[]): Record<string, string> {
    return Object.fromEntries(aligned.map((slot, i) => [slot.kind === SlotKind.FIELD ? slot.name : String(i + 1), fields[i]]));
}

function holds(anyOf: readonly ConditionGroup[], value: string): boolean {
    return anyOf.some((group) => group.every((condition) => compare(condition, value)));
}

const ORDER: Readonly<Record<string, (a: number, b: number) => boolean>> = {
    [Operator.LT]: (a, b) => a < b,
    [Operator.LE]: (a, b) => a <= b,
    [Operator.GT]: (a, b) => a > b,
    [Operator.GE]: (a, b) => a >= b,
};

/** A `-` (no value, as in NODATA records) is not a number, so it fails every order comparison. */
function compare(condition: Condition, actual: string): boolean {
    switch (condition.operator) {
        case Operator.EQ:
            return equals(condition.value, actual);
        case Operator.NE:
            return !equals(condition.value, actual);
        default:
            return NUMBER.test(actual) && ORDER[condition.operator](Number(actual), Number(condition.value));
    }
}

/**
 * `=`: a value with `*` is a wildcard match; otherwise numbers compare as numbers when both sides
 * are numeric (`destport = 22` matches "22" and "022"), and anything else compares as
 * case-sensitive text (AWS: "Metric filters are case sensitive").
 */
function equals(expected: string, actual: string): boolean {
    if (expected.includes("*")) {
        return wildcardRegExp(expected).test(actual);
    }
    if (NUMBER.test(expected) && NUMBER.test(actual)) {
        return Number(expected) === Number(actual);
    }
    return expected === actual;
}

/**
 * `*` matches any run of characters, wherever it stands (prefix `10.0.*`, suffix `*.html`, both
 * `*.html*`, infix `Ev*ent`). AWS documents prefix/suffix for space-delimited patterns; its JSON
 * section says an infix `*` is literal there. The space-delimited section is silent, so we treat
 * every `*` alike; `renderPattern` only ever writes a trailing `*`, where the readings agree.
 * Quoted values are no different: CDK always quotes and documents `*` as a wildcard in them.
 */
const wildcardCache = new Map<string, RegExp>();
function wildcardRegExp(glob: string): RegExp {
    let re = wildcardCache.get(glob);
    if (re === undefined) {
        const body = glob
            .split("*")
            .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"))
            .join(".*");
        re = new RegExp(`^${body}$`, "s");
        wildcardCache.set(glob, re);
    }
    return re;
}

// ---------------------------------------------------------------------------------------------
// Typed match -> pattern
// ---------------------------------------------------------------------------------------------

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
            throw new Error(`protocol ${JSON.stringify(nameOrNumber)} is not an IANA protocol number (a whole number 0–255)`);
        }
        return n;
    }
    const key = nameOrNumber.trim().toLowerCase();
    if (!Object.hasOwn(PROTOCOL_NUMBERS, key)) {
        const known = Object.entries(PROTOCOL_NUMBERS).map(([name, n]) => `${name} (${n})`).join(", ");
        throw new Error(`unknown protocol "${nameOrNumber}": use a number 0–255 or one of ${known}`);
    }
    return PROTOCOL_NUMBERS[key as ProtocolName];
}

const IPV4_OCTET = "(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)";
const IPV4_EXACT = new RegExp(`^${IPV4_OCTET}(\\.${IPV4_OCTET}){3}$`);
/** Whole octets then `.*`: the wildcard cannot stop mid-octet, so `10.0.*` never catches `10.01.x.x`. */
const IPV4_PREFIX = new RegExp(`^${IPV4_OCTET}(\\.${IPV4_OCTET}){0,2}\\.\\*$`);
/** Flow logs write IPv6 in lower case; a prefix ends at a `:` then `*`. */
const IPV6_EXACT = /^(?=.*:)[0-9a-f:]+$/;
const IPV6_PREFIX = /^[0-9a-f:]*:\*$/;
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
        problems.push(`protocol is ${JSON.stringify(match.protocol)}: use an IANA protocol number 0–255 (protocolNumber("tcp") gives 6)`);
    }
    checkAddress(problems, "srcAddr", match.srcAddr);
    checkAddress(problems, "dstAddr", match.dstAddr);
    checkPorts(problems, "srcPort", match.srcPort);
    checkPorts(problems, "dstPort", match.dstPort);
    if (match.interfaceId !== undefined && !(typeof match.interfaceId === "string" && ENI_ID.test(match.interfaceId))) {
        problems.push(`interfaceId is ${JSON.stringify(match.interfaceId)}: use a network interface id like "eni-1235b8ca123456789"`);
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
    const ok = typeof value === "string" && [IPV4_EXACT, IPV4_PREFIX, IPV6_EXACT, IPV6_PREFIX].some((re) => re.test(value));
    if (!ok) {
        problems.push(`${key} is ${JSON.stringify(value)}: use an exact address ("10.0.0.155", lower-case IPv6) or a prefix of whole octets ending in ".*" ("10.0.*") or ":*" for IPv6`);
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
            missing.map((key) => `${key} needs the field "${MATCH_FIELDS[key]}", which the log format (${fields.map((f) => f.name).join(" ")}) does not include`),
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

// ---------------------------------------------------------------------------------------------
// Analysis
// ---------------------------------------------------------------------------------------------

/**
 * Whether every record of the log format `fields` that `pattern` matches has `action = <action>`.
 *
 * The action column is found by position, not by name: the slot that lines up with the format's
 * `action` field (with `...`, slots after it count from the end). Names are the pattern author's
 * choice; the position is what CloudWatch reads. True only when that slot's every `||` branch
 * contains a plain `= <action>` (quoted or not); a wildcard (`REJ*`) does not count even though it
 * would select REJECT among flow log values, because a compliance check should accept only
 * patterns whose meaning is plain. False when the pattern cannot line up with the format at all (it
 * matches nothing) or the format has no action field.
 */
export function selectsAction(pattern: ParsedPattern, action: FlowAction, fields: readonly FlowLogField[] = DEFAULT_FORMAT_FIELDS): boolean {
    const actionIndex = fields.findIndex((field) => field.name === "action");
    const aligned = alignSlots(pattern.slots, fields.length);
    if (actionIndex < 0 || aligned === undefined) {
        return false;
    }
    const slot = aligned[actionIndex];
    if (slot.kind !== SlotKind.FIELD || slot.anyOf === undefined) {
        return false;
    }
    return slot.anyOf.every((group) => group.some((c) => c.operator === Operator.EQ && c.value === action));
}
