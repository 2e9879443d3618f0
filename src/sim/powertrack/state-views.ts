import { addDays, daysBetween } from "../../core/time/calendar-date.js";
import { localDate, startOfLocalDay } from "../../core/time/zoned.js";
import { hash01, hash32 } from "../kernel.js";
import { dayAsZ, formatted, iso7, isoZ } from "./format.js";
import { SIM_DEVICE_TYPES, type SimHardware, type SimSite } from "./portfolio.js";
import { HARDWARE_STATUS_TEMPLATE, STATUS_REGISTERS_TEMPLATE, VIEW_SITE_TEMPLATE } from "./templates.js";
import { SimObjectState } from "./state-objects.js";
import { SimHttpError, clone } from "./state-session.js";

type Obj = Record<string, unknown>;

/** The read-only views: portfolio, site, production, status, alert summary. */
export abstract class SimViewState extends SimObjectState {
  /** Active alerts of one device: communication loss is critical, a down inverter high, some noise. */
  protected alertOf(site: SimSite, h: SimHardware): { maxSeverity: number; count: number } | null {
    if (h.hardwareStatus === 3 && site.status === 8) return { maxSeverity: 4, count: 1 };
    if (h.faulted) return { maxSeverity: 3, count: 2 };
    const r = hash01(site.seed, h.number, 7);
    if (r < 0.003) return { maxSeverity: 5, count: 1 };
    if (r < 0.03) return { maxSeverity: 1, count: 1 };
    return null;
  }

  activeSummary(key: string): Obj {
    let sites: SimSite[];
    let only: string | null = null;
    if (key.startsWith("C")) {
      if (!this.portfolio.customers.includes(key)) throw new SimHttpError(404, `Customer ${key} was not found.`);
      sites = this.portfolio.sitesOf(key).map((i) => this.portfolio.site(i)!);
    } else if (key.startsWith("S")) sites = [this.site(key)];
    else {
      sites = [this.hardware(key).site];
      only = key;
    }
    const hardwareSummary: Obj = {};
    const siteSummary: Obj = {};
    let total = 0;
    for (const site of sites) {
      let siteMax = -1;
      let siteCount = 0;
      for (const h of site.hardware) {
        if (only && h.key !== only) continue;
        const a = this.alertOf(site, h);
        if (!a) continue;
        hardwareSummary[h.key] = a;
        total += a.count;
        siteCount += a.count;
        siteMax = Math.max(siteMax, a.maxSeverity);
      }
      if (siteCount > 0 && !only) siteSummary[site.key] = { maxSeverity: siteMax, count: siteCount };
    }
    return { hardwareSummary, siteSummary, total };
  }

  /** One portfolio row (`view/portfolio` `sites[]`), with the quirks of the real rows. */
  portfolioRow(site: SimSite, now: number, withPlots: boolean): Obj {
    const config = this.storedSiteConfigs.get(site.key);
    const powerKw = this.portfolio.sitePowerW(site, now) / 1000;
    const today = this.portfolio.todayKwh(site, now);
    const tz = site.location.tz;
    const day = localDate(now, tz);
    const dayStart = startOfLocalDay(day, tz).getTime();
    const expected = this.portfolio.expectedTodayKwh(site, now);
    // Haze, soiling and wiring: a healthy site makes about 96 % of the clear-sky model on a clear day.
    const expectedToday = expected.day * 0.96;
    const expectedSoFar = expected.soFar * 0.96;
    const inverters = site.hardware.filter((h) => h.functionCode === 1);
    const faults = inverters.filter((h) => h.faulted || h.hardwareStatus === 3).length;
    const availability = inverters.length ? (100 * (inverters.length - faults)) / inverters.length : 100;
    const clearPowerKw = Math.min(site.acKw, (site.dcKw * 0.86 * Math.max(0, this.portfolio.irradiance(site, now))) / 1000);
    const energyRatio = expectedSoFar > 0.5 ? (100 * today) / expectedSoFar : 0;
    const plotActual: number[] = [];
    const plotAverage: number[] = [];
    if (withPlots) {
      for (let i = 0; i < 96; i++) {
        const t = dayStart + i * 15 * 60_000;
        plotActual.push(t <= now ? Math.round(this.portfolio.sitePowerW(site, t) / 1000) : 0);
        plotAverage.push(
          Math.round((this.portfolio.sitePowerW(site, t - 7 * 86_400_000) + this.portfolio.sitePowerW(site, t - 86_400_000)) / 2000),
        );
      }
    }
    const lastData = site.status === 8 ? now - 7 * 60_000 : this.offlineSince();
    const custom = ["", "", hash01(site.seed, 80) < 0.3 ? "4P.Clean Capital" : "", "", "", ""];
    const row: Obj = {
      alertName: faults > 0 ? "Inverter offline" : "",
      alertSeverity: faults > 0 ? 3 : null,
      availability,
      availabilityLoss: 100 - availability,
      availableEnergy: null,
      calculatedInverterAvailability: availability,
      capacityDc: site.dcKw,
      chargeDischarge: null,
      downtimeLoss: faults > 0 ? today * (faults / Math.max(1, inverters.length)) : 0,
      energyAvailability: availability,
      energyAvailabilityLoss: 100 - availability,
      energyCapacity: null,
      energyLoss: Math.max(0, expectedSoFar - today),
      energyRatio,
      estimatedCommissioningDate: dayAsZ(addDays(site.installDate, 20)),
      // Zone-less on the real server, unlike its neighbour above.
      expirationDate: `${site.contractEndDate}T00:00:00`,
      gridOffline: 0,
      ground: 1 + (hash32(site.seed, 81) % 3),
      id: site.number,
      insolation: (today / Math.max(1, site.dcKw)) * 1.1,
      inverterCount: inverters.length,
      inverterFaults: faults,
      irradiance: this.portfolio.irradiance(site, now),
      key: site.key,
      kioskStatus: -1,
      kiosks: site.hardware.some((h) => h.functionCode === 9) ? 1 : 0,
      kwPercent: clearPowerKw > 0 ? (100 * powerKw) / clearPowerKw : 0,
      kwhPercent: energyRatio,
      lastDataUTC: isoZ(lastData),
      lastMonth: Math.round(site.acKw * 4 * 30),
      lastUpload: isoZ(lastData + 60_000),
      lastYear: Math.round(site.acKw * 4.2 * 365),
      lifetime: this.portfolio.lifetimeKwh(site, now),
      message: "",
      monitoredSiteType: 0,
      name: (config?.name as string | undefined) ?? site.name,
      // The real rows name the site itself as parent.
      parentKey: site.key,
      paymentStatus: 3145728,
      performanceIndex: energyRatio / 100,
      performanceTestDelta: energyRatio - 1,
      performanceTestStatus: 2,
      performanceTestValue: energyRatio,
      power: powerKw,
      power24: Math.round(powerKw * 12),
      power24Est: clearPowerKw * 12,
      powerAvg15: powerKw,
      powerAvg15Exp: clearPowerKw,
      pvCapacityAc: site.acKw,
      pvCapacityDc: site.dcKw,
      ratedPower: null,
      reminderColor: "rgba(211,211,211,1)",
      revenueLoss: site.revenueLossNaN ? "NaN" : Math.max(0, expectedSoFar - today) * 0.18,
      rolling24Kw: [],
      rolling24KwIdx: 0,
      ruleToolSummary: {
        communication: site.status === 8 ? 0 : 3,
        configuration: 2,
        data: 0,
        message: "",
        performance: faults > 0 ? 4 : 1,
        timestamp: isoZ(dayStart + 5 * 3_600_000),
      },
      sizeDC: site.dcKw,
      sizeKW: site.acKw,
      soilingLoss: 0,
      stateOfCharge: null,
      status: site.status,
      systemSize: site.acKw,
      thisMonth: Math.round(site.acKw * 3.9 * Number(day.slice(8, 10))),
      thisYear: Math.round(site.acKw * 4.1 * (daysBetween(`${day.slice(0, 4)}-01-01`, day) + 1)),
      timeZone: tz,
      today,
      todayAnd7DayAverageKw: {
        plotActual,
        plotAverage,
        plotIdx: Math.min(95, Math.floor((now - dayStart) / 900_000)),
        solarNoon: iso7(dayStart + 12.5 * 3_600_000),
      },
      todayEstimated: expectedToday,
      todayPercent: expectedToday > 0 ? (100 * today) / expectedToday : 0,
      type: 0,
    };
    custom.forEach((v, i) => (row[`customColumnData${i}`] = v));
    return row;
  }

  portfolioView(customerKey: string): Obj {
    if (!this.portfolio.customers.includes(customerKey)) throw new SimHttpError(404, `Customer ${customerKey} was not found.`);
    const now = this.clock.now();
    const indices = this.portfolio.sitesOf(customerKey);
    // Real rows carry 96-point plots; a 5 000-site portfolio with them would be ~13 MB.
    const withPlots = indices.length <= 500;
    return {
      customColumnNames: ["Note 1", "Note 2", "Note 3", "Note 4", "Note 5"],
      key: customerKey,
      lastChanged: isoZ(now),
      merge: true,
      mergeHash: "",
      sites: indices.map((i) => this.portfolioRow(this.portfolio.site(i)!, now, withPlots)),
    };
  }

  /** `GET /api/view/site/{S}`, derived from the (possibly edited) configuration. */
  siteView(key: string): Obj {
    const site = this.site(key);
    const c = this.siteConfig(key);
    const loc = (c.location ?? {}) as Obj;
    const v = clone(VIEW_SITE_TEMPLATE);
    const now = this.clock.now();
    Object.assign(v, {
      key: site.key,
      name: c.name,
      parentKey: c.parentKey,
      address: {
        address1: loc.address1 ?? "",
        address2: loc.address2 ?? "",
        city: loc.city ?? "",
        country: loc.country ?? "",
        postalCode: loc.postalCode ?? "",
        stateProvince: loc.state ?? "",
      },
      latitude: loc.latitude,
      longitude: loc.longitude,
      elevation: loc.elevation,
      capacityAc: c.capacityAc,
      capacityAcUnit: c.capacityAcUnit,
      capacityDc: c.capacityDc,
      capacityDcUnit: c.capacityDcUnit,
      status: site.status,
      estimatedCommissioningDate: String(c.estimatedCommissioningDate ?? ""),
      validDataDate: c.validDataDate,
      lastChanged: c.ts,
      dailyProductionEstimate: site.acKw * 4.3,
      monthlyProductionEstimate: site.acKw * 4.3 * 30.4,
      // The same dates `edit/site` sends bare, here with a "Z".
      monitoringContractStartDate: dayAsZ(String(c.monitoringContractStartDate)),
      monitoringContractEndDate: dayAsZ(String(c.monitoringContractEndDate)),
      monitoringContractWarnDate: dayAsZ(String(c.monitoringContractWarnDate)),
      monitoringContractTerminateDate: dayAsZ(String(c.monitoringContractTerminateDate)),
      cellModemContractStartDate: dayAsZ(String(c.cellModemContractStartDate)),
      cellModemContractEndDate: dayAsZ(String(c.cellModemContractEndDate)),
      cellModemContractWarnDate: dayAsZ(String(c.cellModemContractWarnDate)),
      cellModemContractTerminateDate: dayAsZ(String(c.cellModemContractTerminateDate)),
      monitoringContractStatus: site.contractEndDate < localDate(now, site.location.tz) ? 2 : 0,
    });
    return v;
  }

  protected registers(site: SimSite, h: SimHardware, now: number): Obj[] {
    const dead = h.hardwareStatus === 3;
    const reg = (name: string, value: number | string, unit: number, symbol: string) => {
      const v = dead || value === "NaN" ? "NaN" : value;
      return {
        dataType: 0,
        formattedValue: typeof v === "number" ? formatted(v, symbol) : v === "NaN" ? "\u2013" : v,
        name,
        unit,
        value: v,
      };
    };
    const sitePowerKw = this.portfolio.sitePowerW(site, now) / 1000;
    switch (h.functionCode) {
      case 1: {
        const kw = this.portfolio.inverterPowerW(site, h, now) / 1000;
        return [
          reg("KW", kw, 10, "kW"),
          reg("KWHnet", Math.round(this.portfolio.lifetimeKwh(site, now) * h.share), 11, "kWh"),
          reg("VacA", kw > 0 ? 277 + hash01(site.seed, h.number) * 3 : 0, 2, "V"),
        ];
      }
      case 2:
        return [
          reg("KWHnet", Math.round(this.portfolio.lifetimeKwh(site, now)), 11, "kWh"),
          reg("KW", sitePowerKw, 10, "kW"),
          reg("PowerFactor", sitePowerKw > 0 ? -0.95 : 0, 39, "PF"),
          reg("VacA", 7945.86, 2, "V"),
          reg("IacA", sitePowerKw > 0 ? (sitePowerKw * 1000) / (7945.86 * Math.sqrt(3)) : 0, 4, "A"),
        ];
      case 4: {
        const load = site.acKw * 0.35 * (0.8 + 0.4 * hash01(site.seed, Math.floor(now / 900_000)));
        return [reg("KW", load - sitePowerKw, 10, "kW"), reg("KWHdel", Math.round(site.acKw * 900), 11, "kWh")];
      }
      case 5:
        return [
          reg("POA", this.portfolio.irradiance(site, now), 57, "W/m²"),
          reg("TempModule", 15 + this.portfolio.irradiance(site, now) / 40, 0, "°C"),
        ];
      case 11:
      case 31:
        return [
          reg("DevicePower", 24.1, 2, "V"),
          reg("RSSI", -50 - Math.round(20 * hash01(site.seed, h.number)), 0, " "),
          reg("IP", "NaN", 0, ""),
          reg("MonthlyUsageSIM1", 1794, 1, " "),
        ];
      case 37:
        return [reg("KW", 0, 10, "kW"), reg("SOC", 40 + 50 * hash01(site.seed, Math.floor(now / 3_600_000)), 0, "%")];
      default:
        return [];
    }
  }

  /** `productionView` serialised, made at most once per site and clock minute (and after every hardware edit). */
  productionViewJson(key: string): string {
    const minute = Math.floor(this.clock.now() / 60_000);
    const cached = this.productionCache.get(key);
    if (cached && cached.minute === minute) return cached.json;
    const json = JSON.stringify(this.productionView(key));
    if (this.productionCache.size > 20_000) this.productionCache.clear();
    this.productionCache.set(key, { minute, json });
    return json;
  }

  /** `GET /api/view/sitehardwareproduction/{S}`. */
  productionView(key: string): Obj {
    const site = this.site(key);
    const now = this.clock.now();
    return {
      hardware: site.hardware.map((h) => {
        const label = this.hardwareLabel(h);
        const dead = h.hardwareStatus === 3;
        const registers = this.registers(site, h, now);
        const kw = registers.find((r) => r.name === "KW");
        const lastSuccess = this.lastSuccess(site, h, now);
        return {
          capacityKW: h.functionCode === 11 || h.functionCode === 31 ? null : (h.capacityKw ?? site.acKw),
          communicationResult: dead ? 2 : 0,
          dataRegisters: registers,
          defaultChart: h.functionCode === 2 ? 15 : 0,
          description: label.description,
          deviceImage: {
            contentType: "",
            key: "",
            lastChanged: null,
            name: `${SIM_DEVICE_TYPES[h.functionCode]!.prefix}_V${h.driverId}`,
            uri: `https://www.alsoenergy.com/pub/Images/Device/${h.driverId}.png`,
          },
          functionCode: h.functionCode,
          hardwareStatus: h.hardwareStatus,
          installDate: h.installDate,
          inverterKw: h.functionCode === 1 ? h.inverterKw : 0,
          key: h.key,
          lastAttempt: isoZ(now - 5_000),
          lastChanged: isoZ(this.stamp(site.seed, 40 + h.sort)),
          lastData: kw && typeof kw.value === "number" ? `${(kw.value as number).toFixed(1)} kW` : "",
          lastSuccess: isoZ(lastSuccess),
          name: label.description,
          outOfService: label.outOfService,
          primaryMetric: kw && typeof kw.value === "number" ? `${(kw.value as number).toFixed(1)} kW` : "",
          primaryMetricName: kw ? 2 : 0,
          serialNum: h.serialNum,
          sortOrder: h.sort,
          units: kw ? 10 : 0,
          unitsScale: kw ? 1000 : "NaN",
        };
      }),
      key: site.key,
      lastChanged: isoZ(now),
      timeZone: site.location.tz,
    };
  }

  /** When an offline site's gateway last uploaded: its portfolio row and its devices agree on it. */
  protected offlineSince(): number {
    return this.createdAt - 3 * 86_400_000;
  }

  /** A device's last good read: its site's last upload when the site is offline, long ago when the device alone is dead. */
  protected lastSuccess(site: SimSite, h: SimHardware, now: number): number {
    if (site.status !== 8) return this.offlineSince();
    return h.hardwareStatus === 3 ? this.createdAt - 40 * 86_400_000 : now - 20_000;
  }

  /** `GET /api/view/hardwarestatus/{H}`. */
  statusView(key: string): Obj {
    const { site, hardware: h } = this.hardware(key);
    const now = this.clock.now();
    const dead = h.hardwareStatus === 3;
    const label = this.hardwareLabel(h);
    const values = this.registers(site, h, now);
    const templates = STATUS_REGISTERS_TEMPLATE;
    const registers = values.map((r, i) => ({
      ...clone(templates[i % templates.length]!),
      address: String(i * 2),
      name: r.name,
      localizedName: r.name,
      standardDataName: "",
      units: "",
      value: r.value === "NaN" ? "" : String(r.value),
      canModify: false,
      writeFunction: "",
    }));
    return {
      ...clone(HARDWARE_STATUS_TEMPLATE),
      key: h.key,
      hardwareName: label.description,
      parentKey: site.key,
      lastAttempt: isoZ(now - 5_000),
      lastSuccess: isoZ(this.lastSuccess(site, h, now)),
      lastChanged: isoZ(this.stamp(site.seed, 40 + h.sort)),
      lastCommunication: 0,
      outOfService: label.outOfService,
      outOfServiceUntil: null,
      timeZone: site.location.tz,
      unitId: h.sort,
      registerSets: [{ brokenRegisters: dead ? registers.map((r) => r.name) : [], name: "Data", registers }],
    };
  }
}
