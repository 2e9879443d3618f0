import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  AuthenticationError,
  ConfigurationError,
  NotFoundError,
  OpenPowerError,
  RateLimitError,
  ValidationError,
} from "../../core/errors/index.js";
import { registerSecret } from "../../core/redact.js";
import type { PriceInterval } from "../../model/types.js";
import { parseDuration } from "../duration.js";
import { describeCause, describeError, ExitCode, exitCodeFor, PartialFailure, UsageError } from "../errors.js";
import { fakeIo } from "../test-support/fake-io.js";
import { ANSI_RE } from "../test-support/run-cli.js";
import { priceChart } from "./chart.js";
import { useColor } from "./color.js";
import { formatAge, formatFraction, formatWatts } from "./format.js";
import { Output, renderCsv, toJson, type Column } from "./output.js";

interface Row {
  name: string;
  w: number | null;
  at: Date;
}
const columns: Column<Row>[] = [
  { header: "name", value: (r) => r.name },
  { header: "w", value: (r) => r.w, show: (r) => formatWatts(r.w), align: "right" },
  { header: "at", value: (r) => r.at },
];
const rows: Row[] = [
  { name: "a, with comma", w: 1500, at: new Date("2024-05-01T00:00:00Z") },
  { name: 'b "quoted"', w: null, at: new Date("2024-05-01T00:05:00Z") },
];

describe("Output", () => {
  it("prints tables for people, CSV and JSON for scripts", () => {
    const table = fakeIo();
    new Output(table.io, "table", false).rows(columns, rows);
    expect(table.stdout()).toContain("1.50 kW");
    expect(table.stdout()).toContain("–");
    expect(table.stdout()).not.toMatch(ANSI_RE);

    const csv = fakeIo();
    new Output(csv.io, "csv", false).rows(columns, rows);
    expect(csv.stdout()).toBe('name,w,at\n"a, with comma",1500,2024-05-01T00:00:00.000Z\n"b ""quoted""",,2024-05-01T00:05:00.000Z\n');

    const json = fakeIo();
    new Output(json.io, "json", false).rows(columns, rows, { json: { rows } });
    expect(JSON.parse(json.stdout())).toEqual({
      rows: [
        { name: "a, with comma", w: 1500, at: "2024-05-01T00:00:00.000Z" },
        { name: 'b "quoted"', w: null, at: "2024-05-01T00:05:00.000Z" },
      ],
    });
  });

  it("keeps notes on stderr, out of JSON", () => {
    const f = fakeIo();
    const out = new Output(f.io, "json", false);
    out.note("progress");
    out.json({ ok: true });
    expect(JSON.parse(f.stdout())).toEqual({ ok: true });
    expect(f.stderr()).toBe("progress\n");
  });

  it("never prints a registered secret", () => {
    registerSecret("sk_output_secret_12345");
    const f = fakeIo();
    const out = new Output(f.io, "table", false);
    out.print("token sk_output_secret_12345");
    out.json({ note: "sk_output_secret_12345" });
    out.note("sk_output_secret_12345");
    expect(f.stdout() + f.stderr()).not.toContain("sk_output_secret_12345");
  });

  it("wraps a wide table to the terminal width, and keeps lines whole for pipes", () => {
    const long = [{ name: "x".repeat(30) + " " + "y".repeat(60), w: 1, at: new Date(0) }];
    const narrow = fakeIo({ tty: true, columns: 60 });
    new Output(narrow.io, "table", false).table(columns, long);
    expect(
      Math.max(
        ...narrow
          .stdout()
          .split("\n")
          .map((l) => l.length),
      ),
    ).toBeLessThanOrEqual(60);
    const pipe = fakeIo({ columns: 60 });
    new Output(pipe.io, "table", false).table(columns, long);
    expect(pipe.stdout()).toContain("y".repeat(60));
  });
});

describe("toJson", () => {
  it("leaves raw bodies out unless asked, and turns NaN and Infinity into null", () => {
    const value = { a: 1, raw: { secret: 1 }, nested: { raw: "x", b: Number.NaN, c: Infinity } };
    expect(JSON.parse(toJson(value))).toEqual({ a: 1, nested: { b: null, c: null } });
    expect(JSON.parse(toJson(value, { raw: true }))).toMatchObject({ raw: { secret: 1 } });
  });
});

describe("useColor", () => {
  const tty = { isTTY: true, write: () => true };
  const pipe = { isTTY: false, write: () => true };
  it("colours only a terminal, never with NO_COLOR or --no-color, always with FORCE_COLOR", () => {
    expect(useColor({ stdout: tty, env: {} }, undefined)).toBe(true);
    expect(useColor({ stdout: pipe, env: {} }, undefined)).toBe(false);
    expect(useColor({ stdout: tty, env: { NO_COLOR: "1" } }, undefined)).toBe(false);
    expect(useColor({ stdout: tty, env: { NO_COLOR: "" } }, undefined)).toBe(true);
    expect(useColor({ stdout: tty, env: {} }, false)).toBe(false);
    expect(useColor({ stdout: pipe, env: { FORCE_COLOR: "1" } }, undefined)).toBe(true);
    expect(useColor({ stdout: pipe, env: { FORCE_COLOR: "1", NO_COLOR: "1" } }, undefined)).toBe(false);
    expect(useColor({ stdout: tty, env: { FORCE_COLOR: "0" } }, undefined)).toBe(true);
  });
});

describe("errors", () => {
  it("maps errors to exit codes: usage 2, partial 3, others 1", () => {
    expect(exitCodeFor(new ValidationError("bad"))).toBe(ExitCode.usage);
    expect(exitCodeFor(new UsageError("bad"))).toBe(ExitCode.usage);
    expect(exitCodeFor(new PartialFailure("half"))).toBe(ExitCode.partial);
    for (const e of [
      new AuthenticationError("no"),
      new ConfigurationError("no"),
      new NotFoundError("no"),
      new RateLimitError("no"),
      new Error("bug"),
    ])
      expect(exitCodeFor(e)).toBe(ExitCode.error);
    const commander = Object.assign(new Error("unknown option"), { code: "commander.unknownOption", exitCode: 1 });
    expect(exitCodeFor(commander)).toBe(ExitCode.usage);
    expect(exitCodeFor(Object.assign(new Error("(outputHelp)"), { code: "commander.helpDisplayed", exitCode: 0 }))).toBe(ExitCode.ok);
  });

  it("describes an error in one line with the vendor and request id; stack only with --debug", () => {
    const error = new AuthenticationError("The token was refused. Create a new one at https://app.amber.com.au.\nThen retry.", {
      vendor: "amber",
      requestId: "req-1",
    });
    const line = describeError(error);
    expect(line).toBe("error: amber: The token was refused. Create a new one at https://app.amber.com.au. Then retry. (request id req-1)");
    expect(describeError(error, { debug: true })).toContain("at ");
    expect(describeError(new Error("boom"))).toMatch(/^error: boom\. Run again with --debug/);
    expect(describeError(new OpenPowerError("alphaess said no", { vendor: "alphaess" }))).toBe("error: alphaess said no");
  });

  it('leaves ".." inside a message alone and only avoids a doubled final full stop', () => {
    expect(describeError(new Error("cannot open ../x"))).toMatch(/^error: cannot open \.\.\/x\. Run again/);
    expect(describeError(new Error("range 0..1 exceeded"))).toMatch(/^error: range 0\.\.1 exceeded\. Run again/);
    expect(describeError(new Error("ends with a stop."))).toMatch(/^error: ends with a stop\. Run again/);
    const enoent = Object.assign(new Error("ENOENT: no such file, open '../a..b'"), { code: "ENOENT" });
    expect(describeError(enoent)).toBe("error: ENOENT: no such file, open '../a..b'. Check the path.");
  });

  it("describeCause drops the prefix and names the vendor once", () => {
    expect(describeCause(new OpenPowerError("the token was refused"), { vendor: "amber" })).toBe("amber: the token was refused");
    expect(describeCause(new OpenPowerError("amber refused the token", { vendor: "amber" }), { vendor: "amber" })).toBe(
      "amber refused the token",
    );
    expect(describeCause(new Error("boom"), { vendor: "goodwe" })).toMatch(/^goodwe: boom\. Run again/);
  });
});

describe("formatting", () => {
  it("renders units and missing values", () => {
    expect(formatWatts(850)).toBe("850 W");
    expect(formatWatts(-2345)).toBe("-2.35 kW");
    expect(formatWatts(null)).toBe("–");
    expect(formatFraction(0.856)).toBe("86 %");
    expect(formatAge(12_000)).toBe("12 s");
    expect(formatAge(5 * 60_000)).toBe("5 min");
    expect(formatAge(-120_000)).toBe("in 2 min");
    expect(formatAge(3 * 3_600_000 + 600_000)).toBe("3 h 10 min");
  });
});

describe("parseDuration", () => {
  it("reads units and sums", () => {
    expect(parseDuration("12h", "--next")).toBe(12 * 3_600_000);
    expect(parseDuration("1h30m", "--next")).toBe(90 * 60_000);
    expect(parseDuration("2 days", "--next")).toBe(2 * 86_400_000);
    expect(parseDuration("45s", "--interval")).toBe(45_000);
    for (const bad of ["12", "", "h", "12 parsecs", "-1h", "0m"]) expect(() => parseDuration(bad, "--next"), bad).toThrow(UsageError);
  });
  it("never throws anything but a UsageError", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 12 }), (s) => {
        try {
          expect(parseDuration(s, "--x")).toBeGreaterThan(0);
        } catch (error) {
          expect(error).toBeInstanceOf(UsageError);
        }
      }),
    );
  });
});

describe("priceChart", () => {
  const start = Date.parse("2024-05-01T00:00:00Z");
  const interval = (i: number, channel: "general" | "feedIn", cents: number): PriceInterval => ({
    start: new Date(start + i * 1_800_000),
    end: new Date(start + (i + 1) * 1_800_000),
    durationMin: 30,
    channel,
    kind: i === 0 ? "current" : "forecast",
    estimate: true,
    perKwhCents: cents,
    spotPerKwhCents: cents / 2,
    renewablesPct: 40,
    descriptor: "low",
    spike: "none",
  });
  it("plots the buy price and the feed-in earnings (sign flipped) over the period", () => {
    const intervals = [
      ...Array.from({ length: 8 }, (_, i) => interval(i, "general", 10 + i * 5)),
      ...Array.from({ length: 8 }, (_, i) => interval(i, "feedIn", -5)),
    ];
    const chart = priceChart(intervals, { width: 40, height: 6, color: false });
    expect(chart).toContain("45.0 c");
    expect(chart).toContain("5.0 c");
    expect(chart).not.toContain("-5.0 c");
    expect(chart).toContain("feed-in earnings");
    expect(chart).not.toMatch(ANSI_RE);
    expect(priceChart(intervals, { width: 40, height: 6, color: true })).toMatch(ANSI_RE);
    expect(priceChart([], { width: 40, color: false })).toMatch(/no general-channel prices/);
  });

  it("without colour the two series can be told apart: each has its own chart under its own legend line", () => {
    const intervals = [
      ...Array.from({ length: 8 }, (_, i) => interval(i, "general", 10 + i * 5)),
      ...Array.from({ length: 8 }, (_, i) => interval(i, "feedIn", -5)),
    ];
    const lines = priceChart(intervals, { width: 40, height: 6, color: false }).split("\n");
    const buy = lines.findIndex((l) => l.trim() === "buy price (general, c/kWh)");
    const earn = lines.findIndex((l) => l.trim() === "feed-in earnings (c/kWh, + = paid)");
    expect(buy).toBeGreaterThanOrEqual(0);
    expect(earn).toBeGreaterThan(buy);
    // The buy chart (above the earnings legend) never reaches the earnings' 5 c; the earnings chart is flat at 5 c.
    expect(lines.slice(buy, earn).join("\n")).toContain("45.0 c");
    expect(lines.slice(earn).join("\n")).not.toContain("45.0 c");
    // With colour, the legend carries each line's colour.
    const coloured = priceChart(intervals, { width: 40, height: 6, color: true });
    expect(coloured.split("\n").at(-1)).toMatch(ANSI_RE);
  });
});

describe("csv", () => {
  it("quotes any text so that a CSV reader gets the cells back", async () => {
    const { parse } = await import("csv-parse/sync");
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            name: fc.string({ maxLength: 20 }),
            w: fc.option(fc.integer(), { nil: null }),
            estimate: fc.option(fc.boolean(), { nil: null }),
          }),
          { maxLength: 5 },
        ),
        (items) => {
          const text = renderCsv<{ name: string; w: number | null; estimate: boolean | null }>(
            [
              { header: "name", value: (r) => r.name },
              { header: "w", value: (r) => r.w },
              { header: "estimate", value: (r) => r.estimate },
            ],
            items,
          );
          const back = parse(text, { columns: true }) as { name: string; w: string; estimate: string }[];
          expect(back.map((b) => b.name)).toEqual(items.map((i) => i.name));
          expect(back.map((b) => b.w)).toEqual(items.map((i) => (i.w === null ? "" : String(i.w))));
          // false must not read back as a missing value.
          expect(back.map((b) => b.estimate)).toEqual(items.map((i) => (i.estimate === null ? "" : String(i.estimate))));
        },
      ),
    );
  });
});

describe("describeError credentials hint", () => {
  it("at the top level, a refused credential says how to find and test the CLI's settings; table cells stay short", () => {
    const error = new AuthenticationError("SEMS rejected the e-mail or password.", { vendor: "goodwe-sems" });
    expect(describeError(error, { hint: true })).toMatch(
      /^error: goodwe-sems: SEMS rejected the e-mail or password\. "openpower config show" says where the goodwe credentials come from; "openpower config check" tests them\.$/,
    );
    expect(describeCause(error)).not.toMatch(/config show/);
    expect(describeError(new NotFoundError("No site 1.", { vendor: "amber" }), { hint: true })).not.toMatch(/config show/);
  });
});

describe("describeError vendor prefix", () => {
  it("names the vendor once", () => {
    expect(describeError(new OpenPowerError("Could not reach amber at http://127.0.0.1:1/v1.", { vendor: "amber" }))).toBe(
      "error: Could not reach amber at http://127.0.0.1:1/v1.",
    );
    expect(describeError(new OpenPowerError("AlphaESS appSecret is missing.", { vendor: "alphaess" }))).toBe(
      "error: AlphaESS appSecret is missing.",
    );
    expect(describeError(new OpenPowerError("Token refused, see https://app.amber.com.au.", { vendor: "amber" }))).toBe(
      "error: amber: Token refused, see https://app.amber.com.au.",
    );
  });
});

describe("createProgress", () => {
  it("draws on a terminal and stays silent otherwise (so --csv > file stays clean)", async () => {
    const { createProgress } = await import("./progress.js");
    let tty = "";
    const onTty = createProgress({ isTTY: true, columns: 80, write: (s: string) => ((tty += s), true) } as never, {
      total: 3,
      title: "alphaess:AL1",
    });
    onTty.tick(1, "2024-05-01");
    onTty.tick(1, "2024-05-02");
    onTty.stop();
    expect(tty).toContain("alphaess:AL1");
    let pipe = "";
    const onPipe = createProgress({ isTTY: false, write: (s: string) => ((pipe += s), true) }, { total: 3, title: "x" });
    onPipe.tick();
    onPipe.stop();
    expect(pipe).toBe("");
  });
});
