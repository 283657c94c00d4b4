/**
 * The report and the dashboard preview as a person sees them: opened in headless Chromium
 * (Debian's /usr/bin/chromium, driven by playwright-core; one launch for the whole file), every
 * chart must be drawn at the size its SVG declares, with marks in it, nothing fetched from the
 * network and nothing logged as an error; a full-page screenshot is taken of each.
 */
import * as assert from "node:assert/strict";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as url from "url";
import { Browser, chromium, Page } from "playwright-core";
import { main } from "../../tools/cli/report";
import { captureOutput } from "../helpers/io";
import { sevenFixture, SevenFixture } from "../helpers/reportData";

export const CHROMIUM = "/usr/bin/chromium";
const ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
];
const VIEWPORT = { width: 1280, height: 900 };

/** Width and height of a PNG, from its IHDR chunk. */
function pngSize(file: string): { width: number; height: number } {
    const bytes = fs.readFileSync(file);
    assert.equal(bytes.subarray(1, 4).toString("latin1"), "PNG", `${file} is not a PNG`);
    return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}

interface Opened {
    readonly page: Page;
    /** Console errors, page errors and requests that left the file system. */
    readonly problems: string[];
}

describe("the report in headless Chromium", function () {
    this.timeout(300_000);
    let fx: SevenFixture;
    let browser: Browser;
    let work: string;

    before(async () => {
        if (!fs.existsSync(CHROMIUM)) {
            throw new Error(
                `Chromium is not installed at ${CHROMIUM}: this test opens the report in it. Install it with ` +
                    "`apt-get update && apt-get install -y chromium` (.ci/run does so).",
            );
        }
        fx = await sevenFixture();
        work = fs.mkdtempSync(path.join(os.tmpdir(), "vpc-flow-monitor-browser-"));
        // A fresh profile in a temporary folder (playwright's default for launch()), removed on close.
        browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS, headless: true });
    });
    after(async () => {
        await browser?.close();
        if (work) fs.rmSync(work, { recursive: true, force: true });
    });

    async function open(file: string): Promise<Opened> {
        const page = await browser.newPage({ viewport: VIEWPORT });
        const problems: string[] = [];
        page.on("console", (message) => {
            if (message.type() === "error" || message.type() === "warning")
                problems.push(`console ${message.type()}: ${message.text()}`);
        });
        page.on("pageerror", (err) => problems.push(`page error: ${err.message}`));
        page.on("request", (request) => {
            if (!/^(file|data):/.test(request.url())) problems.push(`request: ${request.url()}`);
        });
        await page.goto(url.pathToFileURL(file).href, { waitUntil: "load" });
        return { page, problems };
    }

    it("draws every chart at its size, with its marks, and fetches nothing", async () => {
        const file = path.join(work, "report.html");
        fs.writeFileSync(file, fx.report.html);
        const { page, problems } = await open(file);
        try {
            const drawn = await page.$$eval("figure[data-chart]", (figures) =>
                figures.map((figure) => {
                    const svg = figure.querySelector("svg");
                    const box = svg?.getBoundingClientRect();
                    return {
                        chart: figure.getAttribute("data-chart"),
                        width: box?.width ?? 0,
                        height: box?.height ?? 0,
                        marks: svg?.querySelectorAll("path[role=graphics-symbol], path.background, text").length ?? 0,
                        symbols: svg?.querySelectorAll("[role=graphics-symbol]").length ?? 0,
                    };
                }),
            );
            assert.deepEqual(
                drawn.map((d) => d.chart),
                fx.report.charts.map((c) => c.id),
            );
            drawn.forEach((d, i) => {
                const picture = fx.report.pictures[i];
                assert.ok(
                    picture.width > 300 && picture.height > 100,
                    `${d.chart}: ${picture.width}x${picture.height}`,
                );
                assert.ok(
                    Math.abs(d.width - picture.width) < 0.5,
                    `${d.chart}: drawn ${d.width} wide, declares ${picture.width}`,
                );
                assert.ok(
                    Math.abs(d.height - picture.height) < 0.5,
                    `${d.chart}: drawn ${d.height} high, declares ${picture.height}`,
                );
                assert.ok(d.width <= VIEWPORT.width, `${d.chart} is wider than the window`);
                assert.ok(d.symbols > 0, `${d.chart}: no marks drawn`);
            });
            // The reader sees the scanner's address on the top-rejected-sources chart itself.
            const scanner = fx.summary.lake.scenario.portScan.source;
            assert.ok(await page.locator("#top-rejected-sources svg text", { hasText: scanner }).first().isVisible());
            const screenshot = path.join(work, "report.png");
            await page.screenshot({ path: screenshot, fullPage: true });
            const size = pngSize(screenshot);
            assert.equal(size.width, VIEWPORT.width);
            assert.ok(size.height > 3000, `the full page is ${size.height} px high`);
            assert.deepEqual(problems, []);
        } finally {
            await page.close();
        }
    });

    it("lays out the dashboard preview on the 24-column grid", async () => {
        const file = path.join(work, "dashboard.html");
        const { result, stderr } = await captureOutput(() => main(["--dashboard", "--stack", "dev", "--out", file]));
        assert.equal(result, 0, stderr);
        const { page, problems } = await open(file);
        try {
            const grid = await page.$eval(".grid", (g) => g.getBoundingClientRect().toJSON());
            const widgets = await page.$$eval(".widget", (tiles) =>
                tiles.map((t) => ({
                    ...t.getBoundingClientRect().toJSON(),
                    title: t.querySelector(".head")?.textContent,
                })),
            );
            // dev: the title text, the region's alarms (full width), then two rows of two halves.
            assert.equal(widgets.length, 6);
            const column = (grid.width + 4) / 24;
            const at = (w: (typeof widgets)[number]) => [
                Math.round((w.left - grid.left) / column),
                Math.round(w.width / column),
            ];
            assert.deepEqual(widgets.map(at), [
                [0, 24],
                [0, 24],
                [0, 12],
                [12, 12],
                [0, 12],
                [12, 12],
            ]);
            assert.ok(widgets[0].bottom <= widgets[1].top && widgets[1].bottom <= widgets[2].top);
            assert.equal(widgets[2].top, widgets[3].top);
            assert.ok(widgets[3].bottom <= widgets[4].top);
            assert.match(widgets[1].title ?? "", /us-east-1: alarms/);
            const screenshot = path.join(work, "dashboard.png");
            await page.screenshot({ path: screenshot, fullPage: true });
            assert.equal(pngSize(screenshot).width, VIEWPORT.width);
            assert.deepEqual(problems, []);
        } finally {
            await page.close();
        }
    });
});
