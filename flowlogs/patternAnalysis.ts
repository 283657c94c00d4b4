/**
 * What a filter pattern means for the flow log records of a format: which kinds of record it can
 * match (REJECT, ACCEPT, NODATA, SKIPDATA), with a concrete record as the witness, and which values
 * a named field takes in the records it matches (for a metric value or dimension). This is what
 * the policy pack means by "a metric filter that selects REJECT records": it can match a REJECT
 * record of the format delivered, and it matches no other record.
 *
 * Decided on the value domains of the fields (./valueDomains.ts), not on the words of the pattern:
 * `action = REJ*`, `action = %EJECT%` and the term `REJECT` select REJECT records because ACCEPT,
 * REJECT and `-` are all `action` ever holds; `protocol = 300`, `action = DROP` or
 * `log_status = NODATA && ... action = REJECT` match nothing.
 *
 * How: a space-delimited pattern's conditions each name one field, so the pattern is a conjunction
 * of one predicate per field, and it matches a record of a kind exactly when every field's
 * predicate holds for some value of that field's domain. Values are tried from a candidate set:
 * the whole domain where it is a list (action, type, ...) or a small range with wildcards or
 * regular expressions in play (ports, protocol), otherwise the domain's bounds and samples plus the
 * numbers around every constant of the pattern and its wildcards filled in. A "can match" answer
 * always comes with a real witness; a "cannot" answer is exact for lists, ranges and comparisons,
 * and for other text fields holds for the candidates tried.
 *
 * An unstructured pattern is a set of term groups; a term without spaces lies within one field of
 * a record, so a group matches a kind when one value per field covers every included term and none
 * contains an excluded one (a small search over which terms each field can supply). Phrases with
 * spaces, and regular expressions that could match a space or are anchored other than at their
 * ends, could span fields: they are reported as not analysable.
 */
import { DEFAULT_FORMAT_FIELDS, FlowLogField, columnName } from "./fields";
import { FlowAction } from "./flowMatch";
import { alignSlots, containsTerm, holds } from "./patternEvaluation";
import {
    ConditionGroup,
    FilterPattern,
    NUMBER,
    ParsedPattern,
    PatternKind,
    SlotKind,
    Term,
    TermPattern,
} from "./patternSyntax";
import { RECORD_KINDS, RecordKind, ValueDomain, describeKind, domainOf, inDomain, kindOfAction } from "./valueDomains";

export interface KindMatch {
    readonly kind: RecordKind;
    /** A record of this kind the pattern matches (its field values, in format order), if any. */
    readonly witness?: readonly string[];
    /** Why no record of this kind matches. */
    readonly reason?: string;
}

export type PatternReading =
    | { readonly analysable: true; readonly kinds: Readonly<Record<RecordKind, KindMatch>> }
    | { readonly analysable: false; readonly reason: string };

/** For each kind of record, whether the pattern can match one of the format `fields`, and a witness. */
export function readPattern(
    pattern: FilterPattern,
    fields: readonly FlowLogField[] = DEFAULT_FORMAT_FIELDS,
): PatternReading {
    const cacheKey = `${pattern.kind}\u0000${pattern.source}\u0000${fields.map((f) => f.name).join(" ")}`;
    const cached = readings.get(cacheKey);
    if (cached) return cached;
    let reading: PatternReading;
    if (pattern.kind === PatternKind.TERMS) {
        reading = readTerms(pattern, fields);
    } else {
        const kinds = {} as Record<RecordKind, KindMatch>;
        for (const kind of RECORD_KINDS) kinds[kind] = matchKind(pattern, fields, kind);
        reading = { analysable: true, kinds };
    }
    if (readings.size > 5_000) readings.clear();
    readings.set(cacheKey, reading);
    return reading;
}
const readings = new Map<string, PatternReading>();

export interface ActionSelection {
    /** True when the pattern can match an `action` record and matches no other record. */
    readonly selects: boolean;
    /** Why not, in words; undefined when it selects. */
    readonly reason?: string;
    /** A record line of that action the pattern matches. */
    readonly witness?: string;
    /** A record of another kind it also matches, when that is why it does not select. */
    readonly leak?: { readonly kind: RecordKind; readonly line: string };
    /** Set when the pattern uses a form the analysis does not decide (then `selects` is false). */
    readonly unanalysable?: boolean;
}

/** Whether `pattern` selects exactly `action` records of the format `fields` (see the module comment). */
export function analyzeSelection(
    pattern: FilterPattern,
    action: FlowAction,
    fields: readonly FlowLogField[] = DEFAULT_FORMAT_FIELDS,
): ActionSelection {
    const reading = readPattern(pattern, fields);
    if (!reading.analysable) return { selects: false, reason: reading.reason, unanalysable: true };
    const own = reading.kinds[kindOfAction(action)];
    if (!own.witness) return { selects: false, reason: own.reason };
    const witness = own.witness.join(" ");
    for (const kind of RECORD_KINDS) {
        if (kind === kindOfAction(action)) continue;
        const other = reading.kinds[kind];
        if (other.witness) {
            const line = other.witness.join(" ");
            return {
                selects: false,
                witness,
                leak: { kind, line },
                reason: `it also matches ${kind === RecordKind.ACCEPT || kind === RecordKind.REJECT ? `${kind} records` : `${kind} records (no traffic, "-" in action)`}, such as "${line}"`,
            };
        }
    }
    return { selects: true, witness };
}

/**
 * Whether every record of the format `fields` that `pattern` matches has `action = <action>`, and
 * some record of that action matches: `analyzeSelection(...).selects`.
 */
export function selectsAction(
    pattern: FilterPattern,
    action: FlowAction,
    fields: readonly FlowLogField[] = DEFAULT_FORMAT_FIELDS,
): boolean {
    return analyzeSelection(pattern, action, fields).selects;
}

// ---------------------------------------------------------------------------------------------
// space-delimited patterns
// ---------------------------------------------------------------------------------------------

/** The field each slot lines up with, by position; undefined when the slot count cannot line up. */
export function slotFields(pattern: ParsedPattern, fields: readonly FlowLogField[]): Map<string, number> | undefined {
    const aligned = alignSlots(pattern.slots, fields.length);
    if (!aligned) return undefined;
    const out = new Map<string, number>();
    aligned.forEach((slot, i) => {
        if (slot.kind === SlotKind.FIELD) out.set(slot.name, i);
    });
    return out;
}

/** The conditions (or none) on each field of the format, by position. */
function conditionsByField(
    pattern: ParsedPattern,
    fields: readonly FlowLogField[],
): (readonly ConditionGroup[] | undefined)[] | undefined {
    const aligned = alignSlots(pattern.slots, fields.length);
    if (!aligned) return undefined;
    return aligned.map((slot) => (slot.kind === SlotKind.FIELD ? slot.anyOf : undefined));
}

function matchKind(pattern: ParsedPattern, fields: readonly FlowLogField[], kind: RecordKind): KindMatch {
    const conditions = conditionsByField(pattern, fields);
    if (!conditions) {
        const named = pattern.slots.filter((s) => s.kind !== SlotKind.ELLIPSIS).length;
        const hasEllipsis = pattern.slots.some((s) => s.kind === SlotKind.ELLIPSIS);
        return {
            kind,
            reason: `it has ${named} field${named === 1 ? "" : "s"}${hasEllipsis ? " and ..." : ""}, and a record of the format has ${fields.length}: the columns cannot line up`,
        };
    }
    const witness: string[] = [];
    for (let i = 0; i < fields.length; i++) {
        const values = satisfying(fields[i], kind, fields, conditions[i]);
        if (values.length === 0) {
            return {
                kind,
                reason: `the condition on ${describeSlot(pattern, i, fields)} never holds in a ${describeKind(kind)}, where ${fields[i].name} is ${domainOf(fields[i], kind, fields).describe}`,
            };
        }
        witness.push(values[0]);
    }
    return { kind, witness };
}

function describeSlot(pattern: ParsedPattern, index: number, fields: readonly FlowLogField[]): string {
    const aligned = alignSlots(pattern.slots, fields.length)!;
    const slot = aligned[index];
    const name = slot.kind === SlotKind.FIELD ? slot.name : String(index + 1);
    const field = fields[index];
    const text =
        slot.kind === SlotKind.FIELD && slot.anyOf
            ? slot.anyOf
                  .map((group) =>
                      group.map((c) => `${c.field} ${c.operator} ${c.regex ? `%${c.value}%` : c.value}`).join(" && "),
                  )
                  .join(" || ")
            : name;
    return `field ${index + 1} (${name === columnName(field) ? name : `${name}, the format's ${field.name}`}: ${text})`;
}

/** The candidate values of a field in records of `kind` that satisfy `anyOf`, most typical first. */
export function satisfying(
    field: FlowLogField,
    kind: RecordKind,
    fields: readonly FlowLogField[],
    anyOf: readonly ConditionGroup[] | undefined,
): string[] {
    const domain = domainOf(field, kind, fields);
    const values = candidates(domain, anyOf);
    return anyOf ? values.filter((v) => holds(anyOf, v)) : values;
}

/**
 * The values a named slot of `pattern` takes in the `kind` records it matches (candidates, see the
 * module comment), or undefined when the pattern has no such slot or cannot line up.
 */
export function slotValues(
    pattern: ParsedPattern,
    slotName: string,
    fields: readonly FlowLogField[],
    kind: RecordKind,
): { readonly field: FlowLogField; readonly values: readonly string[] } | undefined {
    const index = slotFields(pattern, fields)?.get(slotName);
    if (index === undefined) return undefined;
    const conditions = conditionsByField(pattern, fields)!;
    return { field: fields[index], values: satisfying(fields[index], kind, fields, conditions[index]) };
}

/** Whether a named slot of `pattern` can hold `value` in a `kind` record it matches. */
export function slotAccepts(
    pattern: ParsedPattern,
    slotName: string,
    value: string,
    fields: readonly FlowLogField[],
    kind: RecordKind,
): boolean {
    const index = slotFields(pattern, fields)?.get(slotName);
    if (index === undefined) return false;
    const anyOf = conditionsByField(pattern, fields)![index];
    return inDomain(domainOf(fields[index], kind, fields), value) && (!anyOf || holds(anyOf, value));
}

/** A range small enough to try every value when wildcards or regular expressions make comparisons non-monotone. */
const ENUMERABLE_RANGE = 70_000;
const INT_FILLERS = ["", "0", "1", "2", "5", "9", "00", "10", "23", "99", "255", "443"];
const TEXT_FILLERS = ["", "0", "1", "a", "x", "0a1b2c3d", "0.1", "1.1", "0.0.1", "1.2.3", "0.0.0.1", ":1", "db8::1"];

function candidates(domain: ValueDomain, anyOf: readonly ConditionGroup[] | undefined): string[] {
    if (domain.values) return [...domain.values];
    const out = new Set<string>(domain.samples ?? []);
    if (domain.dash) out.add("-");
    const conditions = (anyOf ?? []).flat();
    if (domain.int) {
        const { lo, hi } = domain.int;
        const addInt = (n: number) => {
            if (Number.isFinite(n) && n >= lo && n <= hi) out.add(String(Math.trunc(n)));
        };
        [lo, lo + 1, hi - 1, hi].forEach(addInt);
        const irregular = conditions.some((c) => c.regex || c.value.includes("*"));
        if (irregular && hi - lo < ENUMERABLE_RANGE) {
            for (let n = lo; n <= hi; n++) out.add(String(n));
        }
        for (const c of conditions) {
            if (c.regex) {
                for (const digits of c.value.match(/\d+/g) ?? []) [-1, 0, 1].forEach((d) => addInt(Number(digits) + d));
            } else if (c.value.includes("*")) {
                for (const filled of fill(c.value, INT_FILLERS)) if (/^\d+$/.test(filled)) addInt(Number(filled));
            } else if (NUMBER.test(c.value)) {
                const n = Number(c.value);
                [Math.floor(n) - 1, Math.floor(n), Math.ceil(n), Math.ceil(n) + 1].forEach(addInt);
            }
        }
    } else {
        for (const c of conditions) {
            if (c.regex) {
                // Literal runs of the expression, as whole values (a witness generator for regexes is out of scope).
                for (const run of c.value.split(/[\\^$?[\]{}|*+.]+/)) if (run) out.add(run);
            } else if (c.value.includes("*")) {
                for (const filled of fill(c.value, [...TEXT_FILLERS, ...(domain.samples ?? [])])) out.add(filled);
            } else {
                out.add(c.value);
            }
        }
    }
    return [...out].filter((v) => inDomain(domain, v) || (domain.freeText === true && /^\S+$/.test(v)));
}

/** The glob with each `*` replaced by each filler (at most three stars are filled; more stay as given). */
function fill(glob: string, fillers: readonly string[]): string[] {
    const parts = glob.split("*");
    if (parts.length > 4) return [parts.join("")];
    let out = [parts[0]];
    for (let i = 1; i < parts.length; i++) out = out.flatMap((prefix) => fillers.map((f) => prefix + f + parts[i]));
    return out;
}

// ---------------------------------------------------------------------------------------------
// unstructured (term) patterns
// ---------------------------------------------------------------------------------------------

function readTerms(pattern: TermPattern, fields: readonly FlowLogField[]): PatternReading {
    for (const group of pattern.groups) {
        for (const term of [...group.include, ...group.exclude]) {
            const why = unanalysableTerm(term);
            if (why) return { analysable: false, reason: why };
        }
    }
    const kinds = {} as Record<RecordKind, KindMatch>;
    for (const kind of RECORD_KINDS) {
        let match: KindMatch = { kind, reason: `no ${describeKind(kind)} contains its terms` };
        for (const group of pattern.groups) {
            const witness = groupWitness(group.include, group.exclude, fields, kind);
            if (witness) {
                match = { kind, witness };
                break;
            }
        }
        kinds[kind] = match;
    }
    return { analysable: true, kinds };
}

/** Why a term could span fields (then the per-field reading does not apply). */
function unanalysableTerm(term: Term): string | undefined {
    if (term.kind === "text") {
        return /\s/.test(term.text)
            ? `the phrase ${JSON.stringify(term.text)} has spaces and so may span fields; the pack does not analyse such phrases (use a space-delimited pattern)`
            : undefined;
    }
    const body = term.source.replace(/^\^/, "").replace(/\$$/, "");
    if (/[ .]|\\[sSwWdDbB]|\[\^|\[[^\]]*\s/.test(body) || /(^|[^\\])[\^$]/.test(body)) {
        return `the regular expression %${term.source}% could match across fields (".", "\\s", negated classes or anchors inside it); the pack analyses only expressions that stay within one field`;
    }
    return undefined;
}

/**
 * A record of `kind` (values per field) containing every `include` term and no `exclude` term, or
 * undefined. Each term lies within one field's value, so this is a choice of one value per field.
 */
function groupWitness(
    include: readonly Term[],
    exclude: readonly Term[],
    fields: readonly FlowLogField[],
    kind: RecordKind,
): string[] | undefined {
    if (include.length > 16) return undefined;
    const full = (1 << include.length) - 1;
    // reachable mask -> the values chosen so far
    let reachable = new Map<number, string[]>([[0, []]]);
    for (let i = 0; i < fields.length; i++) {
        const options = fieldOptions(include, exclude, fields, i, kind);
        const next = new Map<number, string[]>();
        for (const [mask, chosen] of reachable) {
            for (const option of options) {
                const m = mask | option.mask;
                if (!next.has(m)) next.set(m, [...chosen, option.value]);
            }
        }
        reachable = next;
        if (reachable.size === 0) return undefined;
    }
    return reachable.get(full);
}

function fieldOptions(
    include: readonly Term[],
    exclude: readonly Term[],
    fields: readonly FlowLogField[],
    index: number,
    kind: RecordKind,
): { mask: number; value: string }[] {
    const field = fields[index];
    const domain = domainOf(field, kind, fields);
    const first = index === 0;
    const last = index === fields.length - 1;
    const values = new Set(candidates(domain, undefined));
    if (domain.freeText) {
        // The user's own text: any word may occur in it, alone or with the others.
        const words = include.filter((t): t is Extract<Term, { kind: "text" }> => t.kind === "text").map((t) => t.text);
        words.forEach((w) => values.add(w));
        if (words.length > 1) values.add(words.join("-"));
    }
    const byMask = new Map<number, string>();
    if (domain.freeText && include.length > 0) {
        // Free text can hold whatever an expression matches, too: assume one value holding every
        // included term (a witness of how such a record could look, not of every expression).
        const runs = include.flatMap((t) =>
            t.kind === "text" ? [t.text] : t.source.split(/[\\^$?[\]{}|*+.]+/).filter(Boolean),
        );
        const value = runs.join("-") || "x";
        const excluded = exclude.some((t) => t.kind === "text" && containsTerm(t, value));
        if (!excluded) byMask.set((1 << include.length) - 1, value);
    }
    for (const value of values) {
        if (exclude.some((t) => termIn(t, value, first, last))) continue;
        let mask = 0;
        include.forEach((t, bit) => {
            if (termIn(t, value, first, last)) mask |= 1 << bit;
        });
        if (!byMask.has(mask)) byMask.set(mask, value);
    }
    return [...byMask].map(([mask, value]) => ({ mask, value }));
}

/** Whether a term occurs within one field's value; a regex's `^`/`$` hold only at the record's ends. */
function termIn(term: Term, value: string, first: boolean, last: boolean): boolean {
    if (term.kind === "text") return containsTerm(term, value);
    const anchoredStart = term.source.startsWith("^");
    const anchoredEnd = /(^|[^\\])\$$/.test(term.source);
    if ((anchoredStart && !first) || (anchoredEnd && !last)) return false;
    return term.regex.test(value);
}

// ---------------------------------------------------------------------------------------------
// what a metric filter publishes
// ---------------------------------------------------------------------------------------------

/** The values a metric filter's `metricValue` publishes for the records its pattern matches. */
export type Published =
    | { readonly kind: "constant"; readonly value: number }
    | {
          readonly kind: "field";
          readonly name: string;
          readonly field: FlowLogField;
          readonly min: number;
          readonly max: number;
      }
    | { readonly kind: "none"; readonly reason: string };

/**
 * What `metricValue` publishes for each `kind` record `pattern` matches: a number, or a `$name`
 * (a named field of a space-delimited pattern, or `$7` for the 7th field) whose numeric values in
 * those records range from `min` to `max`. `fixed` pins named fields to one value (the alarm's
 * dimensions). CloudWatch publishes nothing for a field value that is not a number.
 */
export function publishedValue(
    pattern: FilterPattern,
    metricValue: string,
    fields: readonly FlowLogField[] = DEFAULT_FORMAT_FIELDS,
    kind: RecordKind = RecordKind.REJECT,
    fixed: Readonly<Record<string, string>> = {},
): Published {
    const value = metricValue.trim();
    if (NUMBER.test(value)) return { kind: "constant", value: Number(value) };
    if (value.startsWith("$.")) {
        return { kind: "none", reason: `${value} is a JSON selector, and flow log records are not JSON` };
    }
    const named = /^\$([A-Za-z_][A-Za-z0-9_-]*|\d+)$/.exec(value);
    if (!named) return { kind: "none", reason: `${JSON.stringify(metricValue)} is neither a number nor a $field` };
    if (pattern.kind === PatternKind.TERMS) {
        return { kind: "none", reason: `an unstructured pattern extracts no fields, so ${value} has no value` };
    }
    const name = named[1];
    let values: readonly string[];
    let field: FlowLogField;
    if (/^\d+$/.test(name)) {
        const index = Number(name) - 1;
        const conditions = conditionsByField(pattern, fields);
        if (!conditions || index < 0 || index >= fields.length) {
            return { kind: "none", reason: `${value} names no field of a ${fields.length}-field record` };
        }
        field = fields[index];
        values = satisfying(field, kind, fields, conditions[index]);
    } else {
        const slot = slotValues(pattern, name, fields, kind);
        if (!slot) return { kind: "none", reason: `${value} names no field of the pattern` };
        field = slot.field;
        const pinned = fixed[name];
        values = pinned === undefined ? slot.values : slotAccepts(pattern, name, pinned, fields, kind) ? [pinned] : [];
    }
    const numbers = values.filter((v) => NUMBER.test(v)).map(Number);
    if (numbers.length === 0) {
        return {
            kind: "none",
            reason: `${value} (the format's ${field.name}) is never a number in a ${kind} record the pattern matches`,
        };
    }
    return { kind: "field", name, field, min: Math.min(...numbers), max: Math.max(...numbers) };
}
