/**
 * The kernel's unstructured patterns (terms, alternatives, exclusions, regular expressions), regular
 * expressions in space-delimited values, and the analysis over the fields' value domains: which
 * kinds of record a pattern can match (with a witness that really matches) and what a metric
 * value publishes.
 */
import * as assert from "node:assert/strict";
import {
    DEFAULT_FORMAT_FIELDS,
    PatternSyntaxError,
    RecordKind,
    analyzeSelection,
    matchesPattern,
    parseFilterPattern,
    parseLogFormat,
    parsePattern,
    publishedValue,
    readPattern,
    renderPattern,
    slotAccepts,
} from "../../flowlogs";

const REJECT_LINE = "2 111122223333 eni-0a1b2c3d 10.0.1.5 10.0.2.9 49152 22 6 1 40 1700000000 1700000060 REJECT OK";
const ACCEPT_LINE = REJECT_LINE.replace("REJECT", "ACCEPT");
const NODATA_LINE = "2 111122223333 eni-0a1b2c3d - - - - - - - 1700000000 1700000060 - NODATA";

describe("parseFilterPattern", () => {
    it("reads terms, quoted phrases, exclusions, ? alternatives and %regex% terms", () => {
        const p = parseFilterPattern('?"ERROR" Main -Deadlock ?WARN %RE[J]ECT%');
        assert.equal(p.kind, "terms");
        if (p.kind !== "terms") return;
        assert.deepEqual(
            p.groups.map((g) => [
                g.include.map((t) => (t.kind === "text" ? t.text : `%${t.source}%`)),
                g.exclude.length,
            ]),
            [
                [["ERROR", "Main"], 1],
                [["WARN", "%RE[J]ECT%"], 0],
            ],
        );
        assert.deepEqual(parseFilterPattern("").kind, "terms");
        assert.equal(parseFilterPattern("[a, b = %^x$%]").kind, "space-delimited");
    });

    const errors: [string, RegExp][] = [
        ['{ $.action = "REJECT" }', /a JSON pattern .* matches JSON log events only/],
        ["ERROR ?WARN", /a "\?" alternative after plain terms/],
        ["%REJ(ECT)%", /cannot use "\(" or "\)"/],
        ["%REJECT", /has no closing "%"/],
        ["[a = %x]", /has no closing "%"/],
        ["[a > %1%]", /a regular expression takes "=" or "!="/],
        ["%[%", /is not a regular expression/],
    ];
    for (const [source, message] of errors) {
        it(`refuses ${JSON.stringify(source)}`, () => {
            assert.throws(
                () => parseFilterPattern(source),
                (err: unknown) => err instanceof PatternSyntaxError && message.test(err.message),
            );
        });
    }
});

describe("matchesPattern on unstructured patterns", () => {
    const cases: [string, string, boolean][] = [
        // AWS's examples: a term matches at the start of a word, case-sensitively.
        ["ERROR", "[ERROR] A fatal exception has occurred", true],
        ["ERROR", "Exiting with ERRORCODE: -1", true],
        ["ERROR", "error", false],
        ['"ERROR" -"Exiting"', "Exiting with ERRORCODE: -1", false],
        ["ERROR Exception", "[ERROR] Unhandled Exception", true],
        ["?ERROR ?WARN", "WARN message", true],
        ["ERROR -WARN", "ERROR WARN message", false],
        ['"Failed to process"', "[WARN] Failed to process the request", true],
        // Not in the middle of a word.
        ["EJECT", REJECT_LINE, false],
        ["REJECT", REJECT_LINE, true],
        ["REJ", REJECT_LINE, true],
        ["%EJECT%", REJECT_LINE, true],
        ["%^REJECT$%", REJECT_LINE, false],
        ["%^REJECT$%", "REJECT", true],
        ["", "anything", true],
    ];
    for (const [pattern, line, matched] of cases) {
        it(`${JSON.stringify(pattern)} ${matched ? "matches" : "does not match"} ${JSON.stringify(line.slice(0, 40))}`, () => {
            assert.equal(matchesPattern(parseFilterPattern(pattern), line).matched, matched);
        });
    }

    it("applies a regular expression to a space-delimited field value (= finds, != does not)", () => {
        const one = (condition: string, value: string) =>
            matchesPattern(parseFilterPattern(`[${condition}]`), value).matched;
        assert.equal(one("a = %EJECT%", "REJECT"), true);
        assert.equal(one("a = %^EJECT%", "REJECT"), false);
        assert.equal(one("a != %EJECT%", "ACCEPT"), true);
        assert.equal(one("a = %^4[0-9]{2}$%", "404"), true);
    });
});

describe("analyzeSelection over the value domains", () => {
    const cols = (action: string, extra = "") =>
        `[version, account, eni, src, dst, srcport, dstport, protocol${extra}, packets, bytes, start, end, ${action}, status]`;
    const cases: [string, string, boolean][] = [
        ["action = REJECT", cols("action = REJECT"), true],
        ["action = REJ*", cols("action = REJ*"), true],
        ["action = %^REJECT$%", cols("action = %^REJECT$%"), true],
        ["action = *E*", cols("action = *E*"), false],
        ["action != ACCEPT", cols("action != ACCEPT"), false],
        ["protocol = 300", cols("action = REJECT", " = 300"), false],
        ["protocol >= 0 && protocol <= 255", cols("action = REJECT", " >= 0 && protocol <= 255"), true],
        ["the term REJECT", "REJECT", true],
        ["the term REJ", "REJ", true],
        ["the term EJECT", "EJECT", false],
        ["REJECT or ACCEPT", "?REJECT ?ACCEPT", false],
    ];
    for (const [name, pattern, selects] of cases) {
        it(`${name} -> ${selects}, and its witnesses really match`, () => {
            const parsed = parseFilterPattern(pattern);
            const selection = analyzeSelection(parsed, "REJECT");
            assert.equal(selection.selects, selects, selection.reason);
            if (selection.witness) assert.ok(matchesPattern(parsed, selection.witness).matched, selection.witness);
            if (selection.leak) assert.ok(matchesPattern(parsed, selection.leak.line).matched, selection.leak.line);
            // The analysis agrees with the evaluator on AWS-style records of each kind.
            if (selects) {
                assert.equal(matchesPattern(parsed, ACCEPT_LINE).matched, false);
                assert.equal(matchesPattern(parsed, NODATA_LINE).matched, false);
            }
        });
    }

    it("says why a pattern cannot match, naming the field and its domain", () => {
        const selection = analyzeSelection(parseFilterPattern(cols("action = REJECT", " = 300")), "REJECT");
        assert.equal(
            selection.reason,
            "the condition on field 8 (protocol: protocol = 300) never holds in a REJECT record, where protocol is an IANA protocol number 0-255",
        );
        const leak = analyzeSelection(parseFilterPattern(cols("action != ACCEPT")), "REJECT");
        assert.equal(leak.leak?.kind, RecordKind.NODATA);
    });

    it("does not analyse phrases or expressions that could span fields", () => {
        for (const pattern of ['"REJECT OK"', "%REJECT.OK%", "%REJECT\\sOK%"]) {
            const reading = readPattern(parseFilterPattern(pattern), DEFAULT_FORMAT_FIELDS);
            assert.equal(reading.analysable, false, pattern);
        }
    });

    it("treats ECS names as free text: any word may occur there, in records of every kind", () => {
        const fields = parseLogFormat("${version} ${action} ${ecs-service-name} ${log-status}");
        assert.equal(analyzeSelection(parseFilterPattern("REJECT"), "REJECT", fields).selects, false);
        assert.equal(analyzeSelection(parseFilterPattern("%REJECT%"), "REJECT", fields).selects, false);
        assert.equal(
            analyzeSelection(parseFilterPattern("[v, action = REJECT, s, status]"), "REJECT", fields).selects,
            true,
        );
    });
});

describe("publishedValue and slotAccepts", () => {
    const pattern = parsePattern(renderPattern({ action: "REJECT", dstPort: 0 }));
    it("publishes a literal, a field's numeric range, or nothing, saying why", () => {
        assert.deepEqual(publishedValue(pattern, "1"), { kind: "constant", value: 1 });
        assert.deepEqual(publishedValue(pattern, "0"), { kind: "constant", value: 0 });
        const dstport = publishedValue(pattern, "$dstport");
        assert.equal(dstport.kind === "field" && `${dstport.min}..${dstport.max}`, "0..0");
        const packets = publishedValue(pattern, "$packets");
        assert.equal(packets.kind === "field" && packets.min, 1);
        assert.equal(publishedValue(pattern, "$13").kind, "none", "$13 is the action field: never a number");
        assert.match((publishedValue(pattern, "$nope") as { reason: string }).reason, /names no field of the pattern/);
        assert.match((publishedValue(pattern, "$.x") as { reason: string }).reason, /JSON selector/);
        assert.match(
            (publishedValue(parseFilterPattern("REJECT"), "$x") as { reason: string }).reason,
            /extracts no fields/,
        );
        const fixed = publishedValue(pattern, "$protocol", DEFAULT_FORMAT_FIELDS, RecordKind.REJECT, {
            protocol: "17",
        });
        assert.equal(fixed.kind === "field" && `${fixed.min}..${fixed.max}`, "17..17");
    });

    it("accepts a field value only when the domain and the pattern both allow it", () => {
        assert.equal(slotAccepts(pattern, "protocol", "6", DEFAULT_FORMAT_FIELDS, RecordKind.REJECT), true);
        assert.equal(slotAccepts(pattern, "protocol", "300", DEFAULT_FORMAT_FIELDS, RecordKind.REJECT), false);
        assert.equal(slotAccepts(pattern, "protocol", "tcp", DEFAULT_FORMAT_FIELDS, RecordKind.REJECT), false);
        assert.equal(slotAccepts(pattern, "dstport", "22", DEFAULT_FORMAT_FIELDS, RecordKind.REJECT), false);
    });
});
