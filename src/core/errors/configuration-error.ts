import { OpenPowerError, type ErrorDetails } from "./openpower-error.js";

/** A setting is missing or invalid (credentials, base URL, time zone, config file). */
export class ConfigurationError extends OpenPowerError {
  static {
    this.prototype.name = "ConfigurationError";
  }
  /** The setting that is missing or wrong, e.g. "appSecret" or "OPENPOWER_AMBER_TOKEN". */
  readonly setting: string | undefined;

  constructor(message: string, details: ErrorDetails & { setting?: string } = {}) {
    super(message, { ...details, retryable: false });
    this.setting = details.setting;
  }
}
