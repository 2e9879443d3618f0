import fc from "fast-check";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { ValidationError } from "../core/errors/index.js";
import type { PowerTrackSimulator } from "../sim/powertrack/index.js";
import type { PowerTrackClient } from "./client.js";
import { parsePanFile, validatePvsystModule, validateReportConfig, type PvsystModule } from "./library-writes.js";
import { simAndClient } from "./test-support/sim-client.js";

/** The module of PowerTrack's documented `POST /api/edit/pvsystmodule` request. */
const DOCUMENTED_MODULE: PvsystModule = {
  manufacturer: "Qcells",
  model: "Q.PEAK DUO XL-G11.3 BFG 595W",
  cellType: 0,
  cellsSeries: 78,
  cellsParallel: 2,
  cellArea: 162,
  isc: 13.77,
  voc: 53.63,
  impp: 13.17,
  vmpp: 45.18,
  muIsc: 0.03957879448075526,
  rShunt: 800,
  rSeries: 0.157,
  rShuntGinc: 3000,
  rShuntExp: 5.5,
  muPMax: -0.34,
};

/** The same module as a PVsyst text file would carry it (muISC in mA/°C, nested blocks, CRLF). */
function panText(m: PvsystModule, technology = "mtSiMono", muISC = m.muIsc * m.isc * 10): string {
  return [
    "PVObject_=pvModule",
    "  Version=7.2.0",
    "  Flags=$00508003",
    "",
    "  PVObject_Commercial=pvCommercial",
    "    Comment=made up for a test",
    "    Flags=$0041",
    `    Manufacturer=${m.manufacturer}`,
    `    Model=${m.model}`,
    "    DataSource=Manufacturer 2023",
    "  End of PVObject pvCommercial",
    "",
    `  Technol=${technology}`,
    `  NCelS=${m.cellsSeries}`,
    `  NCelP=${m.cellsParallel}`,
    "  GRef=1000",
    "  TRef=25.0",
    "  PNom=595.0",
    `  Isc=${m.isc}`,
    `  muISC=${muISC}`,
    `  Voc=${m.voc}`,
    "  muVocSpec=-144.0",
    `  Imp=${m.impp}`,
    `  Vmp=${m.vmpp}`,
    `  muPmpReq=${m.muPMax}`,
    `  RShunt=${m.rShunt}`,
    `  Rp_0=${m.rShuntGinc}`,
    `  Rp_Exp=${m.rShuntExp}`,
    `  RSerie=${m.rSeries}`,
    `  CellArea=${m.cellArea}`,
    "",
    "  PVObject_IAM=pvIAM",
    "    Flags=$00",
    "    IAMMode=UserProfile",
    "    Point_1=0.0,1.00000",
    "  End of PVObject pvIAM",
    "End of PVObject pvModule",
  ].join("\r\n");
}

describe("validatePvsystModule", () => {
  it('accepts the documented module and asks for a new one (key "")', () => {
    expect(validatePvsystModule(DOCUMENTED_MODULE)).toEqual({ ...DOCUMENTED_MODULE, key: "" });
  });

  it.each([
    ["isc", { isc: 0 }],
    ["impp", { impp: 14 }], // above Isc
    ["vmpp", { vmpp: 60 }], // above Voc
    ["cellsSeries", { cellsSeries: 72.5 }],
    ["cellsParallel", { cellsParallel: 0 }],
    ["muIsc", { muIsc: 5.45 }], // mA/°C given where %/°C is meant
    ["muPMax", { muPMax: -34 }],
    ["rShunt", { rShunt: -1 }],
    ["voc", { voc: Number.NaN }],
    ["manufacturer", { manufacturer: "  " }],
    ["model", { model: 12 }],
    ["key", { key: "547" }],
  ])("refuses a bad %s, naming the field", (field, change) => {
    const error = (() => {
      try {
        validatePvsystModule({ ...DOCUMENTED_MODULE, ...change });
      } catch (e) {
        return e;
      }
      return null;
    })();
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).field).toBe(`module.${field}`);
  });

  it("refuses a member PowerTrack does not know unless allowNewFields", () => {
    expect(() => validatePvsystModule({ ...DOCUMENTED_MODULE, muIsC: 0.04 })).toThrow(/muIsC/);
    expect(validatePvsystModule({ ...DOCUMENTED_MODULE, bifacialityFactor: 0.7 }, { allowNewFields: true })).toMatchObject({
      bifacialityFactor: 0.7,
    });
  });
});

describe("parsePanFile", () => {
  it("reads a PVsyst text file into the documented module, converting muISC from mA/°C to %/°C", () => {
    const parsed = parsePanFile(`\uFEFF${panText(DOCUMENTED_MODULE, "mtSiMono", 5.45)}`);
    // 5.45 mA/°C on 13.77 A is PowerTrack's documented 0.03957879448075526 %/°C (to the last bit or so).
    expect(parsed).toEqual({ ...DOCUMENTED_MODULE, muIsc: expect.closeTo(DOCUMENTED_MODULE.muIsc, 15) as number });
  });

  it("needs cellType for a technology whose PowerTrack code is unknown, and takes it when given", () => {
    expect(() => parsePanFile(panText(DOCUMENTED_MODULE, "mtCdTe"))).toThrow(/cellType/);
    expect(parsePanFile(panText(DOCUMENTED_MODULE, "mtCdTe"), { cellType: 3 }).cellType).toBe(3);
  });

  it("refuses what is not a PVsyst text file, and names a missing value", () => {
    expect(() => parsePanFile("\u0000\u0001binary")).toThrow(ValidationError);
    expect(() => parsePanFile(panText(DOCUMENTED_MODULE).replace(/\s*Voc=.*\r\n/, "\r\n"))).toThrow(/no numeric Voc/);
  });

  it("round-trips any valid module through the PVsyst text form", () => {
    const positive = (min: number, max: number) => fc.double({ min, max, noNaN: true, noDefaultInfinity: true });
    const module = fc
      .record({
        manufacturer: fc.stringMatching(/^[A-Za-z][A-Za-z0-9 .-]{0,20}[A-Za-z0-9]$/),
        model: fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9 ./-]{0,30}[A-Za-z0-9]$/),
        cellsSeries: fc.integer({ min: 1, max: 200 }),
        cellsParallel: fc.integer({ min: 1, max: 6 }),
        cellArea: positive(1, 400),
        isc: positive(0.5, 30),
        voc: positive(1, 120),
        share: positive(0.5, 0.99),
        muIsc: positive(0.001, 0.1),
        rShunt: positive(1, 5000),
        rSeries: positive(0, 2),
        rShuntGinc: positive(1, 20000),
        rShuntExp: positive(1, 10),
        muPMax: positive(-0.6, -0.1),
      })
      .map(({ share, ...m }): PvsystModule => ({ ...m, cellType: 0, impp: m.isc * share, vmpp: m.voc * share }));
    fc.assert(
      fc.property(module, (m) => {
        const parsed = parsePanFile(panText(m));
        expect(validatePvsystModule(parsed)).toBeTruthy();
        expect({ ...parsed, muIsc: 0 }).toEqual({ ...m, muIsc: 0 });
        expect(parsed.muIsc).toBeCloseTo(m.muIsc, 9);
      }),
      { numRuns: 300 },
    );
  });
});

describe("validateReportConfig", () => {
  const config = {
    reportTitle: "Portfolio PV Model Setup",
    parentKey: "D97742",
    sourceItems: [{ key: "C8458", indexMap: 0 }],
    queryItems: [],
    reportFileType: 54,
  };

  it("asks for a new configuration and keeps the report-specific members as given", () => {
    expect(validateReportConfig(config)).toEqual({ ...config, key: "", lastChanged: null });
  });

  it.each([
    ["config.reportTitle", { reportTitle: "" }],
    ["config.parentKey", { parentKey: "folder 1" }],
    ["config.sourceItems", { sourceItems: [] }],
    ["config.sourceItems[0].key", { sourceItems: [{ key: "x", indexMap: 0 }] }],
    ["config.sourceItems[0].indexMap", { sourceItems: [{ key: "C1", indexMap: -1 }] }],
    ["config.queryItems", { queryItems: {} }],
    ["config.key", { key: "RC3004" }],
  ])("refuses a bad %s", (field, change) => {
    expect(() => validateReportConfig({ ...config, ...change })).toThrow(
      expect.objectContaining({ name: "ValidationError", field }) as Error,
    );
  });
});

describe("library creates against the simulator", () => {
  let sim: PowerTrackSimulator;
  let client: PowerTrackClient;
  beforeAll(async () => {
    ({ sim, client } = await simAndClient({ sites: 3, seed: 5 }));
  });
  afterAll(async () => {
    client.close();
    await sim.close();
  });
  beforeEach(() => sim.http.clearRequests());
  const posts = (path: string) => sim.http.requests.filter((r) => r.method === "POST" && r.path === path);

  it("uploadPanData: posts the module once, finds its new id in the module list, and does not add it twice", async () => {
    const site = sim.sites[0]!;
    const module = { ...DOCUMENTED_MODULE, model: "Q.PEAK DUO test 1" };
    const result = await client.uploadPanData(module, { verifyKey: site });
    expect(result).toMatchObject({ status: "applied", sent: true, taken: true, response: {} });
    expect(typeof result.createdKey).toBe("number");
    expect(posts("/api/edit/pvsystmodule")).toHaveLength(1);
    expect(JSON.parse(posts("/api/edit/pvsystmodule")[0]!.body)).toEqual({ ...module, key: "" });
    const listed = await client.getPvsystModules({ siteId: site });
    expect(listed).toContainEqual({ name: "Qcells, Q.PEAK DUO test 1", value: result.createdKey });

    const again = await client.uploadPanData(module, { verifyKey: site });
    expect(again).toMatchObject({ status: "alreadyApplied", sent: false, createdKey: result.createdKey });
    expect(posts("/api/edit/pvsystmodule")).toHaveLength(1);
  });

  it("uploadPanData: takes PAN text, dry-runs without sending, and refuses bad input before sending", async () => {
    const dry = await client.uploadPanData(panText({ ...DOCUMENTED_MODULE, model: "From PAN" }), { dryRun: true });
    expect(dry).toMatchObject({ status: "dryRun", sent: false, request: { model: "From PAN", cellsSeries: 78 } });
    await expect(client.uploadPanData({ ...DOCUMENTED_MODULE, impp: 20 })).rejects.toBeInstanceOf(ValidationError);
    await expect(client.uploadPanData(DOCUMENTED_MODULE, { verifyKey: "C1" })).rejects.toBeInstanceOf(ValidationError);
    expect(posts("/api/edit/pvsystmodule")).toHaveLength(0);
  });

  it("uploadPanData: a lost answer is reported as sent (not retried), and a re-run finds the module instead of adding it again", async () => {
    const site = sim.sites[1]!;
    const module = { ...DOCUMENTED_MODULE, model: "Lost answer" };
    const remove = sim.http.faults.add({ method: "POST", path: "/api/edit/pvsystmodule", kinds: ["lostResponse"], times: 1 });
    try {
      const result = await client.uploadPanData(module, { verifyKey: site });
      expect(result).toMatchObject({ status: "failed", sent: true, taken: null });
      expect(result.error?.name).toBe("ConnectionError");
    } finally {
      remove();
    }
    expect(posts("/api/edit/pvsystmodule")).toHaveLength(1);
    await expect(client.uploadPanData(module, { verifyKey: site })).resolves.toMatchObject({ status: "alreadyApplied", sent: false });
    expect(posts("/api/edit/pvsystmodule")).toHaveLength(1);
  });

  it("uploadPanData: a server error after sending is a failed, sent result with the status; never retried", async () => {
    const remove = sim.http.faults.add({ method: "POST", path: "/api/edit/pvsystmodule", kinds: ["http503"], times: 5 });
    try {
      const result = await client.uploadPanData({ ...DOCUMENTED_MODULE, model: "Refused" });
      expect(result).toMatchObject({ status: "failed", sent: true, error: { status: 503 } });
    } finally {
      remove();
    }
    expect(posts("/api/edit/pvsystmodule")).toHaveLength(1);
  });

  it("createReportConfig: posts once, finds the new key under its source, refuses a second one of the same title", async () => {
    const customer = sim.state.portfolio.customers[0]!;
    const template = await client.getReportConfigTemplate(customer, 0);
    expect(template).toMatchObject({ key: "", sourceItems: [{ key: customer, indexMap: 0 }] });
    const config = { ...template, reportTitle: "Monthly PV model check", parentKey: "D97742" };
    const result = await client.createReportConfig(config);
    expect(result).toMatchObject({ status: "applied", sent: true, taken: true, response: {} });
    expect(result.createdKey).toMatch(/^RC\d+$/);
    expect(posts("/api/reportconfig")).toHaveLength(1);
    const listed = await client.getReportConfigs(customer);
    expect(listed.list).toContainEqual(expect.objectContaining({ key: result.createdKey, name: "Monthly PV model check" }));

    await expect(client.createReportConfig(config)).resolves.toMatchObject({
      status: "alreadyApplied",
      sent: false,
      createdKey: result.createdKey,
    });
    await expect(client.createReportConfig(config, { allowDuplicate: true, dryRun: true })).resolves.toMatchObject({
      status: "dryRun",
      sent: false,
    });
    await expect(client.createReportConfig({ ...config, parentKey: "" })).rejects.toBeInstanceOf(ValidationError);
    await expect(client.getReportConfigTemplate("S1")).rejects.toBeInstanceOf(ValidationError);
    expect(posts("/api/reportconfig")).toHaveLength(1);
  });

  it("bulkUpdateHardware (the SDK's name) edits the site's hardware list through the documented PUT /api/edit/sitehardware", async () => {
    const site = sim.sites[2]!;
    const [first] = (await client.getSiteHardware(site)).hardware as Array<{ hardwareKey: string }>;
    const result = await client.bulkUpdateHardware(site, [{ hardwareKey: first!.hardwareKey, description: "Renamed in bulk" }]);
    expect(result).toMatchObject({ status: "applied", sent: true, taken: true });
    expect(sim.http.requests.filter((r) => r.method === "PUT").map((r) => r.path)).toEqual(["/api/edit/sitehardware"]);
    // The SDK's rows name devices by numeric hid.
    const hid = Number(first!.hardwareKey.slice(1));
    const byHid = await client.bulkUpdateHardware(site, [{ hid, description: "Renamed by hid" }], { dryRun: true });
    expect(byHid.changes).toEqual([
      { field: `hardware[hardwareKey=${first!.hardwareKey}].description`, before: "Renamed in bulk", after: "Renamed by hid" },
    ]);
    await expect(client.bulkUpdateHardware(site, [{ hid: -1, description: "x" }])).rejects.toBeInstanceOf(ValidationError);
  });
});
