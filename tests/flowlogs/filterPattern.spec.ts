import * as assert from "node:assert/strict";
import fc from "fast-check";
import {
    FLOW_LOG_FIELDS,
    DEFAULT_FORMAT_FIELDS,
    FieldKind,
    FlowLogField,
    columnName,
    parseLogFormat,
    parseRecord,
} from "../../flowlogs/fields";
import {
    FLOW_MATCH_FIELDS,
    FlowMatch,
    FlowMatchError,
    MAX_FILTER_PATTERN_LENGTH,
    PROTOCOL_NUMBERS,
    ParsedPattern,
    PatternSyntaxError,
    PortMatch,
    matchFields,
    evaluateMatch,
    matchesPattern,
    parsePattern,
    protocolNumber,
    renderPattern,
    selectsAction,
    splitEventFields,
    validateFlowMatch,
} from "../../flowlogs";

// ---------------------------------------------------------------------------------------------
// Fixtures: version-2 (default format) records
// ---------------------------------------------------------------------------------------------

/** AWS VPC guide, "Flow log record examples". */
const AWS = {
    accept: "2 123456789010 eni-1235b8ca123456789 172.31.16.139 172.31.16.21 20641 22 6 20 4249 1418530010 1418530070 ACCEPT OK",
    reject: "2 123456789010 eni-1235b8ca123456789 172.31.9.69 172.31.9.12 49761 3389 6 20 4249 1418530010 1418530070 REJECT OK",
    nodata: "2 123456789010 eni-1235b8ca123456789 - - - - - - - 1431280876 1431280934 - NODATA",
    skipdata: "2 123456789010 eni-11111111aaaaaaaaa - - - - - - - 1431280876 1431280934 - SKIPDATA",
} as const;

/** A classic tutorial lab's traffic: 10.0.0.155 (client) and 10.0.14.100 (web server). */
const SEED = {
    to80Reject:
        "2 123456789010 eni-1235b8ca123456789 10.0.0.155 10.0.14.100 49761 80 6 20 4249 1418530010 1418530070 REJECT OK",
    to80Accept:
        "2 123456789010 eni-1235b8ca123456789 10.0.0.155 10.0.14.100 49761 80 6 20 4249 1418530010 1418530070 ACCEPT OK",
    otherSourceTo80Reject:
        "2 123456789010 eni-1235b8ca123456789 10.0.0.200 10.0.14.100 49762 80 6 20 4249 1418530010 1418530070 REJECT OK",
    to22Reject:
        "2 123456789010 eni-1235b8ca123456789 10.0.0.155 10.0.14.100 49763 22 6 3 180 1418530010 1418530070 REJECT OK",
    otherDestinationTo80Reject:
        "2 123456789010 eni-1235b8ca123456789 10.0.0.155 10.0.14.101 49764 80 6 20 4249 1418530010 1418530070 REJECT OK",
    udp22Reject:
        "2 123456789010 eni-1235b8ca123456789 10.0.0.155 10.0.14.100 49765 22 17 1 60 1418530010 1418530070 REJECT OK",
    /** A version-3 line (one extra field, vpc-id): never lines up with a 14-column pattern. */
    version3:
        "3 123456789010 eni-1235b8ca123456789 10.0.0.155 10.0.14.100 49761 80 6 20 4249 1418530010 1418530070 REJECT OK vpc-0a1b2c3d",
} as const;

// ---------------------------------------------------------------------------------------------
// parsePattern
// ---------------------------------------------------------------------------------------------

describe("parsePattern", () => {
    it("parses AWS's flow log search example: every column named, one wildcard condition", () => {
        const p = parsePattern(
            "[version, accountid, interfaceid, srcaddr = 10.0.2.*, dstaddr, srcport, dstport, protocol, packets, bytes, start, end, action, logstatus]",
        );
        assert.deepEqual(p.columns, [
            "version",
            "accountid",
            "interfaceid",
            "srcaddr",
            "dstaddr",
            "srcport",
            "dstport",
            "protocol",
            "packets",
            "bytes",
            "start",
            "end",
            "action",
            "logstatus",
        ]);
        assert.deepEqual(p.slots[3], {
            kind: "field",
            name: "srcaddr",
            position: 34,
            anyOf: [[{ field: "srcaddr", operator: "=", value: "10.0.2.*", quoted: false, position: 34 }]],
        });
        assert.deepEqual(p.slots[4], { kind: "field", name: "dstaddr", position: 54 });
    });

    it("reads && tighter than ||, giving groups of && joined by ||", () => {
        const p = parsePattern("[a = 1 && a != 2 || a > 5 && a <= 9 || a = x]");
        const slot = p.slots[0];
        assert.equal(slot.kind, "field");
        const groups = slot.kind === "field" ? slot.anyOf!.map((g) => g.map((c) => `${c.operator}${c.value}`)) : [];
        assert.deepEqual(groups, [["=1", "!=2"], [">5", "<=9"], ["=x"]]);
    });

    it("accepts conditions written without spaces, as in AWS's w1 examples", () => {
        const p = parsePattern("[w1!=ERROR&&w1!=WARN, w2]");
        assert.deepEqual(p.columns, ["w1", "w2"]);
        const slot = p.slots[0];
        assert.ok(slot.kind === "field" && slot.anyOf!.length === 1 && slot.anyOf![0].length === 2);
    });

    it("unquotes quoted values, unescaping \\\" and \\\\ (CDK's quoteTerm escapes)", () => {
        const p = parsePattern(String.raw`[a = "GET /x y", b = "say \"hi\"", c = "back\\slash", d = "a\b", e = ""]`);
        const values = p.slots
            .map((s) => (s.kind === "field" ? s.anyOf![0][0] : undefined))
            .map((c) => c && [c.value, c.quoted]);
        assert.deepEqual(values, [
            ["GET /x y", true],
            ['say "hi"', true],
            ["back\\slash", true],
            ["a\\b", true],
            ["", true],
        ]);
    });

    it("records the ellipsis and blank slots with their positions; columns name only named fields", () => {
        const p = parsePattern("[..., request=*.html*, status_code=4*,]");
        assert.deepEqual(
            p.slots.map((s) => [s.kind, s.position]),
            [
                ["ellipsis", 1],
                ["field", 6],
                ["field", 23],
                ["blank", 38],
            ],
        );
        assert.deepEqual(p.columns, ["request", "status_code"]);
    });

    for (const pattern of [
        "[..., status_code, bytes]",
        "[ip, user, ..., status_code, bytes]",
        "[ip, user, ...]",
        "  [ a ,b ]  ",
        "[log-status, _x9]",
    ]) {
        it(`accepts ${pattern}`, () => {
            assert.doesNotThrow(() => parsePattern(pattern));
        });
    }
});

describe("parsePattern errors", () => {
    const PAREN = `parentheses are not part of space-delimited patterns (AWS documents them for JSON patterns only); && binds tighter than ||, and a value containing "(" or ")" can be quoted`;
    const OPS = "=, !=, <, <=, >, >=";
    const cases: ReadonlyArray<readonly [pattern: string, position: number, detail: string]> = [
        ["", 0, `a space-delimited pattern starts with "[", found the end of the pattern`],
        ["ERROR", 0, `a space-delimited pattern starts with "[", found "E"`],
        ["{ $.action = REJECT }", 0, `a space-delimited pattern starts with "[", found "{"`],
        ["[]", 1, `the pattern names no fields: write at least one field name between "[" and "]"`],
        ["[a, b", 5, `the pattern is missing its closing "]"`],
        ["[a = 1", 6, `the pattern is missing its closing "]"`],
        ["[a, b] x", 7, `unexpected "x" after the closing "]"`],
        ["[a b]", 3, `expected an operator (${OPS}), "," or "]" after "a", found "b"`],
        ["[a.b]", 2, `expected an operator (${OPS}), "," or "]" after "a", found "."`],
        ["[a = 1 b]", 7, `expected "&&", "||", "," or "]" after the condition on "a", found "b"`],
        ["[a = x!]", 6, `expected "&&", "||", "," or "]" after the condition on "a", found "!"`],
        ['[a = 1, "b"]', 8, `expected a field name, "...", "," or "]", found "\\""`],
        ["[1a]", 1, `field name "1a" must start with a letter or "_" (names use letters, digits, "_" and "-")`],
        ["[a, a]", 4, `the field name "a" is used twice (first at position 1); give each field its own name`],
        ["[..., a, ...]", 9, `"..." may appear only once in a pattern (it is already at position 1)`],
        ["[.., a]", 1, `expected "..." (three dots) for unnamed fields, found ".."`],
        ["[...., a]", 1, `expected "..." (three dots) for unnamed fields, found "...."`],
        ["[... = 1, a]", 5, `"..." stands for any number of unnamed fields and cannot take a condition; found "="`],
        ["[a == 1]", 3, `unknown operator "==": use one of ${OPS}`],
        ["[a => 1]", 3, `unknown operator "=>": use one of ${OPS}`],
        ["[w1=!ERROR, w2]", 3, `unknown operator "=!": use one of ${OPS}`],
        ["[a = ]", 5, `expected a value after "a =", found "]"`],
        ['[a = "abc]', 5, `the quoted value opened here has no closing '"'`],
        ["[a >= 4*]", 6, `">=" compares numbers, and "4*" is not a number`],
        ["[a < abc]", 5, `"<" compares numbers, and "abc" is not a number`],
        [
            "[a = 4* && b > 1000]",
            11,
            `the condition names "b" but sits in the slot of "a": every condition in a slot must name that slot's field`,
        ],
        ["[a || a = 1]", 3, `"a" needs an operator and a value before "&&" or "||" (like a = value)`],
        ["[a = 1 & a = 2]", 7, `a single "&" is not an operator: use "&&" for AND`],
        ["[a = 1 | a = 2]", 7, `a single "|" is not an operator: use "||" for OR`],
        ["[a = 1 && ]", 10, `expected a condition on "a" after "&&", found "]"`],
        ["[a = 1 || a]", 11, `expected an operator (${OPS}) after "a", found "]"`],
        ["[a = 1 || (a = 2)]", 10, PAREN],
        ["[a = (1)]", 5, PAREN],
        ["[a = 1)]", 6, PAREN],
    ];

    for (const [pattern, position, detail] of cases) {
        it(`${JSON.stringify(pattern)}: ${detail}`, () => {
            assert.throws(
                () => parsePattern(pattern),
                (err: unknown) => {
                    assert.ok(err instanceof PatternSyntaxError);
                    assert.equal(err.message, `invalid filter pattern: ${detail} (at position ${position})`);
                    assert.equal(err.position, position);
                    assert.equal(err.detail, detail);
                    assert.equal(err.pattern, pattern);
                    return true;
                },
            );
        });
    }
});

// ---------------------------------------------------------------------------------------------
// splitEventFields / matchesPattern
// ---------------------------------------------------------------------------------------------

describe("splitEventFields", () => {
    const cases: ReadonlyArray<readonly [string, string[]]> = [
        [
            AWS.nodata,
            [
                "2",
                "123456789010",
                "eni-1235b8ca123456789",
                "-",
                "-",
                "-",
                "-",
                "-",
                "-",
                "-",
                "1431280876",
                "1431280934",
                "-",
                "NODATA",
            ],
        ],
        [
            '127.0.0.1 - frank [10/Oct/2000:13:25:15 -0700] "GET /index.html HTTP/1.0" 404 1534',
            ["127.0.0.1", "-", "frank", "10/Oct/2000:13:25:15 -0700", "GET /index.html HTTP/1.0", "404", "1534"],
        ],
        ["  a\tb   c  ", ["a", "b", "c"]],
        ['"" [] x', ["", "", "x"]],
        ['"open quote here', ['"open', "quote", "here"]],
        ["", []],
    ];
    for (const [line, fields] of cases) {
        it(JSON.stringify(line), () => assert.deepEqual(splitEventFields(line), fields));
    }
});

/** Runs a table: each line against the pattern, expecting matched true/false. */
function expectMatches(pattern: string, table: ReadonlyArray<readonly [line: string, matched: boolean]>): void {
    const parsed = parsePattern(pattern);
    for (const [line, matched] of table) {
        assert.equal(matchesPattern(parsed, line).matched, matched, `${pattern}\n  against ${line}`);
    }
}

describe("matchesPattern: a tutorial lab's four hand-written metric filters", () => {
    const seedPattern = (source: string, destination: string, destport: string) =>
        `[version, account, eni, ${source}, ${destination}, srcport, destport="${destport}", protocol, packets, bytes, windowstart, windowend, action="REJECT", flowlogstatus]`;
    const filters = {
        "source 10.0.0.155 to :80 REJECT": {
            pattern: seedPattern(`source="10.0.0.155"`, "destination", "80"),
            match: { srcAddr: "10.0.0.155", dstPort: 80, action: "REJECT" },
        },
        "destination 10.0.14.100 :80 REJECT": {
            pattern: seedPattern("source", `destination="10.0.14.100"`, "80"),
            match: { dstAddr: "10.0.14.100", dstPort: 80, action: "REJECT" },
        },
        "destination :22 REJECT": {
            pattern: seedPattern("source", "destination", "22"),
            match: { dstPort: 22, action: "REJECT" },
        },
        "destination :80 REJECT": {
            pattern: seedPattern("source", "destination", "80"),
            match: { dstPort: 80, action: "REJECT" },
        },
    } satisfies Record<string, { pattern: string; match: FlowMatch }>;

    type Name = keyof typeof filters;
    const expected: ReadonlyArray<readonly [line: string, matchedBy: readonly Name[]]> = [
        [
            SEED.to80Reject,
            ["source 10.0.0.155 to :80 REJECT", "destination 10.0.14.100 :80 REJECT", "destination :80 REJECT"],
        ],
        [SEED.to80Accept, []],
        [SEED.otherSourceTo80Reject, ["destination 10.0.14.100 :80 REJECT", "destination :80 REJECT"]],
        [SEED.to22Reject, ["destination :22 REJECT"]],
        [SEED.udp22Reject, ["destination :22 REJECT"]],
        [SEED.otherDestinationTo80Reject, ["source 10.0.0.155 to :80 REJECT", "destination :80 REJECT"]],
        [SEED.version3, []],
        [AWS.accept, []],
        [AWS.reject, []],
        [AWS.nodata, []],
        [AWS.skipdata, []],
    ];

    for (const [name, { pattern, match }] of Object.entries(filters) as [Name, (typeof filters)[Name]][]) {
        it(name, () => {
            expectMatches(
                pattern,
                expected.map(([line, by]) => [line, by.includes(name)] as const),
            );
        });
        it(`${name}: the typed FlowMatch equivalent agrees on every record`, () => {
            const rendered = parsePattern(renderPattern(match));
            for (const [line] of expected.filter(([l]) => l !== SEED.version3)) {
                const byHand = matchesPattern(parsePattern(pattern), line).matched;
                assert.equal(matchesPattern(rendered, line).matched, byHand, line);
                assert.equal(evaluateMatch(match, parseRecord(line)), byHand, line);
            }
        });
    }

    it("extracts every named field as a string", () => {
        const result = matchesPattern(parsePattern(filters["destination :80 REJECT"].pattern), SEED.to80Reject);
        assert.deepEqual(result, {
            matched: true,
            values: {
                version: "2",
                account: "123456789010",
                eni: "eni-1235b8ca123456789",
                source: "10.0.0.155",
                destination: "10.0.14.100",
                srcport: "49761",
                destport: "80",
                protocol: "6",
                packets: "20",
                bytes: "4249",
                windowstart: "1418530010",
                windowend: "1418530070",
                action: "REJECT",
                flowlogstatus: "OK",
            },
        });
    });
});

describe("matchesPattern: AWS documentation examples", () => {
    it("[..., srcaddr = 10.0.2.*, ...] (flow log search example)", () => {
        const at = (src: string) => AWS.accept.replace("172.31.16.139", src);
        expectMatches(
            "[version, accountid, interfaceid, srcaddr = 10.0.2.*, dstaddr, srcport, dstport, protocol, packets, bytes, start, end, action, logstatus]",
            [
                [at("10.0.2.7"), true],
                [at("10.0.2.255"), true],
                [at("10.0.20.5"), false], // the "." before "*" keeps 10.0.20.x out
                [at("10.0.3.7"), false],
                [AWS.accept, false],
                [AWS.nodata, false],
                [SEED.version3.replace("10.0.0.155", "10.0.2.7"), false], // 15 fields, 14 columns
            ],
        );
    });

    it("[..., dstport = 80 || dstport = 8080, protocol, packets, bytes >= 400, start, end, action = REJECT, logstatus]", () => {
        const pattern =
            "[..., dstport = 80 || dstport = 8080, protocol, packets, bytes >= 400, start, end, action = REJECT, logstatus]";
        const line = (port: number, bytes: string, action = "REJECT") =>
            `2 123456789010 eni-1235b8ca123456789 10.0.0.155 10.0.14.100 49761 ${port} 6 20 ${bytes} 1418530010 1418530070 ${action} OK`;
        expectMatches(pattern, [
            [line(80, "4249"), true],
            [line(8080, "400"), true],
            [line(8080, "399"), false],
            [line(8081, "4249"), false],
            [line(80, "4249", "ACCEPT"), false],
            [line(80, "-"), false], // "-" is not a number: fails >=
            [AWS.reject, false],
            [AWS.nodata, false],
            ["80 6 20 4249 1418530010 1418530070 REJECT OK", true], // "..." may absorb zero fields
            ["6 20 4249 1418530010 1418530070 REJECT OK", false], // too few fields for the named slots
        ]);
        assert.deepEqual(matchesPattern(parsePattern(pattern), line(8080, "4249")).values, {
            1: "2",
            2: "123456789010",
            3: "eni-1235b8ca123456789",
            4: "10.0.0.155",
            5: "10.0.14.100",
            6: "49761",
            dstport: "8080",
            protocol: "6",
            packets: "20",
            bytes: "4249",
            start: "1418530010",
            end: "1418530070",
            action: "REJECT",
            logstatus: "OK",
        });
    });

    it('SSH alarm: [..., destport="22", protocol="6", ..., action="REJECT", flowlogstatus]', () => {
        expectMatches(
            `[version, account, eni, source, destination, srcport, destport="22", protocol="6", packets, bytes, windowstart, windowend, action="REJECT", flowlogstatus]`,
            [
                [SEED.to22Reject, true],
                [AWS.accept, false], // port 22 but ACCEPT
                [SEED.udp22Reject, false], // port 22 REJECT but UDP
                [AWS.reject, false],
                [AWS.nodata, false],
                [AWS.skipdata, false],
            ],
        );
    });

    const APACHE = {
        html404: '127.0.0.1 - frank [10/Oct/2000:13:25:15 -0700] "GET /index.html HTTP/1.0" 404 1534',
        gif200: '127.0.0.1 - frank [10/Oct/2000:13:25:15 -0700] "GET /apache_pb.gif HTTP/1.0" 200 1534',
        html200: '127.0.0.1 - frank [10/Oct/2000:13:35:22 -0700] "GET /index.html HTTP/1.0" 200 5324',
        gif404: '127.0.0.1 - frank [10/Oct/2000:13:50:35 -0700] "GET /apache_pb.gif HTTP/1.0" 404 4355',
    } as const;

    it("[ip, user, username, timestamp, request =*.html*, status_code = 4*, bytes] on apache lines", () => {
        const pattern = "[ip, user, username, timestamp, request =*.html*, status_code = 4*, bytes]";
        expectMatches(pattern, [
            [APACHE.html404, true],
            [APACHE.gif200, false],
            [APACHE.html200, false],
            [APACHE.gif404, false],
        ]);
        assert.deepEqual(matchesPattern(parsePattern(pattern), APACHE.html404).values, {
            ip: "127.0.0.1",
            user: "-",
            username: "frank",
            timestamp: "10/Oct/2000:13:25:15 -0700",
            request: "GET /index.html HTTP/1.0",
            status_code: "404",
            bytes: "1534",
        });
    });

    it("[..., request=*.html*, status_code=4*,] extracts unnamed fields by position, like AWS's $1..$4 and $7", () => {
        assert.deepEqual(matchesPattern(parsePattern("[..., request=*.html*, status_code=4*,]"), APACHE.html404), {
            matched: true,
            values: {
                1: "127.0.0.1",
                2: "-",
                3: "frank",
                4: "10/Oct/2000:13:25:15 -0700",
                request: "GET /index.html HTTP/1.0",
                status_code: "404",
                7: "1534",
            },
        });
    });

    it("keeps a field named __proto__ as an ordinary key", () => {
        const { values } = matchesPattern(parsePattern("[__proto__ = x, b]"), "x y");
        assert.ok(Object.hasOwn(values, "__proto__"));
        assert.equal(values.__proto__, "x");
        assert.equal(Object.getPrototypeOf(values), Object.prototype);
    });

    it("[w1=ERROR || w1=WARN, w2] and [w1!=ERROR && w1!=WARN, w2] on one-, two- and three-word lines", () => {
        expectMatches("[w1=ERROR || w1=WARN, w2]", [
            ["ERROR WARN message", false], // three fields, two columns
            ["ERROR message", true],
            ["WARN message", true],
            ["INFO message", false],
        ]);
        expectMatches("[w1!=ERROR && w1!=WARN, w2]", [
            ["ERROR message", false],
            ["WARN message", false],
            ["INFO message", true],
            ["INFO", false],
        ]);
    });
});

describe("matchesPattern: comparison semantics", () => {
    const one = (condition: string, value: string) => matchesPattern(parsePattern(`[${condition}]`), value).matched;
    const cases: ReadonlyArray<readonly [condition: string, value: string, matched: boolean]> = [
        ["a = 22", "22", true],
        ["a = 22", "022", true], // both numeric: compared as numbers
        ["a = 22", "22.0", true],
        ['a = "22"', "22", true], // quoting changes tokenising, not meaning
        ["a = 22", "-", false],
        ["a != 22", "-", true],
        ["a != 22", "22", false],
        ["a < 1e3", "999", true],
        ["a >= -5", "-5", true],
        ["a > 10", "9", false],
        ["a > 10", "abc", false],
        ["a <= 10", "-", false],
        ["a = REJECT", "REJECT", true],
        ["a = REJECT", "reject", false], // case-sensitive
        ["a = REJ*", "REJECT", true],
        ["a = *ECT", "REJECT", true],
        ["a = R*T", "REJECT", true], // infix wildcard
        ['a = "10.0.*"', "10.0.5.1", true], // wildcard inside quotes too (CDK quotes every string)
        ["a = 10.0.*", "10.0.", true],
        ["a = 10.0.*", "10.00.1.1", false],
        ["a = 10.0.*", "-", false],
        ["a = *", '""', true], // one empty field
        ["a != 4*", "404", false],
        ["a != 4*", "500", true],
        ["a = x.y", "xzy", false], // "." is literal
        ["a = 4* && a != 403", "404", true],
        ["a = 4* && a != 403", "403", false],
        ["a = 1 || a = 2 && a = 3", "1", true], // && binds tighter: 1 || (2 && 3)
        ["a = 1 || a = 2 && a = 3", "2", false],
    ];
    for (const [condition, value, matched] of cases) {
        it(`[${condition}] on ${JSON.stringify(value)} -> ${matched}`, () =>
            assert.equal(one(condition, value), matched));
    }
});

// ---------------------------------------------------------------------------------------------
// renderPattern / evaluateMatch / protocolNumber
// ---------------------------------------------------------------------------------------------

const V2 = "version, account_id, interface_id";

describe("renderPattern", () => {
    const cases: ReadonlyArray<readonly [name: string, match: FlowMatch, pattern: string]> = [
        [
            "nothing: every default column, no conditions",
            {},
            `[${V2}, srcaddr, dstaddr, srcport, dstport, protocol, packets, bytes, start, end, action, log_status]`,
        ],
        [
            "REJECT",
            { action: "REJECT" },
            `[${V2}, srcaddr, dstaddr, srcport, dstport, protocol, packets, bytes, start, end, action = REJECT, log_status]`,
        ],
        [
            "SSH rejected",
            { action: "REJECT", protocol: protocolNumber("tcp"), dstPort: 22 },
            `[${V2}, srcaddr, dstaddr, srcport, dstport = 22, protocol = 6, packets, bytes, start, end, action = REJECT, log_status]`,
        ],
        [
            "SSH or RDP rejected (port list, duplicates dropped)",
            { action: "REJECT", dstPort: [22, 3389, 22] },
            `[${V2}, srcaddr, dstaddr, srcport, dstport = 22 || dstport = 3389, protocol, packets, bytes, start, end, action = REJECT, log_status]`,
        ],
        [
            "port range",
            { srcPort: { from: 1000, to: 2000 } },
            `[${V2}, srcaddr, dstaddr, srcport >= 1000 && srcport <= 2000, dstport, protocol, packets, bytes, start, end, action, log_status]`,
        ],
        [
            "address prefix and exact address",
            { srcAddr: "10.0.*", dstAddr: "10.0.14.100" },
            `[${V2}, srcaddr = 10.0.*, dstaddr = 10.0.14.100, srcport, dstport, protocol, packets, bytes, start, end, action, log_status]`,
        ],
        [
            "IPv6 values are quoted",
            { srcAddr: "2001:db8::*", dstAddr: "2001:db8::1" },
            `[${V2}, srcaddr = "2001:db8::*", dstaddr = "2001:db8::1", srcport, dstport, protocol, packets, bytes, start, end, action, log_status]`,
        ],
        [
            "interface and log status",
            { interfaceId: "eni-1235b8ca123456789", logStatus: "NODATA" },
            `[version, account_id, interface_id = eni-1235b8ca123456789, srcaddr, dstaddr, srcport, dstport, protocol, packets, bytes, start, end, action, log_status = NODATA]`,
        ],
    ];
    for (const [name, match, pattern] of cases) {
        it(`${name}: ${pattern}`, () => {
            const rendered = renderPattern(match);
            assert.equal(rendered, pattern);
            assert.deepEqual(parsePattern(rendered).columns, DEFAULT_FORMAT_FIELDS.map(columnName));
        });
    }

    it("follows a custom log format: its order, its columns (underscored)", () => {
        const fields = parseLogFormat(
            "${srcaddr} ${dstaddr} ${dstport} ${protocol} ${action} ${pkt-srcaddr} ${flow-direction}",
        );
        assert.equal(
            renderPattern({ action: "REJECT", protocol: 6, dstPort: [22, 3389] }, fields),
            "[srcaddr, dstaddr, dstport = 22 || dstport = 3389, protocol = 6, action = REJECT, pkt_srcaddr, flow_direction]",
        );
    });

    it("refuses a match on a field the log format does not deliver", () => {
        const fields = parseLogFormat("${srcaddr} ${dstaddr} ${action}");
        assert.throws(
            () => renderPattern({ action: "REJECT", dstPort: 22, logStatus: "OK" }, fields),
            (err: unknown) => {
                assert.ok(err instanceof FlowMatchError);
                assert.equal(
                    err.message,
                    [
                        "invalid flow match:",
                        `  - dstPort needs the field "dstport", which the log format (srcaddr dstaddr action) does not include`,
                        `  - logStatus needs the field "log-status", which the log format (srcaddr dstaddr action) does not include`,
                    ].join("\n"),
                );
                return true;
            },
        );
    });

    it(`refuses a pattern longer than CloudWatch's ${MAX_FILTER_PATTERN_LENGTH} characters`, () => {
        const ports = Array.from({ length: 60 }, (_, i) => 10000 + i);
        assert.throws(() => renderPattern({ dstPort: ports }), {
            name: "FlowMatchError",
            message:
                "invalid flow match:\n  - the rendered filter pattern is 1258 characters and CloudWatch allows at most 1024: " +
                "use a port range instead of a long port list, or a log format with fewer fields",
        });
    });

    it("accepts exactly 1024 characters and refuses 1025", () => {
        const dstPort = Array.from({ length: 47 }, (_, i) => 10000 + i);
        assert.equal(renderPattern({ dstPort, action: "REJECT", protocol: 6 }).length, 1024);
        assert.throws(
            () => renderPattern({ dstPort, action: "REJECT", protocol: 17 }),
            /the rendered filter pattern is 1025 characters/,
        );
    });
});

describe("validateFlowMatch", () => {
    const cases: ReadonlyArray<readonly [name: string, match: unknown, problems: string[]]> = [
        ["a valid match", { action: "REJECT", protocol: 6, dstPort: { from: 0, to: 65535 }, srcAddr: "10.*" }, []],
        [
            "every problem at once",
            {
                action: "DROP",
                logStatus: "ok",
                protocol: 256,
                srcAddr: "10.0.1*",
                dstAddr: "10.0.0.256",
                srcPort: [],
                dstPort: { from: 2000, to: 1000 },
                interfaceId: "i-123",
                dstport: 22,
            },
            [
                `unknown property "dstport": a flow match has action, protocol, srcAddr, dstAddr, srcPort, dstPort, interfaceId, logStatus`,
                `action is "DROP": use one of ACCEPT, REJECT`,
                `logStatus is "ok": use one of OK, NODATA, SKIPDATA`,
                `protocol is 256: use an IANA protocol number 0–255 (protocolNumber("tcp") gives 6)`,
                `srcAddr is "10.0.1*": use an exact address ("10.0.0.155", lower-case IPv6) or a prefix of whole octets ending in ".*" ("10.0.*") or ":*" for IPv6`,
                `dstAddr is "10.0.0.256": use an exact address ("10.0.0.155", lower-case IPv6) or a prefix of whole octets ending in ".*" ("10.0.*") or ":*" for IPv6`,
                `srcPort is an empty list: give at least one port, or leave srcPort out to match any port`,
                `dstPort range runs from 2000 down to 1000: "from" must not exceed "to"`,
                `interfaceId is "i-123": use a network interface id like "eni-1235b8ca123456789"`,
            ],
        ],
        [
            "a port that is not a whole number",
            { dstPort: [22, 80.5, 70000] },
            [`dstPort has 80.5: ports are whole numbers 0–65535`, `dstPort has 70000: ports are whole numbers 0–65535`],
        ],
        [
            "a range end that is not a port",
            { srcPort: { from: -1, to: 5 } },
            [`srcPort has -1: ports are whole numbers 0–65535`],
        ],
        ["a port given as a string", { dstPort: "22" }, [`dstPort has "22": ports are whole numbers 0–65535`]],
        [
            "a protocol name where a number belongs",
            { protocol: "tcp" },
            [`protocol is "tcp": use an IANA protocol number 0–255 (protocolNumber("tcp") gives 6)`],
        ],
    ];
    for (const [name, match, problems] of cases) {
        it(name, () => assert.deepEqual(validateFlowMatch(match as FlowMatch), problems));
    }

    // Exact addresses go through ipaddr.js: hex digits and colons alone make no address.
    const MALFORMED = [
        ":::::",
        "::1::",
        "1::2::3",
        "1:2:3:4:5:6:7:8:9",
        "12345::1",
        "2001:DB8::1",
        "fe80::1%eth0",
        "1.2.3.4.5",
        "1.2.3",
        "::ffff:10.0.0.256",
        ":::*",
        "2001:db8:::*",
        "12345:*",
        "1:2:3:4:5:6:7:8:*",
        "2001:db8*",
    ];
    for (const address of MALFORMED) {
        it(`refuses the address ${JSON.stringify(address)}`, () =>
            assert.deepEqual(validateFlowMatch({ srcAddr: address }), [
                `srcAddr is ${JSON.stringify(address)}: use an exact address ("10.0.0.155", lower-case IPv6) or a prefix of whole octets ending in ".*" ("10.0.*") or ":*" for IPv6`,
            ]));
    }
    const WELL_FORMED = [
        "10.0.0.155",
        "0.0.0.0",
        "2001:db8::1",
        "2001:db8:1234:a100:8d6e:3477:df66:f105",
        "::",
        "::1",
        "1:2:3:4:5:6:7::",
        "10.*",
        "10.0.0.*",
        "2001:db8:*",
        "2001:db8::*",
        "1:2:3:4:5:6:7:*",
    ];
    it(`accepts well-formed addresses and prefixes: ${WELL_FORMED.join(", ")}`, () => {
        for (const address of WELL_FORMED) assert.deepEqual(validateFlowMatch({ dstAddr: address }), [], address);
    });

    it("renderPattern and evaluateMatch both throw the collected problems", () => {
        const bad = { action: "DROP", dstPort: -1 } as unknown as FlowMatch;
        const message = `invalid flow match:\n  - action is "DROP": use one of ACCEPT, REJECT\n  - dstPort has -1: ports are whole numbers 0–65535`;
        assert.throws(() => renderPattern(bad), { name: "FlowMatchError", message });
        assert.throws(() => evaluateMatch(bad, parseRecord(AWS.accept)), { name: "FlowMatchError", message });
    });
});

describe("evaluateMatch", () => {
    const cases: ReadonlyArray<readonly [name: string, match: FlowMatch, line: string, matched: boolean]> = [
        ["REJECT on a REJECT record", { action: "REJECT" }, AWS.reject, true],
        ["REJECT on an ACCEPT record", { action: "REJECT" }, AWS.accept, false],
        ["RDP range", { dstPort: { from: 3000, to: 4000 }, protocol: 6 }, AWS.reject, true],
        ["port list", { dstPort: [22, 80] }, AWS.accept, true],
        ["source prefix", { srcAddr: "172.31.*" }, AWS.accept, true],
        ["source prefix stops at the octet", { srcAddr: "172.3.*" }, AWS.accept, false],
        ["NODATA: no port", { dstPort: { from: 0, to: 65535 } }, AWS.nodata, false],
        ["NODATA: no protocol", { protocol: 6 }, AWS.nodata, false],
        ["NODATA: no action", { action: "REJECT" }, AWS.nodata, false],
        ["NODATA: no address", { srcAddr: "10.*" }, AWS.nodata, false],
        ["NODATA status", { logStatus: "NODATA" }, AWS.nodata, true],
        [
            "SKIPDATA on its interface",
            { interfaceId: "eni-11111111aaaaaaaaa", logStatus: "SKIPDATA" },
            AWS.skipdata,
            true,
        ],
        ["another interface", { interfaceId: "eni-11111111aaaaaaaaa" }, AWS.accept, false],
        ["the empty match takes everything", {}, AWS.nodata, true],
    ];
    for (const [name, match, line, matched] of cases) {
        it(name, () => assert.equal(evaluateMatch(match, parseRecord(line)), matched));
    }

    it("throws when the record lacks a column the match reads", () => {
        const fields = parseLogFormat("${srcaddr} ${action}");
        assert.throws(() => evaluateMatch({ dstPort: 22 }, parseRecord("10.0.0.1 REJECT", fields)), {
            name: "FlowMatchError",
            message: `invalid flow match:\n  - dstPort needs the column "dstport", which the record does not have`,
        });
    });
});

describe("matchFields", () => {
    it("lists the fields a match reads, in field-table order", () => {
        assert.deepEqual(
            matchFields({ logStatus: "OK", action: "REJECT", dstPort: 22, srcAddr: "10.*" }).map((f) => f.name),
            ["srcaddr", "dstport", "action", "log-status"],
        );
        assert.deepEqual(matchFields({}), []);
    });
});

describe("protocolNumber", () => {
    const ok: ReadonlyArray<readonly [string | number, number]> = [
        ["tcp", 6],
        ["TCP", 6],
        [" udp ", 17],
        ["icmp", 1],
        ["icmpv6", 58],
        ["6", 6],
        [0, 0],
        [255, 255],
        ["132", 132],
    ];
    for (const [input, expected] of ok) {
        it(`${JSON.stringify(input)} -> ${expected}`, () => assert.equal(protocolNumber(input), expected));
    }
    const bad: ReadonlyArray<readonly [string | number, string]> = [
        ["sctp", `unknown protocol "sctp": use a number 0–255 or one of icmp (1), tcp (6), udp (17), icmpv6 (58)`],
        ["", `unknown protocol "": use a number 0–255 or one of icmp (1), tcp (6), udp (17), icmpv6 (58)`],
        [256, `protocol 256 is not an IANA protocol number (a whole number 0–255)`],
        [6.5, `protocol 6.5 is not an IANA protocol number (a whole number 0–255)`],
        ["300", `protocol "300" is not an IANA protocol number (a whole number 0–255)`],
    ];
    for (const [input, message] of bad) {
        it(`${JSON.stringify(input)} throws`, () => assert.throws(() => protocolNumber(input), { message }));
    }
    it("the table is IANA's numbers", () =>
        assert.deepEqual(PROTOCOL_NUMBERS, { icmp: 1, tcp: 6, udp: 17, icmpv6: 58 }));
});

// ---------------------------------------------------------------------------------------------
// selectsAction
// ---------------------------------------------------------------------------------------------

describe("selectsAction", () => {
    const SEED_SSH = `[version, account, eni, source, destination, srcport, destport="22", protocol="6", packets, bytes, windowstart, windowend, action="REJECT", flowlogstatus]`;
    const cols = (action: string) =>
        `[version, account, eni, source, destination, srcport, destport, protocol, packets, bytes, windowstart, windowend, ${action}, flowlogstatus]`;
    const cases: ReadonlyArray<
        readonly [name: string, pattern: string, action: "REJECT" | "ACCEPT", selects: boolean]
    > = [
        ["the tutorial SSH filter", SEED_SSH, "REJECT", true],
        ["action = REJECT", cols("action = REJECT"), "REJECT", true],
        ["action = REJECT, asked about ACCEPT", cols("action = REJECT"), "ACCEPT", false],
        ["action = ACCEPT", cols("action = ACCEPT"), "REJECT", false],
        ["action = ACCEPT, asked about ACCEPT", cols("action = ACCEPT"), "ACCEPT", true],
        ["action = REJECT || action = ACCEPT", cols("action = REJECT || action = ACCEPT"), "REJECT", false],
        ["action = REJECT && action != ACCEPT", cols("action = REJECT && action != ACCEPT"), "REJECT", true],
        ["action = REJECT || action = REJECT", cols("action = REJECT || action = REJECT"), "REJECT", true],
        ["action != ACCEPT (also matches NODATA's -)", cols("action != ACCEPT"), "REJECT", false],
        // Decided on the action field's values (ACCEPT, REJECT, "-"): REJ* matches REJECT alone.
        ["a wildcard: action = REJ*", cols("action = REJ*"), "REJECT", true],
        ["no condition on action", cols("action"), "REJECT", false],
        ["a differently named column at the action position", cols('verdict = "REJECT"'), "REJECT", true],
        [
            "REJECT on the log-status position, named action",
            cols("x").replace("x, flowlogstatus", "flowlogstatus, action = REJECT"),
            "REJECT",
            false,
        ],
        ["ellipsis before action", "[..., action = REJECT, logstatus]", "REJECT", true],
        [
            "AWS's ellipsis example",
            "[..., dstport = 80 || dstport = 8080, protocol, packets, bytes >= 400, start, end, action = REJECT, logstatus]",
            "REJECT",
            true,
        ],
        ["ellipsis in the middle", "[version, ..., action = REJECT, logstatus]", "REJECT", true],
        [
            "REJECT on the last column: log-status's position in the default format",
            "[..., action = REJECT]",
            "REJECT",
            false,
        ],
        ["action inside the ellipsis", "[version, account, ...]", "REJECT", false],
        [
            "13 columns cannot line up with 14 fields",
            "[version, account, eni, source, destination, srcport, destport, protocol, packets, bytes, windowstart, windowend, action = REJECT]",
            "REJECT",
            false,
        ],
    ];
    for (const [name, pattern, action, selects] of cases) {
        it(`${name} -> ${selects}`, () => assert.equal(selectsAction(parsePattern(pattern), action), selects));
    }

    it("uses the log format it is given", () => {
        const actionLast = parseLogFormat("${srcaddr} ${dstport} ${action}");
        assert.equal(selectsAction(parsePattern("[..., action = REJECT]"), "REJECT", actionLast), true);
        assert.equal(selectsAction(parsePattern("[a, b, action = REJECT]"), "REJECT", actionLast), true);
        assert.equal(selectsAction(parsePattern(renderPattern({ action: "REJECT" })), "REJECT", actionLast), false);
        assert.equal(
            selectsAction(parsePattern("[..., x = REJECT]"), "REJECT", parseLogFormat("${srcaddr} ${dstport}")),
            false,
        );
    });
});

// ---------------------------------------------------------------------------------------------
// Properties
// ---------------------------------------------------------------------------------------------

const ADDRESSES = [
    "10.0.0.155",
    "10.0.14.100",
    "10.0.2.7",
    "10.0.20.5",
    "172.31.9.69",
    "2001:db8::1",
    "2001:db8:1::5",
] as const;
const PORTS = [0, 22, 80, 443, 3389, 8080, 65535] as const;
const ENIS = ["eni-1235b8ca123456789", "eni-11111111aaaaaaaaa"] as const;

const portArb = fc.oneof(fc.constantFrom(...PORTS), fc.integer({ min: 0, max: 65535 }));
const portMatchArb: fc.Arbitrary<PortMatch> = fc.oneof(
    portArb,
    fc.uniqueArray(portArb, { minLength: 1, maxLength: 4 }),
    fc.tuple(portArb, portArb).map(([a, b]) => ({ from: Math.min(a, b), to: Math.max(a, b) })),
);
/** Up to three properties per match: with more, random records would almost never match. */
const flowMatchArb: fc.Arbitrary<FlowMatch> = fc
    .tuple(
        fc.record({
            action: fc.constantFrom("ACCEPT", "REJECT"),
            protocol: fc.constantFrom(0, 1, 6, 17, 58, 255),
            srcAddr: fc.constantFrom(
                ...ADDRESSES,
                "10.*",
                "10.0.*",
                "10.0.2.*",
                "172.31.*",
                "2001:db8::*",
                "2001:db8:*",
            ),
            dstAddr: fc.constantFrom(...ADDRESSES, "10.0.*", "10.0.14.*"),
            srcPort: portMatchArb,
            dstPort: portMatchArb,
            interfaceId: fc.constantFrom(...ENIS),
            logStatus: fc.constantFrom("OK", "NODATA", "SKIPDATA"),
        }),
        fc.subarray(Object.keys(FLOW_MATCH_FIELDS) as (keyof FlowMatch)[], { maxLength: 3 }),
    )
    .map(([all, keys]) => Object.fromEntries(keys.map((key) => [key, all[key]])) as FlowMatch);

/** Values per column, where the field's kind alone would rarely hit a match; `-` everywhere. */
const VALUES_BY_COLUMN: Readonly<Record<string, fc.Arbitrary<string>>> = {
    version: fc.constantFrom("2", "3", "5"),
    action: fc.constantFrom("ACCEPT", "REJECT", "-"),
    log_status: fc.constantFrom("OK", "NODATA", "SKIPDATA"),
    srcaddr: fc.constantFrom(...ADDRESSES, "-"),
    dstaddr: fc.constantFrom(...ADDRESSES, "-"),
    srcport: fc.oneof(portArb.map(String), fc.constant("-")),
    dstport: fc.oneof(portArb.map(String), fc.constant("-")),
    protocol: fc.constantFrom("0", "1", "6", "17", "58", "255", "-"),
    interface_id: fc.constantFrom(...ENIS, "-"),
};

/** Values for any other field, by kind (built once: building arbitraries inside `chain` is slow). */
const VALUES_BY_KIND: Readonly<Record<FieldKind, fc.Arbitrary<string>>> = {
    [FieldKind.STRING]: fc.oneof(fc.constant("-"), fc.stringMatching(/^[a-z0-9]{1,12}$/)),
    [FieldKind.INT]: fc.oneof(fc.constant("-"), fc.nat().map(String)),
    [FieldKind.BIGINT]: fc.oneof(fc.constant("-"), fc.nat().map(String)),
};

/** A record line for a format, generated through the field table: by column, else by kind. */
function lineArb(fields: readonly FlowLogField[]): fc.Arbitrary<string> {
    const values = fields.map((field) => VALUES_BY_COLUMN[columnName(field)] ?? VALUES_BY_KIND[field.kind]);
    return fc.tuple(...values).map((tokens) => tokens.join(" "));
}

/** Keeps only the properties whose field the format delivers. */
function restrictTo(match: FlowMatch, fields: readonly FlowLogField[]): FlowMatch {
    const names = new Set(fields.map((field) => field.name));
    return Object.fromEntries(
        Object.entries(match).filter(([key]) => names.has(FLOW_MATCH_FIELDS[key as keyof FlowMatch])),
    );
}

describe("properties", () => {
    it("the rendered pattern, parsed and evaluated, agrees with evaluateMatch (default format)", () => {
        let matched = 0;
        let runs = 0;
        fc.assert(
            fc.property(
                flowMatchArb,
                fc.array(lineArb(DEFAULT_FORMAT_FIELDS), { minLength: 1, maxLength: 8 }),
                (match, lines) => {
                    const pattern = parsePattern(renderPattern(match));
                    for (const line of lines) {
                        const result = matchesPattern(pattern, line);
                        assert.equal(
                            result.matched,
                            evaluateMatch(match, parseRecord(line)),
                            `${pattern.source}\n  against ${line}`,
                        );
                        if (result.matched) {
                            matched++;
                            assert.deepEqual(Object.values(result.values), line.split(" "));
                        }
                        runs++;
                    }
                },
            ),
            { numRuns: 400 },
        );
        // Guard against a vacuous pass: the generators must produce both outcomes often.
        assert.ok(matched > runs / 50, `only ${matched} of ${runs} records matched`);
        assert.ok(matched < runs, "every record matched");
    });

    it("the same holds for any custom log format (any subset of fields, any order)", () => {
        const formatArb = fc.shuffledSubarray([...FLOW_LOG_FIELDS], { minLength: 1 });
        fc.assert(
            fc.property(
                formatArb.chain((fields) =>
                    fc.tuple(
                        fc.constant(fields),
                        flowMatchArb,
                        fc.array(lineArb(fields), { minLength: 1, maxLength: 5 }),
                    ),
                ),
                ([fields, anyMatch, lines]) => {
                    const match = restrictTo(anyMatch, fields);
                    const pattern = parsePattern(renderPattern(match, fields));
                    assert.deepEqual(pattern.columns, fields.map(columnName));
                    for (const line of lines) {
                        assert.equal(
                            matchesPattern(pattern, line).matched,
                            evaluateMatch(match, parseRecord(line, fields)),
                            `${pattern.source}\n  against ${line}`,
                        );
                    }
                },
            ),
            { numRuns: 300 },
        );
    });

    it("selectsAction on a rendered pattern is true exactly when the match fixes that action, and is sound", () => {
        fc.assert(
            fc.property(flowMatchArb, fc.array(lineArb(DEFAULT_FORMAT_FIELDS), { maxLength: 5 }), (match, lines) => {
                const pattern = parsePattern(renderPattern(match));
                for (const action of ["REJECT", "ACCEPT"] as const) {
                    const selects = selectsAction(pattern, action);
                    // A NODATA or SKIPDATA record has "-" in action: with such a log status the match is empty.
                    assert.equal(selects, match.action === action && (match.logStatus ?? "OK") === "OK");
                    for (const line of lines.filter((l) => selects && matchesPattern(pattern, l).matched)) {
                        assert.equal(parseRecord(line).action, action);
                    }
                }
            }),
            { numRuns: 300 },
        );
    });

    it("the parser either returns a pattern or throws PatternSyntaxError, and evaluation never throws", () => {
        const unit = fc.constantFrom(
            "[",
            "]",
            ",",
            ".",
            "...",
            "=",
            "!",
            "<",
            ">",
            "&",
            "&&",
            "|",
            "||",
            '"',
            "\\",
            "*",
            " ",
            "a",
            "b",
            "1",
            "-",
            "(",
            "x = 1",
        );
        const text = fc.string({ unit, maxLength: 30 });
        const patternish = fc.oneof(
            text,
            text.map((t) => `[${t}]`),
            text.map((t) => `[a, ${t}, ...]`),
        );
        fc.assert(
            fc.property(
                patternish,
                fc.string({ unit: fc.constantFrom("a", "1", " ", '"', "[", "]", "-", "*"), maxLength: 20 }),
                (source, line) => {
                    let parsed: ParsedPattern;
                    try {
                        parsed = parsePattern(source);
                    } catch (err) {
                        assert.ok(err instanceof PatternSyntaxError, String(err));
                        assert.ok(err.position >= 0 && err.position <= source.length);
                        return;
                    }
                    const result = matchesPattern(parsed, line);
                    if (result.matched) {
                        assert.equal(Object.keys(result.values).length, splitEventFields(line).length);
                    }
                    selectsAction(parsed, "REJECT");
                },
            ),
            { numRuns: 2000 },
        );
    });
});
