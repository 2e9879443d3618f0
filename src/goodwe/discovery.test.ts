import { afterEach, describe, expect, it } from "vitest";
import { startGoodWeSimulator, type GoodWeSimulator } from "../sim/goodwe/inverter-simulator.js";
import { discover, dtlsNotSupported, parseDiscoveryReply } from "./discovery.js";

const open: GoodWeSimulator[] = [];
afterEach(async () => {
  while (open.length) await open.pop()!.close();
});

describe("discovery replies: the three formats", () => {
  it("classic dongle", () => {
    expect(parseDiscoveryReply("192.168.1.14,AABBCCDDEEFF,Solar-WiFi123\r\n", "192.168.1.14")).toMatchObject({
      kind: "classic",
      reportedIp: "192.168.1.14",
      mac: "AABBCCDDEEFF",
      name: "Solar-WiFi123",
      supported: true,
    });
  });

  it("Kit-20 LAN", () => {
    expect(parseDiscoveryReply("ccm@59999ABC0001,ccm@59999ABC0001,Solar-59999ABC0001", "10.0.0.7")).toMatchObject({
      kind: "kit20",
      dongleSerial: "59999ABC0001",
      address: "10.0.0.7",
      supported: true,
    });
  });

  it("DTLS dongle: flagged unsupported, with a clear error", () => {
    const reply = parseDiscoveryReply("dongle@5010KETT00W00001,dtls_port:8899,9010KETT22AW0001", "10.0.0.8");
    expect(reply).toMatchObject({
      kind: "dtls",
      dtlsPort: 8899,
      inverterSerial: "9010KETT22AW0001",
      dongleSerial: "5010KETT00W00001",
      supported: false,
    });
    const error = dtlsNotSupported(reply, "10.0.0.8");
    expect(error.name).toBe("ConfigurationError");
    expect(error.message).toMatch(/DTLS.*port 502/s);
  });

  it("anything else is kept as unknown, never thrown", () => {
    expect(parseDiscoveryReply("hello", "1.2.3.4")).toMatchObject({ kind: "unknown", raw: "hello" });
  });
});

describe("discover() over UDP against the simulator's responder", () => {
  it("finds a classic dongle and a DTLS dongle on 127.0.0.1", async () => {
    const classic = await startGoodWeSimulator({ live: false });
    const dtls = await startGoodWeSimulator({ live: false, dtls: true });
    open.push(classic, dtls);
    expect(await discover({ address: "127.0.0.1", port: classic.discoveryPort!, timeoutMs: 300, first: true })).toEqual([
      expect.objectContaining({ kind: "classic", address: "127.0.0.1", reportedIp: "127.0.0.1", mac: "AABBCCDDEEFF" }),
    ]);
    const [found] = await discover({ address: "127.0.0.1", port: dtls.discoveryPort!, timeoutMs: 300 });
    expect(found).toMatchObject({ kind: "dtls", supported: false, inverterSerial: "9010KETU00000000" });
    expect(classic.requests.filter((r) => r.transport === "discovery")).toHaveLength(1);
  });

  it("returns nothing (not an error) when nobody answers", async () => {
    const s = await startGoodWeSimulator({ live: false, discoveryPort: null });
    open.push(s);
    expect(await discover({ address: "127.0.0.1", port: s.udpPort, timeoutMs: 150 })).toEqual([]);
  });
});
