import { createSocket } from "node:dgram";
import { isIP } from "node:net";
import { abortReason } from "../core/clock.js";
import { ConfigurationError, ConnectionError } from "../core/errors/index.js";

/**
 * Discovery of GoodWe WiFi/LAN dongles: the ASCII probe `WIFIKIT-214028-READ` to UDP 48899
 * (broadcast, or one address), answered in one of three formats:
 *
 * - classic dongles: `<ip>,<mac>,<ap-name>` (e.g. `192.168.1.14,AABBCCDDEEFF,Solar-WiFi123`);
 * - Kit-20 LAN: `ccm@<sn>,ccm@<sn>,Solar-<sn>`;
 * - Kit-20 "Cyber Security" dongles: `dongle@<sn>,dtls_port:8899,<inverter SN>`. These wrap the
 *   protocol in DTLS and silently drop plaintext, which openpower does not speak yet.
 */

export const DISCOVERY_PORT = 48899;
export const DISCOVERY_MESSAGE = "WIFIKIT-214028-READ";

export type DongleKind = "classic" | "kit20" | "dtls" | "unknown";

export interface DiscoveredDongle {
  kind: DongleKind;
  /** The address the reply came from (what to connect to). */
  address: string;
  /** The IP the dongle reports (classic format), else null. */
  reportedIp: string | null;
  /** MAC address, upper-case hex without separators (classic format), else null. */
  mac: string | null;
  /** The dongle's access-point name (classic) or third field (Kit-20). */
  name: string | null;
  /** The dongle's serial (Kit-20 formats), else null. */
  dongleSerial: string | null;
  /** The inverter serial the DTLS format reports, else null. */
  inverterSerial: string | null;
  /** The DTLS port (DTLS format), else null. */
  dtlsPort: number | null;
  /** Whether openpower can talk to this dongle (false for DTLS dongles). */
  supported: boolean;
  /** The reply as received. */
  raw: string;
}

/** Parses one discovery reply. Never throws: an unknown format comes back as kind "unknown". */
export function parseDiscoveryReply(text: string, address: string): DiscoveredDongle {
  const raw = text.replace(/[\r\n\0]+$/g, "");
  const fields = raw.split(",").map((f) => f.trim());
  const base: DiscoveredDongle = {
    kind: "unknown",
    address,
    reportedIp: null,
    mac: null,
    name: null,
    dongleSerial: null,
    inverterSerial: null,
    dtlsPort: null,
    supported: true,
    raw,
  };
  const dtls = fields.find((f) => /^dtls_port:/i.test(f));
  if (dtls) {
    const port = Number.parseInt(dtls.slice(dtls.indexOf(":") + 1), 10);
    const dongle = fields[0] ?? "";
    return {
      ...base,
      kind: "dtls",
      dongleSerial: dongle.includes("@") ? dongle.slice(dongle.indexOf("@") + 1) : dongle || null,
      dtlsPort: Number.isFinite(port) ? port : null,
      inverterSerial: fields.find((f, i) => i > 0 && !/^dtls_port:/i.test(f)) ?? null,
      supported: false,
    };
  }
  if (fields[0] && isIP(fields[0])) {
    const mac = (fields[1] ?? "").replace(/[^0-9a-fA-F]/g, "").toUpperCase();
    return { ...base, kind: "classic", reportedIp: fields[0], mac: mac.length === 12 ? mac : null, name: fields[2] ?? null };
  }
  if (/^ccm@/i.test(fields[0] ?? "")) {
    return { ...base, kind: "kit20", dongleSerial: fields[0]!.slice(4) || null, name: fields[2] ?? null };
  }
  return base;
}

export interface DiscoverOptions {
  /** Where to send the probe: the broadcast address (default) or one dongle's address. */
  address?: string;
  port?: number;
  /** How long to collect replies, ms. Default 2000. */
  timeoutMs?: number;
  /** Stop at the first reply. */
  first?: boolean;
  signal?: AbortSignal;
}

/** Broadcasts the discovery probe and collects the replies (one per responding address). */
export async function discover(options: DiscoverOptions = {}): Promise<DiscoveredDongle[]> {
  const address = options.address ?? "255.255.255.255";
  const port = options.port ?? DISCOVERY_PORT;
  const timeoutMs = options.timeoutMs ?? 2000;
  const { signal } = options;
  if (signal?.aborted) throw abortReason(signal);
  const socket = createSocket({ type: isIP(address) === 6 ? "udp6" : "udp4" });
  const found = new Map<string, DiscoveredDongle>();
  try {
    await new Promise<void>((resolve, reject) => {
      socket.once("error", reject);
      socket.bind(0, () => {
        socket.off("error", reject);
        resolve();
      });
    });
    if (signal?.aborted) throw abortReason(signal);
    if (isIP(address) === 4) socket.setBroadcast(true);
    await new Promise<void>((resolve, reject) => {
      const state: { timer?: NodeJS.Timeout } = {};
      const finish = (error?: unknown) => {
        clearTimeout(state.timer);
        signal?.removeEventListener("abort", onAbort);
        if (error) reject(error);
        else resolve();
      };
      const onAbort = () => finish(abortReason(signal!));
      signal?.addEventListener("abort", onAbort, { once: true });
      socket.on("message", (msg, rinfo) => {
        const text = msg.toString("latin1");
        if (text === DISCOVERY_MESSAGE) return; // our own broadcast, looped back
        found.set(rinfo.address, parseDiscoveryReply(text, rinfo.address));
        if (options.first) finish();
      });
      socket.on("error", (error) =>
        finish(
          new ConnectionError(`GoodWe discovery failed: ${error.message}.`, {
            vendor: "goodwe",
            sent: false,
            systemCode: (error as NodeJS.ErrnoException).code,
            cause: error,
          }),
        ),
      );
      socket.send(DISCOVERY_MESSAGE, port, address, (error) => {
        if (error)
          finish(
            new ConnectionError(`Could not send the GoodWe discovery probe to ${address}:${port}: ${error.message}.`, {
              vendor: "goodwe",
              sent: false,
              systemCode: (error as NodeJS.ErrnoException).code,
              cause: error,
            }),
          );
      });
      state.timer = setTimeout(() => finish(), timeoutMs);
    });
  } finally {
    socket.close();
  }
  return [...found.values()];
}

/** The error for a dongle that speaks DTLS: clear and immediate instead of a timeout. */
export function dtlsNotSupported(dongle: DiscoveredDongle, host: string): ConfigurationError {
  return new ConfigurationError(
    `The GoodWe dongle at ${host} is a Kit-20 "Cyber Security" dongle: it wraps the protocol in DTLS on UDP ${dongle.dtlsPort ?? 8899} and drops plain requests. ` +
      `openpower does not support DTLS yet. If the dongle offers Modbus/TCP, connect with port 502; otherwise use the SEMS cloud client.` +
      (dongle.inverterSerial ? ` (inverter ${dongle.inverterSerial})` : ""),
    { vendor: "goodwe", setting: "port", code: "dtls-not-supported" },
  );
}
