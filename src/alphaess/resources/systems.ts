import { OpenPowerError } from "../../core/errors/index.js";
import { registerSecret } from "../../core/redact.js";
import type { AlphaEssSystemInfo, BindingResult, VerificationCodeResult } from "../models.js";
import type { SerialOrOptions } from "../options.js";
import { parseSystemList } from "../parse.js";
import { signalOf, type AlphaEssRequester } from "../requester.js";
import { assertCode } from "../validate.js";

/** Systems bound to the AppID and the binding flow (`client.systems`). */
export class AlphaEssSystems {
  readonly #r: AlphaEssRequester;

  /** @internal Made by the client (`client.systems`). */
  constructor(requester: AlphaEssRequester) {
    this.#r = requester;
  }

  /** Systems bound to this AppID (`getEssList`); `[]` when none. */
  async list(options: { signal?: AbortSignal } = {}): Promise<AlphaEssSystemInfo[]> {
    const { data } = await this.#r.call("getEssList", { signal: options.signal });
    return parseSystemList(data);
  }

  /**
   * Asks AlphaESS to e-mail a verification code to the system's registered owner (not to you),
   * the first step of binding. `checkCode` is printed on the device label. Never retried (each
   * attempt sends an e-mail). Code 6003 (already bound to this AppID) returns `alreadyBound: true`.
   * The check code is a credential: it is registered for redaction (and masked by name in logged URLs).
   */
  async getVerificationCode(checkCode: string, options?: SerialOrOptions): Promise<VerificationCodeResult> {
    const sn = this.#r.resolveSerial(options);
    const code = assertCode(checkCode, "checkCode");
    registerSecret(code);
    try {
      await this.#r.call("getVerificationCode", {
        sysSn: sn,
        query: { sysSn: sn, checkCode: code },
        signal: signalOf(options),
        retry: false,
      });
      return { serialNumber: sn, sent: true, alreadyBound: false };
    } catch (error) {
      if (error instanceof OpenPowerError && error.code === 6003) return { serialNumber: sn, sent: false, alreadyBound: true };
      throw error;
    }
  }

  /** Binds the system to this AppID with the e-mailed code (registered for redaction). Already bound (6003) counts as done. */
  async bind(verificationCode: string, options?: SerialOrOptions): Promise<BindingResult> {
    const sn = this.#r.resolveSerial(options);
    const code = assertCode(verificationCode, "verificationCode");
    registerSecret(code);
    try {
      await this.#r.call("bindSn", { sysSn: sn, json: { sysSn: sn, code }, signal: signalOf(options) });
      return { serialNumber: sn, changed: true, alreadyDone: false };
    } catch (error) {
      if (error instanceof OpenPowerError && error.code === 6003) return { serialNumber: sn, changed: false, alreadyDone: true };
      throw error;
    }
  }

  /** Unbinds the system from this AppID. Not bound (6005) counts as done. */
  async unbind(options?: SerialOrOptions): Promise<BindingResult> {
    const sn = this.#r.resolveSerial(options);
    try {
      await this.#r.call("unBindSn", { sysSn: sn, json: { sysSn: sn }, signal: signalOf(options) });
      return { serialNumber: sn, changed: true, alreadyDone: false };
    } catch (error) {
      if (error instanceof OpenPowerError && error.code === 6005) return { serialNumber: sn, changed: false, alreadyDone: true };
      throw error;
    }
  }
}
