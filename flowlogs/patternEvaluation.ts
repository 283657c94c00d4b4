/**
 * Evaluates a parsed filter pattern against one log event the way CloudWatch does, so the offline
 * tools can say which alarms a file of records would fire.
 */
import {
    Condition,
    ConditionGroup,
    FilterPattern,
    NUMBER,
    Operator,
    ParsedPattern,
    PatternKind,
    Slot,
    SlotKind,
    Term,
    TermPattern,
} from "./patternSyntax";

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

/** Evaluates a parsed pattern (space-delimited or unstructured) against one log event. */
export function matchesPattern(pattern: FilterPattern, line: string): MatchResult {
    if (pattern.kind === PatternKind.TERMS) {
        return { matched: matchesTerms(pattern, line), values: {} };
    }
    return matchesSpaceDelimited(pattern, line);
}

function matchesSpaceDelimited(pattern: ParsedPattern, line: string): MatchResult {
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
export function alignSlots(slots: readonly Slot[], fieldCount: number): Slot[] | undefined {
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
    return Object.fromEntries(
        aligned.map((slot, i) => [slot.kind === SlotKind.FIELD ? slot.name : String(i + 1), fields[i]]),
    );
}

/** Whether one slot's conditions (in disjunctive normal form) hold for a field value. */
export function holds(anyOf: readonly ConditionGroup[], value: string): boolean {
    return anyOf.some((group) => group.every((condition) => compare(condition, value)));
}

const ORDER: Readonly<Record<string, (a: number, b: number) => boolean>> = {
    [Operator.LT]: (a, b) => a < b,
    [Operator.LE]: (a, b) => a <= b,
    [Operator.GT]: (a, b) => a > b,
    [Operator.GE]: (a, b) => a >= b,
};

/** A `-` (no value, as in NODATA records) is not a number, so it fails every order comparison. */
export function compare(condition: Condition, actual: string): boolean {
    if (condition.regex) {
        // The parser allows only = and != with a regular expression.
        return condition.regex.test(actual) === (condition.operator === Operator.EQ);
    }
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
// Unstructured (term) patterns
// ---------------------------------------------------------------------------------------------

/** Characters that make up a word; a term starts where a word starts (or at the event's start). */
const WORD_CHAR = /[A-Za-z0-9_]/;

/**
 * Whether a term occurs in `text`. CloudWatch documents terms as case-sensitive and gives `ERROR`
 * matching both "[ERROR] A fatal exception" and "Exiting with ERRORCODE: -1": a term matches at
 * the start of a word and may run into the rest of it. We read that as "the text contains the term
 * at a position not preceded by a letter, digit or `_`" (a prefix of a word, never its middle),
 * the narrowest reading the documented examples allow. A regular expression finds a match anywhere.
 */
export function containsTerm(term: Term, text: string): boolean {
    if (term.kind === "regex") {
        return term.regex.test(text);
    }
    if (term.text === "") {
        return true;
    }
    for (let i = text.indexOf(term.text); i >= 0; i = text.indexOf(term.text, i + 1)) {
        if (i === 0 || !WORD_CHAR.test(text[i - 1])) {
            return true;
        }
    }
    return false;
}

/** An event matches when some group has every included term and no excluded one. */
export function matchesTerms(pattern: TermPattern, line: string): boolean {
    return pattern.groups.some(
        (group) =>
            group.include.every((term) => containsTerm(term, line)) &&
            !group.exclude.some((term) => containsTerm(term, line)),
    );
}
