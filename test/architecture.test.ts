import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

/**
 * The layering rules of docs/architecture.md, checked on the sources: no runtime import circle, each
 * layer imports only the layers below it, and no hand-written source file over 500 lines.
 */
const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const src = join(root, "src");

/** Generated or data-only files that the size rule does not cover. */
const GENERATED = new Set(["src/amber/wire/openapi.ts"]);
const MAX_LINES = 500;

/** Layers from the bottom up; a file may import its own layer and the ones below. */
const LAYERS: Array<{ name: string; test: (path: string) => boolean }> = [
  { name: "core", test: (p) => p.startsWith("src/core/") },
  { name: "model", test: (p) => p.startsWith("src/model/") },
  { name: "vendors", test: (p) => /^src\/(alphaess|amber|goodwe|powertrack)\//.test(p) },
  { name: "sim", test: (p) => p.startsWith("src/sim/") },
  { name: "automation", test: (p) => p.startsWith("src/automation/") },
  { name: "service", test: (p) => p.startsWith("src/service/") },
  { name: "cli", test: (p) => p.startsWith("src/cli/") },
  { name: "entry", test: (p) => p === "src/index.ts" },
];

function layerOf(path: string): number {
  return LAYERS.findIndex((layer) => layer.test(path));
}

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) return walk(full);
    return entry.name.endsWith(".ts") ? [full] : [];
  });
}

const isTestFile = (path: string) => path.endsWith(".test.ts") || path.includes("/test-support/");
const files = walk(src).map((full) => relative(root, full).split("\\").join("/"));
const sources = files.filter((path) => !isTestFile(path));

/** Runtime imports of a file (type-only imports and re-exports erase at compile time and are skipped). */
function runtimeImports(path: string): string[] {
  const text = readFileSync(join(root, path), "utf8");
  const found: string[] = [];
  const re = /^\s*(import|export)\s+(type\s+)?([^;]*?)\s*from\s+["'](\.{1,2}\/[^"']+)["']/gms;
  for (const match of text.matchAll(re)) {
    if (match[2]) continue;
    const clause = match[3] ?? "";
    // `import { type A, type B } from` is type-only too.
    const names = /^\{([^}]*)\}$/s.exec(clause.trim());
    if (names && names[1]!.split(",").every((n) => n.trim() === "" || n.trim().startsWith("type "))) continue;
    const target = join(dirname(path), match[4]!).replace(/\.js$/, ".ts");
    found.push(target.split("\\").join("/"));
  }
  for (const match of text.matchAll(/^\s*import\s+["'](\.{1,2}\/[^"']+)["']/gm)) {
    found.push(join(dirname(path), match[1]!).replace(/\.js$/, ".ts").split("\\").join("/"));
  }
  return found;
}

describe("architecture", () => {
  const graph = new Map(sources.map((path) => [path, runtimeImports(path).filter((t) => !isTestFile(t))]));

  it("reads the import graph (so the rules below cannot pass on an empty graph)", () => {
    expect(graph.size).toBeGreaterThan(200);
    expect([...graph.values()].flat().length).toBeGreaterThan(500);
    expect(graph.get("src/cli/bin.ts")?.length).toBeGreaterThan(0);
  });

  it("has no runtime import circle", () => {
    const state = new Map<string, "visiting" | "done">();
    const circles: string[] = [];
    const visit = (node: string, stack: string[]): void => {
      if (state.get(node) === "done") return;
      if (state.get(node) === "visiting") {
        circles.push([...stack.slice(stack.indexOf(node)), node].join(" -> "));
        return;
      }
      state.set(node, "visiting");
      for (const next of graph.get(node) ?? []) visit(next, [...stack, node]);
      state.set(node, "done");
    };
    for (const node of graph.keys()) visit(node, []);
    expect(circles).toEqual([]);
  });

  it("imports only downwards: core → model → vendors → sim → automation → service → cli", () => {
    const upward: string[] = [];
    for (const [from, targets] of graph) {
      const own = layerOf(from);
      for (const to of targets) {
        const theirs = layerOf(to);
        if (own >= 0 && theirs > own) upward.push(`${from} -> ${to}`);
      }
    }
    expect(upward).toEqual([]);
  });

  it("keeps vendors apart: a vendor folder imports no other vendor", () => {
    const crossing: string[] = [];
    for (const [from, targets] of graph) {
      const vendor = /^src\/(alphaess|amber|goodwe|powertrack)\//.exec(from)?.[1];
      if (!vendor) continue;
      for (const to of targets) {
        const other = /^src\/(alphaess|amber|goodwe|powertrack)\//.exec(to)?.[1];
        if (other && other !== vendor) crossing.push(`${from} -> ${to}`);
      }
    }
    expect(crossing).toEqual([]);
  });

  it("keeps the browser dashboard (src/dashboard) a leaf: it imports only itself, and nothing imports it", () => {
    const crossing: string[] = [];
    for (const [from, targets] of graph) {
      const inside = from.startsWith("src/dashboard/");
      for (const to of targets) if (inside !== to.startsWith("src/dashboard/")) crossing.push(`${from} -> ${to}`);
    }
    expect([...graph.keys()].some((p) => p.startsWith("src/dashboard/"))).toBe(true);
    expect(crossing).toEqual([]);
  });

  it(`has no hand-written source file over ${MAX_LINES} lines`, () => {
    const large = sources
      .filter((path) => !GENERATED.has(path))
      .map((path) => ({ path, lines: readFileSync(join(root, path), "utf8").split("\n").length }))
      .filter((file) => file.lines > MAX_LINES)
      .map((file) => `${file.path} (${file.lines})`);
    expect(large).toEqual([]);
  });
});
