import { ConfigurationError, OpenPowerError } from "../core/errors/index.js";
import { createStderrLogger, type Logger } from "../core/logger.js";
import type { Vendor } from "../model/types.js";
import { AUTOMATION_SECTION } from "./config/automation-settings.js";
import { loadConfig, type ResolvedConfig } from "./config/load.js";
import { MQTT_SECTION } from "./config/mqtt-settings.js";
import { resolvePaths, type CliPaths } from "./config/paths.js";
import type { Io } from "./io.js";
import { useColor } from "./output/color.js";
import { Output, type Format } from "./output/output.js";
import { loadPlugins } from "./vendors/registry.js";
import type { ConnectOptions, PluginFeature, VendorPlugin, VendorSession } from "./vendors/types.js";

/** The options every command accepts (defined on the program). */
export interface GlobalOptions {
  config?: string;
  dotenv?: string;
  /** The old name of --dotenv (hidden). */
  envFile?: string;
  set?: string[];
  color?: boolean;
  debug?: boolean;
}

export interface SessionFailure {
  vendor: Vendor;
  error: unknown;
}

/**
 * What a command runs with: the streams, the output layer, the paths, and lazily the config and
 * the connected vendor sessions. The demo and in-process tests give it ready sessions instead.
 */
export class CommandContext {
  readonly out: Output;
  readonly paths: CliPaths;
  readonly debug: boolean;
  readonly logger: Logger | undefined;
  /** The command line as typed (for the audit log). */
  readonly argv: readonly string[];
  private configPromise: Promise<ResolvedConfig> | undefined;
  private pluginsPromise: Promise<VendorPlugin[]> | undefined;
  private readonly preset: VendorSession[] | undefined;
  private readonly connecting = new Map<Vendor, Promise<{ session: VendorSession } | { vendor: Vendor; error: unknown }>>();
  private readonly opened: VendorSession[] = [];
  private readonly warned = new Set<Vendor>();

  constructor(
    readonly io: Io,
    readonly global: GlobalOptions,
    format: Format,
    options: { raw?: boolean; sessions?: VendorSession[]; argv?: readonly string[] } = {},
  ) {
    this.out = new Output(io, format, useColor(io, global.color), { raw: options.raw });
    this.paths = resolvePaths(io.env, io.cwd, global.config);
    this.debug = global.debug === true;
    this.logger = this.debug ? createStderrLogger("debug") : undefined;
    this.argv = options.argv ?? [];
    this.preset = options.sessions;
  }

  plugins(): Promise<VendorPlugin[]> {
    return (this.pluginsPromise ??= loadPlugins());
  }

  config(): Promise<ResolvedConfig> {
    return (this.configPromise ??= this.plugins().then((plugins) => {
      const config = loadConfig({
        file: this.paths.configFile,
        // A file named with --config must exist; OPENPOWER_CONFIG may name one not created yet.
        fileRequired: this.paths.configSource === "--config",
        env: this.io.env,
        cwd: this.io.cwd,
        envFile: this.global.dotenv ?? this.global.envFile,
        overrides: this.global.set ?? [],
        sections: [...plugins.map((p) => ({ name: p.name, title: p.title, settings: p.settings })), MQTT_SECTION, AUTOMATION_SECTION],
      });
      for (const warning of config.warnings) this.out.warn(warning);
      return config;
    }));
  }

  connectOptions(): ConnectOptions {
    return { cwd: this.io.cwd, logger: this.logger };
  }

  /**
   * Connects every configured vendor (or only those in `only`; the others are not even loaded),
   * and with `provides` only the vendors whose plugin can have that at all (a battery schedule,
   * EV chargers, systems), so that a command about one kind of device does not wait for vendors
   * that cannot have it. A vendor that cannot connect is reported in `failures` (and connected
   * again by the next call: `watch` retries); none configured at all is a ConfigurationError
   * saying how to start.
   */
  async sessions(only?: readonly Vendor[], provides?: PluginFeature): Promise<{ sessions: VendorSession[]; failures: SessionFailure[] }> {
    const keep = (p: VendorPlugin) => (!only || only.length === 0 || only.includes(p.name)) && (!provides || p.provides[provides] === true);
    if (this.preset) {
      const plugins = await this.plugins();
      const kept = new Set(plugins.filter(keep).map((p) => p.name));
      return { sessions: this.preset.filter((s) => kept.has(s.vendor)), failures: [] };
    }
    const [plugins, config] = await Promise.all([this.plugins(), this.config()]);
    const configured = plugins.filter((p) => p.isConfigured(config.sections[p.name]));
    if (configured.length === 0) {
      const where = config.fileExists ? `${config.file} configures no vendor` : `there is no config file (${config.file})`;
      throw new ConfigurationError(
        `Nothing to talk to: ${where} and no OPENPOWER_* credentials are set. Run "openpower config init", set the variables listed by "openpower config --help", or try "openpower demo".`,
        { setting: "config" },
      );
    }
    if (only && only.length > 0 && !configured.some((p) => only.includes(p.name))) {
      throw new ConfigurationError(
        `${only.join(", ")} ${only.length === 1 ? "is" : "are"} not configured. Run "openpower config init", or set the environment variables listed by "openpower config --help".`,
        { setting: only.join(",") },
      );
    }
    // None left after `provides`: no sessions; the command says that none can do what it needs.
    const wanted = configured.filter(keep);
    const outcomes = await Promise.all(wanted.map((plugin) => this.connect(plugin, config)));
    return {
      sessions: outcomes.flatMap((o) => ("session" in o ? [o.session] : [])),
      failures: outcomes.flatMap((o) => ("error" in o ? [{ vendor: o.vendor, error: o.error }] : [])),
    };
  }

  private connect(plugin: VendorPlugin, config: ResolvedConfig): Promise<{ session: VendorSession } | { vendor: Vendor; error: unknown }> {
    let pending = this.connecting.get(plugin.name);
    if (!pending) {
      if (!this.warned.has(plugin.name)) for (const warning of config.ignored[plugin.name] ?? []) this.out.warn(warning);
      this.warned.add(plugin.name);
      pending = plugin.connect(config.sections[plugin.name] ?? {}, this.connectOptions()).then(
        (session) => {
          this.opened.push(session);
          return { session };
        },
        (error: unknown) => {
          if (!(error instanceof OpenPowerError)) throw error;
          // Not kept: the next call tries again (watch retries a vendor that was down).
          this.connecting.delete(plugin.name);
          return { vendor: plugin.name, error };
        },
      );
      this.connecting.set(plugin.name, pending);
    }
    return pending;
  }

  /** One vendor's session; throws when it is not configured or cannot connect. */
  async session(vendor: Vendor): Promise<VendorSession> {
    const { sessions, failures } = await this.sessions([vendor]);
    if (sessions[0]) return sessions[0];
    throw failures[0]!.error;
  }

  async close(): Promise<void> {
    await Promise.allSettled(this.opened.splice(0).map((s) => s.close()));
  }
}
