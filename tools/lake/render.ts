/**
 * Query results as text: an aligned table (numbers right-aligned), CSV (RFC 4180) or JSON; and
 * the list of named queries.
 */
import { NamedQuery } from "../../components/lake/queries";

export const OutputFormat = { TABLE: "table", CSV: "csv", JSON: "json" } as const;
export type OutputFormat = (typeof OutputFormat)[keyof typeof OutputFormat];

export type Row = Readonly<Record<string, string | number | null>>;

export function render(columns: readonly string[], rows: readonly Row[], format: OutputFormat): string {
    switch (format) {
        case OutputFormat.TABLE:
            return renderTable(columns, rows);
        case OutputFormat.CSV:
            return renderCsv(columns, rows);
        case OutputFormat.JSON:
            return (
                JSON.stringify(
                    rows.map((row) => Object.fromEntries(columns.map((c) => [c, row[c] ?? null]))),
                    null,
                    2,
                ) + "\n"
            );
    }
}

/** NULL prints as an empty cell, as in Athena's console. */
const cell = (value: string | number | null | undefined) =>
    value === null || value === undefined ? "" : String(value);

export function renderTable(columns: readonly string[], rows: readonly Row[]): string {
    const numeric = columns.map(
        (c) => rows.length > 0 && rows.every((row) => row[c] === null || typeof row[c] === "number"),
    );
    const widths = columns.map((c) => Math.max(c.length, ...rows.map((row) => cell(row[c]).length)));
    const line = (values: readonly string[]) =>
        values
            .map((v, i) => (numeric[i] ? v.padStart(widths[i]) : v.padEnd(widths[i])))
            .join("  ")
            .trimEnd();
    const out = [
        line(columns),
        line(widths.map((w) => "-".repeat(w))),
        ...rows.map((row) => line(columns.map((c) => cell(row[c])))),
    ];
    out.push(`(${rows.length} ${rows.length === 1 ? "row" : "rows"})`);
    return out.join("\n") + "\n";
}

function csvField(value: string): string {
    return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

export function renderCsv(columns: readonly string[], rows: readonly Row[]): string {
    const lines = [
        columns.map(csvField).join(","),
        ...rows.map((row) => columns.map((c) => csvField(cell(row[c]))).join(",")),
    ];
    return lines.join("\r\n") + "\r\n";
}

/** `npm run query -- --list`: each named query with its parameters and what it answers. */
export function renderQueryList(queries: readonly NamedQuery[]): string {
    const rows = queries.map((q) => ({
        name: q.name,
        parameters: q.parameters.map((p) => `--param ${p}=VALUE`).join(" "),
        description: q.description,
    }));
    return renderTable(["name", "parameters", "description"], rows).replace(/\(\d+ rows\)\n$/, "");
}
