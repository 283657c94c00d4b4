/**
 * Athena (Trino) SQL to DuckDB SQL: the one place where the two dialects' differences are handled.
 *
 * The named queries (components/lake/queries.ts) are Athena engine v3 SQL and are deployed as
 * written. To prove them locally, DuckDB runs the same text after `toDuckDb`, in a session set up
 * by `SESSION_SETUP`, over a `flow_logs` view that presents the files as the Glue table does
 * (localLake.ts). Everything else in the queries means the same in both engines.
 *
 * | Trino (Athena)                        | DuckDB                                  | handled by           |
 * |---------------------------------------|-----------------------------------------|----------------------|
 * | `current_timestamp` (query start)     | a fixed `TIMESTAMP '...'` (the `now` given), so a run is reproducible | toDuckDb |
 * | `date_format(ts, '%Y%m%d%H')` (MySQL-style specifiers) | `strftime(ts, '%Y%m%d%H')`; only %Y %m %d %H, the specifiers both spell alike, are accepted (`%i`, `%M`... differ) | toDuckDb |
 * | `from_unixtime(x)`: timestamp with time zone, UTC in Athena | `to_timestamp(x)`: TIMESTAMPTZ, rendered in the session zone | toDuckDb + `SET TimeZone = 'UTC'` |
 * | session time zone UTC (Athena)        | the machine's zone by default           | SESSION_SETUP        |
 * | ORDER BY: NULLS LAST for ASC and DESC | configurable default                    | SESSION_SETUP        |
 * | `sum(bigint)` is bigint               | `sum(BIGINT)` is HUGEINT                | result conversion (localLake.ts) |
 * | `?` execution parameters              | `?` prepared-statement parameters       | same, bound in order |
 * | partition keys are Glue `string` columns | hive values are auto-cast to numbers (`month=01` -> 1) | the view (localLake.ts) |
 * | `interval '24' hour`, `concat`, `split_part`, `min`, `max`, `%` on integers, `LIKE`, `IN`, `BETWEEN`, `CAST(x AS integer)`, `count(DISTINCT x)`, `"end"` (a quoted identifier) | same | nothing |
 */

/** Functions the named queries may call that mean the same in Trino and DuckDB. */
export const SHARED_FUNCTIONS: readonly string[] = ["count", "sum", "min", "max", "concat", "split_part", "strpos"];
/** Functions (and the niladic `current_timestamp`) rewritten by toDuckDb. */
export const TRANSLATED_FUNCTIONS: readonly string[] = ["current_timestamp", "date_format", "from_unixtime"];

/** DuckDB session settings that make it answer as Athena does. */
export const SESSION_SETUP: readonly string[] = [
    // Athena runs queries in UTC; flow log times and partitions are UTC.
    "SET TimeZone = 'UTC'",
    // Trino sorts NULLs last whether ascending or descending.
    "SET default_null_order = 'nulls_last'",
];

/** `date_format` specifiers whose meaning is the same in Trino (MySQL-style) and strftime. */
const SAME_SPECIFIERS = new Set(["%Y", "%m", "%d", "%H"]);

/** Why a query cannot be translated; names the construct to teach this module. */
export class DialectError extends Error {}

/** A timestamp literal of `now`, to the second, UTC. */
export function timestampLiteral(now: Date): string {
    if (Number.isNaN(now.getTime())) throw new DialectError("now is not a valid time");
    return `TIMESTAMP '${now.toISOString().slice(0, 19).replace("T", " ")}'`;
}

interface Piece {
    readonly kind: "code" | "string" | "quoted";
    readonly text: string;
}

/** Splits SQL into string literals, quoted identifiers and the code between them. */
function split(sql: string): Piece[] {
    const pieces: Piece[] = [];
    const re = /'(?:[^']|'')*'|"(?:[^"]|"")*"/g;
    let last = 0;
    for (let m = re.exec(sql); m; m = re.exec(sql)) {
        if (m.index > last) pieces.push({ kind: "code", text: sql.slice(last, m.index) });
        pieces.push({ kind: m[0][0] === "'" ? "string" : "quoted", text: m[0] });
        last = re.lastIndex;
    }
    if (/['"]/.test(sql.slice(last))) throw new DialectError(`unterminated quote in: ${sql.slice(last, last + 40)}`);
    if (last < sql.length) pieces.push({ kind: "code", text: sql.slice(last) });
    return pieces;
}

/**
 * Translates Athena SQL into DuckDB SQL, with `current_timestamp` fixed at `now`. Parameters
 * (`?`) stay as they are. Throws DialectError for a `date_format` whose format is not a literal
 * made of the shared specifiers.
 */
export function toDuckDb(sql: string, now: Date): string {
    const pieces = split(sql);
    const literal = timestampLiteral(now);
    const out: string[] = [];
    pieces.forEach((piece, i) => {
        if (piece.kind !== "code") {
            out.push(piece.text);
            return;
        }
        for (const call of piece.text.matchAll(/\bdate_format\s*\(/gi))
            checkDateFormat(pieces, i, call.index! + call[0].length);
        out.push(
            piece.text
                .replace(/\bcurrent_timestamp\b/gi, literal)
                .replace(/\bfrom_unixtime\s*\(/gi, "to_timestamp(")
                .replace(/\bdate_format\s*\(/gi, "strftime("),
        );
    });
    return out.join("");
}

/** The format argument of the date_format call opening at `pieces[index]`, position `from`. */
function checkDateFormat(pieces: readonly Piece[], index: number, from: number): void {
    let depth = 0;
    let argument = 0;
    for (let i = index, start = from; i < pieces.length; i++, start = 0) {
        const piece = pieces[i];
        if (piece.kind !== "code") {
            if (depth === 0 && argument === 1) {
                checkSpecifiers(piece);
                return;
            }
            continue;
        }
        for (const ch of piece.text.slice(start)) {
            if (ch === "(") depth++;
            else if (ch === ")") {
                if (depth === 0) throw new DialectError("date_format needs a format literal as its second argument");
                depth--;
            } else if (ch === "," && depth === 0) argument++;
            else if (argument === 1 && depth === 0 && !/\s/.test(ch)) {
                throw new DialectError("date_format needs a format literal as its second argument");
            }
        }
    }
    throw new DialectError("unterminated date_format call");
}

function checkSpecifiers(piece: Piece): void {
    if (piece.kind !== "string") throw new DialectError("date_format needs a format literal as its second argument");
    const format = piece.text.slice(1, -1);
    for (const specifier of format.match(/%./g) ?? []) {
        if (!SAME_SPECIFIERS.has(specifier)) {
            throw new DialectError(
                `date_format specifier ${specifier} in '${format}' is not translated: Trino and DuckDB share only ${[...SAME_SPECIFIERS].join(" ")}`,
            );
        }
    }
}
