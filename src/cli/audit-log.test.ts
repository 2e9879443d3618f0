import { appendFileSync, chmodSync, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { registerSecret } from "../core/redact.js";
import { appendAudit, lastAuditedWrite, readAudit, type AuditEntry } from "./audit-log.js";

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "openpower-audit-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const entry = (device: string) => ({
  time: "2024-05-01T00:00:00.000Z",
  command: "openpower battery apply x",
  vendor: "alphaess",
  device,
  request: { intent: "charge 01:00-05:00 to 90%" },
  dryRun: false,
  before: { "POST updateChargeConfigInfo": { batHighCap: 100 } },
  after: { "POST updateChargeConfigInfo": { batHighCap: 90 } },
  readBack: { "POST updateChargeConfigInfo": { batHighCap: 90 } },
  taken: [{ target: "POST updateChargeConfigInfo", sent: true, taken: true }],
  ok: true,
});

describe("audit log", () => {
  it("appends one JSON line per entry with who and where, in a 0600 file in a 0700 directory", () => {
    const path = join(dir, "data", "audit.jsonl");
    appendAudit(path, entry("AL1"));
    appendAudit(path, entry("AL2"));
    const lines = readAudit(path);
    expect(lines.map((l) => l.device)).toEqual(["AL1", "AL2"]);
    expect(lines[0]!.user).toEqual(expect.any(String));
    expect(lines[0]!.host).toEqual(expect.any(String));
    expect(lines[0]!.taken).toEqual([{ target: "POST updateChargeConfigInfo", sent: true, taken: true }]);
    if (process.platform !== "win32") {
      expect(statSync(path).mode & 0o777).toBe(0o600);
      expect(statSync(join(dir, "data")).mode & 0o077).toBe(0);
    }
  });

  it.skipIf(process.platform === "win32")("tightens an existing log readable by others to 0600, with a warning", () => {
    const path = join(dir, "audit.jsonl");
    writeFileSync(path, "", { mode: 0o644 });
    chmodSync(path, 0o644);
    const warnings: string[] = [];
    appendAudit(path, entry("AL1"), { warn: (m) => warnings.push(m) });
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(warnings).toEqual([expect.stringMatching(/readable by other users \(mode 0644\).*0600/)]);
    expect(readAudit(path).map((l) => l.device)).toEqual(["AL1"]);
    // Already private: no warning.
    appendAudit(path, entry("AL2"), { warn: (m) => warnings.push(m) });
    expect(warnings).toHaveLength(1);
  });

  it("keeps secrets out of the log, by value and by field name", () => {
    registerSecret("audit_secret_value_999");
    const path = join(dir, "audit.jsonl");
    appendAudit(path, {
      ...entry("AL1"),
      command: "openpower --set amber.token=audit_secret_value_999 x",
      request: { password: "hunter2hunter2" },
    });
    const line = JSON.stringify(readAudit(path)[0]);
    expect(line).not.toContain("audit_secret_value_999");
    expect(line).not.toContain("hunter2hunter2");
  });

  it("skips a torn line and reads the rest; a missing log is empty", () => {
    const path = join(dir, "audit.jsonl");
    expect(readAudit(path)).toEqual([]);
    appendAudit(path, entry("AL1"));
    appendFileSync(path, '{"time":"2024-05-01T00:0');
    appendFileSync(path, "\n");
    appendAudit(path, entry("AL3"));
    expect(readAudit(path).map((l) => l.device)).toEqual(["AL1", "AL3"]);
  });
});

describe("lastAuditedWrite", () => {
  const at = (time: string, over: Partial<AuditEntry> = {}): AuditEntry => ({ ...entry("SN1"), user: "u", host: "h", time, ...over });
  const query = { vendor: "alphaess", device: "SN1", endpoint: "updateChargeConfigInfo" };

  it("finds the latest write that may have reached the device, with or without the HTTP method", () => {
    const log = [
      at("2024-05-01T00:00:00.000Z"),
      at("2024-05-01T00:05:00.000Z", {
        taken: [{ target: "updateChargeConfigInfo", sent: null, taken: null, error: "timeout" }],
        command: "later",
      }),
      at("2024-05-01T00:03:00.000Z"),
    ];
    expect(lastAuditedWrite(log, query)).toEqual({ at: new Date("2024-05-01T00:05:00.000Z"), command: "later" });
    expect(lastAuditedWrite(log, { ...query, endpoint: "POST updateChargeConfigInfo" })?.command).toBe("later");
  });

  it("ignores dry runs, writes refused before sending, other devices, vendors and endpoints", () => {
    const log = [
      at("2024-05-01T00:01:00.000Z", { dryRun: true }),
      at("2024-05-01T00:02:00.000Z", { taken: [{ target: "POST updateChargeConfigInfo", sent: false, taken: null }] }),
      at("2024-05-01T00:03:00.000Z", { device: "SN2" }),
      at("2024-05-01T00:04:00.000Z", { vendor: "goodwe" }),
      at("2024-05-01T00:05:00.000Z", { taken: [{ target: "POST updateDisChargeConfigInfo", sent: true, taken: true }] }),
    ];
    expect(lastAuditedWrite(log, query)).toBeUndefined();
  });
});
