/**
 * GoodWe benchmarks:
 * - a full ET runtime poll (running data 35100×125, battery 37000×24, meter 36000×45) on loopback,
 *   over UDP and Modbus/TCP, p50/p99, against a raw `dgram` round trip of the same three requests
 *   without any framing checks or decoding (the baseline, measured in the same run);
 * - frame-decode throughput: AA55/RTU framing + CRC of the 257-byte running-data reply, and the full
 *   decode into sensor values (target >= 200k frames/s; we hold both to it).
 * Run: npx tsx -e 'import("./bench/goodwe.ts").then(m => m.run())'
 */
import { createSocket } from "node:dgram";
import { performance } from "node:perf_hooks";
import { GoodWeInverter } from "../src/goodwe/inverter.js";
import { decodeEtRunning } from "../src/goodwe/families/et.js";
import { fromHex } from "../src/goodwe/protocol/bytes.js";
import { FN_READ_HOLDING } from "../src/goodwe/protocol/pdu.js";
import { assessRtuReply, encodeRtuRequest } from "../src/goodwe/protocol/rtu.js";
import { startGoodWeSimulator } from "../src/sim/goodwe/index.js";
import { ET_RUNNING_35100 } from "../src/sim/goodwe/recorded.js";

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

function summary(name: string, samples: number[]): { p50: number; p99: number } {
  const sorted = [...samples].sort((a, b) => a - b);
  const p50 = percentile(sorted, 50);
  const p99 = percentile(sorted, 99);
  console.log(`${name.padEnd(44)} p50 ${p50.toFixed(3)} ms  p99 ${p99.toFixed(3)} ms  (${samples.length} polls)`);
  return { p50, p99 };
}

async function rawUdpPoll(port: number, polls: number): Promise<number[]> {
  const requests = [
    encodeRtuRequest(0xf7, { fn: FN_READ_HOLDING, register: 35100, count: 125 }),
    encodeRtuRequest(0xf7, { fn: FN_READ_HOLDING, register: 37000, count: 24 }),
    encodeRtuRequest(0xf7, { fn: FN_READ_HOLDING, register: 36000, count: 45 }),
  ];
  const socket = createSocket("udp4");
  await new Promise<void>((r) => socket.connect(port, "127.0.0.1", () => r()));
  let waiting: (() => void) | null = null;
  socket.on("message", () => waiting?.());
  const times: number[] = [];
  for (let i = 0; i < polls; i++) {
    const t0 = performance.now();
    for (const request of requests) {
      await new Promise<void>((resolve) => {
        waiting = resolve;
        socket.send(request);
      });
    }
    times.push(performance.now() - t0);
  }
  socket.close();
  return times;
}

async function clientPoll(inverter: GoodWeInverter, polls: number): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < polls; i++) {
    const t0 = performance.now();
    await inverter.readRuntimeData();
    times.push(performance.now() - t0);
  }
  return times;
}

function throughput(name: string, seconds: number, fn: () => unknown): number {
  for (let i = 0; i < 20_000; i++) fn(); // warm up
  let n = 0;
  const end = performance.now() + seconds * 1000;
  const t0 = performance.now();
  while (performance.now() < end) {
    for (let i = 0; i < 1000; i++) fn();
    n += 1000;
  }
  const rate = n / ((performance.now() - t0) / 1000);
  console.log(`${name.padEnd(44)} ${Math.round(rate).toLocaleString("en-US")} frames/s`);
  return rate;
}

export async function run(): Promise<void> {
  const polls = 2000;
  const sim = await startGoodWeSimulator({ live: false });
  try {
    const udp = new GoodWeInverter({ host: sim.host, port: sim.udpPort, family: "ET", timeoutMs: 1000 });
    const tcp = new GoodWeInverter({ host: sim.host, port: sim.tcpPort!, transport: "tcp", family: "ET", timeoutMs: 1000 });
    await udp.readDeviceInfo();
    await tcp.readDeviceInfo();
    await clientPoll(udp, 200); // warm up
    await clientPoll(tcp, 200);
    await rawUdpPoll(sim.udpPort, 200);
    console.log("Full ET runtime poll on loopback (3 blocks: 125 + 24 + 45 registers):");
    const raw = summary("baseline: raw dgram round trips, no decoding", await rawUdpPoll(sim.udpPort, polls));
    const u = summary("GoodWeInverter.readRuntimeData over UDP", await clientPoll(udp, polls));
    const t = summary("GoodWeInverter.readRuntimeData over TCP", await clientPoll(tcp, polls));
    console.log(
      `  UDP client / baseline: p50 ×${(u.p50 / raw.p50).toFixed(2)}, p99 ×${(u.p99 / raw.p99).toFixed(2)}; TCP / baseline: p50 ×${(t.p50 / raw.p50).toFixed(2)}`,
    );
    await udp.close();
    await tcp.close();
  } finally {
    await sim.close();
  }

  const frame = fromHex(`aa55f703fa${ET_RUNNING_35100}55ae`);
  const request = { fn: FN_READ_HOLDING, register: 35100, count: 125 } as const;
  if (assessRtuReply(frame, request).status !== "complete") throw new Error("bench frame does not check");
  console.log("Frame decoding (the recorded 257-byte ET running-data reply):");
  const framing = throughput("AA55 + RTU framing and CRC (assessRtuReply)", 1, () => assessRtuReply(frame, request));
  const full = throughput("framing + all 90 running sensors decoded", 1, () => {
    const r = assessRtuReply(frame, request);
    return r.status === "complete" && r.value.kind === "read" ? decodeEtRunning(r.value.data) : null;
  });
  const verdict = (rate: number) => `${rate >= 200_000 ? "met" : "NOT met"} (×${(rate / 200_000).toFixed(2)})`;
  console.log(`  target >= 200,000 frames/s: framing ${verdict(framing)}, framing + full decode ${verdict(full)}`);
}
