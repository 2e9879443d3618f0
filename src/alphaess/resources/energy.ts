import type { AlphaEssDailyEnergy, AlphaEssPowerHistory, AlphaEssRealtimePower, AlphaEssSystemSummary } from "../models.js";
import type { SerialOrOptions } from "../options.js";
import { parseDailyEnergy, parsePowerHistory, parseRealtimePower, parseSystemSummary } from "../parse.js";
import { signalOf, type AlphaEssRequester } from "../requester.js";

/** Power and energy readings (`client.energy`). */
export class AlphaEssEnergy {
  readonly #r: AlphaEssRequester;

  /** @internal Made by the client (`client.energy`). */
  constructor(requester: AlphaEssRequester) {
    this.#r = requester;
  }

  /**
   * Real-time power (`getLastPowerData`): W, + grid import, + battery discharge, SOC as a
   * fraction, with per-string PV, per-phase grid and inverter, and per-charger EV detail.
   * An all-null payload (Storion-S5) is returned as data with `allNull: true`. An offline
   * system answers 6042 (an `ApiError`, retryable) rather than stale figures.
   */
  async realtime(options?: SerialOrOptions): Promise<AlphaEssRealtimePower> {
    const sn = this.#r.resolveSerial(options);
    const { data, receivedAt } = await this.#r.call("getLastPowerData", { sysSn: sn, query: { sysSn: sn }, signal: signalOf(options) });
    return parseRealtimePower(data, sn, new Date(receivedAt));
  }
  /** Today's and lifetime counters (`getSumDataForCustomer`); "today" rolls over at UTC midnight on the server. */
  async summary(options?: SerialOrOptions): Promise<AlphaEssSystemSummary> {
    const sn = this.#r.resolveSerial(options);
    const { data } = await this.#r.call("getSumDataForCustomer", { sysSn: sn, query: { sysSn: sn }, signal: signalOf(options) });
    return parseSystemSummary(data, sn);
  }

  /**
   * The power series of one local day (`getOneDayPowerBySn`), about one sample per 5 minutes,
   * **oldest first**, timestamps parsed in this instance's `timeZone`. `date` is "YYYY-MM-DD" in
   * that zone, or a `Date` whose local date there is used.
   */
  async powerHistory(date: string | Date, options?: SerialOrOptions): Promise<AlphaEssPowerHistory> {
    const sn = this.#r.resolveSerial(options);
    const day = this.#r.queryDate(date);
    const { data } = await this.#r.call("getOneDayPowerBySn", {
      sysSn: sn,
      query: { sysSn: sn, queryDate: day },
      signal: signalOf(options),
    });
    return parsePowerHistory(data, sn, day, this.#r.timeZone);
  }

  /** Energy of one local day (`getOneDateEnergyBySn`), kWh; `aggregated: false` when the server has no figures yet. */
  async dailyEnergy(date: string | Date, options?: SerialOrOptions): Promise<AlphaEssDailyEnergy> {
    const sn = this.#r.resolveSerial(options);
    const day = this.#r.queryDate(date);
    const { data } = await this.#r.call("getOneDateEnergyBySn", {
      sysSn: sn,
      query: { sysSn: sn, queryDate: day },
      signal: signalOf(options),
    });
    return parseDailyEnergy(data, sn, day);
  }
}
