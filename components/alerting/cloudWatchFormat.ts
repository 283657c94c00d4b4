/**
 * The alarm flow log's format, derived from what reads its records: the alerting rules' patterns,
 * the aggregate metric filters, the Logs Insights queries and Contributor Insights rules (saved
 * and on the dashboard). CloudWatch Logs bills every byte it ingests, so a field nothing reads is
 * not delivered. The fields are rendered in the field table's order.
 */
import { matchFields } from "../../flowlogs/flowMatch";
import { fieldNamed, FlowLogField, inTableOrder } from "../../flowlogs/fields";
import { aggregateFields } from "./alertingRule";
import { AlertRule } from "./rules";
import { insightsFields } from "../insights/definitions";

/**
 * `start`: CloudWatch itself counts a record at its event time, but a record read back out of
 * the log group (an export, `npm run rules` replaying a rule on it) has only its text, and when
 * the flow began is the first thing a reader asks.
 */
const TIME_FIELD = "start";

/**
 * The fields a log group needs for these rules, the aggregates and the insights. A deployment
 * passes the rules of every VPC of a region: the region's insights read all its log groups by
 * field position, so they share one format.
 */
export function cloudWatchFields(rules: readonly AlertRule[]): FlowLogField[] {
    return inTableOrder([
        ...rules.flatMap((rule) => matchFields(rule.match)),
        ...aggregateFields(),
        ...insightsFields(),
        fieldNamed(TIME_FIELD),
    ]);
}
