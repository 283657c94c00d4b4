/**
 * Vega-Lite specs to SVG, server-side: vega-lite compiles each spec to Vega, and Vega's headless
 * View renders it (`renderer: "none"`, `toSVG()`), so the report embeds finished pictures and needs
 * neither a script nor the network to open. Without node-canvas, Vega estimates text widths from
 * the font size; the layout is then a little generous, never clipped.
 */
import * as url from "url";
import type * as Vega from "vega";
import type * as VegaLite from "vega-lite/build/index";

export interface Rendered {
    readonly svg: string;
    /** The picture's size in CSS pixels, as its <svg> element declares it. */
    readonly width: number;
    readonly height: number;
    /** What Vega-Lite or Vega warned about while compiling and rendering (a spec to fix). */
    readonly warnings: readonly string[];
}

interface Engines {
    readonly vega: typeof Vega;
    readonly vegaLite: typeof VegaLite;
}

let engines: Promise<Engines> | undefined;

/**
 * vega 6 and vega-lite 6 are ES modules, and vega has a top-level await, which require() cannot
 * load. Under `module: commonjs` TypeScript turns `import()` into require(), so the import is made
 * by a function the compiler leaves alone, on the file the package resolves to.
 */
const importModule = new Function("specifier", "return import(specifier)") as (specifier: string) => Promise<unknown>;

function load(): Promise<Engines> {
    const esm = (name: string) => importModule(url.pathToFileURL(require.resolve(name)).href);
    engines ??= Promise.all([esm("vega"), esm("vega-lite")]).then(([vega, vegaLite]) => ({
        vega: vega as typeof Vega,
        vegaLite: vegaLite as typeof VegaLite,
    }));
    return engines;
}

/** Renders one Vega-Lite spec to an SVG document fragment (an <svg> element). */
export async function renderSvg(spec: VegaLite.TopLevelSpec): Promise<Rendered> {
    const { vega, vegaLite } = await load();
    // Warnings are collected, not printed: the caller decides (the tests demand none).
    const warnings: string[] = [];
    const logger = vega.logger(vega.Warn, undefined, (method, _level, args) => {
        if (method === "error") throw new Error(args.map(String).join(" "));
        warnings.push(args.map(String).join(" "));
    });
    // Vega tags the data objects it is given (a Symbol id on each): it gets a copy, so the rows
    // the report's tables print stay as the query returned them.
    const compiled = vegaLite.compile(structuredClone(spec), { logger }).spec;
    const view = new vega.View(vega.parse(compiled), { renderer: "none", logger });
    try {
        const svg = await view.toSVG();
        const size = /^<svg[^>]*\swidth="(\d+(?:\.\d+)?)"[^>]*\sheight="(\d+(?:\.\d+)?)"/.exec(svg);
        if (!size) throw new Error("Vega's SVG has no width and height");
        return { svg, width: Number(size[1]), height: Number(size[2]), warnings };
    } finally {
        view.finalize();
    }
}
