import { registersOf } from "../../goodwe/protocol/bytes.js";

/**
 * The simulated inverter's registers: a sparse map of 16-bit values. A register that is not in
 * the map does not exist, and a read or write touching it answers Modbus exception 2 (ILLEGAL DATA
 * ADDRESS), as firmware without that feature does. Tests use `get`/`set` to inspect and poke.
 */
export class RegisterMap {
  private readonly values = new Map<number, number>();
  private readonly readOnly = new Set<number>();

  has(register: number): boolean {
    return this.values.has(register);
  }

  /** The register's unsigned value, or undefined when it does not exist. */
  get(register: number): number | undefined {
    return this.values.get(register);
  }

  /** The register's value as a signed 16-bit number. */
  getSigned(register: number): number | undefined {
    const v = this.values.get(register);
    return v === undefined ? undefined : v & 0x8000 ? v - 0x10000 : v;
  }

  /** Sets (creates) a register; `value` may be signed, it is stored as its 16 bits. */
  set(register: number, value: number): void {
    this.values.set(register, Math.round(value) & 0xffff);
  }

  /** Removes a register (reads and writes of it then answer exception 2). */
  delete(register: number): void {
    this.values.delete(register);
  }

  /** Marks registers as read-only: writes to them answer exception 2 (as measurement registers do). */
  protect(first: number, count: number): void {
    for (let r = first; r < first + count; r++) this.readOnly.add(r);
  }

  isWritable(register: number): boolean {
    return this.values.has(register) && !this.readOnly.has(register);
  }

  /** Creates registers from big-endian bytes. */
  load(first: number, bytes: Uint8Array): void {
    registersOf(bytes).forEach((v, i) => this.set(first + i, v));
  }

  /** The bytes of `count` registers, or the first missing register. */
  read(first: number, count: number): Uint8Array | { missing: number } {
    const out = new Uint8Array(count * 2);
    for (let i = 0; i < count; i++) {
      const v = this.values.get(first + i);
      if (v === undefined) return { missing: first + i };
      out[2 * i] = v >>> 8;
      out[2 * i + 1] = v & 0xff;
    }
    return out;
  }

  setU32(register: number, value: number): void {
    const v = Math.round(value) >>> 0;
    this.set(register, v >>> 16);
    this.set(register + 1, v & 0xffff);
  }

  setS32(register: number, value: number): void {
    this.setU32(register, Math.round(value) | 0);
  }

  setF32(register: number, value: number): void {
    const view = new DataView(new ArrayBuffer(4));
    view.setFloat32(0, value, false);
    this.set(register, view.getUint16(0, false));
    this.set(register + 1, view.getUint16(2, false));
  }

  /** A copy of every register, for inspection. */
  snapshot(): Map<number, number> {
    return new Map(this.values);
  }
}
