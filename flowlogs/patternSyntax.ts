/**
 * CloudWatch Logs space-delimited filter patterns, as metric filters over VPC flow logs use them:
 * `[version, account_id, ..., dstport = 22 || dstport = 3389, ..., action = REJECT, log_status]`.
 *
 * This module is the grammar: the AST and `parsePattern`, which turns a pattern into an AST or
 * throws a `PatternSyntaxError` naming the position, what was found and what is allowed. The
 * evaluator (patternEvaluation.ts), the typed match (flowMatch.ts) and the analysis the policy
 * pack uses (patternAnalysis.ts) all work on this AST.
 *
 * Syntax sources: the CloudWatch Logs user guide ("Filter pattern syntax"), the VPC guide's flow
 * log examples, and CDK's `aws-logs` SpaceDelimitedTextPattern. Where the docs are silent the
 * decision is written next to the code.
 */

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
    /**
     * The value as written, without quotes and with `\"`/`\\` unescaped; `*` is a wildcard. For a
     * regular expression (`%...%`), the expression between the percent signs.
     */
    readonly value: string;
    /** Whether the value was written in double quotes (quoting changes tokenising, not meaning). */
    readonly quoted: boolean;
    /** Set when the value is a regular expression (`status = %^4[0-9]{2}$%`): `=` means "the expression finds a match". */
    readonly regex?: RegExp;
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

/** The two pattern forms that apply to flow log records (JSON patterns need JSON events). */
export const PatternKind = { SPACE_DELIMITED: "space-delimited", TERMS: "terms" } as const;
export type PatternKind = (typeof PatternKind)[keyof typeof PatternKind];

/** A term of an unstructured pattern: a word or quoted phrase, or a regular expression (`%...%`). */
export type Term =
    | { readonly kind: "text"; readonly text: string; readonly quoted: boolean; readonly position: number }
    | { readonly kind: "regex"; readonly source: string; readonly regex: RegExp; readonly position: number };

/** Terms that must all appear (`include`) and none of which may appear (`exclude`, written `-term`). */
export interface TermGroup {
    readonly include: readonly Term[];
    readonly exclude: readonly Term[];
}

/**
 * An unstructured ("term") pattern: `ERROR`, `ERROR -WARN`, `?ERROR ?WARN`, `"REJECT"`, `%REJ[A-Z]+%`.
 * It matches an event when any group matches (groups are the `?` alternatives; a pattern without
 * `?` is one group). The empty pattern is one empty group: it matches every event.
 */
export interface TermPattern {
    readonly kind: typeof PatternKind.TERMS;
    readonly source: string;
    readonly groups: readonly TermGroup[];
}

/** Any filter pattern the kernel can evaluate on flow log records. */
export type FilterPattern = ParsedPattern | TermPattern;

export interface ParsedPattern {
    readonly kind: typeof PatternKind.SPACE_DELIMITED;
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
export const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

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
            this.fail(
                `parentheses are not part of space-delimited patterns (AWS documents them for JSON patterns only); && binds tighter than ||, and a value containing "(" or ")" can be quoted`,
            );
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
    return {
        kind: PatternKind.SPACE_DELIMITED,
        source,
        slots,
        columns: slots.flatMap((slot) => (slot.kind === SlotKind.FIELD ? [slot.name] : [])),
    };
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
        c.fail(
            `field name "${name}" must start with a letter or "_" (names use letters, digits, "_" and "-")`,
            position,
        );
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
        c.fail(
            `the condition names "${name}" but sits in the slot of "${slotName}": every condition in a slot must name that slot's field`,
            position,
        );
    }
    c.skipSpace();
    return parseComparison(c, name, position);
}

/** `op value`, the field name already read. */
function parseComparison(c: Cursor, field: string, position: number): Condition {
    const operator = readOperator(c, field);
    c.skipSpace();
    const valuePosition = c.pos;
    if (c.peek() === "%") {
        const { source, regex } = readRegex(c);
        if (ORDER_OPERATORS.has(operator)) {
            c.fail(`"${operator}" compares numbers; a regular expression takes "=" or "!="`, valuePosition);
        }
        return { field, operator, value: source, quoted: false, position, regex };
    }
    const { value, quoted } = readValue(c, `${field} ${operator}`);
    if (ORDER_OPERATORS.has(operator) && !NUMBER.test(value)) {
        c.fail(`"${operator}" compares numbers, and ${JSON.stringify(value)} is not a number`, valuePosition);
    }
    return { field, operator, value, quoted, position };
}

/**
 * `%regex%`. AWS documents the subset it accepts (letters, digits, `_ # = @ / ; , -` and the
 * operators `^ $ ? [ ] { } | \\ * + .`) and refuses parentheses; JavaScript's RegExp reads that
 * subset as RE2 does. The expression runs to the next `%`.
 */
function readRegex(c: Cursor): { source: string; regex: RegExp } {
    const open = c.pos;
    const close = c.source.indexOf("%", open + 1);
    if (close < 0) {
        c.fail(`the regular expression opened here has no closing "%"`, open);
    }
    const source = c.source.slice(open + 1, close);
    if (source === "") {
        c.fail(`the regular expression between "%%" is empty`, open);
    }
    const paren = /[()]/.exec(source);
    if (paren) {
        c.fail(
            `CloudWatch regular expressions cannot use "(" or ")" (no groups); use [...] and | instead`,
            open + 1 + paren.index,
        );
    }
    let regex: RegExp;
    try {
        regex = new RegExp(source);
    } catch (err) {
        c.fail(`${JSON.stringify(source)} is not a regular expression (${(err as Error).message})`, open + 1);
    }
    c.pos = close + 1;
    return { source, regex };
}

// ---------------------------------------------------------------------------------------------
// Unstructured (term) patterns
// ---------------------------------------------------------------------------------------------

/**
 * Parses any filter pattern that applies to flow log records: a space-delimited pattern (`[...]`)
 * or an unstructured one (terms, `?` alternatives, `-` exclusions, `%regex%`). JSON patterns
 * (`{ $.x = 1 }`) are refused: flow log records are not JSON, so such a filter matches nothing.
 */
export function parseFilterPattern(source: string): FilterPattern {
    const trimmed = source.trimStart();
    if (trimmed.startsWith("[")) {
        return parsePattern(source);
    }
    if (trimmed.startsWith("{")) {
        throw new PatternSyntaxError(
            "a JSON pattern ({ $.field ... }) matches JSON log events only, and flow log records are space-delimited text",
            source.length - trimmed.length,
            source,
        );
    }
    return parseTermPattern(source);
}

/**
 * `ERROR Exception` (all terms), `ERROR -Exiting` (exclusion), `?ERROR ?WARN` (any group; a group
 * is a `?` term and the terms after it, as CDK's anyTermGroup writes them: `?"A" "B" ?"C"`).
 * Plain terms before the first `?` of a pattern that has `?` are refused: AWS does not say how
 * they combine.
 */
export function parseTermPattern(source: string): TermPattern {
    const c = new Cursor(source);
    const groups: { include: Term[]; exclude: Term[] }[] = [];
    let sawPlainFirst = false;
    for (;;) {
        c.skipSpace();
        if (c.atEnd()) {
            break;
        }
        let exclude = false;
        let alternative = false;
        const position = c.pos;
        if (c.peek() === "?") {
            alternative = true;
            c.pos++;
        } else if (c.peek() === "-") {
            exclude = true;
            c.pos++;
            // AWS's own example writes `"ERROR" - "Exiting"`.
            c.skipSpace();
        }
        if (alternative) {
            if (sawPlainFirst) {
                c.fail(
                    `a "?" alternative after plain terms: AWS does not define how they combine; start every alternative with "?"`,
                    position,
                );
            }
            groups.push({ include: [], exclude: [] });
        } else if (groups.length === 0) {
            sawPlainFirst = true;
            groups.push({ include: [], exclude: [] });
        }
        const term = readTerm(c);
        const group = groups[groups.length - 1];
        (exclude ? group.exclude : group.include).push(term);
    }
    return { kind: PatternKind.TERMS, source, groups: groups.length > 0 ? groups : [{ include: [], exclude: [] }] };
}

function readTerm(c: Cursor): Term {
    const position = c.pos;
    if (c.atEnd()) {
        c.fail(`expected a term after "${c.source[c.pos - 1]}", found the end of the pattern`);
    }
    if (c.peek() === '"') {
        return { kind: "text", text: readQuoted(c), quoted: true, position };
    }
    if (c.peek() === "%") {
        const { source, regex } = readRegex(c);
        return { kind: "regex", source, regex, position };
    }
    const text = c.readWhile((ch) => !/[\s"]/.test(ch));
    if (text === "" || text === "?" || text === "-") {
        c.failExpected("a term");
    }
    return { kind: "text", text, quoted: false, position };
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
        c.fail(
            `"..." may appear only once in a pattern (it is already at position ${ellipses[0].position})`,
            ellipses[1].position,
        );
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
            c.fail(
                `the field name "${slot.name}" is used twice (first at position ${first}); give each field its own name`,
                slot.position,
            );
        }
        seen.set(slot.name, slot.position);
    }
}
