import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ValidationError } from "../../core/errors/index.js";
import { fixtureFrame } from "../test-support/fixtures.js";
import {
  aa55Checksum,
  AA55_DEVICE_INFO,
  AA55_RUNNING_DATA,
  AA55_SETTINGS_DATA,
  aa55ReadRegisters,
  assessAa55Reply,
  encodeAa55Reply,
  encodeAa55Request,
  parseAa55Request,
} from "./aa55.js";
import { crc16Modbus, hasValidCrc } from "./crc16.js";
import { fromHex, toHex } from "./bytes.js";
import { assessMbapReply, encodeMbapReply, encodeMbapRequest, parseMbapRequest } from "./mbap.js";
import { FN_READ_HOLDING, FN_WRITE_MULTIPLE, FN_WRITE_SINGLE, type ModbusReply, type ModbusRequest } from "./pdu.js";
import { assessRtuReply, encodeRtuReply, encodeRtuRequest, parseRtuRequest } from "./rtu.js";

const read = (register: number, count: number): ModbusRequest => ({ fn: FN_READ_HOLDING, register, count });
const write = (register: number, value: number): ModbusRequest => ({ fn: FN_WRITE_SINGLE, register, value });
const writeMulti = (register: number, hex: string): ModbusRequest => ({ fn: FN_WRITE_MULTIPLE, register, values: fromHex(hex) });

describe("CRC-16/Modbus", () => {
  it("matches the standard check value", () => {
    expect(crc16Modbus(new TextEncoder().encode("123456789"))).toBe(0x4b37);
  });

  it("validates every recorded RTU reply after the AA55 prefix", () => {
    for (const name of [
      "local-et-GW10K-ET-running-data",
      "local-et-GW10K-ET-device-info-fw819",
      "local-dt-GW8K-DT-running-data",
      "local-rtu-exception-illegal-address-example",
    ]) {
      const frame = fixtureFrame(name);
      expect(hasValidCrc(frame, 2, frame.length - 2), name).toBe(true);
    }
  });

  it("property: appending the CRC (low byte first) makes a frame whose CRC checks, and any single-bit flip breaks it", () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 300 }), fc.nat(), (data, bitSeed) => {
        const crc = crc16Modbus(data);
        const frame = new Uint8Array([...data, crc & 0xff, crc >>> 8]);
        expect(hasValidCrc(frame, 0, data.length)).toBe(true);
        const bit = bitSeed % (frame.length * 8);
        frame[bit >> 3]! ^= 1 << (bit & 7);
        expect(hasValidCrc(frame, 0, data.length)).toBe(false);
      }),
    );
  });
});

describe("RTU requests: the spec's vectors byte for byte", () => {
  const vectors: Array<[string, number, ModbusRequest, string]> = [
    ["ET device info", 0xf7, read(35000, 33), "f70388b800213ac1"],
    ["ET running data", 0xf7, read(35100, 125), "f703891c007d7ae7"],
    ["ET meter", 0xf7, read(36000, 45), "f7038ca0002dbbf3"],
    ["ET battery", 0xf7, read(37000, 24), "f70390880018fc7c"],
    ["DT device info", 0x7f, read(30001, 40), "7f03753100280409"],
    ["DT running data", 0x7f, read(30100, 73), "7f0375940049d5c2"],
    ["work mode", 0xf7, read(47000, 1), "f703b798000136c7"],
    ["eco mode V2 probe", 0xf7, read(47547, 6), "f703b9bb00068427"],
    ["export limit 100 W", 0xf7, write(47510, 100), "f706b996006459c7"],
    ["DoD 80 %", 0xf7, write(45356, 20), "f706b12c00147ba6"],
    ["time 2022-01-04 18:30:25", 0xf7, writeMulti(45200, "160104121e19"), "f710b090000306160104121e19a961"],
    ["eco charge 40 % (V1)", 0xf7, writeMulti(47515, "0000173bffd8ff7f"), "f710b99b0004080000173bffd8ff7f1343"],
    ["eco discharge 50 % (V1)", 0xf7, writeMulti(47515, "0000173b0032ff7f"), "f710b99b0004080000173b0032ff7f02a3"],
  ];
  it.each(vectors)("%s", (_name, address, request, hex) => {
    expect(toHex(encodeRtuRequest(address, request))).toBe(hex);
  });

  it("rejects bad requests before encoding", () => {
    expect(() => encodeRtuRequest(0xf7, read(35100, 126))).toThrow(ValidationError);
    expect(() => encodeRtuRequest(0xf7, read(65535, 2))).toThrow(ValidationError);
    expect(() => encodeRtuRequest(0xf7, write(47000, 70000))).toThrow(ValidationError);
    expect(() => encodeRtuRequest(0xf7, writeMulti(47000, "010203"))).toThrow(ValidationError);
    expect(() => encodeRtuRequest(0xf7, write(47000, -1))).toThrow(ValidationError);
  });
});

describe("RTU replies", () => {
  it("decodes the recorded ET running-data reply (AA55 + 250 data bytes + CRC)", () => {
    const frame = fixtureFrame("local-et-GW10K-ET-running-data");
    expect(frame.length).toBe(257);
    const result = assessRtuReply(frame, read(35100, 125));
    expect(result).toMatchObject({ status: "complete", value: { kind: "read" } });
    expect((result as { value: { data: Uint8Array } }).value.data.length).toBe(250);
  });

  it("reassembles a reply split over two datagrams at any point", () => {
    const frame = fixtureFrame("local-et-GW10K-ET-device-info-fw819");
    for (let cut = 1; cut < frame.length; cut++) {
      expect(assessRtuReply(frame.slice(0, cut), read(35000, 33)).status).toBe("partial");
    }
    expect(assessRtuReply(frame, read(35000, 33)).status).toBe("complete");
  });

  it("tolerates trailing bytes after the frame", () => {
    const frame = fixtureFrame("local-et-eco-mode-v2-read");
    const padded = new Uint8Array([...frame, 0xff, 0xff, 0xff]);
    const result = assessRtuReply(padded, read(47547, 6));
    expect(result).toMatchObject({ status: "complete", length: frame.length });
  });

  it("decodes the write acks and the illegal-address exception", () => {
    expect(assessRtuReply(fixtureFrame("local-rtu-write-single-ack-example"), write(45356, 20))).toMatchObject({
      status: "complete",
      value: { kind: "writeSingle", register: 45356, value: 20 },
    });
    expect(assessRtuReply(fixtureFrame("local-rtu-write-multi-ack-example"), writeMulti(35000, "000000000000"))).toMatchObject({
      status: "complete",
      value: { kind: "writeMultiple", register: 35000, count: 3 },
    });
    expect(assessRtuReply(fixtureFrame("local-rtu-exception-illegal-address-example"), read(47589, 6))).toMatchObject({
      status: "complete",
      value: { kind: "exception", fn: 3, code: 2 },
    });
  });

  it("calls replies to other requests, bad CRCs and missing prefixes invalid", () => {
    const frame = fixtureFrame("local-et-GW10K-ET-battery-info");
    expect(assessRtuReply(frame, read(37000, 25)).status).toBe("invalid");
    expect(assessRtuReply(frame, write(37000, 1)).status).toBe("invalid");
    const corrupt = frame.slice();
    corrupt[20]! ^= 0x01;
    expect(assessRtuReply(corrupt, read(37000, 24))).toMatchObject({ status: "invalid", reason: "CRC mismatch" });
    expect(assessRtuReply(frame.slice(2), read(37000, 24)).status).toBe("invalid");
    expect(assessRtuReply(fixtureFrame("local-rtu-write-single-ack-example"), write(45356, 21)).status).toBe("invalid");
  });

  it("property: whatever a server encodes, the client decodes to the same reply", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffff - 125 }), fc.integer({ min: 1, max: 125 }), fc.nat(), (register, count, seed) => {
        const data = Uint8Array.from({ length: count * 2 }, (_, i) => (seed + i * 31) & 0xff);
        const frame = encodeRtuReply(0xf7, { kind: "read", fn: FN_READ_HOLDING, data });
        const result = assessRtuReply(frame, read(register, count));
        expect(result).toMatchObject({ status: "complete", value: { kind: "read" } });
        expect(toHex((result as { value: { data: Uint8Array } }).value.data)).toBe(toHex(data));
      }),
    );
  });

  it("property: every request the client encodes, the server parses back", () => {
    const request = fc.oneof(
      fc.record({
        fn: fc.constant(FN_READ_HOLDING),
        register: fc.integer({ min: 0, max: 60000 }),
        count: fc.integer({ min: 1, max: 125 }),
      }),
      fc.record({
        fn: fc.constant(FN_WRITE_SINGLE),
        register: fc.integer({ min: 0, max: 0xffff }),
        value: fc.integer({ min: 0, max: 0xffff }),
      }),
      fc.record({
        fn: fc.constant(FN_WRITE_MULTIPLE),
        register: fc.integer({ min: 0, max: 60000 }),
        values: fc.integer({ min: 1, max: 60 }).chain((n) => fc.uint8Array({ minLength: 2 * n, maxLength: 2 * n })),
      }),
    ) as fc.Arbitrary<ModbusRequest>;
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 247 }), request, (address, req) => {
        const parsed = parseRtuRequest(encodeRtuRequest(address, req));
        expect(parsed).toEqual({ address, request: req });
      }),
    );
  });
});

describe("Modbus/TCP (MBAP)", () => {
  it("encodes the spec's vectors", () => {
    expect(toHex(encodeMbapRequest(1, 0x11, read(0x6b, 3)))).toBe("0001000000061103006b0003");
    expect(toHex(encodeMbapRequest(1, 0xf7, writeMulti(47000, "08070605")))).toBe("00010000000bf710b79800020408070605");
  });

  it("decodes the recorded GW10K-MS-30 reply by its byte count, not its length field", () => {
    const frame = fixtureFrame("local-dt-GW10K-MS-30-modbus-tcp-running-data");
    const result = assessMbapReply(frame, 0x8103, read(30100, 73));
    expect(result).toMatchObject({ status: "complete", length: 146 + 9 });
    // The same bytes with a nonsense length field still frame correctly.
    const lying = frame.slice();
    lying[4] = 0x12;
    lying[5] = 0x34;
    expect(assessMbapReply(lying, 0x8103, read(30100, 73)).status).toBe("complete");
  });

  it("skips a late reply with another transaction id by its length", () => {
    const stale = encodeMbapReply(7, 0xf7, { kind: "read", fn: FN_READ_HOLDING, data: new Uint8Array(4) });
    expect(assessMbapReply(stale, 8, read(1, 2))).toMatchObject({ status: "invalid", length: stale.length });
  });

  it("property: any reply round-trips through the server encoder, whatever the length field says", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 0xffff }),
        fc.integer({ min: 1, max: 125 }),
        fc.integer({ min: 0, max: 0xffff }),
        (tx, count, lengthField) => {
          const data = new Uint8Array(count * 2).fill(count);
          const frame = encodeMbapReply(tx, 0x7f, { kind: "read", fn: FN_READ_HOLDING, data }, { lengthField });
          const result = assessMbapReply(frame, tx, read(30100, count));
          expect(result).toMatchObject({ status: "complete", length: count * 2 + 9 });
          for (let cut = 0; cut < frame.length; cut += 17)
            expect(assessMbapReply(frame.slice(0, cut), tx, read(30100, count)).status).toBe("partial");
        },
      ),
    );
  });

  it("parses requests on the server side", () => {
    const parsed = parseMbapRequest(fromHex("00010000000bf710b79800020408070605"));
    expect(parsed).toMatchObject({ transactionId: 1, unit: 0xf7, length: 17, request: { fn: 0x10, register: 47000 } });
  });
});

describe("AA55 legacy protocol", () => {
  it("encodes the probe, running-data and settings requests of the spec", () => {
    expect(toHex(encodeAa55Request(AA55_DEVICE_INFO))).toBe("aa55c07f0102000241");
    expect(toHex(encodeAa55Request(AA55_RUNNING_DATA))).toBe("aa55c07f0106000245");
    expect(toHex(encodeAa55Request(AA55_SETTINGS_DATA))).toBe("aa55c07f0109000248");
    expect(toHex(encodeAa55Request(aa55ReadRegisters(0x0701, 0x10)))).toBe("aa55c07f011a030701100274");
  });

  it("decodes the recorded ES replies and checks their type", () => {
    const info = assessAa55Reply(fixtureFrame("local-es-GW5048D-ES-device-info-aa55"), 0x0182);
    expect(info.status).toBe("complete");
    const running = fixtureFrame("local-es-GW5048D-ES-running-data-aa55");
    expect(assessAa55Reply(running, 0x0186)).toMatchObject({ status: "complete", value: { type: 0x0186 } });
    expect(assessAa55Reply(running, 0x0182).status).toBe("invalid");
    expect(assessAa55Reply(running.slice(0, 50), 0x0186).status).toBe("partial");
    expect(assessAa55Reply(fixtureFrame("local-es-GW5048-ESA-discovery-aa55"), 0x0182).status).toBe("complete");
  });

  it("decodes the documented write ack", () => {
    expect(assessAa55Reply(fromHex("aa557fc002b901060300"), 0x02b9)).toMatchObject({
      status: "complete",
      value: { payload: Uint8Array.of(6) },
    });
  });

  it("property: the byte-sum checksum makes every frame round-trip, and corrupting a byte is caught", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 3 }),
        fc.integer({ min: 0, max: 0x7f }),
        fc.uint8Array({ maxLength: 200 }),
        fc.nat(),
        (control, fn, payload, seed) => {
          const request = encodeAa55Request({ control, fn, payload });
          expect(parseAa55Request(request)).toEqual({ control, fn, payload });
          const reply = encodeAa55Reply(control, fn | 0x80, payload);
          expect(aa55Checksum(reply, reply.length - 2)).toBe((reply[reply.length - 2]! << 8) | reply[reply.length - 1]!);
          const result = assessAa55Reply(reply, (control << 8) | (fn | 0x80));
          expect(result.status).toBe("complete");
          const corrupt = reply.slice();
          const at = 7 + (seed % Math.max(1, payload.length));
          if (payload.length > 0) {
            corrupt[at] = (corrupt[at]! + 1) & 0xff;
            expect(assessAa55Reply(corrupt).status).toBe("invalid");
          }
        },
      ),
    );
  });
});

describe("fixture integrity", () => {
  it("every AA55 fixture's checksum covers bytes [0..n-2]", () => {
    for (const name of [
      "local-es-GW5048-ESA-discovery-aa55",
      "local-es-GW5048D-ES-device-info-aa55",
      "local-es-GW5048D-ES-running-data-aa55",
    ]) {
      const f = fixtureFrame(name);
      expect(aa55Checksum(f, f.length - 2), name).toBe((f[f.length - 2]! << 8) | f[f.length - 1]!);
    }
  });

  it("reply encoders reproduce recorded acks exactly", () => {
    const ack: ModbusReply = { kind: "writeSingle", fn: FN_WRITE_SINGLE, register: 45356, value: 20 };
    expect(toHex(encodeRtuReply(0xf7, ack))).toBe(toHex(fixtureFrame("local-rtu-write-single-ack-example")));
    expect(toHex(encodeRtuReply(0xf7, { kind: "exception", fn: 3, code: 2 }))).toBe("aa55f7830220c3");
  });
});
