import { ValidationError } from "../../core/errors/index.js";
import { diffFields } from "../../model/helpers.js";
import { VENDOR } from "../envelope.js";
import type { AlphaEssWrite, EvCharger, EvChargerCurrentSettings, EvChargerStatus } from "../models.js";
import type { SerialOrOptions, WriteCallOptions } from "../options.js";
import { parseEvChargerCurrents, parseEvChargers, parseEvChargerStatus } from "../parse.js";
import { signalOf, writeOptionsOf, type AlphaEssRequester } from "../requester.js";
import { assertCurrentLimit, assertSerial } from "../validate.js";

/** EV chargers (`client.ev`). */
export class AlphaEssEv {
  readonly #r: AlphaEssRequester;

  /** @internal Made by the client (`client.ev`). */
  constructor(requester: AlphaEssRequester) {
    this.#r = requester;
  }

  /** EV chargers of the system (`getEvChargerConfigList`); `[]` when none is fitted. */
  async list(options?: SerialOrOptions): Promise<EvCharger[]> {
    const sn = this.#r.resolveSerial(options);
    const { data } = await this.#r.call("getEvChargerConfigList", { sysSn: sn, query: { sysSn: sn }, signal: signalOf(options) });
    return parseEvChargers(data);
  }
  /** The household current limit the chargers share, A (`getEvChargerCurrentsBySn`). */
  async getCurrentLimit(options?: SerialOrOptions): Promise<EvChargerCurrentSettings> {
    const sn = this.#r.resolveSerial(options);
    const { data } = await this.#r.call("getEvChargerCurrentsBySn", { sysSn: sn, query: { sysSn: sn }, signal: signalOf(options) });
    return parseEvChargerCurrents(data, sn);
  }

  /** Sets the household current limit, A (6..100; `setEvChargerCurrentsBySn`, a POST). */
  async setCurrentLimit(amps: number, options?: string | WriteCallOptions): Promise<AlphaEssWrite<{ currentLimitA: number | null }>> {
    const sn = this.#r.resolveSerial(options);
    const opts = writeOptionsOf(options);
    const currentLimitA = assertCurrentLimit(amps, "amps");
    return this.#r.queuedWrite<{ currentLimitA: number | null }>({
      sn,
      endpoint: "setEvChargerCurrentsBySn",
      opts,
      before: null,
      requested: { currentLimitA },
      payload: { sysSn: sn, currentsetting: currentLimitA },
      readBack: async () => ({
        currentLimitA: (await this.getCurrentLimit({ serialNumber: sn, signal: opts.signal })).currentLimitA,
      }),
      compare: (want, got) => diffFields(want, got),
    });
  }

  /** A charger's status as a typed state (`getEvChargerStatusBySn`). */
  async status(chargerSerialNumber: string, options?: SerialOrOptions): Promise<EvChargerStatus> {
    const sn = this.#r.resolveSerial(options);
    const charger = assertSerial(chargerSerialNumber, "chargerSerialNumber");
    const { data } = await this.#r.call("getEvChargerStatusBySn", {
      sysSn: sn,
      query: { sysSn: sn, evchargerSn: charger },
      signal: signalOf(options),
    });
    return parseEvChargerStatus(data, sn, charger);
  }

  /**
   * Starts (`charging: true`) or stops a charger (`remoteControlEvCharger`). With `verify: true`
   * the status is read back: a start is taken when the charger reports Charging, a stop when it
   * no longer does (the car may take a moment to respond; a start into SuspendedEV reads as not taken).
   */
  async control(
    chargerSerialNumber: string,
    charging: boolean,
    options?: string | WriteCallOptions,
  ): Promise<AlphaEssWrite<{ charging: boolean }>> {
    const sn = this.#r.resolveSerial(options);
    const opts = writeOptionsOf(options);
    const charger = assertSerial(chargerSerialNumber, "chargerSerialNumber");
    if (typeof charging !== "boolean")
      throw new ValidationError(`charging must be true (start) or false (stop), got ${JSON.stringify(charging)}. Nothing was sent.`, {
        vendor: VENDOR,
        field: "charging",
      });
    return this.#r.queuedWrite<{ charging: boolean }>({
      sn,
      endpoint: "remoteControlEvCharger",
      opts,
      before: null,
      requested: { charging },
      payload: { sysSn: sn, evchargerSn: charger, controlMode: charging ? 1 : 0 },
      readBack: async () => ({
        charging: (await this.status(charger, { serialNumber: sn, signal: opts.signal })).state === "charging",
      }),
      compare: (want, got) => diffFields(want, got),
    });
  }
}
