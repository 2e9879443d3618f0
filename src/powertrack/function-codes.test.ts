import { describe, expect, it } from "vitest";
import { capacityToKw, FUNCTION_CODES, functionCodesHelp, hardwareTypeName } from "./function-codes.js";

describe("function codes", () => {
  it("functionCodesHelp lists every known code with its name, one per line, in code order", () => {
    const lines = functionCodesHelp().split("\n");
    expect(lines).toHaveLength(Object.keys(FUNCTION_CODES).length);
    expect(lines[0]).toBe(" 1  Inverter");
    expect(lines).toContain("10  Gateway");
    expect(lines.at(-1)).toBe("37  BESS Meter");
    const codes = lines.map((l) => Number(l.trim().split(/\s+/)[0]));
    expect(codes).toEqual([...codes].sort((a, b) => a - b));
  });

  it("names unknown codes and converts capacities by unit code", () => {
    expect(hardwareTypeName(99)).toBe("Type 99");
    expect(hardwareTypeName(null)).toBe("Unknown");
    expect(capacityToKw(2.623, 12)).toBeCloseTo(2623);
    expect(capacityToKw(5, 11)).toBeNull();
  });
});
