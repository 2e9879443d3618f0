import { createSocket } from "node:dgram";
import { Socket } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { aa55ReadRegisters, AA55_SETTINGS_DATA, assessAa55Reply, encodeAa55Request } from "../../goodwe/protocol/aa55.js";
import { fromHex, toHex } from "../../goodwe/protocol/bytes.js";
import { assessMbapReply, encodeMbapRequest } from "../../goodwe/protocol/mbap.js";
import { FN_READ_HOLDING, FN_WRITE_SINGLE, type ModbusRequest } from "../../goodwe/protocol/pdu.js";
import { assessRtuReply, encodeRtuRequest } from "../../goodwe/protocol/rtu.js";
import { VirtualClock } from "../kernel.js";
import { startGoodWeSimulator, type GoodWeSimulator } from "./inverter-simulator.js";
import { RegisterMap } from "./register-map.js";
import { ET_RUNNING_35100 } from "./recorded.js";

const open: GoodWeSimulator[] = [];
afterEach(async () => {
  while (open.length) await open.pop()!.close();
});

/** Sends one datagram and collects `expected` datagrams back (or, for 0, whatever arrives in 150 ms). */
async function udpExchange(port: number, frame: Uint8Array, expected = 1): Promise<Uint8Array[]> {
  const socket = createSocket("udp4");
  const replies: Uint8Array[] = [];
  await new Promise<void>((r) => socket.bind(0, "127.0.0.1", () => r()));
  await new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, expected === 0 ? 150 : 2000);
    socket.on("message", (m) => {
      replies.push(new Uint8Array(m));
      if (replies.length >= expected) {
        clearTimeout(timer);
        resolve();
      }
    });
    socket.send(frame, port, "127.0.0.1");
  });
  socket.close();
  return replies;
}

const read = (register: number, count: number): ModbusRequest => ({ fn: FN_READ_HOLDING, register, count });

describe("RegisterMap", () => {
  it("stores 16-bit values, signed and 32-bit helpers, and reports the first missing register", () => {
    const map = new RegisterMap();
    map.set(1, -2);
    map.setS32(2, -2512);
    map.setF32(4, 1234.5);
    expect(map.get(1)).toBe(0xfffe);
    expect(map.getSigned(1)).toBe(-2);
    expect(toHex(map.read(2, 2) as Uint8Array)).toBe("fffff630");
    expect(new DataView((map.read(4, 2) as Uint8Array).buffer).getFloat32(0)).toBe(1234.5);
    expect(map.read(1, 10)).toEqual({ missing: 6 });
    map.protect(1, 1);
    expect(map.isWritable(1)).toBe(false);
    expect(map.isWritable(2)).toBe(true);
  });
});

describe("the simulated ET inverter on the wire", () => {
  it("answers the recorded request with the recorded running data (live: false), AA55-prefixed with a valid CRC", async () => {
    const s = await startGoodWeSimulator({ live: false });
    open.push(s);
    const [reply] = await udpExchange(s.udpPort, fromHex("f703891c007d7ae7"));
    const result = assessRtuReply(reply!, read(35100, 125));
    expect(result).toMatchObject({ status: "complete", value: { kind: "read" } });
    expect(toHex((result as { value: { data: Uint8Array } }).value.data)).toBe(ET_RUNNING_35100);
  });

  it("answers exception 2 for a missing register, ignores other unit addresses, and records requests", async () => {
    const s = await startGoodWeSimulator({ live: false });
    open.push(s);
    const [exception] = await udpExchange(s.udpPort, encodeRtuRequest(0xf7, read(47589, 6)));
    expect(toHex(exception!)).toBe("aa55f7830220c3");
    expect(await udpExchange(s.udpPort, encodeRtuRequest(0x11, read(35000, 1)), 0)).toHaveLength(0);
    expect(await udpExchange(s.udpPort, Uint8Array.of(1, 2, 3), 0)).toHaveLength(0);
    expect(s.requests.map((r) => r.kind)).toEqual(["read", "read", "invalid"]);
  });

  it("refuses writes to measurement registers and out-of-range values", async () => {
    const s = await startGoodWeSimulator({ live: false });
    open.push(s);
    const [readOnly] = await udpExchange(s.udpPort, encodeRtuRequest(0xf7, { fn: FN_WRITE_SINGLE, register: 35140, value: 1 }));
    expect(assessRtuReply(readOnly!, { fn: FN_WRITE_SINGLE, register: 35140, value: 1 })).toMatchObject({
      value: { kind: "exception", code: 2 },
    });
    const [range] = await udpExchange(s.udpPort, encodeRtuRequest(0xf7, { fn: FN_WRITE_SINGLE, register: 47000, value: 9 }));
    expect(assessRtuReply(range!, { fn: FN_WRITE_SINGLE, register: 47000, value: 9 })).toMatchObject({
      value: { kind: "exception", code: 3 },
    });
    expect(s.registers.get(47000)).toBe(0);
  });

  it("closing with delayed and split replies still pending sends nothing afterwards and throws nothing", async () => {
    const s = await startGoodWeSimulator({ live: false, faults: { delayMs: 30, splitReplies: true } });
    const errors: unknown[] = [];
    const onError = (error: unknown) => errors.push(error);
    process.on("uncaughtException", onError);
    try {
      const socket = createSocket("udp4");
      const received: Uint8Array[] = [];
      socket.on("message", (m) => received.push(new Uint8Array(m)));
      await new Promise<void>((r) => socket.bind(0, "127.0.0.1", () => r()));
      // The request is in: its reply waits 30 ms on a timer when the simulator closes.
      await new Promise<void>((r) => socket.send(encodeRtuRequest(0xf7, read(35000, 33)), s.udpPort, "127.0.0.1", () => r()));
      while (s.requests.length === 0) await new Promise((r) => setImmediate(r));
      await s.close();
      await new Promise((r) => setTimeout(r, 100)); // past the delay: the timer would have fired by now
      socket.close();
      expect(received).toHaveLength(0);
      expect(errors).toEqual([]);
    } finally {
      process.off("uncaughtException", onError);
    }
  });

  it("splits replies into two datagrams when asked", async () => {
    const s = await startGoodWeSimulator({ live: false, faults: { splitReplies: 20 } });
    open.push(s);
    const parts = await udpExchange(s.udpPort, encodeRtuRequest(0xf7, read(35000, 33)), 2);
    expect(parts.map((p) => p.length)).toEqual([20, 73 - 20]);
  });

  it("serves Modbus/TCP with the request's transaction id and the configured (wrong) length field", async () => {
    const s = await startGoodWeSimulator({ live: false, faults: { mbapLengthField: 6 } });
    open.push(s);
    const socket = new Socket();
    await new Promise<void>((r) => socket.connect(s.tcpPort!, "127.0.0.1", () => r()));
    const chunks: Buffer[] = [];
    socket.on("data", (c: Buffer) => chunks.push(c));
    await new Promise<void>((resolve) => {
      socket.on("data", () => Buffer.concat(chunks).length >= 57 && resolve());
      socket.write(encodeMbapRequest(0x1234, 0xf7, read(37000, 24)));
    });
    socket.destroy();
    const reply = new Uint8Array(Buffer.concat(chunks));
    expect(reply.length).toBe(48 + 9);
    expect(toHex(reply.subarray(0, 6))).toBe("123400000006");
    expect(assessMbapReply(reply, 0x1234, read(37000, 24)).status).toBe("complete");
  });
});

describe("the ES profile (AA55)", () => {
  it("serves the settings block and register reads, and acknowledges writes with 06", async () => {
    const s = await startGoodWeSimulator({ profile: "ES", live: false });
    open.push(s);
    expect(s.tcpPort).toBeNull();
    const [settings] = await udpExchange(s.udpPort, encodeAa55Request(AA55_SETTINGS_DATA));
    const parsed = assessAa55Reply(settings!, 0x0189);
    expect(parsed).toMatchObject({ status: "complete" });
    expect((parsed as { value: { payload: Uint8Array } }).value.payload.length).toBe(96);
    const [ack] = await udpExchange(
      s.udpPort,
      encodeAa55Request({ control: 0x02, fn: 0x39, payload: fromHex("05600100 1e".replace(" ", "")) }),
    );
    expect(toHex(ack!)).toBe("aa557fc002b901060300");
    expect(s.registers.get(0x560)).toBe(30);
    const [regs] = await udpExchange(s.udpPort, encodeAa55Request(aa55ReadRegisters(0x0560, 1)));
    expect(assessAa55Reply(regs!, 0x019a)).toMatchObject({ status: "complete", value: { payload: Uint8Array.of(0, 30) } });
  });
});

describe("physics", () => {
  it("registers follow the house; work mode, eco groups, EMS and DoD change the house's control", async () => {
    const clock = new VirtualClock({ mode: "manual", start: Date.parse("2026-01-20T02:00:00Z") });
    const s = await startGoodWeSimulator({ clock });
    open.push(s);
    await clock.advance(3600_000);
    await udpExchange(s.udpPort, encodeRtuRequest(0xf7, read(35100, 125)));
    const house = s.house.now();
    expect(s.registers.getSigned(35140)).toBe(Math.round(-house.gridW));
    expect(s.registers.get(37007)).toBe(Math.round(house.soc * 100));
    s.registers.set(45356, 35);
    s.registers.set(47511, 12);
    s.registers.set(47512, 2500);
    // Writing any register re-derives the control.
    await udpExchange(s.udpPort, encodeRtuRequest(0xf7, { fn: FN_WRITE_SINGLE, register: 47510, value: 3000 }));
    expect(s.house.getControl()).toMatchObject({ mode: "forceDischarge", forcePowerW: 2500, minSoc: 0.35, exportLimitW: 3000 });
  });

  it("the inverter keeps its own clock once set", async () => {
    const clock = new VirtualClock({ mode: "manual", start: Date.parse("2026-01-20T02:00:00Z") });
    const s = await startGoodWeSimulator({ clock });
    open.push(s);
    await udpExchange(s.udpPort, fromHex("f710b090000306160104121e19a961"));
    // 2022-01-04 18:30:25 in Sydney (AEDT, +11).
    expect(new Date(s.deviceTime()).toISOString()).toBe("2022-01-04T07:30:25.000Z");
    await clock.advance(5000);
    expect(new Date(s.deviceTime()).toISOString()).toBe("2022-01-04T07:30:30.000Z");
  });
});
