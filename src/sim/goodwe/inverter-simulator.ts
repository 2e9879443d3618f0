import { createSocket, type Socket as UdpSocket } from "node:dgram";
import { createServer, type Server, type Socket } from "node:net";
import type { AddressInfo } from "node:net";
import type { Clock } from "../../core/clock.js";
import { localDate, parseLocalTimestamp } from "../../core/time/zoned.js";
import { decodeDateTime } from "../../goodwe/decode.js";
import { encodeAa55Reply, parseAa55Request } from "../../goodwe/protocol/aa55.js";
import { registersOf, toHex } from "../../goodwe/protocol/bytes.js";
import { encodeMbapReply, parseMbapRequest } from "../../goodwe/protocol/mbap.js";
import { FN_READ_HOLDING, FN_WRITE_SINGLE, type ModbusReply, type ModbusRequest } from "../../goodwe/protocol/pdu.js";
import { encodeRtuReply, parseRtuRequest } from "../../goodwe/protocol/rtu.js";
import { HouseModel, VirtualClock, type HouseConfig } from "../kernel.js";
import { handleAa55, handleModbus, type GoodWeFaults } from "./handlers.js";
import { DT_BASE, ES_BASE, esControl, etControl, ET_BASE, refreshDt, refreshEsPayload, refreshEt, type BaseCounters } from "./physics.js";
import {
  esDeviceInfoPayload,
  esRunningPayload,
  probePayload,
  seedDt,
  seedEs,
  seedEt,
  type FirmwareOptions,
  type GoodWeProfile,
} from "./profiles.js";
import type { RegisterMap } from "./register-map.js";

export type { GoodWeFaults } from "./handlers.js";
export type { GoodWeProfile, FirmwareOptions } from "./profiles.js";

export interface GoodWeSimulatorOptions {
  /** "ET" (hybrid, default), "DT" (PV only) or "ES" (legacy AA55). */
  profile?: GoodWeProfile;
  /** UDP port of the inverter protocol; 0 (default) picks a free one. */
  udpPort?: number;
  /** Modbus/TCP port; 0 (default) picks a free one; null serves no TCP (the ES profile never does). */
  tcpPort?: number | null;
  /** Discovery port; 0 (default) picks a free one; null serves none. */
  discoveryPort?: number | null;
  /** The discovery answer; default the classic `<ip>,<mac>,Solar-WiFi…` format. */
  discoveryReply?: string;
  /** Play a Kit-20 DTLS dongle: discovery answers `dongle@…,dtls_port:8899,…` and plaintext UDP is dropped. */
  dtls?: boolean;
  firmware?: FirmwareOptions;
  /** The house driving the registers: a model, or a config (default: a seeded house in Sydney). */
  house?: HouseModel | HouseConfig;
  /** The simulator's clock (default an accelerated VirtualClock at speed 1, i.e. real time). Ignored when `house` is a model. */
  clock?: Clock;
  /**
   * true (default): running data follow the house. false: serve the recorded fixture values
   * exactly (round-trip tests); writes still work.
   */
  live?: boolean;
  faults?: GoodWeFaults;
}

/** One request the simulator received. */
export interface GoodWeSimRequest {
  transport: "udp" | "tcp" | "discovery";
  kind: "read" | "write" | "aa55" | "probe" | "invalid" | "dropped";
  register?: number;
  count?: number;
  /** Values written (16-bit). */
  values?: number[];
  /** AA55 control and function, e.g. "0359". */
  command?: string;
  /** The raw request, hex. */
  bytes: string;
  /** On the simulator clock, ms. */
  at: number;
}

export interface GoodWeSimulator {
  readonly host: "127.0.0.1";
  readonly udpPort: number;
  readonly tcpPort: number | null;
  readonly discoveryPort: number | null;
  readonly family: GoodWeProfile;
  readonly house: HouseModel;
  readonly clock: Clock;
  /** The register map (inspect and poke in tests). */
  readonly registers: RegisterMap;
  /** Requests received, oldest first (a copy). */
  readonly requests: GoodWeSimRequest[];
  clearRequests(): void;
  /** Merges fault settings (pass a field as undefined to clear it). */
  setFaults(faults: GoodWeFaults): void;
  /** The inverter's own clock (ms): the simulator clock plus what `syncClock` wrote. */
  deviceTime(): number;
  close(): Promise<void>;
}

const DEFAULT_HOUSE: Record<GoodWeProfile, HouseConfig> = {
  ET: {
    seed: 4242,
    timeZone: "Australia/Sydney",
    latitude: -33.87,
    longitude: 151.21,
    pv: { capacityW: 8000, strings: 2 },
    load: { dailyKwh: 16 },
    battery: { capacityKwh: 10, maxChargeW: 5000, maxDischargeW: 5000, roundTripEfficiency: 0.9, minSoc: 0.05, maxSoc: 1, initialSoc: 0.5 },
    grid: { phases: 1 },
  },
  DT: {
    seed: 4243,
    timeZone: "Australia/Sydney",
    latitude: -33.87,
    longitude: 151.21,
    pv: { capacityW: 8000, strings: 2 },
    load: { dailyKwh: 16 },
    // A PV-only plant: a token battery the inverter never reports.
    battery: { capacityKwh: 0.001, maxChargeW: 0.001, maxDischargeW: 0.001, roundTripEfficiency: 0.9, minSoc: 0, maxSoc: 1, initialSoc: 0 },
    grid: { phases: 3 },
  },
  ES: {
    seed: 4244,
    timeZone: "Australia/Sydney",
    latitude: -33.87,
    longitude: 151.21,
    pv: { capacityW: 5000, strings: 2 },
    load: { dailyKwh: 12 },
    battery: { capacityKwh: 5, maxChargeW: 2500, maxDischargeW: 2500, roundTripEfficiency: 0.9, minSoc: 0.05, maxSoc: 1, initialSoc: 0.6 },
    grid: { phases: 1 },
  },
};

const IDENTITY: Record<GoodWeProfile, { serial: string; model: string; ratedW: number; unit: number; base: BaseCounters }> = {
  ET: { serial: "9010KETU00000000", model: "GW10K-ET", ratedW: 10000, unit: 0xf7, base: ET_BASE },
  DT: { serial: "00000DTS00000000", model: "GW8K-DT", ratedW: 8000, unit: 0x7f, base: DT_BASE },
  ES: { serial: "95048ESU227W0000", model: "GW5048D-ES", ratedW: 5000, unit: 0xf7, base: ES_BASE },
};

/**
 * Starts a simulated GoodWe inverter on 127.0.0.1: the RTU-over-UDP protocol (and AA55 for the ES
 * profile and the device-info probe), Modbus/TCP, and a discovery responder. Registers are seeded
 * from the recorded fixtures and, when `live`, follow the house model; writes change the house's
 * battery control (work mode, eco groups, EMS, export limit, DoD).
 */
export async function startGoodWeSimulator(options: GoodWeSimulatorOptions = {}): Promise<GoodWeSimulator> {
  const profile = options.profile ?? "ET";
  if (!["ET", "DT", "ES"].includes(profile)) throw new RangeError(`profile must be "ET", "DT" or "ES", got ${JSON.stringify(profile)}.`);
  const identity = IDENTITY[profile];
  const live = options.live ?? true;
  const faults: GoodWeFaults = { ...options.faults };
  if (options.house instanceof HouseModel && !options.clock)
    throw new RangeError("Pass the house model's clock as `clock` along with `house`.");
  const clock: Clock = options.clock ?? new VirtualClock({ mode: "accelerated", speed: 1 });
  const house = options.house instanceof HouseModel ? options.house : new HouseModel(options.house ?? DEFAULT_HOUSE[profile], clock);
  const timeZone = house.config.timeZone;
  const stringCapacityW = house.config.pv.capacityW / (house.config.pv.strings ?? 2);
  const firmware = { ecoModeV2: options.firmware?.ecoModeV2 ?? true, peakShaving: options.firmware?.peakShaving ?? false };
  const map = profile === "ET" ? seedEt(firmware) : profile === "DT" ? seedDt() : seedEs();
  const recordedEsRunning = esRunningPayload();
  const requests: GoodWeSimRequest[] = [];
  let clockOffsetMs = 0;
  const deviceTime = () => clock.now() + clockOffsetMs;

  const inputs = () => {
    const snapshot = house.now();
    return {
      snapshot,
      day: house.dayTotals(localDate(clock.now(), timeZone)),
      totals: house.totals(),
      deviceTime: deviceTime(),
      timeZone,
      stringCapacityW,
      base: identity.base,
    };
  };
  // The registers change at most once per second of the inverter's clock (its timestamps have
  // whole seconds), and after a write: a poll's three to five reads share one refresh.
  let refreshedAt: string | null = null;
  const refresh = () => {
    if (!live || profile === "ES") return;
    const second = `${Math.floor(clock.now() / 1000)}/${Math.floor(deviceTime() / 1000)}`;
    if (second === refreshedAt) return;
    refreshedAt = second;
    if (profile === "ET") refreshEt(map, inputs());
    else refreshDt(map, inputs());
  };
  const applyControl = () => {
    if (profile === "ET")
      house.setControl(
        etControl(map, {
          ratedW: identity.ratedW,
          encoding: firmware.ecoModeV2 ? "v2" : "v1",
          hardwareMinSoc: house.config.battery.minSoc,
        }),
      );
    else if (profile === "ES") house.setControl(esControl(map, house.config.battery.minSoc));
  };
  const written = (first: number, count: number) => {
    // The clock registers set the inverter's own clock.
    const clockRegister = profile === "ET" ? 45200 : profile === "DT" ? 40313 : null;
    if (clockRegister !== null && first <= clockRegister + 2 && first + count > clockRegister) {
      const b = map.read(clockRegister, 3);
      const local = b instanceof Uint8Array ? decodeDateTime(b, 0) : null;
      const instant = local ? parseLocalTimestamp(local, timeZone) : null;
      // An impossible date: the real inverter would refuse it; keep the clock as it was.
      if (instant) clockOffsetMs = instant.getTime() - clock.now();
    }
    refreshedAt = null;
    applyControl();
  };
  applyControl();

  const modbusCtx = { map, unit: identity.unit, faults, peakShaving: firmware.peakShaving, refresh, written };
  const aa55Ctx = {
    map,
    faults,
    deviceInfo:
      profile === "ES" ? esDeviceInfoPayload() : probePayload(profile === "ET" ? "08191" : "10101", identity.model, identity.serial),
    running: profile === "ES" ? () => (live ? refreshEsPayload(recordedEsRunning, inputs()) : recordedEsRunning) : null,
    written: () => applyControl(),
  };

  const record = (entry: Omit<GoodWeSimRequest, "at">) => {
    requests.push({ ...entry, at: clock.now() });
    if (requests.length > 5000) requests.shift();
  };
  const describe = (request: ModbusRequest): Pick<GoodWeSimRequest, "kind" | "register" | "count" | "values"> =>
    request.fn === FN_READ_HOLDING
      ? { kind: "read", register: request.register, count: request.count }
      : request.fn === FN_WRITE_SINGLE
        ? { kind: "write", register: request.register, count: 1, values: [request.value] }
        : { kind: "write", register: request.register, count: request.values.length / 2, values: registersOf(request.values) };

  /** Whether this request is to be swallowed by a fault (recorded as dropped). */
  const swallowed = (transport: "udp" | "tcp", bytes: Uint8Array): boolean => {
    if (faults.busy || (transport === "udp" && options.dtls)) {
      record({ transport, kind: "dropped", bytes: toHex(bytes) });
      return true;
    }
    if ((faults.dropRequests ?? 0) > 0) {
      faults.dropRequests = faults.dropRequests! - 1;
      record({ transport, kind: "dropped", bytes: toHex(bytes) });
      return true;
    }
    return false;
  };
  /** Uses up one of a counted fault; true when it applies to this request. */
  const countDown = (fault: "closeAfterProcessing" | "closeBeforeProcessing"): boolean => {
    if ((faults[fault] ?? 0) <= 0) return false;
    faults[fault] = faults[fault]! - 1;
    return true;
  };
  const replyDropped = (): boolean => {
    if ((faults.dropReplies ?? 0) > 0) {
      faults.dropReplies = faults.dropReplies! - 1;
      return true;
    }
    return false;
  };

  // Delayed and split replies wait on timers; close() clears them, so that none fires after it.
  const timers = new Set<NodeJS.Timeout>();
  let closed = false;
  const later = (fn: () => void, ms: number) => {
    const timer = setTimeout(() => {
      timers.delete(timer);
      if (!closed) fn();
    }, ms);
    timers.add(timer);
  };

  // ---- UDP ----
  const udp = createSocket("udp4");
  const sendUdp = (frame: Uint8Array, port: number, address: string) => {
    const send = () => {
      if (faults.strayDatagram) udp.send(Uint8Array.of(0xaa, 0x55, identity.unit, 0x06, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00), port, address);
      let out = faults.trailingGarbage ? Uint8Array.from([...frame, 0xff, 0xff, 0xff]) : frame;
      if (faults.corruptReplies) {
        out = out.slice();
        out[frame.length - 3]! ^= 0x01;
      }
      if (faults.truncateReplies !== undefined) out = out.subarray(0, faults.truncateReplies);
      const split =
        faults.splitReplies === true ? Math.floor(out.length / 2) : typeof faults.splitReplies === "number" ? faults.splitReplies : 0;
      if (split > 0 && split < out.length) {
        udp.send(out.subarray(0, split), port, address);
        later(() => udp.send(out.subarray(split), port, address), 5);
      } else {
        udp.send(out, port, address);
      }
    };
    if (faults.delayMs) later(send, faults.delayMs);
    else send();
  };
  udp.on("message", (msg, rinfo) => {
    const bytes = new Uint8Array(msg.buffer, msg.byteOffset, msg.byteLength);
    if (swallowed("udp", bytes)) return;
    if (bytes[0] === 0xaa && bytes[1] === 0x55) {
      const command = parseAa55Request(bytes);
      if (!command || "error" in command) return record({ transport: "udp", kind: "invalid", bytes: toHex(bytes) });
      const hex2 = toHex(Uint8Array.of(command.control, command.fn));
      record({
        transport: "udp",
        kind: command.control === 0x01 && command.fn === 0x02 ? "probe" : "aa55",
        command: hex2,
        bytes: toHex(bytes),
      });
      const answer = handleAa55(aa55Ctx, command);
      if (!answer || replyDropped()) return;
      sendUdp(encodeAa55Reply(answer.control, answer.fn, answer.payload), rinfo.port, rinfo.address);
      return;
    }
    const parsed = parseRtuRequest(bytes);
    if (!parsed || "error" in parsed) return record({ transport: "udp", kind: "invalid", bytes: toHex(bytes) });
    record({ transport: "udp", ...describe(parsed.request), bytes: toHex(bytes) });
    const reply = handleModbus(modbusCtx, parsed.address, parsed.request);
    if (!reply || replyDropped()) return;
    sendUdp(encodeRtuReply(parsed.address, reply), rinfo.port, rinfo.address);
  });
  await new Promise<void>((resolve, reject) => {
    udp.once("error", reject);
    udp.bind(options.udpPort ?? 0, "127.0.0.1", () => {
      udp.off("error", reject);
      resolve();
    });
  });

  // ---- TCP ----
  let tcp: Server | null = null;
  const sockets = new Set<Socket>();
  if (profile !== "ES" && options.tcpPort !== null) {
    tcp = createServer((socket) => {
      sockets.add(socket);
      socket.on("close", () => sockets.delete(socket));
      socket.on("error", () => socket.destroy());
      let buffer = new Uint8Array(0);
      socket.on("data", (chunk: Buffer) => {
        const merged = new Uint8Array(buffer.length + chunk.length);
        merged.set(buffer);
        merged.set(chunk, buffer.length);
        buffer = merged;
        for (;;) {
          const parsed = parseMbapRequest(buffer);
          if (parsed === null) return;
          const frame = buffer.slice(0, parsed.length);
          buffer = buffer.slice(parsed.length);
          if (swallowed("tcp", frame)) continue;
          if ("error" in parsed) {
            record({ transport: "tcp", kind: "invalid", bytes: toHex(frame) });
            continue;
          }
          record({ transport: "tcp", ...describe(parsed.request), bytes: toHex(frame) });
          if (countDown("closeBeforeProcessing")) return void socket.destroy();
          const reply: ModbusReply | null = handleModbus(modbusCtx, parsed.unit, parsed.request);
          if (countDown("closeAfterProcessing")) return void socket.destroy();
          if (!reply || replyDropped()) continue;
          let out = encodeMbapReply(
            parsed.transactionId,
            parsed.unit,
            reply,
            faults.mbapLengthField === undefined ? {} : { lengthField: faults.mbapLengthField },
          );
          if (faults.truncateReplies !== undefined) out = out.subarray(0, faults.truncateReplies);
          const send = () => {
            if (socket.destroyed) return;
            const split =
              faults.splitReplies === true ? Math.floor(out.length / 2) : typeof faults.splitReplies === "number" ? faults.splitReplies : 0;
            if (split > 0 && split < out.length) {
              socket.write(out.subarray(0, split));
              later(() => !socket.destroyed && socket.write(out.subarray(split)), 5);
            } else {
              socket.write(out);
            }
          };
          if (faults.delayMs) later(send, faults.delayMs);
          else send();
        }
      });
    });
    await new Promise<void>((resolve, reject) => {
      tcp!.once("error", reject);
      tcp!.listen(options.tcpPort ?? 0, "127.0.0.1", () => resolve());
    });
  }

  // ---- discovery ----
  let discovery: UdpSocket | null = null;
  if (options.discoveryPort !== null) {
    discovery = createSocket("udp4");
    const reply = options.dtls
      ? `dongle@${identity.serial.slice(-8)},dtls_port:8899,${identity.serial}`
      : (options.discoveryReply ?? `127.0.0.1,AABBCCDDEEFF,Solar-WiFi${identity.serial.slice(-6)}`);
    discovery.on("message", (msg, rinfo) => {
      const text = msg.toString("latin1");
      record({ transport: "discovery", kind: "probe", bytes: toHex(new Uint8Array(msg)) });
      if (text.trim() === "WIFIKIT-214028-READ") discovery!.send(reply, rinfo.port, rinfo.address);
    });
    await new Promise<void>((resolve, reject) => {
      discovery!.once("error", reject);
      discovery!.bind(options.discoveryPort ?? 0, "127.0.0.1", () => resolve());
    });
  }

  return {
    host: "127.0.0.1",
    udpPort: (udp.address() as AddressInfo).port,
    tcpPort: tcp ? (tcp.address() as AddressInfo).port : null,
    discoveryPort: discovery ? (discovery.address() as AddressInfo).port : null,
    family: profile,
    house,
    clock,
    registers: map,
    get requests() {
      return requests.slice();
    },
    clearRequests() {
      requests.length = 0;
    },
    setFaults(change: GoodWeFaults) {
      for (const [key, value] of Object.entries(change)) {
        if (value === undefined) delete (faults as Record<string, unknown>)[key];
        else (faults as Record<string, unknown>)[key] = value;
      }
    },
    deviceTime,
    async close() {
      closed = true;
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      for (const socket of sockets) socket.destroy();
      await Promise.all([
        new Promise<void>((resolve) => udp.close(() => resolve())),
        tcp ? new Promise<void>((resolve) => tcp!.close(() => resolve())) : Promise.resolve(),
        discovery ? new Promise<void>((resolve) => discovery!.close(() => resolve())) : Promise.resolve(),
      ]);
    },
  };
}
