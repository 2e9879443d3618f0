import { bool, list, num, str, z } from "./common.js";

export const chartSeries = z.looseObject({
  name: str,
  key: str,
  header: str,
  color: str,
  lineColor: str,
  lineType: num,
  lineWidth: num,
  customUnit: str,
  units: num,
  visible: bool,
  rightAxis: bool,
  yAxisIndex: num,
  yMin: num,
  yMax: num,
  dataMin: num,
  dataMax: num,
  /** Points that are not objects are dropped (the SDK did the same); x is epoch ms. */
  dataXy: list(z.unknown()),
});

/** `POST /api/view/chart` */
export const chartBody = z.looseObject({
  key: str,
  binSize: num,
  start: str,
  end: str,
  lastChanged: str,
  lastDataDatetime: str,
  dataNotAvailable: bool,
  errorString: str,
  isUsingDaylightSavings: bool,
  hardwareKeys: list(z.string()),
  namedResults: z.record(z.string(), num).nullish(),
  series: list(chartSeries),
  summaryTable: list(z.array(z.unknown())),
});
export type ChartBody = z.output<typeof chartBody>;

export const chartPoint = z.looseObject({ x: num, y: num });
