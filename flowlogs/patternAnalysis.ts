/**
 * What a parsed pattern means for flow log records: whether every record it matches has a given
 * action, which is what the policy pack means by "a metric filter that selects REJECT records".
 */
import { DEFAULT_FORMAT_FIELDS, FlowLogField } from "./fields";
import { FlowAction } from "./flowMatch";
import { alignSlots } from "./patternEvaluation";
import { Operator, ParsedPattern, SlotKind } from "./patternSyntax";

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
export function selectsAction(
    pattern: ParsedPattern,
    action: FlowAction,
    fields: readonly FlowLogField[] = DEFAULT_FORMAT_FIELDS,
): boolean {
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
